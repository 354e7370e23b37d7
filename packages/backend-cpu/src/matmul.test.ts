import { Builder, NDArray, Program, Scope, type Shape } from '@primgrad/ir';
import { matmul } from '@primgrad/orig-ops';
import { describe, expect, it } from 'vitest';
import { CPUPlace } from './executor.js';
import { FLOAT_DTYPES, expectArray, numelOf, registry, roundTo, runOp, testData, unravel } from './test-helpers.js';

/**
 * Reference matmul by the numpy definition, with plain loops: promote rank-1 operands, swap the
 * last two dims for trans flags, broadcast batch dims, then a triple loop per batch.
 */
function refMatmul(x: readonly number[], xs: Shape, y: readonly number[], ys: Shape, transX: boolean, transY: boolean) {
  const tX = transX && xs.length >= 2;
  const tY = transY && ys.length >= 2;
  const xm = xs.length === 1 ? [1, xs[0]!] : [...xs];
  const ym = ys.length === 1 ? [ys[0]!, 1] : [...ys];
  // Element (batch index b, row r, col c) of the logical (post-transpose) matrices.
  const m = tX ? xm[xm.length - 1]! : xm[xm.length - 2]!;
  const k = tX ? xm[xm.length - 2]! : xm[xm.length - 1]!;
  const n = tY ? ym[ym.length - 2]! : ym[ym.length - 1]!;
  const xb = xm.slice(0, -2);
  const yb = ym.slice(0, -2);
  const rank = Math.max(xb.length, yb.length);
  const batch: number[] = [];
  for (let i = 0; i < rank; i++) {
    const a = xb[i - (rank - xb.length)] ?? 1;
    const b = yb[i - (rank - yb.length)] ?? 1;
    batch.push(a === 1 ? b : a);
  }
  const at = (data: readonly number[], full: number[], bIdx: number[], r: number, c: number, trans: boolean): number => {
    const own = full.slice(0, -2);
    const idx = own.map((d, i) => (d === 1 ? 0 : bIdx[i + (bIdx.length - own.length)]!));
    idx.push(trans ? c : r, trans ? r : c);
    let flat = 0;
    for (let d = 0; d < full.length; d++) flat = flat * full[d]! + idx[d]!;
    return data[flat]!;
  };
  const out: number[] = [];
  for (let bi = 0; bi < numelOf(batch); bi++) {
    const bIdx = unravel(bi, batch);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += at(x, xm, bIdx, i, p, tX) * at(y, ym, bIdx, p, j, tY);
        out.push(s);
      }
    }
  }
  const shape = [...batch];
  if (xs.length > 1) shape.push(m);
  if (ys.length > 1) shape.push(n);
  return { data: out, shape };
}

// [x shape, y shape, transX, transY]
const CASES: [Shape, Shape, boolean, boolean][] = [
  [[2, 3], [3, 4], false, false],
  [[1, 1], [1, 1], false, false],
  [[3], [3], false, false],
  [[3], [3, 4], false, false],
  [[2, 3], [3], false, false],
  [[1], [1, 5], false, false],
  [[5, 2, 3], [3, 4], false, false],
  [[2, 3], [5, 3, 4], false, false],
  [[2, 1, 2, 3], [3, 3, 4], false, false],
  [[4, 1, 2, 7], [1, 3, 7, 6], false, false],
  [[2, 5, 7], [2, 7, 6], false, false],
  [[3, 9], [9, 2], false, false],
  [[4, 0], [0, 3], false, false],
  [[0, 3], [3, 2], false, false],
  [[2, 3], [3, 0], false, false],
  [[3, 2], [3, 4], true, false],
  [[2, 3], [4, 3], false, true],
  [[3, 2], [4, 3], true, true],
  [[5, 3, 2], [4, 3], true, true],
  [[2, 6, 5], [1, 4, 6], true, true],
  [[3], [4, 3], true, true],
  [[3, 2], [3], true, true],
  [[3], [3], true, true],
  [[1, 8, 1], [2, 8, 3], true, false],
];

describe('matmul', () => {
  for (const dtype of FLOAT_DTYPES) {
    for (const [xs, ys, transX, transY] of CASES) {
      it(`${dtype} [${xs}]${transX ? 'ᵀ' : ''} @ [${ys}]${transY ? 'ᵀ' : ''}`, () => {
        const x = testData(numelOf(xs), dtype, 101);
        const y = testData(numelOf(ys), dtype, 103);
        const ref = refMatmul(x, xs, y, ys, transX, transY);
        const out = runOp('matmul', [{ shape: xs, dtype, data: x }, { shape: ys, dtype, data: y }], { transX, transY });
        expectArray(out, ref.data.map((v) => roundTo(v, dtype)), ref.shape, dtype, dtype === 'float32' ? { rtol: 1e-6, atol: 1e-6 } : { rtol: 1e-12, atol: 1e-12 });
      });
    }
  }

  it('matches a hand-computed product, via the typed builder', () => {
    const p = new Program();
    const block = p.globalBlock();
    const b = new Builder(block, registry);
    const x = block.createVar({ name: 'x', shape: [3, 2], dtype: 'float64', isData: true });
    const y = block.createVar({ name: 'y', shape: [3, 2], dtype: 'float64', isData: true });
    const z = matmul(b, x, y, { transX: true });
    const [out] = new CPUPlace().run({
      block,
      registry,
      scope: new Scope(),
      feed: new Map([
        ['x', NDArray.from([[1, 2], [3, 4], [5, 6]], 'float64')],
        ['y', NDArray.from([[1, 0], [0, 1], [1, 1]], 'float64')],
      ]),
      fetch: [z],
    }) as NDArray[];
    // xᵀ = [[1,3,5],[2,4,6]]; xᵀ·y = [[1+5, 3+5], [2+6, 4+6]].
    expect(out!.toNested()).toEqual([[6, 8], [8, 10]]);
  });

  it('propagates NaN and Infinity like a plain product', () => {
    const out = runOp('matmul', [
      { shape: [1, 2], dtype: 'float64', data: [0, 1] },
      { shape: [2, 2], dtype: 'float64', data: [NaN, 1, Infinity, 2] },
    ]);
    expectArray(out, [NaN, 2], [1, 2], 'float64');
  });

  it('rounds float32 products once, from a float64 accumulation', () => {
    const k = 1000;
    const x = Array.from({ length: k }, () => Math.fround(0.1));
    const y = Array.from({ length: k }, () => 1);
    const out = runOp('matmul', [{ shape: [k], dtype: 'float32', data: x }, { shape: [k], dtype: 'float32', data: y }]);
    expect(out.data).toBeInstanceOf(Float32Array);
    expect(out.item()).toBe(Math.fround(k * Math.fround(0.1)));
  });
});
