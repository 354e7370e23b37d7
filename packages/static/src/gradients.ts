import { ArgumentError, Builder, formatShape, isFloatDType, type Var } from '@primgrad/ir';
import { backward, linearize, orig2prim, transpose } from '@primgrad/transforms';
import { registryOf } from './context.js';
import { primEnabled } from './mode.js';

function asList(what: string, value: Var | readonly Var[]): Var[] {
  const list = Array.isArray(value) ? [...value] : [value as Var];
  list.forEach((v, i) => {
    if (!isVar(v)) throw new ArgumentError(`gradients: ${what}[${i}] must be a var (got ${describe(v)}).`);
    if (!isFloatDType(v.dtype)) {
      throw new ArgumentError(
        `gradients: ${what}[${i}] ('${v.name}') is ${v.dtype}${formatShape(v.shape)}; only float32 and float64 vars have ` +
          'gradients. Cast it to a float dtype first.',
      );
    }
  });
  return list;
}

function isVar(value: unknown): value is Var {
  return typeof value === 'object' && value !== null && 'block' in value && 'shape' in value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : typeof value;
}

/**
 * Appends to the targets' block the ops that compute d(sum of targets · targetGradients)/d(input)
 * for each input, and returns those gradient vars. Inputs no target depends on get zeros.
 * With prim mode on (enablePrim), native ops are lowered to prims first and the gradient is
 * linearize followed by transpose, so the block must be raised with prim2orig before it runs.
 * With prim mode off, each native op's vjp rule is used. `noGradSet` vars, and vars with
 * stopGradient set that are not among `inputs`, pass no gradient.
 */
export function gradients(
  targets: Var | readonly Var[],
  inputs: Var | readonly Var[],
  targetGradients?: Var | readonly (Var | null | undefined)[] | null,
  noGradSet?: Iterable<Var>,
): Var[] {
  const ys = asList('targets', targets);
  const xs = asList('inputs', inputs);
  if (ys.length === 0) throw new ArgumentError('gradients: targets is empty; pass at least one var to differentiate.');
  const cotangents = targetGradients == null ? [] : Array.isArray(targetGradients) ? targetGradients : [targetGradients as Var];
  if (cotangents.length > ys.length) {
    throw new ArgumentError(`gradients: got ${cotangents.length} targetGradients for ${ys.length} targets.`);
  }
  cotangents.forEach((c, i) => {
    if (c == null) return;
    if (!isVar(c)) {
      throw new ArgumentError(
        `gradients: targetGradients[${i}] must be a var or null (got ${describe(c)}). Build constants with fillConstant or feed them as data.`,
      );
    }
    const y = ys[i]!;
    if (c.dtype !== y.dtype || formatShape(c.shape) !== formatShape(y.shape)) {
      throw new ArgumentError(
        `gradients: targetGradients[${i}] ('${c.name}') is ${c.dtype}${formatShape(c.shape)} but target '${y.name}' is ` +
          `${y.dtype}${formatShape(y.shape)}; they must match.`,
      );
    }
  });
  const block = ys[0]!.block;
  const registry = registryOf(block.program);
  const noGrad = new Set(noGradSet ?? []);
  let grads: (Var | null)[];

  if (primEnabled()) {
    orig2prim(block, registry);
    const { xsDot, ysDot } = linearize(block, registry, xs, ys, { noGrad });
    const b = new Builder(block, registry);
    const ysBar = ys.map((y, i) => {
      if (ysDot[i] === null) return null;
      const given = cotangents[i];
      if (given) return given;
      return b.emit1('fill_constant_p', [], { shape: [...y.shape], dtype: y.dtype, value: 1 });
    });
    const { xsBar } = transpose(block, registry, xsDot, ysDot, { ysBar });
    grads = xsBar;
  } else {
    grads = backward(block, registry, ys, xs, { targetGradients: cotangents, noGradSet: noGrad });
  }

  const b = new Builder(block, registry);
  const fill = primEnabled() ? 'fill_constant_p' : 'fill_constant';
  return grads.map((g, i) => g ?? b.emit1(fill, [], { shape: [...xs[i]!.shape], dtype: xs[i]!.dtype, value: 0 }));
}
