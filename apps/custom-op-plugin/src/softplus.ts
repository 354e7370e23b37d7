/**
 * @file softplus(x) = log(1 + eˣ), a native op: its definition, its lowering onto existing
 * prims, its vjp rule and its CPU kernel.
 */
import { requireFloat, type Builder, type OpDef, type Orig2PrimRule, type Var, type VjpRule } from '@primgrad/ir';
import { exp, mul, sub } from '@primgrad/orig-ops';
import { absP, addP, expP, fullLikeP, logP, maxP, negP } from '@primgrad/prim-ops';
import { allocOut, type CpuKernel } from './kernel.js';

export const softplusDef: OpDef = {
  type: 'softplus',
  kind: 'orig',
  inputs: ['x'],
  doc: 'log(1 + exp(x)), elementwise',
  infer([x]) {
    requireFloat('softplus', x!);
    return [{ shape: x!.shape, dtype: x!.dtype }];
  },
};

/** Emits a softplus op through `b` and returns its output. */
export const buildSoftplus = (b: Builder, x: Var): Var => b.emit1('softplus', [x]);

// softplus(x) = max(x, 0) + log(1 + exp(-|x|)): the argument of exp is ≤ 0, so exp cannot overflow.
// NOTE: with no log1p prim, 1 + exp(-|x|) rounds to 1 for |x| above about 37, so the lowering
// returns exactly 0 for x below about -37 where softplus(x) ≈ exp(x); the kernel keeps it.
// NOTE: at x = 0 the prim form's second derivative is 0, not 1/4: abs_p's tangent is 0 there.
export const softplusOrig2Prim: Orig2PrimRule = (b, op) => {
  const x = op.inputs[0]!;
  const positivePart = maxP(b, x, fullLikeP(b, x, 0));
  const tail = logP(b, addP(b, fullLikeP(b, x, 1), expP(b, negP(b, absP(b, x)))));
  return [addP(b, positivePart, tail)];
};

// x̄ = ct σ(x), with σ(x) = exp(x - softplus(x)): the exponent is ≤ 0, so exp cannot overflow.
export const softplusVjp: VjpRule = (b, op, [ct], needed) => {
  if (!ct || !needed[0]) return [null];
  const sigmoid = exp(b, sub(b, op.inputs[0]!, op.outputs[0]!));
  return [mul(b, ct, sigmoid)];
};

/** Computes in float64 and rounds once on store; log1p keeps full precision for large negative x. */
export const softplusKernel: CpuKernel = ([x], _op, [outType]) => {
  const out = allocOut(outType!);
  for (let i = 0; i < out.size; i++) {
    const v = x!.data[i]!;
    out.data[i] = Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
  }
  return [out];
};
