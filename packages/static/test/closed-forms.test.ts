/**
 * Values and gradients of softmax, log_softmax, logsumexp, sigmoid, relu, max, concat, slice and
 * pad through the Program API, against closed forms, with prim mode on and off.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Program, Scope, createRegistry, type Var } from '@primgrad/ir';
import { origOpsPlugin } from '@primgrad/orig-ops';
import { primOpsPlugin } from '@primgrad/prim-ops';
import { orig2primRulesPlugin } from '@primgrad/orig2prim-rules';
import { linearizeRulesPlugin } from '@primgrad/linearize-rules';
import { transposeRulesPlugin } from '@primgrad/transpose-rules';
import { vjpRulesPlugin } from '@primgrad/vjp-rules';
import { CPUPlace, backendCpuPlugin } from '@primgrad/backend-cpu';
import {
  Executor,
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
  sigmoid,
  slice,
  softmax,
  sum,
} from '../src/index.js';

const registry = createRegistry([
  origOpsPlugin,
  primOpsPlugin,
  orig2primRulesPlugin,
  linearizeRulesPlugin,
  transposeRulesPlugin,
  vjpRulesPlugin,
  backendCpuPlugin,
]);

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

    // x - logsumexp(x) near 1000 keeps about 13 significant digits: the spacing of doubles there is 1.1e-13.
    expectClose(y!, [1002 + Math.log(1 + Math.exp(-1) + Math.exp(-2))]);
    expectClose(g!, S, 1e-12);
    rows.forEach((row, i) => expectClose(row, SOFTMAX_JACOBIAN[i]!, 1e-12));
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
