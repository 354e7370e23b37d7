// Run inside the install-check project: `node check.mjs forward-only|full`.
import * as ir from '@primgrad/ir';
import * as origOps from '@primgrad/orig-ops';
import * as primOps from '@primgrad/prim-ops';
import * as orig2primRules from '@primgrad/orig2prim-rules';
import * as linearizeRules from '@primgrad/linearize-rules';
import * as transforms from '@primgrad/transforms';
import * as backendCpu from '@primgrad/backend-cpu';
import * as functional from '@primgrad/functional';
import { runChecks } from './checks.cjs';

const loadTranspose = async () => (await import('@primgrad/transpose-rules')).transposeRulesPlugin;
await runChecks('ESM', { ir, origOps, primOps, orig2primRules, linearizeRules, transforms, backendCpu, functional, loadTranspose }, process.argv[2]);
