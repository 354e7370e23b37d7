/**
 * @file The original autodiff mechanism: a vjp rule per native op, written with native ops, so
 * the backward pass it emits can be differentiated again. Comparisons, assign_value and the
 * random sources are non-differentiable (`differentiable: false`) and have no rule: the
 * backward driver treats their outputs as constants.
 */
import { PLUGIN_CONTRACT_VERSION, type Plugin, type VjpRule } from '@primgrad/ir';
import { cast } from './cast.js';
import { concat } from './concat.js';
import { elementwiseRules } from './elementwise.js';
import { floatInputsOnly } from './helpers.js';
import { logSoftmax } from './log_softmax.js';
import { logsumexp } from './logsumexp.js';
import { matmul } from './matmul.js';
import { maximum } from './maximum.js';
import { pNorm } from './p_norm.js';
import { pad } from './pad.js';
import { pow } from './pow.js';
import { reduceMax } from './reduce_max.js';
import { reduceMean } from './reduce_mean.js';
import { reduceSum } from './reduce_sum.js';
import { shapeRules } from './shape.js';
import { slice } from './slice.js';
import { softmax } from './softmax.js';
import { where } from './where.js';

export const PACKAGE_NAME = '@primgrad/vjp-rules';

const rules: Readonly<Record<string, VjpRule>> = {
  ...elementwiseRules,
  ...shapeRules,
  pow,
  maximum,
  where,
  matmul,
  reduce_sum: reduceSum,
  reduce_mean: reduceMean,
  reduce_max: reduceMax,
  logsumexp,
  softmax,
  log_softmax: logSoftmax,
  p_norm: pNorm,
  concat,
  slice,
  pad,
  cast,
  // fill_constant has no inputs, so there is nothing to return a cotangent for.
  fill_constant: () => [],
};

/** The vjp rule of every differentiable native op, by op type. */
export const vjpRules: Readonly<Record<string, VjpRule>> = Object.fromEntries(
  Object.entries(rules).map(([type, rule]) => [type, floatInputsOnly(rule)]),
);

/** Register after the plugin of @primgrad/orig-ops, which defines the ops. */
export const vjpRulesPlugin: Plugin = {
  name: PACKAGE_NAME,
  version: '0.1.0',
  contract: PLUGIN_CONTRACT_VERSION,
  vjp: vjpRules,
};

// Helpers for third-party plugins that write vjp rules for their own broadcasting ops.
export { binaryVjp, floatInputsOnly, unaryVjp, unbroadcast } from './helpers.js';
