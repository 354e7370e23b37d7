/**
 * Compares two ways to get the whole Jacobian of f(x) = tanh(W x) on R^n: the Jacobian API
 * (primal once, then one batched execution of the linear part) and one vjp call per output
 * row, the way a user without the Jacobian API would build it. Run with `pnpm bench` (vitest
 * bench --run); vitest's summary prints the ratio between them for each n.
 */
import { createRegistry } from '@primgrad/ir';
import { origOpsPlugin } from '@primgrad/orig-ops';
import { primOpsPlugin } from '@primgrad/prim-ops';
import { orig2primRulesPlugin } from '@primgrad/orig2prim-rules';
import { linearizeRulesPlugin } from '@primgrad/linearize-rules';
import { transposeRulesPlugin } from '@primgrad/transpose-rules';
import { backendCpuPlugin } from '@primgrad/backend-cpu';
import { bench, describe } from 'vitest';
import { Jacobian, vjp, type Tensor } from '../src/index.js';

const registry = createRegistry([origOpsPlugin, primOpsPlugin, orig2primRulesPlugin, linearizeRulesPlugin, transposeRulesPlugin, backendCpuPlugin]);

function setup(n: number) {
  let s = 7;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296) * 2 - 1;
  const w = Array.from({ length: n }, () => Array.from({ length: n }, () => rand() / Math.sqrt(n)));
  const x = Array.from({ length: n }, rand);
  const f = (v: Tensor) => v.matmul(w).tanh();
  return { f, x };
}

for (const n of [16, 64]) {
  describe(`Jacobian of tanh(W x), n = ${n}`, () => {
    const { f, x } = setup(n);

    bench('Jacobian (batched linear part)', () => {
      new Jacobian(f, [x], { registry }).value();
    });

    bench('vjp per output row', () => {
      for (let i = 0; i < n; i++) {
        const row = x.map((_, j) => (i === j ? 1 : 0));
        vjp(f, [x], row, { registry });
      }
    });
  });
}
