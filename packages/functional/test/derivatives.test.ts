import { describe, expect, it } from 'vitest';
import { Hessian, Jacobian, grad, jvp, vjp, type Tensor, type TensorOutput } from '../src/index.js';
import fixtures from './fixtures/closed_forms.json';
import { counted, expectClose } from './helpers.js';
import {
  batchBlocks,
  finiteDifferenceHessian,
  finiteDifferenceJacobian,
  flat,
  matmulRef,
  sumOf,
  type FlatFunction,
} from './reference.js';

type FixtureName = keyof typeof fixtures;

interface JacobianCase {
  readonly name: FixtureName;
  readonly func: (...xs: Tensor[]) => TensorOutput;
  /** The same function in plain JS, on flat inputs, returning flat concatenated outputs. */
  readonly reference: FlatFunction;
  /** Per-batch-element sizes of the outputs and inputs, for batched cases. */
  readonly batch?: { size: number; outSizes: number[]; inSizes: number[] };
}

const jacobianCases: JacobianCase[] = [
  {
    name: 'matmul_and_sine',
    func: (x, y) => [x.matmul(y), x.sin().mul(2)],
    reference: ([x, y]) => [...matmulRef(x!, y!, 2, 3, 2), ...Array.from(x!, (v) => 2 * Math.sin(v))],
  },
  {
    name: 'batched_tanh_and_squares',
    func: (x, y) => [x.mul(y).tanh(), x.mul(x).sum(1)],
    reference: ([x, y]) => [
      ...Array.from(x!, (v, i) => Math.tanh(v * y![i]!)),
      ...[0, 1, 2].map((b) => x![2 * b]! ** 2 + x![2 * b + 1]! ** 2),
    ],
    batch: { size: 3, outSizes: [2, 1], inSizes: [2, 2] },
  },
];

describe('Jacobian against closed forms and finite differences', () => {
  for (const c of jacobianCases) {
    const fixture = fixtures[c.name] as { inputs: number[][][]; jacobian: unknown };
    const finite = finiteDifferenceJacobian(c.reference, fixture.inputs.map(flat));
    const expectedByFiniteDifferences = c.batch ? batchBlocks(finite, c.batch.size, c.batch.outSizes, c.batch.inSizes) : finite;

    it.each(['forward', 'reverse'] as const)(`${c.name}, %s mode`, (mode) => {
      const J = new Jacobian(c.func, fixture.inputs, { isBatched: c.batch !== undefined, mode });
      const value = J.value();

      expectClose(value, fixture.jacobian, 1e-12);
      expectClose(value, expectedByFiniteDifferences, 1e-7);
    });
  }
});

interface HessianCase {
  readonly name: FixtureName;
  readonly func: (...xs: Tensor[]) => TensorOutput;
  /** The scalar function of one batch element (or of all inputs when unbatched), in plain JS. */
  readonly reference: (xs: readonly Float64Array[]) => number;
  /** The batch size; each input's leading axis when set. */
  readonly batch?: number;
}

const hessianCases: HessianCase[] = [
  {
    name: 'sine_times_square_sum',
    func: (x, y) => x.sin().sum().mul(y.matmul(y).sum()).add(x.pow(3).sum()),
    reference: ([x, y]) => sumOf(Array.from(x!, Math.sin)) * sumOf(matmulRef(y!, y!, 2, 2, 2)) + sumOf(Array.from(x!, (v) => v ** 3)),
  },
  {
    name: 'batched_exp_and_square_of_sum',
    func: (x) => x.exp().mul(x).sum(1).add(x.sum(1).mul(x.sum(1))),
    reference: ([x]) => sumOf(Array.from(x!, (v) => Math.exp(v) * v)) + sumOf(x!) ** 2,
    batch: 2,
  },
  {
    name: 'batched_product',
    func: (x, y) => x.mul(y).mul(y).sum(1),
    reference: ([x, y]) => sumOf(Array.from(x!, (v, i) => v * y![i]! * y![i]!)),
    batch: 2,
  },
];

/** Row b of each input, flattened, for the per-element reference. */
function elementInputs(inputs: number[][][], b: number): Float64Array[] {
  return inputs.map((x) => flat(x[b]));
}

describe('Hessian against closed forms and finite differences', () => {
  for (const c of hessianCases) {
    const fixture = fixtures[c.name] as { inputs: number[][][]; hessian: unknown };
    const expectedByFiniteDifferences =
      c.batch === undefined
        ? finiteDifferenceHessian(c.reference, fixture.inputs.map(flat))
        : Array.from({ length: c.batch }, (_, b) => finiteDifferenceHessian(c.reference, elementInputs(fixture.inputs, b)));

    it.each(['forward', 'reverse'] as const)(`${c.name}, %s mode`, (mode) => {
      const H = new Hessian(c.func, fixture.inputs, { isBatched: c.batch !== undefined, mode });
      const value = H.value();

      expectClose(value, fixture.hessian, 1e-12);
      expectClose(value, expectedByFiniteDifferences, 1e-5);
    });
  }
});

