/**
 * Values and gradients of softmax, log_softmax, logsumexp, sigmoid, relu, max, concat, slice and
 * pad through the Program API, against closed forms, with prim mode on and off: at large inputs,
 * on fully masked rows and over every axis.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fullRegistry } from './registry.js';
import { Program, Scope, type Var } from '@primgrad/ir';
import { CPUPlace } from '@primgrad/backend-cpu';
import {
  Executor,
  add,
  concat,
  data,
  disablePrim,
  enablePrim,
  gradients,
  logSoftmax,
  logsumexp,
  max,
  mul,
  pad,
  prim2orig,
  primEnabled,
  programGuard,
  relu,
  reshape,
  sigmoid,
  slice,
  softmax,
  sum,
} from '../src/index.js';

const registry = fullRegistry;

afterEach(() => disablePrim());

/** Builds a program over float64 data vars named after `feed`, runs it and returns the fetched values. */
function evaluate(mode: 'prim' | 'orig', feed: Record<string, number[]>, build: (...inputs: Var[]) => Var[]): number[][] {
  if (mode === 'prim') enablePrim();
  else disablePrim();
  const main = new Program();
  const fetchList = programGuard(
    main,
    new Program(),
    () => {
      const inputs = Object.entries(feed).map(([name, values]) => {
        const v = data(name, [values.length], 'float64');
        v.stopGradient = false;
        return v;
      });
      const out = build(...inputs);
      if (primEnabled()) prim2orig(main.block(0));
      return out;
    },
    { registry },
  );
  const values = new Executor(new CPUPlace()).run(main, { feed, fetchList, scope: new Scope() });
  return values.map((v) => Array.from(v.data));
}

function expectClose(actual: readonly number[], expected: readonly number[], tol = 1e-14): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => {
    const e = expected[i]!;
    if (a === e) return;
    expect(Math.abs(a - e), `element ${i}: got ${a}, expected ${e}`).toBeLessThanOrEqual(tol * (1 + Math.abs(e)));
  });
}

const oneHots = (n: number): Record<string, number[]> =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`e${i}`, Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]));

// softmax([1000, 1001, 1002]) = softmax([0, 1, 2]) = [1, e, e²] / (1 + e + e²).
const LARGE = [1000, 1001, 1002];
const S = [1, Math.E, Math.E ** 2].map((v) => v / (1 + Math.E + Math.E ** 2));
const SOFTMAX_JACOBIAN = S.map((si, i) => S.map((sj, j) => (i === j ? si : 0) - si * sj));

