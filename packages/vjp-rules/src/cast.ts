import { isFloatDType, type VjpRule } from '@primgrad/ir';
import { cast as castOp } from '@primgrad/orig-ops';
import { unaryVjp } from './helpers.js';

/**
 * x̄ = cast(ct, x.dtype) between float dtypes. A cast from or to int32 or bool carries no
 * derivative, so its cotangent is a symbolic zero.
 */
export const cast: VjpRule = unaryVjp((b, ct, x) => {
  if (!isFloatDType(x.dtype) || !isFloatDType(ct.dtype)) return null;
  return ct.dtype === x.dtype ? ct : castOp(b, ct, x.dtype);
});
