/**
 * @file A transpose rule per prim that is linear in some inputs. Each rule emits prims that
 * compute the cotangents of the op's linear inputs from its output cotangent, in exactly the
 * shape and dtype of those inputs, and passes a null (symbolic-zero) cotangent through as null.
 */
import { PLUGIN_CONTRACT_VERSION, type Plugin, type TransposeRule } from '@primgrad/ir';
import { concatRules } from './concat.js';
import { elementwiseRules } from './elementwise.js';
import { matmulRules } from './matmul.js';
import { padRules } from './pad.js';
import { shapeRules } from './shape.js';
import { sliceRules } from './slice.js';

export const PACKAGE_NAME = '@primgrad/transpose-rules';

/** Transpose rules by prim type. */
export const transposeRules: Readonly<Record<string, TransposeRule>> = {
  ...elementwiseRules,
  ...matmulRules,
  ...shapeRules,
  ...concatRules,
  ...sliceRules,
  ...padRules,
};

/** The plugin carrying a transpose rule for every prim with a non-empty linearIn. Register it after primOpsPlugin. */
export const transposeRulesPlugin: Plugin = {
  name: PACKAGE_NAME,
  version: '0.1.0',
  contract: PLUGIN_CONTRACT_VERSION,
  transpose: transposeRules,
};

export { requireNotLinear, soleLinearInput, unaryTransposeRule } from './helpers.js';