describe('batch convention', () => {
  it('has shape [B, N, M] with the batch axis first', () => {
    const fixture = fixtures.batched_tanh_and_squares;
    const J = new Jacobian(jacobianCases[1]!.func, fixture.inputs, { isBatched: true });

    // B = 3; per element, N = 2 + 1 outputs and M = 2 + 2 inputs.
    expect(J.shape).toEqual([3, 3, 4]);
    expect(J.value().shape).toEqual([3, 3, 4]);
  });

  it('unbatched view of the same function is block diagonal', () => {
    const fixture = fixtures.batched_tanh_and_squares;
    const batched = new Jacobian(jacobianCases[1]!.func, fixture.inputs, { isBatched: true }).value().toNested() as number[][][];
    const full = new Jacobian(jacobianCases[1]!.func, fixture.inputs).value().toNested() as number[][];

    expect(full.length).toBe(9);
    expect(full[0]!.length).toBe(12);
    expectClose(batchBlocks(full, 3, [2, 1], [2, 2]), batched, 1e-14);
    // tanh output element (b = 0, e = 0) does not depend on x of batch element 1.
    expect(full[0]![2]).toBe(0);
  });
});

describe('higher order by composition', () => {
  const x0 = [0.4, -1.2, 2.1];
  const u = [0.3, -1, 2];
  const v = [1, 0.5, -0.25];

  const cases = [
    {
      // f = sum(sin x): f''' is diagonal with -cos(x_i), so d/dx (H v) along u is -cos(x_i) u_i v_i.
      name: 'sum(sin x)',
      f: (x: Tensor) => x.sin().sum(),
      third: () => x0.map((xi, i) => -Math.cos(xi) * u[i]! * v[i]!),
    },
    {
      // f = (sum x)³: every third derivative is 6, so each entry is 6 (Σu)(Σv).
      name: '(sum x)³',
      f: (x: Tensor) => x.sum().pow(3),
      third: () => x0.map(() => 6 * sumOf(u) * sumOf(v)),
    },
  ];

  it.each(cases)('jvp of a Hessian-vector product of $name', ({ f, third }) => {
    const hessianVectorProduct = (x: Tensor) => jvp((y: Tensor) => grad(f)(y), x, v)[1];

    const [, result] = jvp(hessianVectorProduct, [x0], [u]);

    expectClose(result, third(), 1e-10);
  });

  it('jvp of a jvp gives uᵀ H v', () => {
    // f = sum(x³): H = diag(6x), so uᵀ H v = Σ 6 x_i u_i v_i.
    const f = (x: Tensor) => x.pow(3).sum();
    const directional = (x: Tensor) => jvp(f, x, v)[1];

    const [, second] = jvp(directional, [x0], [u]);

    expectClose(second, x0.reduce((s, xi, i) => s + 6 * xi * u[i]! * v[i]!, 0), 1e-10);
  });
});

describe('edge cases', () => {
  it.each(['forward', 'reverse'] as const)('the identity has J = I in %s mode', (mode) => {
    expectClose(new Jacobian((x: Tensor) => x, [[1, 2]], { mode }).value(), [[1, 0], [0, 1]], 0);
  });

  it('vjp of the identity returns v', () => {
    const [, [xBar]] = vjp((x: Tensor) => x, [[1, 2]], [3, 4]);

    expectClose(xBar!, [3, 4], 0);
  });

  it('constant output has zero derivatives', () => {
    // The linear part is empty, so only the primal part runs.
    const step = (x: Tensor) => x.greater(0).cast('float64');
    const options = counted();

    const J = new Jacobian(step, [[1, -2]], options).value();
    const [, yDot] = jvp(step, [[1, -2]]);

    expectClose(J, [[0, 0], [0, 0]], 0);
    expectClose(yDot, [0, 0], 0);
    expect(options.place.runs).toBe(1);
  });

  it('a linear function has a zero Hessian', () => {
    expectClose(new Hessian((x: Tensor) => x.mul(3).sum(), [[1, 2]]).value(), [[0, 0], [0, 0]], 0);
  });

  it('the same tensor returned twice gets the cotangents of both', () => {
    const twice = (x: Tensor) => {
      const y = x.sin();
      return [y, y];
    };

    const [, [xBar]] = vjp(twice, [[0, 1]], [[1, 2], [3, 4]]);

    // cos(x) (v₀ + v₁)
    expectClose(xBar!, [4, 6 * Math.cos(1)], 1e-15);
  });

  it('a 0-d input and output', () => {
    // d²(x⁴)/dx² = 12 x² = 48 at x = 2.
    expectClose(new Hessian((x: Tensor) => x.pow(4), 2).value(), [[48]], 1e-12);
    expectClose(grad((x: Tensor) => x.mul(x))(3), 6, 0);
  });
});
