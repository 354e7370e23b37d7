import { describe, expect, it } from 'vitest';
import { Jacobian, type Index, type Tensor } from '../src/index.js';
import { expectClose } from './helpers.js';

// The Jacobian of x @ y at x = y = [[1,2],[3,4]], written out by hand.
const FULL = [
  [1, 3, 0, 0, 1, 0, 2, 0],
  [2, 4, 0, 0, 0, 1, 0, 2],
  [0, 0, 1, 3, 3, 0, 4, 0],
  [0, 0, 2, 4, 0, 3, 0, 4],
];
const a = [[1, 2], [3, 4]];
const product = (x: Tensor, y: Tensor) => x.matmul(y);

describe('Jacobian.get', () => {
  const table: [string, Index[], unknown][] = [
    ['a row', [0], FULL[0]],
    ['a negative row', [-1], FULL[3]],
    ['a column', [null, -2], [2, 0, 4, 0]],
    ['one entry', [2, 3], 3],
    ['ranges', [[1, 3], [0, 2]], [[2, 4], [0, 0]]],
    ['a range with a negative start', [[-2, null], 4], [3, 0]],
    ['stepped ranges', [{ start: 0, stop: 4, step: 2 }, { start: -1, step: -3 }], [[0, 1, 3], [0, 3, 0]]],
    ['a range past the end', [[2, 100], [7, 100]], [[0], [4]]],
    ['an empty range', [[3, 1]], []],
    ['everything', [], FULL],
  ];

  it.each(['forward', 'reverse'] as const)('%s mode', (mode) => {
    const J = new Jacobian(product, [a, a], { mode });

    for (const [name, index, expected] of table) {
      const got = J.get(...index);
      if (name === 'one entry') expect(got.shape).toEqual([]);
      if (name === 'an empty range') expect(got.shape).toEqual([0, 8]);
      else expectClose(got, expected, 0);
    }
  });

  it('indexes the batch axis', () => {
    // Per batch element, d(x * y)/d[x, y] = [diag(y), diag(x)].
    const J = new Jacobian((x: Tensor, y: Tensor) => x.mul(y), [[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]], {
      isBatched: true,
    });

    expect(J.shape).toEqual([3, 2, 4]);
    expectClose(J.get(-1), [[11, 0, 5, 0], [0, 12, 0, 6]], 0);
    expectClose(J.get(null, 1, 3), [2, 4, 6], 0);
    expectClose(J.get([0, 2], 0, [0, 3]), [[7, 0, 1], [9, 0, 3]], 0);
  });

  it('rejects invalid indices', () => {
    const J = new Jacobian(product, [a, a]);

    expect(() => J.get(4)).toThrow('Jacobian.get: index 4 is out of range for axis 0 of size 4 (valid: -4 to 3).');
    expect(() => J.get(0, -9)).toThrow('index -9 is out of range for axis 1 of size 8');
    expect(() => J.get(0, 0, 0)).toThrow('got 3 indices for a matrix of shape [4,8]');
    expect(() => J.get(1.5)).toThrow('the index on axis 0 must be an integer, got 1.5');
    expect(() => J.get({ step: 0 })).toThrow('the step of the range on axis 0 must not be 0');
    expect(() => J.get([0, 1, 2] as never)).toThrow('a range on axis 0 is [start, stop], got an array of 3');
    expect(() => J.get('0' as never)).toThrow('must be an integer, a range ([start, stop] or { start, stop, step }) or null, got "0"');
    expect(() => J.get([0.5, 2])).toThrow('the start of the range on axis 0 must be an integer or null, got 0.5');
  });
});
