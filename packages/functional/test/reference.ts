/**
 * Plain-JS reference math for the tests: finite differences on functions of flat Float64Arrays,
 * written without primgrad, so derivatives are checked against an independent computation.
 */

/** A function of flat inputs that returns its outputs flattened and concatenated. */
export type FlatFunction = (xs: readonly Float64Array[]) => number[];

export function flat(value: unknown): Float64Array {
  const out: number[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else out.push(Number(v));
  };
  walk(value);
  return Float64Array.from(out);
}

function perturbed(xs: readonly Float64Array[], input: number, index: number, delta: number): Float64Array[] {
  return xs.map((x, k) => {
    if (k !== input) return x;
    const copy = Float64Array.from(x);
    copy[index] = copy[index]! + delta;
    return copy;
  });
}

/** Positions of the concatenated flat inputs, as [input, index] pairs. */
function positions(xs: readonly Float64Array[]): [number, number][] {
  return xs.flatMap((x, k) => Array.from(x, (_, i) => [k, i] as [number, number]));
}

/** Computes the N×M Jacobian of `f` at `xs` by central differences. */
export function finiteDifferenceJacobian(f: FlatFunction, xs: readonly Float64Array[], h = 1e-6): number[][] {
  const columns = positions(xs).map(([k, i]) => {
    const up = f(perturbed(xs, k, i, h));
    const down = f(perturbed(xs, k, i, -h));
    return up.map((u, r) => (u - down[r]!) / (2 * h));
  });
  return columns[0]!.map((_, r) => columns.map((c) => c[r]!));
}

/** Computes the M×M Hessian of a scalar `f` at `xs` by second-order central differences. */
export function finiteDifferenceHessian(f: (xs: readonly Float64Array[]) => number, xs: readonly Float64Array[], h = 1e-4): number[][] {
  const at = positions(xs);
  return at.map(([k1, i1]) =>
    at.map(([k2, i2]) => {
      const shift = (s1: number, s2: number) => f(perturbed(perturbed(xs, k1, i1, s1 * h), k2, i2, s2 * h));
      return (shift(1, 1) - shift(1, -1) - shift(-1, 1) + shift(-1, -1)) / (4 * h * h);
    }),
  );
}

/**
 * Cuts the per-batch-element blocks out of a Jacobian of all elements at once. Entry k of
 * `inSizes`/`outSizes` is the per-element size of input or output k; `batch` is B.
 */
export function batchBlocks(full: number[][], batch: number, outSizes: readonly number[], inSizes: readonly number[]): number[][][] {
  const index = (sizes: readonly number[], b: number): number[] => {
    const out: number[] = [];
    let base = 0;
    for (const size of sizes) {
      for (let e = 0; e < size; e++) out.push(base + b * size + e);
      base += batch * size;
    }
    return out;
  };
  return Array.from({ length: batch }, (_, b) => index(outSizes, b).map((r) => index(inSizes, b).map((c) => full[r]![c]!)));
}

/** Row-major product of an m×k and a k×n matrix. */
export function matmulRef(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) out[i * n + j] += a[i * k + p]! * b[p * n + j]!;
  return out;
}

export function sumOf(a: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]!;
  return sum;
}

export function identity(n: number, scale = 1): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? scale : 0)));
}
