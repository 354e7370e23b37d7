import { NDArray, isFloatDType, stridesOf, type Var } from '@primgrad/ir';
import type { Tolerance, WorstElement } from './report.js';

/** The outcome of comparing arrays element by element. */
export interface Comparison {
  worst: WorstElement | null;
  /** How far the worst element is outside the tolerance: error / (atol + rtol · |expected|); > 1 fails. */
  worstRatio: number;
  failedElements: number;
  comparedElements: number;
}

export function emptyComparison(): Comparison {
  return { worst: null, worstRatio: 0, failedElements: 0, comparedElements: 0 };
}

function unravel(flat: number, shape: readonly number[]): number[] {
  return stridesOf(shape).map((stride, axis) => Math.floor(flat / stride) % shape[axis]!);
}

/**
 * Compares `got` with `expected` and folds the result into `into`. A NaN or infinite value on
 * either side fails unless both sides hold the same infinity, or both hold NaN and `matchNaN`
 * is set (for checks of values, where a NaN the kernel gives is the value to reproduce).
 */
export function compareInto(
  into: Comparison,
  value: string,
  got: NDArray,
  expected: NDArray,
  tol: Tolerance,
  options: { readonly matchNaN?: boolean } = {},
): void {
  into.comparedElements += expected.size;
  for (let i = 0; i < expected.size; i++) {
    const g = got.data[i]!;
    const e = expected.data[i]!;
    const bothNaN = options.matchNaN === true && Number.isNaN(g) && Number.isNaN(e);
    const absError = g === e || bothNaN ? 0 : Math.abs(g - e);
    const bound = tol.atol + tol.rtol * Math.abs(e);
    const ratio = absError === 0 ? 0 : Number.isNaN(absError) ? Infinity : absError / bound;
    if (ratio > 1) into.failedElements++;
    if (into.worst === null || ratio > into.worstRatio) {
      into.worstRatio = ratio;
      into.worst = {
        value,
        shape: expected.shape,
        index: unravel(i, expected.shape),
        got: g,
        expected: e,
        absError,
        relError: absError === 0 ? 0 : absError / Math.abs(e),
      };
    }
  }
}

const EXACT: Tolerance = { rtol: 0, atol: 0 };

/**
 * Compares the values of a program's outputs: float outputs within `tol`, int32 and bool outputs
 * exactly. NaN matches NaN, because these are values to reproduce, not derivatives.
 */
export function compareOutputs(
  into: Comparison,
  outputs: readonly Var[],
  got: readonly NDArray[],
  expected: readonly NDArray[],
  tol: Tolerance,
): void {
  outputs.forEach((v, o) => {
    const tolerance = isFloatDType(v.dtype) ? tol : EXACT;
    compareInto(into, `output ${o} ('${v.name}')`, got[o]!, expected[o]!, tolerance, { matchNaN: true });
  });
}
