import type { DType } from './dtype.js';
import { isFloatDType } from './dtype.js';
import { OpArgumentError, ShapeError } from './errors.js';
import { formatValue } from './format-value.js';
import type { TensorType } from './program.js';
import type { OpDef, OpKind } from './registry.js';
import { broadcastShapes, formatShape, normalizeAxis, shapesEqual, type Shape } from './shape.js';

/** Throws unless every input has the same dtype; returns that dtype. */
export function sameDType(op: string, inputs: readonly TensorType[], names: readonly string[] = []): DType {
  const first = inputs[0]!.dtype;
  inputs.forEach((t, i) => {
    if (t.dtype !== first) {
      throw new OpArgumentError(
        op,
        `inputs must share one dtype, but ${names[0] ?? 'input 0'} is ${first} and ${names[i] ?? `input ${i}`} is ${t.dtype}. Cast one of them first.`,
      );
    }
  });
  return first;
}

/** Throws unless `t` is float32 or float64. */
export function requireFloat(op: string, t: TensorType, name = 'x'): void {
  if (!isFloatDType(t.dtype)) {
    throw new OpArgumentError(op, `input '${name}' must be float32 or float64, got ${t.dtype}.`);
  }
}

/** Inference for an elementwise op whose inputs must all have one shape (as prims require). */
export function inferSameShape(op: string, inputs: readonly TensorType[], names: readonly string[] = []): TensorType {
  const dtype = sameDType(op, inputs, names);
  const shape = inputs[0]!.shape;
  for (const t of inputs) {
    if (!shapesEqual(t.shape, shape)) {
      throw new ShapeError(op, 'inputs must have equal shapes; broadcast them first', inputs.map((x) => x.shape));
    }
  }
  return { shape, dtype };
}

/** Inference for an elementwise op with numpy broadcasting between its inputs. */
export function inferBroadcast(op: string, inputs: readonly TensorType[], names: readonly string[] = []): TensorType {
  const dtype = sameDType(op, inputs, names);
  let shape: Shape = inputs[0]!.shape;
  for (const t of inputs.slice(1)) {
    const b = broadcastShapes(shape, t.shape);
    if (!b) {
      throw new ShapeError(
        op,
        `shapes ${inputs.map((x) => formatShape(x.shape)).join(' and ')} do not broadcast: ` +
          'trailing dims must be equal or 1',
        inputs.map((x) => x.shape),
      );
    }
    shape = b;
  }
  return { shape, dtype };
}

/** Reads an integer attr, throwing with the op name when it is missing or not an integer. */
export function intAttr(op: string, attrs: Readonly<Record<string, unknown>>, name: string, fallback?: number): number {
  const v = attrs[name] ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new OpArgumentError(op, `attr '${name}' must be an integer, got ${formatValue(v)}.`);
  }
  return v;
}

/** Reads a list-of-integers attr. */
export function intListAttr(op: string, attrs: Readonly<Record<string, unknown>>, name: string, fallback?: number[]): number[] {
  const v = attrs[name] ?? fallback;
  if (!Array.isArray(v) || !v.every((d) => typeof d === 'number' && Number.isInteger(d))) {
    throw new OpArgumentError(op, `attr '${name}' must be a list of integers, got ${formatValue(v)}.`);
  }
  return v as number[];
}

/** Reads a shape attr (non-negative integers). */
export function shapeAttr(op: string, attrs: Readonly<Record<string, unknown>>, name = 'shape'): number[] {
  const v = intListAttr(op, attrs, name);
  if (v.some((d) => d < 0)) throw new OpArgumentError(op, `attr '${name}' must hold non-negative dims, got ${formatShape(v)}.`);
  return v;
}

/** Normalizes a list of axes for `rank`: resolves negatives, rejects duplicates and out-of-range axes. */
export function normalizeAxes(op: string, axes: readonly number[], rank: number, shape: Shape): number[] {
  const out = axes.map((a) => {
    const n = normalizeAxis(a, rank);
    if (n === null) throw new ShapeError(op, `axis ${a} is out of range for rank ${rank}`, [shape]);
    return n;
  });
  if (new Set(out).size !== out.length) throw new ShapeError(op, `axes ${formatShape(axes)} repeat an axis`, [shape]);
  return out.sort((a, b) => a - b);
}

export function floatScalarAttr(op: string, attrs: Readonly<Record<string, unknown>>, name: string, fallback?: number): number {
  const v = attrs[name] ?? fallback;
  if (typeof v !== 'number') throw new OpArgumentError(op, `attr '${name}' must be a number, got ${formatValue(v)}.`);
  return v;
}

export function boolAttr(op: string, attrs: Readonly<Record<string, unknown>>, name: string, fallback?: boolean): boolean {
  const v = attrs[name] ?? fallback;
  if (typeof v !== 'boolean') throw new OpArgumentError(op, `attr '${name}' must be true or false, got ${formatValue(v)}.`);
  return v;
}

export interface ElementwiseOptions {
  /** Inputs the op is linear in (prims only). */
  linearIn?: readonly number[];
  /** Reject integer and bool inputs; true unless set to false. */
  floatOnly?: boolean;
  /** The output is bool (a comparison), which also makes the op non-differentiable. */
  compare?: boolean;
}

/**
 * Defines a unary elementwise op: one input `x`, output of the same shape and dtype.
 * Native ops and prims share this form; third-party plugins may use it too.
 */
export function unaryOpDef(kind: OpKind, type: string, doc: string, options: ElementwiseOptions = {}): OpDef {
  return {
    type,
    kind,
    inputs: ['x'],
    doc,
    ...(options.linearIn ? { linearIn: options.linearIn } : {}),
    infer([x]) {
      if (options.floatOnly !== false) requireFloat(type, x!);
      return [{ shape: x!.shape, dtype: x!.dtype }];
    },
  };
}

/**
 * Defines a binary elementwise op on `x` and `y` of one dtype. Native ops broadcast their
 * operands the numpy way; prims require equal shapes, so rules stay simple.
 */
export function binaryOpDef(kind: OpKind, type: string, doc: string, options: ElementwiseOptions = {}): OpDef {
  return {
    type,
    kind,
    inputs: ['x', 'y'],
    doc,
    ...(options.linearIn ? { linearIn: options.linearIn } : {}),
    ...(options.compare ? { differentiable: false } : {}),
    infer(inputs) {
      const t = kind === 'orig' ? inferBroadcast(type, inputs, ['x', 'y']) : inferSameShape(type, inputs, ['x', 'y']);
      return [options.compare ? { shape: t.shape, dtype: 'bool' } : t];
    },
  };
}
