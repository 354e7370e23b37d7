/** @file broadcast_to: numpy broadcast of x to the output shape. */
import { allocOut, type CpuKernel } from '../kernel.js';
import { broadcastStrides, checkBroadcast, stridedCopy } from './strided.js';

export const broadcastToKernel: CpuKernel = ([x], _op, [t]) => {
  const out = allocOut(t!);
  checkBroadcast('broadcast_to', [x!.shape], out.shape);
  stridedCopy(x!.data, broadcastStrides(x!.shape, out.shape), out.shape, out.data);
  return [out];
};
