/**
 * Closed-form cotangents where a naive rule returns NaN or picks an arbitrary side. The cases are
 * p_norm, pow, abs and relu at 0, maximum and reduce_max at ties, softmax and logsumexp at large
 * and infinite inputs and on fully masked rows, sigmoid at large magnitudes, and casts across dtypes.
 */
import { Builder, NDArray, Program, type DType, type Var } from '@primgrad/ir';
import * as orig from '@primgrad/orig-ops';
import { backward } from '@primgrad/transforms';
import { describe, expect, it } from 'vitest';
import { vjpRules } from '../src/index.js';
import { registry, run } from './harness.js';

interface Built {
  readonly b: Builder;
  readonly block: Program['blocks'][number];
  data(name: string, shape: number[], dtype?: DType): Var;
}

function newProgram(): Built {
  const block = new Program().globalBlock();
  return {
    b: new Builder(block, registry),
    block,
    data: (name, shape, dtype = 'float64') => block.createVar({ name, shape, dtype, isData: true, stopGradient: false }),
  };
}

const f64 = (value: number[] | number[][] | number, shape?: number[]): NDArray => NDArray.from(value, 'float64', shape);

/**
 * Runs x̄ for out = f(x) with output cotangent `outBarValue` (ones by default), and the
 * gradient of sum(x̄) with respect to x: the Hessian of ⟨out_bar, f⟩ applied to ones.
 */
function gradients(
  build: (b: Builder, x: Var) => Var,
  xValue: NDArray,
  outBarValue?: NDArray,
): { grad: number[]; secondOrder: number[] } {
  const { b, block, data } = newProgram();
  const x = data('x', [...xValue.shape]);
  const out = build(b, x);
  const outBar = data('out_bar', [...out.shape]);
  const [grad] = backward(block, registry, [out], [x], { targetGradients: [outBar] });
  const probe = data('probe', [...x.shape]);
  const s = orig.reduceSum(b, orig.mul(b, grad!, probe));
  const [hessianTimesProbe] = backward(block, registry, [s], [x]);
  const feed = new Map<Var, NDArray>([
    [x, xValue],
    [outBar, outBarValue ?? NDArray.full('float64', out.shape, 1)],
    [probe, NDArray.full('float64', x.shape, 1)],
  ]);
  // A null second-order cotangent is a symbolic zero: x̄ does not depend on x.
  const fetch = hessianTimesProbe ? [grad!, hessianTimesProbe] : [grad!];
  const [g, h] = run(block, feed, fetch);
  return { grad: Array.from(g!.data), secondOrder: h ? Array.from(h.data) : new Array<number>(g!.size).fill(0) };
}

describe('p_norm at zero', () => {
  it.each([2, 1, 3, 0.5, 1.5])('p=%s: all-zero input gives zero gradient', (p) => {
    const { grad, secondOrder } = gradients((b, x) => orig.pNorm(b, x, p), f64([0, 0, 0]));

    expect(grad).toEqual([0, 0, 0]);
    expect(secondOrder.every(Number.isFinite), `second order ${secondOrder}`).toBe(true);
  });

  it.each([2, 1, 3, 0.5, 1.5])('p=%s: zero row gives zero, other row sign(x)|x/n|^(p-1)', (p) => {
    const rows = [
      [0, 0, 0],
      [0.5, -2, 0.25],
    ];
    const outBar = [1.5, -0.75];

    const { grad } = gradients((b, x) => orig.pNorm(b, x, p, [1]), f64(rows), f64(outBar));

    const norm = Math.pow(rows[1]!.reduce((acc, v) => acc + Math.pow(Math.abs(v), p), 0), 1 / p);
    const expected = [0, 0, 0, ...rows[1]!.map((v) => outBar[1]! * Math.sign(v) * Math.pow(Math.abs(v) / norm, p - 1))];
    grad.forEach((g, i) => expect(g).toBeCloseTo(expected[i]!, 12));
  });
});

describe('pow at zero', () => {
  it('square: finite cotangents at zero', () => {
    const { b, block, data } = newProgram();
    const x = data('x', [3]);
    const y = data('y', []);
    const out = orig.pow(b, x, y);
    const [xBar, yBar] = backward(block, registry, [out], [x, y]);
    // x̄ = 2x, and ȳ = Σ x² ln x with 0 · ln 0 taken as 0.
    const xs = [0, 0.5, 2];

    const [gx, gy] = run(block, new Map([[x, f64(xs)], [y, f64(2)]]), [xBar!, yBar!]);

    expect(Array.from(gx!.data)).toEqual([0, 1, 4]);
    expect(gy!.item()).toBeCloseTo(0.25 * Math.log(0.5) + 4 * Math.log(2), 12);
  });

  it('square: second order at zero', () => {
    const { grad, secondOrder } = gradients((b, x) => orig.pow(b, x, orig.fillConstant(b, [], 'float64', 2)), f64([0, 1]));

    expect(grad).toEqual([0, 2]);
    expect(secondOrder).toEqual([2, 2]);
  });
});

