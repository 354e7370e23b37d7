/**
 * @file A linearize (JVP) rule per prim. Each rule emits prims that compute the output tangents
 * from the input tangents, and treats a null tangent as a symbolic zero that it never materializes
 * unless an op needs a value in its place.
 */
import { PLUGIN_CONTRACT_VERSION, type LinearizeRule, type Plugin } from '@primgrad/ir';
import { binaryRules } from './binary.js';
import { concatRules } from './concat.js';
import { matmulRules } from './matmul.js';
import { reduceMaxRules } from './reduce_max.js';
import { selectRules } from './select.js';
import { shapeRules } from './shape.js';
import { unaryRules } from './unary.js';

export const PACKAGE_NAME = '@primgrad/linearize-rules';

/** Linearize rules by prim type. */
export const linearizeRules: Readonly<Record<string, LinearizeRule>> = {
  ...binaryRules,
  ...unaryRules,
  ...selectRules,
  ...matmulRules,
  ...shapeRules,
  ...reduceMaxRules,
  ...concatRules,
};

/** The plugin carrying a linearize rule for every prim in @primgrad/prim-ops. Register it after primOpsPlugin. */
export const linearizeRulesPlugin: Plugin = {
  name: PACKAGE_NAME,
  version: '0.1.0',
  contract: PLUGIN_CONTRACT_VERSION,
  linearize: linearizeRules,
};

export { sameOpOnTangent, sumTerms, unaryRule, zeroTangents } from './helpers.js';
