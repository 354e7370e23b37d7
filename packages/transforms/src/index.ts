export { orig2prim, prim2orig } from './lower.js';
export { linearize, type LinearizeOptions, type LinearizeResult } from './linearize.js';
export { transpose, COTANGENT_ADD_PRIM, type TransposeOptions, type TransposeResult } from './transpose.js';
export { backward, COTANGENT_ADD_OP, FILL_OP, type BackwardOptions } from './backward.js';
export { eliminateDeadCode } from './dce.js';
export { opsOnPath } from './path.js';
export { callRule, checkRuleOutputs } from './check.js';
export { eliminateCommonSubexpressions } from './cse.js';
