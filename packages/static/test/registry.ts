import { createRegistry } from '@primgrad/ir';
import { origOpsPlugin } from '@primgrad/orig-ops';
import { primOpsPlugin } from '@primgrad/prim-ops';
import { orig2primRulesPlugin } from '@primgrad/orig2prim-rules';
import { linearizeRulesPlugin } from '@primgrad/linearize-rules';
import { transposeRulesPlugin } from '@primgrad/transpose-rules';
import { vjpRulesPlugin } from '@primgrad/vjp-rules';
import { backendCpuPlugin } from '@primgrad/backend-cpu';

/**
 * A registry with every standard plugin, for tests that run both mechanisms. The umbrella
 * package composes the same list, but static's tests cannot depend on it.
 */
export const fullRegistry = createRegistry([
  origOpsPlugin,
  primOpsPlugin,
  orig2primRulesPlugin,
  linearizeRulesPlugin,
  transposeRulesPlugin,
  vjpRulesPlugin,
  backendCpuPlugin,
]);