describe.each(['prim', 'orig'] as const)('closed forms (%s mode)', (mode) => {
  it('softmax of large values and its Jacobian diag(s) - s sᵀ', () => {
    // Row i of the Jacobian is the gradient of ⟨e_i, softmax(x)⟩.
    const [y, ...rows] = evaluate(mode, { x: LARGE, ...oneHots(3) }, (x, ...e) => {
      const s = softmax(x!);
      return [s, ...e.map((ei) => gradients([s], [x!], [ei])[0]!)];
    });

    expectClose(y!, S);
    rows.forEach((row, i) => expectClose(row, SOFTMAX_JACOBIAN[i]!));
  });

  it('log_softmax of large values and its gradient w - s sum(w)', () => {
    const w = [0.5, -1, 2];
    const [y, g] = evaluate(mode, { x: LARGE, w }, (x, wv) => {
      const l = logSoftmax(x!);
      return [l, gradients([sum(mul(l, wv!))], [x!])[0]!];
    });

    expectClose(y!, S.map(Math.log));
    expectClose(g!, w.map((wi, i) => wi - S[i]! * (0.5 - 1 + 2)));
  });

  it('logsumexp with -Infinity elements has the softmax as gradient', () => {
    const [y, g] = evaluate(mode, { x: [-Infinity, 0, Math.log(3)] }, (x) => {
      const l = logsumexp(x!);
      return [l, gradients([l], [x!])[0]!];
    });

    expectClose(y!, [Math.log(4)]);
    expectClose(g!, [0, 0.25, 0.75]);
  });

  it('logsumexp of large values has Hessian diag(s) - s sᵀ', () => {
    const [y, g, ...rows] = evaluate(mode, { x: LARGE, ...oneHots(3) }, (x, ...e) => {
      const l = logsumexp(x!);
      const gradient = gradients([l], [x!])[0]!;
      return [l, gradient, ...e.map((ei) => gradients([gradient], [x!], [ei])[0]!)];
    });

    expectClose(y!, [1002 + Math.log(1 + Math.exp(-1) + Math.exp(-2))]);
    expectClose(g!, S);
    rows.forEach((row, i) => expectClose(row, SOFTMAX_JACOBIAN[i]!));
  });

  it('sigmoid is finite for large magnitudes with derivative s(1 - s)', () => {
    const x0 = [-1000, -2, 0, 3, 1000];
    const s = x0.map((v) => 1 / (1 + Math.exp(-v)));
    const [y, g] = evaluate(mode, { x: x0 }, (x) => {
      const out = sigmoid(x!);
      return [out, gradients([sum(out)], [x!])[0]!];
    });

    expectClose(y!, s);
    expectClose(g!, s.map((v) => v * (1 - v)));
  });

  it('sigmoid derivative far from 0', () => {
    // s(1 - s) = e / (1 + e)² with e = exp(-|x|), while 1 - s itself rounds to 0 for x above about 37.
    const x0 = [40, -40, 300, -700];
    const [g] = evaluate(mode, { x: x0 }, (x) => [gradients([sum(sigmoid(x!))], [x!])[0]!]);

    x0.forEach((v, i) => {
      const e = Math.exp(-Math.abs(v));
      const expected = e / (1 + e) ** 2;
      expect(Math.abs(g![i]! - expected), `x = ${v}: got ${g![i]}, expected ${expected}`).toBeLessThanOrEqual(1e-12 * expected);
    });
  });

  it('gradients on a fully masked row', () => {
    // Row 0 of x + mask is all -Infinity; each loss reads row 1 only, whose softmax is [s0, s1].
    const s0 = 1 / (1 + Math.exp(0.1));
    const s1 = 1 - s0;
    const feed = { x: [0.1, 0.2, 0.3, 0.4], mask: [-Infinity, -Infinity, 0, 0] };
    const row1 = (v: Var) => sum(slice(v, [0], [1], [2]));
    const entry10 = (v: Var) => sum(slice(v, [0, 1], [1, 0], [2, 1]));

    const [lse, softmaxValue, lseGrad, logSoftmaxGrad, softmaxGrad] = evaluate(mode, feed, (x, mask) => {
      const z = reshape(add(x!, mask!), [2, 2]);
      const s = softmax(z, 1);
      return [
        logsumexp(z, 1),
        s,
        gradients([row1(logsumexp(z, 1))], [x!])[0]!,
        gradients([entry10(logSoftmax(z, 1))], [x!])[0]!,
        gradients([entry10(s)], [x!])[0]!,
      ];
    });

    expect(lse![0]).toBe(-Infinity);
    expectClose([lse![1]!], [Math.log(Math.exp(0.3) + Math.exp(0.4))]);
    expect(softmaxValue!.slice(0, 2)).toEqual([NaN, NaN]);
    expectClose(softmaxValue!.slice(2), [s0, s1]);
    expectClose(lseGrad!, [0, 0, s0, s1]);
    expectClose(logSoftmaxGrad!, [0, 0, s1, -s1]);
    expectClose(softmaxGrad!, [0, 0, s0 * s1, -s0 * s1]);
  });

  it('softmax over every axis or a list of axes', () => {
    // softmax(log [1, 2, 3, 4]) = [0.1, 0.2, 0.3, 0.4], and ⟨w, softmax⟩ has gradient s (w - ⟨w, s⟩).
    const x0 = [1, 2, 3, 4].map(Math.log);
    const w = [1, -2, 0.5, 3];
    const s = [0.1, 0.2, 0.3, 0.4];
    const ws = w.reduce((acc, wi, i) => acc + wi * s[i]!, 0);

    const [all, listed, logAll, g] = evaluate(mode, { x: x0, w }, (x, wv) => {
      const z = reshape(x!, [2, 2]);
      const everyAxis = softmax(z, null);
      return [everyAxis, softmax(z, [1, 0]), logSoftmax(z, null), gradients([sum(mul(reshape(everyAxis, [4]), wv!))], [x!])[0]!];
    });

    expectClose(all!, s);
    expectClose(listed!, s);
    expectClose(logAll!, s.map(Math.log));
    expectClose(g!, s.map((si, i) => si * (w[i]! - ws)));
  });

  it('relu has derivative 0 at 0', () => {
    const [y, g] = evaluate(mode, { x: [-1, 0, 2] }, (x) => {
      const out = relu(x!);
      return [out, gradients([sum(out)], [x!])[0]!];
    });

    expect(y).toEqual([0, 0, 2]);
    expect(g).toEqual([0, 0, 1]);
  });

  it('max splits the gradient evenly among tied maxima', () => {
    const [y, g] = evaluate(mode, { x: [1, 3, 3, -2] }, (x) => {
      const out = max(x!);
      return [out, gradients([out], [x!])[0]!];
    });

    expect(y).toEqual([3]);
    expect(g).toEqual([0, 0.5, 0.5, 0]);
  });

  it('concat, slice and pad route each cotangent back to its element', () => {
    // y = [x, x[1:], 0, x, 0]: x̄ⱼ = wⱼ + w₃₊ⱼ₋₁ (for j ≥ 1) + w₆₊ⱼ.
    const w = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const [y, g] = evaluate(mode, { x: [0.5, -1, 2], w }, (x, wv) => {
      const out = concat([x!, slice(x!, [0], [1], [null]), pad(x!, [1], [1])]);
      return [out, gradients([sum(mul(out, wv!))], [x!])[0]!];
    });

    expect(y).toEqual([0.5, -1, 2, -1, 2, 0, 0.5, -1, 2, 0]);
    expect(g).toEqual([8, 14, 17]);
  });
});
