import {
  ShapeError,
  broadcastAxes,
  broadcastShapes,
  isFloatDType,
  shapesEqual,
  type Builder,
  type DType,
  type Op,
  type Shape,
  type Var,
  type VjpRule,
} from '@primgrad/ir';
import { fillConstant, reduceSum, reshape } from '@primgrad/orig-ops';

/**
 * Sums `ct`, the cotangent of a broadcast result, back to `shape`, the shape of an operand
 * before it was broadcast: reduce_sum over the broadcast axes, then reshape. Emits nothing when
 * the shapes already agree.
 */
export function unbroadcast(b: Builder, ct: Var, shape: Shape): Var {
  if (shapesEqual(ct.shape, shape)) return ct;
  const joint = broadcastShapes(shape, ct.shape);
  if (!joint || !shapesEqual(joint, ct.shape)) {
    throw new ShapeError(
      'unbroadcast',
      `cotangent '${ct.name}' cannot be summed back to [${shape.join(',')}]: that shape does not broadcast to the cotangent's`,
      [ct.shape, shape],
    );
  }
  const axes = broadcastAxes(shape, ct.shape);
  const summed = axes.length > 0 ? reduceSum(b, ct, axes, false) : ct;
  return shapesEqual(summed.shape, shape) ? summed : reshape(b, summed, shape);
}

/** Emits a 0-d constant, which elementwise native ops broadcast against any shape. */
export function scalar(b: Builder, value: number, dtype: DType): Var {
  return fillConstant(b, [], dtype, value);
}

/**
 * Makes the rule of a one-input, one-output op. `vjp` receives the output cotangent and returns
 * the input cotangent. It runs only when that cotangent is needed and the output cotangent is
 * not a symbolic zero.
 */
export function unaryVjp(vjp: (b: Builder, ct: Var, x: Var, y: Var, op: Op) => Var | null): VjpRule {
  return (b, op, [ct], needed) => [ct && needed[0] ? vjp(b, ct, op.inputs[0]!, op.outputs[0]!, op) : null];
}

/**
 * Makes the rule of a broadcasting two-input op. Each callback returns its input's cotangent at
 * the output's shape; the result is then summed back to that input's shape.
 */
export function binaryVjp(
  vjpX: (b: Builder, ct: Var, op: Op) => Var,
  vjpY: (b: Builder, ct: Var, op: Op) => Var,
): VjpRule {
  return (b, op, [ct], needed) => {
    if (!ct) return [null, null];
    const [x, y] = op.inputs as [Var, Var];
    return [
      needed[0] ? unbroadcast(b, vjpX(b, ct, op), x.shape) : null,
      needed[1] ? unbroadcast(b, vjpY(b, ct, op), y.shape) : null,
    ];
  };
}

/**
 * Wraps `rule` so that it never computes a cotangent for an int32 or bool input, which carries
 * no derivative: such inputs are dropped from `needed` and get null.
 */
export function floatInputsOnly(rule: VjpRule): VjpRule {
  return (b, op, ctOuts, needed) => {
    const wanted = needed.map((n, i) => n && isFloatDType(op.inputs[i]!.dtype));
    if (!wanted.some(Boolean)) return op.inputs.map(() => null);
    return rule(b, op, ctOuts, wanted);
  };
}

/**
 * Returns `x.shape` with every reduced axis of a reduction kept as size 1: the shape at which the
 * reduction's output cotangent broadcasts against its input.
 */
export function keptShape(shape: Shape, axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

/** Reshapes a reduction's output cotangent to the kept shape (a no-op when keepdim was set). */
export function toKeptShape(b: Builder, ct: Var, shape: Shape, axes: readonly number[]): Var {
  const kept = keptShape(shape, axes);
  return shapesEqual(ct.shape, kept) ? ct : reshape(b, ct, kept);
}
