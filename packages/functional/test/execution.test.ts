import { NDArray } from '@primgrad/ir';
import { describe, expect, it } from 'vitest';
import { Jacobian, grad, jvp, linearize, matmul, printStages, valueAndGrad, vjp, type Tensor } from '../src/index.js';
import { counted, expectClose } from './helpers.js';

/** Returns a fixed n×n matrix with entries of mixed sign and size. */
function fixedMatrix(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => Math.cos(i + 2 * j) / Math.sqrt(n)));
}

function point(n: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.sin(3 * i + 1));
}

/** f(x) = tanh(W x) with W fixed; numpy matmul takes the 1-D x as a column. */
function tanhLayer(n: number): (x: Tensor) => Tensor {
  const w = NDArray.from(fixedMatrix(n), 'float64');
  return (x) => matmul(w, x).tanh();
}

/** J of tanh(W x) is diag(1 - tanh²(W x)) W. */
function tanhLayerJacobian(n: number): number[][] {
  const w = fixedMatrix(n);
  const x = point(n);
  return w.map((row) => {
    const t = Math.tanh(row.reduce((s, wij, j) => s + wij * x[j]!, 0));
    return row.map((wij) => (1 - t * t) * wij);
  });
}

describe('executions of a Jacobian', () => {
  const jacobianWithRuns = (n: number) => {
    const options = counted();
    const value = new Jacobian(tanhLayer(n), [point(n)], options).value();
    return { runs: options.place.runs, value };
  };

  it('R^100 → R^100 runs a constant number of times', () => {
    const large = jacobianWithRuns(100);
    const small = jacobianWithRuns(10);

    expect(large.runs).toBeLessThanOrEqual(3);
    expect(small.runs).toBe(large.runs);
    expectClose(large.value, tanhLayerJacobian(100), 1e-12);
    expectClose(small.value, tanhLayerJacobian(10), 1e-12);
  });

  it.each(['forward', 'reverse'] as const)('%s mode runs the primal once and the linear part once', (mode) => {
    const options = counted();

    const value = new Jacobian(tanhLayer(30), [point(30)], { ...options, mode }).value();

    expect(options.place.runs).toBe(2);
    expectClose(value, tanhLayerJacobian(30), 1e-12);
  });

  it('the batched program does not grow with the batch', () => {
    const f = tanhLayer(20);
    const opCount = (text: string) => text.split('\n').filter((line) => line.includes(' = ')).length;

    for (const mode of ['forward', 'reverse'] as const) {
      const few = printStages(f, [point(20)], { mode, batchSize: 2 }).batched;
      const many = printStages(f, [point(20)], { mode, batchSize: 20 }).batched;

      expect(opCount(many)).toBe(opCount(few));
      // Matrix-shaped work: one product of W with all 20 vectors at once.
      expect(many).toMatch(/: f64\[20,20\] = matmul\(/);
    }
  });
});

describe('lazy lines', () => {
  it('computes only the lines an index needs, once', () => {
    const options = counted();
    const J = new Jacobian(tanhLayer(6), [point(6)], { ...options, mode: 'forward' });
    const expected = tanhLayerJacobian(6);
    expect(options.place.runs).toBe(0);

    const column = J.get(null, 3);
    expect(options.place.runs).toBe(2);
    expect(J.computedLines).toBe(1);
    expectClose(column, expected.map((row) => row[3]!), 1e-12);

    J.get(null, 3);
    J.get(2, 3);
    J.get(-1, -3);
    expect(options.place.runs).toBe(2);

    // Columns 0 to 4: four are missing, and they come in one batched run.
    J.get(null, [0, 5]);
    expect(options.place.runs).toBe(3);
    expect(J.computedLines).toBe(5);

    expectClose(J.value(), expected, 1e-12);
    expect(options.place.runs).toBe(4);
    J.value();
    expect(options.place.runs).toBe(4);
  });

  it('reverse mode caches rows', () => {
    const options = counted();
    const J = new Jacobian(tanhLayer(4), [point(4)], { ...options, mode: 'reverse' });

    const row = J.get(1);
    J.get(1, [1, 3]);

    expect(options.place.runs).toBe(2);
    expect(J.computedLines).toBe(1);
    expectClose(row, tanhLayerJacobian(4)[1]!, 1e-12);
  });
});

describe('maxBatchSize', () => {
  it('splits the lines into executions of at most that many', () => {
    const options = counted();

    const value = new Jacobian(tanhLayer(6), [point(6)], { ...options, maxBatchSize: 4 }).value();

    // The primal part once, then columns 0-3 and 4-5.
    expect(options.place.runs).toBe(3);
    expectClose(value, tanhLayerJacobian(6), 1e-12);
  });

  it('must be a positive integer', () => {
    expect(() => new Jacobian(tanhLayer(2), [point(2)], { maxBatchSize: 0 })).toThrow(
      'Jacobian: options.maxBatchSize must be a positive integer, got 0.',
    );
  });
});

describe('partial evaluation', () => {
  it('linearize runs the primal once and each fJvp runs only the linear part', () => {
    let traces = 0;
    const f = (x: Tensor) => {
      traces++;
      return x.sin().mul(x);
    };
    const options = counted();
    const x0 = [0.5, -1, 2];

    const [y, fJvp] = linearize(f, [x0], options);
    expect(options.place.runs).toBe(1);
    const tangents = [[[1, 0, 0]], [[0, 1, 0]], [[0, 0, 2]]];
    const results = tangents.map((v) => fJvp(v));

    expect(traces).toBe(1);
    expect(options.place.runs).toBe(1 + tangents.length);
    expectClose(y, x0.map((v) => v * Math.sin(v)), 1e-15);
    // d(x sin x) = (sin x + x cos x) dx, elementwise.
    const slope = x0.map((v) => Math.sin(v) + v * Math.cos(v));
    results.forEach((r, k) => expectClose(r, tangents[k]![0]!.map((t, i) => slope[i]! * t), 1e-14));
  });

  it('traces once per input signature', () => {
    let traces = 0;
    const f = (x: Tensor) => {
      traces++;
      return x.exp();
    };

    jvp(f, [[1, 2]]);
    vjp(f, [[3, 4]]);
    new Jacobian(f, [[5, 6]]).value();
    expect(traces).toBe(1);

    jvp(f, [[1, 2, 3]]);
    jvp(f, new Float32Array([1, 2]));
    expect(traces).toBe(3);
  });

  it('the primal part holds every op that needs no tangent', () => {
    const stages = printStages((x: Tensor) => x.tanh().mul(x), [[1, 2]]);

    // tanh and the 1 - tanh² factor are computed once, in the primal part, and fed to the linear part.
    expect(stages.primal).toContain('tanh(');
    expect(stages.primal).toContain('sub(');
    expect(stages.linear).not.toContain('tanh_p');
    expect(stages.linear).toMatch(/^\s+\w+: f64\[2\] \(data\)$/m);
  });
});

describe('grad and valueAndGrad', () => {
  // f(x, y) = sum(x² y): df/dx = 2 x y, df/dy = x².
  const f = (x: Tensor, y: Tensor) => x.mul(x).mul(y).sum();
  const x = [1.5, -2];
  const y = [0.5, 3];

  it('grad of several arguments', () => {
    const [gx, gy] = grad(f)(x, y);

    expectClose(gx!, [1.5, -12]);
    expectClose(gy!, [2.25, 4]);
  });

  it('grad of one argument returns one array', () => {
    const g = grad((v: Tensor) => v.pow(3).sum())([1, 2]);

    expect(g).toBeInstanceOf(NDArray);
    expectClose(g, [3, 12]);
  });

  it('valueAndGrad', () => {
    const [value, grads] = valueAndGrad(f)(x, y);

    expectClose(value, 1.5 * 1.5 * 0.5 + 4 * 3);
    expectClose(grads[0]!, [1.5, -12]);
  });

  it('accepts a [1, 1] output', () => {
    const g = grad((v: Tensor) => v.reshape([1, 2]).matmul([[1], [1]]))([4, 5]);

    expectClose(g, [1, 1]);
  });

  it('vjp of several outputs takes a list of cotangents', () => {
    const [ys, [xBar]] = vjp((v: Tensor) => [v.mul(2), v.sum()], [[1, 2]], [[1, -1], 3]);

    expect(ys.length).toBe(2);
    // vᵀJ = [1, -1] · 2 I + 3 · [1, 1]
    expectClose(xBar!, [5, 1]);
  });

  it('an input the output does not depend on gets a zero gradient', () => {
    const [gx, gy] = grad((a: Tensor, _b: Tensor) => a.sum())([1, 2], [3]);

    expectClose(gx!, [1, 1]);
    expectClose(gy!, [0]);
  });
});
