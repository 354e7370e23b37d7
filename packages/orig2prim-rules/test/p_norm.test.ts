/**
 * Gradients of p_norm's prim form through linearize and transpose, against the closed form.
 * Where the norm is 0 they must be 0, where a naive sqrt(sum x²) gives 0 · Inf = NaN.
 */
import { backendCpuPlugin } from '@primgrad/backend-cpu';
import { NDArray, createRegistry, type Shape } from '@primgrad/ir';
import { linearizeRulesPlugin } from '@primgrad/linearize-rules';
import * as orig from '@primgrad/orig-ops';
import { primOpsPlugin } from '@primgrad/prim-ops';
import { linearize, orig2prim, prim2orig, transpose } from '@primgrad/transforms';
import { transposeRulesPlugin } from '@primgrad/transpose-rules';
import { describe, expect, it } from 'vitest';
import { orig2primRulesPlugin } from '../src/index.js';
import { buildProgram, findMismatch, runOnCpu } from './harness.js';

const gradRegistry = createRegistry([
  orig.origOpsPlugin,
  primOpsPlugin,
  orig2primRulesPlugin,
  linearizeRulesPlugin,
  transposeRulesPlugin,
  backendCpuPlugin,
]);

/** Lowers p_norm(x) to prims, differentiates it in reverse mode, raises it back and runs it on `values`. */
function valueAndGradient(shape: Shape, values: readonly number[], porder: number, axis: number | null) {
  const { block, inputs, output } = buildProgram([{ shape }], 'float64', (b, x) => orig.pNorm(b, x, porder, axis), gradRegistry);
  const x = inputs[0]!;
  orig2prim(block, gradRegistry);
  const { xsDot, ysDot } = linearize(block, gradRegistry, [x], [output]);
  const { ysBar, xsBar } = transpose(block, gradRegistry, xsDot, ysDot);
  prim2orig(block, gradRegistry);

  const feed = new Map([
    [x.name, NDArray.from(Float64Array.from(values), 'float64', shape)],
    [xsDot[0]!.name, NDArray.zeros('float64', shape)],
    [ysBar[0]!.name, NDArray.full('float64', output.shape, 1)],
  ]);
  const [value, gradient] = runOnCpu(block, feed, [output, xsBar[0]!], gradRegistry);
  return { value: value!, gradient: gradient! };
}

/** d/dx_i (sum |x|^p)^(1/p) = sign(x_i) |x_i|^(p-1) / norm^(p-1), for a norm above 0. */
function expectedGradient(values: readonly number[], porder: number): number[] {
  const norm = Math.pow(values.reduce((s, v) => s + Math.pow(Math.abs(v), porder), 0), 1 / porder);
  return values.map((v) => (Math.sign(v) * Math.pow(Math.abs(v), porder - 1)) / Math.pow(norm, porder - 1));
}

const f64 = (shape: Shape, values: readonly number[]) => NDArray.from(Float64Array.from(values), 'float64', shape);

describe('p_norm gradient', () => {
  for (const porder of [2, 3, 1.5, 1, 0.5]) {
    it(`is 0 at x = 0 for porder ${porder}`, () => {
      const { value, gradient } = valueAndGradient([3], [0, 0, 0], porder, null);

      expect(value.item()).toBe(0);
      expect(Array.from(gradient.data)).toEqual([0, 0, 0]);
    });
  }

  for (const porder of [2, 3, 1.5, 1, 0.5]) {
    it(`matches the closed form away from 0 for porder ${porder}`, () => {
      const values = [1.5, -2, 0.25];
      const { gradient } = valueAndGradient([3], values, porder, null);

      expect(findMismatch(gradient, f64([3], expectedGradient(values, porder)))).toBeNull();
    });
  }

  for (const porder of [2, 3, 1.5, 1]) {
    it(`is finite for a zero element of a nonzero x for porder ${porder}`, () => {
      const values = [3, 0, -4];
      const { gradient } = valueAndGradient([3], values, porder, null);

      expect(findMismatch(gradient, f64([3], expectedGradient(values, porder)))).toBeNull();
    });
  }

  it('is 0 on a zero row and x/|x| on the other row', () => {
    const { value, gradient } = valueAndGradient([2, 2], [0, 0, 3, -4], 2, 1);

    expect(Array.from(value.data)).toEqual([0, 5]);
    expect(findMismatch(gradient, f64([2, 2], [0, 0, 0.6, -0.8]))).toBeNull();
  });
});
