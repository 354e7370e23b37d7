import type { CpuKernel } from '../kernel.js';
import { broadcastToKernel } from './broadcast_to.js';
import { castKernel } from './cast.js';
import { concatKernel } from './concat.js';
import {
  absKernel,
  addKernel,
  assignKernel,
  cosKernel,
  divKernel,
  equalKernel,
  expKernel,
  greaterEqualKernel,
  greaterThanKernel,
  logKernel,
  maximumKernel,
  mulKernel,
  negKernel,
  powKernel,
  reluKernel,
  scaleKernel,
  sigmoidKernel,
  sinKernel,
  sqrtKernel,
  subKernel,
  tanhKernel,
} from './elementwise.js';
import { assignValueKernel, fillConstantKernel } from './fill.js';
import { logSoftmaxKernel } from './log_softmax.js';
import { logsumexpKernel } from './logsumexp.js';
import { matmulKernel } from './matmul.js';
import { pNormKernel } from './p_norm.js';
import { padKernel } from './pad.js';
import { gaussianRandomKernel, uniformRandomKernel } from './random.js';
import { reduceMeanKernel, reduceSumKernel } from './reduce.js';
import { reduceMaxKernel } from './reduce_max.js';
import { reshapeKernel } from './reshape.js';
import { sliceKernel } from './slice.js';
import { softmaxKernel } from './softmax.js';
import { transposeKernel } from './transpose.js';
import { whereKernel } from './where.js';

/** The CPU kernel of every native op in @primgrad/orig-ops, by op type. */
export const cpuKernels: Readonly<Record<string, CpuKernel>> = Object.freeze({
  add: addKernel,
  sub: subKernel,
  mul: mulKernel,
  div: divKernel,
  pow: powKernel,
  maximum: maximumKernel,
  equal: equalKernel,
  greater_than: greaterThanKernel,
  greater_equal: greaterEqualKernel,
  neg: negKernel,
  exp: expKernel,
  log: logKernel,
  tanh: tanhKernel,
  sqrt: sqrtKernel,
  sin: sinKernel,
  cos: cosKernel,
  abs: absKernel,
  sigmoid: sigmoidKernel,
  relu: reluKernel,
  assign: assignKernel,
  scale: scaleKernel,
  where: whereKernel,
  matmul: matmulKernel,
  reduce_sum: reduceSumKernel,
  reduce_mean: reduceMeanKernel,
  reduce_max: reduceMaxKernel,
  logsumexp: logsumexpKernel,
  softmax: softmaxKernel,
  log_softmax: logSoftmaxKernel,
  p_norm: pNormKernel,
  reshape: reshapeKernel,
  transpose: transposeKernel,
  broadcast_to: broadcastToKernel,
  concat: concatKernel,
  slice: sliceKernel,
  pad: padKernel,
  cast: castKernel,
  fill_constant: fillConstantKernel,
  assign_value: assignValueKernel,
  uniform_random: uniformRandomKernel,
  gaussian_random: gaussianRandomKernel,
});

export * from './broadcast_to.js';
export * from './cast.js';
export * from './concat.js';
export * from './elementwise.js';
export * from './fill.js';
export * from './log_softmax.js';
export * from './logsumexp.js';
export * from './matmul.js';
export * from './p_norm.js';
export * from './pad.js';
export * from './random.js';
export * from './reduce.js';
export * from './reduce_max.js';
export * from './reshape.js';
export * from './slice.js';
export * from './softmax.js';
export * from './strided.js';
export * from './transpose.js';
export * from './where.js';
