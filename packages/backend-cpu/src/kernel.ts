import { NDArray, allocTypedArray, numel, type Op, type TensorType } from '@primgrad/ir';

/** The name CPU kernels are registered under in a registry. */
export const CPU_BACKEND = 'cpu';

/** The npm package that provides the CPU kernels, named in errors. */
export const PACKAGE_NAME = '@primgrad/backend-cpu';

/**
 * A CPU kernel: computes an op's outputs from its input values. `outTypes` are the op's output
 * types (the executor passes `op.outputs`); attrs are read from `op.attrs`. A kernel allocates
 * fresh outputs, never writes into its inputs, and keeps no state or references between calls.
 */
export type CpuKernel = (inputs: readonly NDArray[], op: Op, outTypes: readonly TensorType[]) => NDArray[];

/** Allocates a zero-filled array of type `t`. */
export function allocOut(t: TensorType): NDArray {
  return new NDArray(t.dtype, t.shape, allocTypedArray(t.dtype, numel(t.shape)));
}
