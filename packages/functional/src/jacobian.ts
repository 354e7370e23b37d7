/**
 * @file Jacobian and Hessian matrices of traced functions, computed lazily. A line (a column in
 * forward mode, a row in reverse mode) is computed the first time an index needs it. All the
 * missing lines of one index go into one batched execution, and are then cached.
 */
import { ArgumentError, NDArray, allocTypedArray, formatShape, formatValue, numel, type DType, type Shape, type TensorType } from '@primgrad/ir';
import { vjpPrepared, type SingleValue, type TensorOutput } from './api.js';
import type { FunctionalOptions } from './context.js';
import { resolveIndex, type Index } from './indexing.js';
import { Linearization, splitLinearization } from './partial.js';
import type { Mode } from './pipeline.js';
import { inputList, prepare, requireScalarOutput, type Prepared } from './prepare.js';
import type { Tensor } from './tensor.js';
import { resultDType, type Input } from './values.js';

export interface JacobianOptions extends FunctionalOptions {
  /**
   * Treat the first axis of every input and output as a batch axis of one shared size B. The
   * matrix is then [B, N, M]: entry [b, i, j] is the derivative of element i of batch element
   * b's flattened outputs by element j of its flattened inputs. func must treat batch elements
   * independently, because derivatives across batch elements are not computed.
   */
  readonly isBatched?: boolean;
  /**
   * forward computes columns (one tangent per input element), reverse computes rows (one
   * cotangent per output element). The default is forward when the inputs have no more
   * elements than the outputs, else reverse.
   */
  readonly mode?: Mode;
  /**
   * The maximum number of lines one execution computes. Without it, every line an index needs
   * is computed in one execution, with a batch of that many vectors.
   */
  readonly maxBatchSize?: number;
}

/** Computes the sizes of the flattened entries (per batch element when batched) and their offsets in the concatenation. */
function layout(types: readonly TensorType[], batched: boolean): { sizes: number[]; offsets: number[]; total: number } {
  const sizes = types.map((t) => numel(batched ? t.shape.slice(1) : t.shape));
  const offsets: number[] = [];
  let total = 0;
  for (const size of sizes) {
    offsets.push(total);
    total += size;
  }
  return { sizes, offsets, total };
}

/** Checks the batch convention and returns the batch size. */
function batchSize(api: string, prepared: Prepared): number {
  const entries = [
    ...prepared.inputTypes.map((t, i) => ({ t, name: prepared.inputNames[i]! })),
    ...prepared.traced.outputs.map((t, i) => ({ t, name: prepared.traced.returnsList ? `output ${i}` : 'the output' })),
  ];
  for (const { t, name } of entries) {
    if (t.shape.length === 0) {
      throw new ArgumentError(
        `${api}: with isBatched, every input and output needs a leading batch axis, but ${name} has shape ${formatShape(t.shape)}.`,
      );
    }
  }
  const first = entries[0]!;
  const size = first.t.shape[0]!;
  for (const { t, name } of entries) {
    if (t.shape[0] !== size) {
      throw new ArgumentError(
        `${api}: with isBatched, every input and output must have the same batch size (first dim), but ` +
          `${first.name} has shape ${formatShape(first.t.shape)} and ${name} has shape ${formatShape(t.shape)}.`,
      );
    }
  }
  return size;
}

/**
 * The Jacobian of func at xs, with inputs and outputs flattened and concatenated: shape [N, M]
 * for N output elements and M input elements, or [B, N, M] with `isBatched`. Lines are
 * computed on demand by `get` and cached, so a second access to them runs nothing.
 */
export class Jacobian {
  /** [N, M], or [B, N, M] when batched. */
  readonly shape: readonly number[];
  /** float64 when any input or output is float64, else float32. */
  readonly dtype: DType;
  /** Whether lines are columns (forward) or rows (reverse). */
  readonly mode: Mode;
  readonly isBatched: boolean;

  private readonly prepared: Prepared;
  private readonly batch: number;
  private readonly inputs: ReturnType<typeof layout>;
  private readonly outputs: ReturnType<typeof layout>;
  private readonly lines = new Map<number, Float64Array>();
  private readonly maxBatchSize: number;
  private linearization: Linearization | undefined;

