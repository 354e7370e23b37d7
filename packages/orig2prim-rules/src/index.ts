/**
 * @file The orig2prim rules, which lower every differentiable native op to prims, and the
 * prim2orig rules, which raise every prim back to a native op, bundled as one plugin.
 * assign_value, uniform_random and gaussian_random have no orig2prim rule: they are
 * non-differentiable sources, and the orig2prim driver leaves them native.
 */
import { PLUGIN_CONTRACT_VERSION, type Orig2PrimRule, type Plugin } from '@primgrad/ir';
import { elementwiseRules } from './elementwise.js';
import { logSoftmax } from './log_softmax.js';
import { logsumexp } from './logsumexp.js';
import { manipulationRules } from './manipulation.js';
import { matmul } from './matmul.js';
import { pNorm } from './p_norm.js';
import { prim2origRules } from './prim2orig.js';
import { reduceMax } from './reduce_max.js';
import { reduceMean } from './reduce_mean.js';
import { reduceSum } from './reduce_sum.js';
import { sigmoid } from './sigmoid.js';
import { softmax } from './softmax.js';

export const PACKAGE_NAME = '@primgrad/orig2prim-rules';

export const orig2primRules: Readonly<Record<string, Orig2PrimRule>> = {
  ...elementwiseRules,
  ...manipulationRules,
  matmul,
  reduce_sum: reduceSum,
  reduce_mean: reduceMean,
  reduce_max: reduceMax,
  logsumexp,
  softmax,
  log_softmax: logSoftmax,
  sigmoid,
  p_norm: pNorm,
};

export { prim2origRules };

/** Register after the plugins of @primgrad/orig-ops and @primgrad/prim-ops, which define the ops. */
export const orig2primRulesPlugin: Plugin = {
  name: PACKAGE_NAME,
  version: '0.1.0',
  contract: PLUGIN_CONTRACT_VERSION,
  orig2prim: orig2primRules,
  prim2orig: prim2origRules,
};
