/**
 * Derivatives of the lowered softmax, log_softmax and logsumexp on a fully masked row (every
 * element -Infinity, as under an attention mask), through linearize and transpose. The row's
 * result is a constant (NaN or -Infinity), so its derivative is 0; the naive lowering met
 * log(0) and 0 / 0 there and gave NaN to the whole input row, even where the loss ignored it.
 */
import { backendCpuPlugin } from '@primgrad/backend-cpu';
import { NDArray, createRegistry, type Builder, type Var } from '@primgrad/ir';
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

const f64 = (shape: number[], values: readonly number[]) => NDArray.from(Float64Array.from(values), 'float64', shape);

// Row 0 is masked; row 1 is [0.5, -1, 2], whose softmax is s.
const ROW = [0.5, -1, 2];
const X = [-Infinity, -Infinity, -Infinity, ...ROW];
const TOTAL = ROW.reduce((acc, v) => acc + Math.exp(v), 0);
const S = ROW.map((v) => Math.exp(v) / TOTAL);

/** Lowers `build` to prims, linearizes it and runs the value and the tangent of the result along `xDot`. */
function valueAndTangent(build: (b: Builder, x: Var) => Var, xDot: readonly number[]) {
  const { block, inputs, output } = buildProgram([{ shape: [2, 3] }], 'float64', build, gradRegistry);
  orig2prim(block, gradRegistry);
  const { xsDot, ysDot } = linearize(block, gradRegistry, inputs, [output]);
  prim2orig(block, gradRegistry);
  const feed = new Map([
    [inputs[0]!.name, f64([2, 3], X)],
    [xsDot[0]!.name, f64([2, 3], xDot)],
  ]);
  const [value, tangent] = runOnCpu(block, feed, [output, ysDot[0]!], gradRegistry);
  return { value: value!, tangent: tangent! };
}

/** Lowers `build` to prims, differentiates it in reverse mode with output cotangent `outBar` and runs the input cotangent. */
function cotangent(build: (b: Builder, x: Var) => Var, outBar: readonly number[]): NDArray {
  const { block, inputs, output } = buildProgram([{ shape: [2, 3] }], 'float64', build, gradRegistry);
  orig2prim(block, gradRegistry);
  const { xsDot, ysDot } = linearize(block, gradRegistry, inputs, [output]);
  const { ysBar, xsBar } = transpose(block, gradRegistry, xsDot, ysDot);
  prim2orig(block, gradRegistry);
  const feed = new Map([
    [inputs[0]!.name, f64([2, 3], X)],
    [xsDot[0]!.name, NDArray.zeros('float64', [2, 3])],
    [ysBar[0]!.name, f64([...output.shape], outBar)],
  ]);
  return runOnCpu(block, feed, [xsBar[0]!], gradRegistry)[0]!;
}

// The output cotangent of the masked row (7s) must be ignored; w is that of row 1.
const W = [0.25, 3, -1.5];
const WS = W.reduce((acc, wi, i) => acc + wi * S[i]!, 0);
const W_SUM = W.reduce((acc, wi) => acc + wi, 0);

const CASES: [string, (b: Builder, x: Var) => Var, number[], number[]][] = [
  // x̄ = ct s
  ['logsumexp', (b, x) => orig.logsumexp(b, x, 1), [7, 1.5], S.map((si) => 1.5 * si)],
  // x̄ = s (w - ⟨w, s⟩)
  ['softmax', (b, x) => orig.softmax(b, x), [7, 7, 7, ...W], S.map((si, i) => si * (W[i]! - WS))],
  // x̄ = w - s sum(w)
  ['log_softmax', (b, x) => orig.logSoftmax(b, x, [1]), [7, 7, 7, ...W], W.map((wi, i) => wi - S[i]! * W_SUM)],
];

describe('a fully masked row', () => {
  it.each(CASES)('gets a zero cotangent from %s', (_name, build, outBar, expectedRow) => {
    const gradient = cotangent(build, outBar);

    expect(findMismatch(gradient, f64([2, 3], [0, 0, 0, ...expectedRow]))).toBeNull();
  });

  it('keeps its values and gets a zero tangent', () => {
    // A nonzero tangent on the masked row: the result there does not depend on x.
    const xDot = [1, -2, 3, 1, 0, -1];
    const along = S[0]! - S[2]!;

    const lse = valueAndTangent((b, x) => orig.logsumexp(b, x, 1), xDot);
    const softmax = valueAndTangent((b, x) => orig.softmax(b, x), xDot);
    const logSoftmax = valueAndTangent((b, x) => orig.logSoftmax(b, x), xDot);

    expect(findMismatch(lse.value, f64([2], [-Infinity, Math.log(TOTAL)]))).toBeNull();
    expect(findMismatch(lse.tangent, f64([2], [0, along]))).toBeNull();
    expect(findMismatch(softmax.value, f64([2, 3], [NaN, NaN, NaN, ...S]))).toBeNull();
    expect(findMismatch(softmax.tangent, f64([2, 3], [0, 0, 0, ...S.map((si, i) => si * (xDot[3 + i]! - along))]))).toBeNull();
    expect(findMismatch(logSoftmax.value, f64([2, 3], [NaN, NaN, NaN, ...S.map(Math.log)]))).toBeNull();
    expect(findMismatch(logSoftmax.tangent, f64([2, 3], [0, 0, 0, ...xDot.slice(3).map((v) => v - along)]))).toBeNull();
  });

  it('over every axis of a masked tensor gets a zero cotangent', () => {
    const gradient = cotangent((b, x) => orig.softmax(b, orig.add(b, x, orig.fillConstant(b, [], 'float64', -Infinity)), null), [1, 2, 3, 4, 5, 6]);

    expect(Array.from(gradient.data)).toEqual([0, 0, 0, 0, 0, 0]);
  });
});