  constructor(
    func: (...xs: Tensor[]) => TensorOutput,
    xs: SingleValue | readonly Input[],
    options: JacobianOptions = {},
    api = 'Jacobian',
  ) {
    const prepared = prepare(api, func, inputList(xs), options);
    if (prepared.outer) {
      throw new ArgumentError(
        `${api}: xs contains traced tensors. ${api} computes a concrete matrix, so create it outside traced functions; ` +
          'inside them, use jvp, vjp or grad.',
      );
    }
    this.prepared = prepared;
    if (options.isBatched !== undefined && typeof options.isBatched !== 'boolean') {
      throw new ArgumentError(`${api}: options.isBatched must be true or false, got ${formatValue(options.isBatched)}.`);
    }
    this.isBatched = options.isBatched === true;
    this.batch = this.isBatched ? batchSize(api, prepared) : 1;
    this.inputs = layout(prepared.inputTypes, this.isBatched);
    this.outputs = layout(prepared.traced.outputs, this.isBatched);
    const matrix = [this.outputs.total, this.inputs.total];
    this.shape = Object.freeze(this.isBatched ? [this.batch, ...matrix] : matrix);
    this.dtype = resultDType([...prepared.inputTypes, ...prepared.traced.outputs]);
    if (options.mode !== undefined && options.mode !== 'forward' && options.mode !== 'reverse') {
      throw new ArgumentError(`${api}: options.mode must be 'forward' or 'reverse', got ${JSON.stringify(options.mode)}.`);
    }
    this.mode = options.mode ?? (this.inputs.total <= this.outputs.total ? 'forward' : 'reverse');
    const maxBatchSize = options.maxBatchSize ?? Infinity;
    if (maxBatchSize !== Infinity && (!Number.isInteger(maxBatchSize) || maxBatchSize < 1)) {
      throw new ArgumentError(`${api}: options.maxBatchSize must be a positive integer, got ${JSON.stringify(options.maxBatchSize)}.`);
    }
    this.maxBatchSize = maxBatchSize;
  }

  /** How many lines (columns in forward mode, rows in reverse mode) have been computed. */
  get computedLines(): number {
    return this.lines.size;
  }

  /**
   * Returns the entries at `index`, one index per axis (missing trailing ones select the whole
   * axis): an int (negative counts from the end) drops its axis, a range [start, stop] or
   * { start, stop, step } keeps it, null keeps all of it. Computes the lines it needs that are
   * not cached yet, in one batched execution.
   */
  get(...index: Index[]): NDArray {
    const api = `${this.prepared.api}.get`;
    if (index.length > this.shape.length) {
      throw new ArgumentError(`${api}: got ${index.length} indices for a matrix of shape ${formatShape(this.shape)}.`);
    }
    const resolved = this.shape.map((size, axis) => resolveIndex(index[axis], size, axis, api));
    const lineAxis = this.shape.length - (this.mode === 'forward' ? 1 : 2);
    this.computeLines(resolved[lineAxis]!.positions);

    const resultShape = resolved.filter((r) => r.keep).map((r) => r.positions.length);
    const out = allocTypedArray(this.dtype, numel(resultShape));
    const at = new Array<number>(this.shape.length).fill(0);
    let k = 0;
    const visit = (axis: number): void => {
      if (axis === this.shape.length) {
        out[k++] = this.entry(at);
        return;
      }
      for (const p of resolved[axis]!.positions) {
        at[axis] = p;
        visit(axis + 1);
      }
    };
    visit(0);
    return new NDArray(this.dtype, resultShape, out);
  }

  /** Returns the whole matrix. */
  value(): NDArray {
    return this.get();
  }

  private entry(at: readonly number[]): number {
    const [b, i, j] = this.isBatched ? (at as [number, number, number]) : [0, at[0]!, at[1]!];
    return this.mode === 'forward'
      ? this.lines.get(j)![b * this.outputs.total + i]!
      : this.lines.get(i)![b * this.inputs.total + j]!;
  }

  private computeLines(positions: readonly number[]): void {
    const missing = [...new Set(positions)].filter((p) => !this.lines.has(p));
    for (let start = 0; start < missing.length; start += this.maxBatchSize) {
      this.computeBatch(missing.slice(start, start + this.maxBatchSize));
    }
  }

