/**
 * The maximum that softmax, log_softmax and logsumexp subtract is held constant to autodiff, so
 * linearize emits no tangent ops for reduce_max_p (its tie mask and tie count).
 */
import { backendCpuPlugin } from '@primgrad/backend-cpu';
import { createRegistry, type Builder, type Var } from '@primgrad/ir';
import { linearizeRulesPlugin } from '@primgrad/linearize-rules';
import * as orig from '@primgrad/orig-ops';
import { primOpsPlugin } from '@primgrad/prim-ops';
import { linearize, orig2prim } from '@primgrad/transforms';
import { describe, expect, it } from 'vitest';
import { orig2primRulesPlugin } from '../src/index.js';
import { buildProgram } from './harness.js';

const gradRegistry = createRegistry([orig.origOpsPlugin, primOpsPlugin, orig2primRulesPlugin, linearizeRulesPlugin, backendCpuPlugin]);

const OPS: readonly [string, (b: Builder, x: Var) => Var][] = [
  ['softmax', (b, x) => orig.softmax(b, x)],
  ['log_softmax', (b, x) => orig.logSoftmax(b, x, 0)],
  ['logsumexp', (b, x) => orig.logsumexp(b, x, [0, 1])],
];

describe('max shift', () => {
  it.each(OPS)('%s holds the maximum constant', (_name, build) => {
    const { block, inputs, output } = buildProgram([{ shape: [2, 3] }], 'float64', build, gradRegistry);
    orig2prim(block, gradRegistry);
    const forward = block.ops.length;
    const max = block.ops.find((op) => op.type === 'reduce_max_p')!.outputs[0]!;
    const shift = block.ops.find((op) => op.type === 'select_p' && op.inputs.includes(max))!.outputs[0]!;

    linearize(block, gradRegistry, inputs, [output]);
    const tangentOps = block.ops.slice(forward).map((op) => op.type);

    expect(shift.stopGradient).toBe(true);
    // The linearize rule of reduce_max_p would compare x with its maximum (eq_p).
    expect(tangentOps).not.toContain('eq_p');
    expect(tangentOps.length).toBeGreaterThan(0);
  });
});
