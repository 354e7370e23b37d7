import { NDArray, allocTypedArray, numel, type Op, type TensorType } from '@primgrad/ir';

/**
 * A CPU kernel, in the form the CPU backend calls (the `CpuKernel` type of
 * @primgrad/backend-cpu, restated with public types of @primgrad/ir so this package needs no
 * backend import). It computes an op's outputs from its input values: `outTypes` are the op's
 * output types and attrs come from `op.attrs`. It allocates fresh outputs and never writes
 * into its inputs.
 */
export type CpuKernel = (inputs: readonly NDArray[], op: Op, outTypes: readonly TensorType[]) => NDArray[];

/** The backend name that CPU kernels are registered under. */
export const CPU_BACKEND = 'cpu';

/** Allocates a zero-filled array of type `t`. */
export function allocOut(t: TensorType): NDArray {
  return new NDArray(t.dtype, t.shape, allocTypedArray(t.dtype, numel(t.shape)));
}