  /** Computes the lines at `missing` in one execution of the batched linear part. */
  private computeBatch(missing: readonly number[]): void {
    this.linearization ??= new Linearization(
      splitLinearization(this.prepared.traced, this.prepared.ctx, this.mode),
      this.prepared.ctx,
      this.prepared.eager!,
    );
    const forward = this.mode === 'forward';
    const from = forward ? this.inputs : this.outputs;
    const to = forward ? this.outputs : this.inputs;
    const fromTypes = forward ? this.prepared.inputTypes : this.prepared.traced.outputs;
    const stacked = fromTypes.map((t, k) => this.basisVectors(t, from.offsets[k]!, from.sizes[k]!, missing));
    const results = this.linearization.apply(stacked, missing.length);

    missing.forEach((position, c) => {
      const line = new Float64Array(this.batch * to.total);
      results.forEach((result, k) => {
        const size = to.sizes[k]!;
        const base = c * this.batch * size;
        for (let b = 0; b < this.batch; b++) {
          const target = b * to.total + to.offsets[k]!;
          for (let e = 0; e < size; e++) line[target + e] = result.data[base + b * size + e]!;
        }
      });
      this.lines.set(position, line);
    });
  }

  /**
   * Stacks one unit vector per line in `positions` for an entry of type `t`, which covers
   * positions [offset, offset + size) of the concatenation. Every batch element gets the unit vector.
   */
  private basisVectors(t: TensorType, offset: number, size: number, positions: readonly number[]): NDArray {
    const shape: Shape = [positions.length, ...t.shape];
    const data = allocTypedArray(t.dtype, numel(shape));
    positions.forEach((position, c) => {
      const local = position - offset;
      if (local < 0 || local >= size) return;
      for (let b = 0; b < this.batch; b++) data[(c * this.batch + b) * size + local] = 1;
    });
    return new NDArray(t.dtype, shape, data);
  }
}

const gradientFunctions = new WeakMap<Function, Map<boolean, (...xs: Tensor[]) => Tensor[]>>();

/** Returns the traced gradient of `func` that Hessian differentiates, creating one per func and batch flag. */
function gradientOf(func: (...xs: Tensor[]) => TensorOutput, batched: boolean): (...xs: Tensor[]) => Tensor[] {
  let byFlag = gradientFunctions.get(func);
  if (!byFlag) {
    byFlag = new Map();
    gradientFunctions.set(func, byFlag);
  }
  let gradient = byFlag.get(batched);
  if (!gradient) {
    gradient = (...xs: Tensor[]): Tensor[] => {
      const prepared = prepare('Hessian', func, { items: xs, isList: true, name: 'xs' }, undefined);
      requireScalarOutput('Hessian', prepared.traced, batched);
      // With a batch, the cotangent of ones sums the batch elements' outputs, whose gradients are independent.
      return vjpPrepared(prepared, undefined)[1] as Tensor[];
    };
    byFlag.set(batched, gradient);
  }
  return gradient;
}

/**
 * The Hessian of func at xs, for a func with one single-element output (one element per batch
 * element with `isBatched`): the Jacobian of its gradient, [M, M] or [B, M, M], with the inputs
 * flattened and concatenated.
 */
export class Hessian extends Jacobian {
  constructor(func: (...xs: Tensor[]) => TensorOutput, xs: SingleValue | readonly Input[], options: JacobianOptions = {}) {
    if (typeof func !== 'function') {
      throw new ArgumentError(`Hessian: func must be a function of traced tensors, got ${func === null ? 'null' : typeof func}.`);
    }
    super(gradientOf(func, options.isBatched === true), xs, options, 'Hessian');
  }
}

/** Same as `new Jacobian(func, xs, options)`. */
export function jacobian(func: (...xs: Tensor[]) => TensorOutput, xs: SingleValue | readonly Input[], options?: JacobianOptions): Jacobian {
  return new Jacobian(func, xs, options);
}

/** Same as `new Hessian(func, xs, options)`. */
export function hessian(func: (...xs: Tensor[]) => TensorOutput, xs: SingleValue | readonly Input[], options?: JacobianOptions): Hessian {
  return new Hessian(func, xs, options);
}
