import { NDArray } from '@primgrad/ir';
import { describe, expect, it } from 'vitest';
import { Hessian, Jacobian, jvp, vjp, type Tensor } from '../src/index.js';
import { expectClose } from './helpers.js';
import { identity } from './reference.js';

const square = (x: Tensor) => x.matmul(x);
const ones22 = () => NDArray.full('float64', [2, 2], 1);

// f(x) = x @ x has df = dx x + x dx, so at x = ones every entry of df is the sum of one row and
// one column of dx; for vjp the adjoint is v xᵀ + xᵀ v, which at x = ones is the same sum.
describe('x @ x at ones(2, 2)', () => {
  it('jvp with default v', () => {
    const [y, yDot] = jvp(square, ones22());

    expectClose(y, [[2, 2], [2, 2]]);
    expectClose(yDot, [[4, 4], [4, 4]]);
  });

  it('vjp with default v', () => {
    const [y, xBar] = vjp(square, ones22());

    expectClose(y, [[2, 2], [2, 2]]);
    expectClose(xBar, [[4, 4], [4, 4]]);
  });

  it('jvp with v = [[1,0],[0,0]]', () => {
    const [, yDot] = jvp(square, ones22(), [[1, 0], [0, 0]]);

    expectClose(yDot, [[2, 1], [1, 0]]);
  });

  it('vjp with v = [[1,0],[0,0]]', () => {
    const [, xBar] = vjp(square, ones22(), [[1, 0], [0, 0]]);

    expectClose(xBar, [[2, 1], [1, 0]]);
  });

  it('list form of xs and v', () => {
    const [y, yDot] = jvp(square, [[[1, 1], [1, 1]]], [[[1, 0], [0, 0]]]);
    const [, xBar] = vjp(square, [[[1, 1], [1, 1]]], [[1, 0], [0, 0]]);

    expect(y).toBeInstanceOf(NDArray);
    expect(Array.isArray(xBar)).toBe(true);
    expectClose(yDot, [[2, 1], [1, 0]]);
    expectClose((xBar as NDArray[])[0]!, [[2, 1], [1, 0]]);
  });
});

describe('Jacobian of x @ y at x = y = [[1,2],[3,4]]', () => {
  // Row (i, j) of d(xy) contains y[:, j] at the positions of x[i, :] and x[i, :] at the positions of y[:, j].
  const expected = [
    [1, 3, 0, 0, 1, 0, 2, 0],
    [2, 4, 0, 0, 0, 1, 0, 2],
    [0, 0, 1, 3, 3, 0, 4, 0],
    [0, 0, 2, 4, 0, 3, 0, 4],
  ];
  const a = [[1, 2], [3, 4]];

  it.each(['forward', 'reverse'] as const)('%s mode', (mode) => {
    const J = new Jacobian((x: Tensor, y: Tensor) => x.matmul(y), [a, a], { mode });

    expect(J.shape).toEqual([4, 8]);
    expectClose(J.value(), expected);
  });

  it('picks reverse mode for more inputs than outputs', () => {
    expect(new Jacobian((x: Tensor, y: Tensor) => x.matmul(y), [a, a]).mode).toBe('reverse');
  });
});

describe('Hessian closed forms', () => {
  it('sum(x * x) is 2 I', () => {
    const H = new Hessian((x: Tensor) => x.mul(x).sum(), [[[0.5, -2], [3, 1.5]]]);

    expect(H.shape).toEqual([4, 4]);
    expectClose(H.value(), identity(4, 2));
  });

  // sum(x xᵀ) = sum_k (sum_i x_ik)², so d²/dx_ik dx_jl = 2 [k == l], whatever x is.
  it('sum(x @ xᵀ) at [[1,2],[2,1]]', () => {
    const H = new Hessian((x: Tensor) => x.matmul(x.T).sum(), [[[1, 2], [2, 1]]]);

    expectClose(H.value(), [
      [2, 0, 2, 0],
      [0, 2, 0, 2],
      [2, 0, 2, 0],
      [0, 2, 0, 2],
    ]);
  });
});
