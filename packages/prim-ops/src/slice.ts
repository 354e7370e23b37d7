/** @file slice_p: the elements start, start + step, ... below end on every axis. Linear; its transpose is pad_p. */
import { OpArgumentError, formatShape, intListAttr, type Builder, type OpDef, type Shape, type Var } from '@primgrad/ir';

/** Computes the slice's shape, ceil((end - start) / step) per axis. Throws unless 0 <= start <= end <= dim and step >= 1. */
export function slicePShape(shape: Shape, starts: readonly number[], ends: readonly number[], steps: readonly number[]): number[] {
  const rank = shape.length;
  if (starts.length !== rank || ends.length !== rank || steps.length !== rank) {
    throw new OpArgumentError(
      'slice_p',
      `attrs 'starts', 'ends' and 'steps' need one entry per axis of x ${formatShape(shape)}, got ${starts.length}, ${ends.length} and ${steps.length}.`,
    );
  }
  return shape.map((dim, i) => {
    const [start, end, step] = [starts[i]!, ends[i]!, steps[i]!];
    if (!(start >= 0 && start <= end && end <= dim && step >= 1)) {
      throw new OpArgumentError(
        'slice_p',
        `axis ${i} of x ${formatShape(shape)} needs 0 <= start <= end <= ${dim} and step >= 1, got start ${start}, end ${end}, step ${step}.`,
      );
    }
    return Math.ceil((end - start) / step);
  });
}

export const slicePDef: OpDef<{ starts: number[]; ends: number[]; steps: number[] }> = {
  type: 'slice_p',
  kind: 'prim',
  inputs: ['x'],
  doc: 'the elements start, start + step, ... below end on every axis; attrs starts, ends, steps give one entry per axis',
  linearIn: [0],
  infer([x], attrs) {
    const starts = intListAttr('slice_p', attrs, 'starts');
    const ends = intListAttr('slice_p', attrs, 'ends');
    const steps = intListAttr('slice_p', attrs, 'steps');
    return [{ shape: slicePShape(x!.shape, starts, ends, steps), dtype: x!.dtype }];
  },
};

export const sliceP = (b: Builder, x: Var, starts: readonly number[], ends: readonly number[], steps: readonly number[]): Var =>
  b.emit1('slice_p', [x], { starts: [...starts], ends: [...ends], steps: [...steps] });