describe('non-smooth points', () => {
  it('abs has gradient 0 at 0', () => {
    const { grad } = gradients((b, x) => orig.abs(b, x), f64([-2, 0, 3]));

    expect(grad).toEqual([-1, 0, 1]);
  });

  it('maximum splits ties evenly', () => {
    const { b, block, data } = newProgram();
    const x = data('x', [3]);
    const y = data('y', [3]);
    const out = orig.maximum(b, x, y);
    const [xBar, yBar] = backward(block, registry, [out], [x, y]);

    const [gx, gy] = run(block, new Map([[x, f64([1, 2, 3])], [y, f64([1, 5, 0])]]), [xBar!, yBar!]);

    expect(Array.from(gx!.data)).toEqual([0.5, 0, 1]);
    expect(Array.from(gy!.data)).toEqual([0.5, 1, 0]);
  });

  it('maximum sums a broadcast tie over the broadcast axis', () => {
    const { b, block, data } = newProgram();
    const x = data('x', [3]);
    const y = data('y', []);
    const out = orig.maximum(b, x, y);
    const [, yBar] = backward(block, registry, [out], [x, y]);

    const [gy] = run(block, new Map([[x, f64([2, 0, -1])], [y, f64(2)]]), [yBar!]);

    expect(gy!.item()).toBe(0.5 + 1 + 1);
  });
});

describe('reduce_max, relu, sigmoid, softmax and logsumexp', () => {
  it('reduce_max splits ties evenly in each row', () => {
    const { grad, secondOrder } = gradients((b, x) => orig.reduceMax(b, x, 1), f64([[1, 3, 3], [2, 2, 2], [0, 5, -1]]));

    expect(grad).toEqual([0, 0.5, 0.5, 1 / 3, 1 / 3, 1 / 3, 0, 1, 0]);
    expect(secondOrder).toEqual(new Array<number>(9).fill(0));
  });

  it('relu has gradient 0 at 0', () => {
    const { grad } = gradients((b, x) => orig.relu(b, x), f64([-2, 0, 3]));

    expect(grad).toEqual([0, 0, 1]);
  });

  it('sigmoid has finite derivatives at large magnitudes', () => {
    const { grad, secondOrder } = gradients((b, x) => orig.sigmoid(b, x), f64([-1000, 0, 1000]));

    expect(grad).toEqual([0, 0.25, 0]);
    // s'' = s(1 - s)(1 - 2s) is 0 at 0 and underflows to ±0 at ±1000.
    secondOrder.forEach((h) => expect(h).toBeCloseTo(0, 15));
  });

  it('logsumexp gives -Infinity elements a zero cotangent', () => {
    const { grad, secondOrder } = gradients((b, x) => orig.logsumexp(b, x), f64([-Infinity, 0, Math.log(3)]));

    grad.forEach((g, i) => expect(g).toBeCloseTo([0, 0.25, 0.75][i]!, 15));
    // The Hessian diag(s) - s sᵀ sums to 0 along each row, so applied to ones it gives 0.
    secondOrder.forEach((h) => expect(h).toBeCloseTo(0, 15));
  });

  it('softmax of large values has the cotangent s (w - ⟨w, s⟩)', () => {
    const x = [1000, 1001, 1002];
    const w = [1, -2, 0.5];
    const total = 1 + Math.E + Math.E ** 2;
    const s = [1 / total, Math.E / total, Math.E ** 2 / total];
    const ws = w.reduce((acc, wi, i) => acc + wi * s[i]!, 0);

    const { grad } = gradients((b, xv) => orig.softmax(b, xv), f64(x), f64(w));

    grad.forEach((g, i) => expect(g).toBeCloseTo(s[i]! * (w[i]! - ws), 14));
  });
});

