/**
 * Compares the cpu matmul kernel with a naive i-j-k triple loop on plain Float64Arrays, for square
 * float64 matrices. Run with `pnpm bench` (vitest bench --run); vitest's summary prints how many
 * times faster the kernel is than the naive loop for each size.
 */
import { Builder, NDArray, Program, createRegistry, type Op } from '@primgrad/ir';
import { origOpsPlugin } from '@primgrad/orig-ops';
import { bench, describe } from 'vitest';
import { backendCpuPlugin, matmulKernel } from '../src/index.js';

function naiveMatmul(x: Float64Array, y: Float64Array, out: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < n; p++) s += x[i * n + p]! * y[p * n + j]!;
      out[i * n + j] = s;
    }
  }
}

function setup(n: number): { op: Op; x: NDArray; y: NDArray } {
  const registry = createRegistry([origOpsPlugin, backendCpuPlugin]);
  const program = new Program();
  const block = program.globalBlock();
  const b = new Builder(block, registry);
  const xv = block.createVar({ name: 'x', shape: [n, n], dtype: 'float64', isData: true });
  const yv = block.createVar({ name: 'y', shape: [n, n], dtype: 'float64', isData: true });
  b.emit1('matmul', [xv, yv], { transX: false, transY: false });
  let s = 1;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296) * 2 - 1;
  const x = NDArray.from(Float64Array.from({ length: n * n }, rand), 'float64', [n, n]);
  const y = NDArray.from(Float64Array.from({ length: n * n }, rand), 'float64', [n, n]);
  return { op: block.ops[0]!, x, y };
}

for (const n of [64, 256]) {
  describe(`matmul ${n}x${n} float64`, () => {
    const { op, x, y } = setup(n);
    const out = new Float64Array(n * n);
    bench('cpu kernel', () => {
      matmulKernel([x, y], op, op.outputs);
    });
    bench('naive triple loop', () => {
      naiveMatmul(x.data as Float64Array, y.data as Float64Array, out, n);
    });
  });
}