describe('fully masked rows', () => {
  // Row 0 is all -Infinity, as under an attention mask; row 1 is ordinary.
  const row = [0.5, -1, 2];
  const x = f64([[-Infinity, -Infinity, -Infinity], row]);
  const total = row.reduce((acc, v) => acc + Math.exp(v), 0);
  const s = row.map((v) => Math.exp(v) / total);
  const w = [0.25, 3, -1.5];
  const ws = w.reduce((acc, wi, i) => acc + wi * s[i]!, 0);
  const wSum = w.reduce((acc, wi) => acc + wi, 0);

  // The cotangent of the masked row (7s) is ignored: the result there is a constant.
  const table: [string, (b: Builder, xv: Var) => Var, NDArray, number[]][] = [
    ['logsumexp', (b, xv) => orig.logsumexp(b, xv, 1), f64([7, 1.5]), s.map((si) => 1.5 * si)],
    ['softmax', (b, xv) => orig.softmax(b, xv), f64([[7, 7, 7], w]), s.map((si, i) => si * (w[i]! - ws))],
    ['log_softmax', (b, xv) => orig.logSoftmax(b, xv, [1]), f64([[7, 7, 7], w]), w.map((wi, i) => wi - s[i]! * wSum)],
  ];

  it.each(table)('%s on a masked row', (_name, build, outBar, expectedRow) => {
    const { grad, secondOrder } = gradients(build, x, outBar);

    expect(grad.slice(0, 3)).toEqual([0, 0, 0]);
    grad.slice(3).forEach((g, i) => expect(g).toBeCloseTo(expectedRow[i]!, 14));
    expect(secondOrder.slice(0, 3)).toEqual([0, 0, 0]);
    expect(secondOrder.every(Number.isFinite), `second order ${secondOrder}`).toBe(true);
  });
});

describe('sigmoid far from 0', () => {
  it('matches e / (1 + e)² to 1e-14', () => {
    // s(1 - s) = e / (1 + e)² with e = exp(-|x|), while 1 - s itself rounds to 0 for x above about 37.
    const xs = [40, -40, 200, -700];

    const { grad } = gradients((b, xv) => orig.sigmoid(b, xv), f64(xs));

    xs.forEach((v, i) => {
      const e = Math.exp(-Math.abs(v));
      const expected = e / (1 + e) ** 2;
      expect(Math.abs(grad[i]! - expected), `x = ${v}: got ${grad[i]}, expected ${expected}`).toBeLessThanOrEqual(1e-14 * expected);
    });
  });
});

describe('cast', () => {
  it('float64 through float32 rounds the cotangent to float32', () => {
    const { b, block, data } = newProgram();
    const x = data('x', [2]);
    const out = orig.cast(b, orig.cast(b, x, 'float32'), 'float64');
    const outBar = data('out_bar', [2]);
    const [xBar] = backward(block, registry, [out], [x], { targetGradients: [outBar] });
    const outBarValues = [0.1, 1 / 3];

    const [g] = run(block, new Map([[x, f64([1, 2])], [outBar, f64(outBarValues)]]), [xBar!]);

    expect(g!.dtype).toBe('float64');
    expect(Array.from(g!.data)).toEqual(outBarValues.map(Math.fround));
  });

  it('to int32 carries no cotangent', () => {
    const { b, block, data } = newProgram();
    const x = data('x', [2]);
    const out = orig.cast(b, x, 'int32');

    expect(backward(block, registry, [out], [x])).toEqual([null]);
  });

  it('from int32 carries no cotangent', () => {
    const { b, block, data } = newProgram();
    const x = data('x', [2], 'int32');
    const out = orig.cast(b, x, 'float64');

    expect(backward(block, registry, [out], [x])).toEqual([null]);
  });
});

describe('int32 inputs', () => {
  it('neg of int32 gives no cotangent', () => {
    const { b, block, data } = newProgram();
    const x = data('x', [3], 'int32');
    const out = orig.neg(b, x);

    expect(backward(block, registry, [out], [x])).toEqual([null]);
  });

  it('broadcast add of int32 gives no cotangent', () => {
    const { b, block, data } = newProgram();
    const x = data('x', [2, 3], 'int32');
    const y = data('y', [3], 'int32');
    const out = orig.add(b, x, y);

    expect(backward(block, registry, [out], [x, y])).toEqual([null, null]);
  });
});

describe('fill_constant', () => {
  it('has no inputs and returns no cotangents', () => {
    const { b, block } = newProgram();
    const c = orig.fillConstant(b, [2], 'float64', 3);
    const op = block.ops.find((o) => o.outputs.includes(c))!;

    expect(vjpRules.fill_constant!(b, op, [c], [])).toEqual([]);
  });
});
