/**
 * Values, derivatives and Jacobians against closed forms: softplus(x) = log(1 + eˣ),
 * softplus' = σ, softplus'' = σ(1 - σ), and cumsum's Jacobian, lower-triangular ones (upper
 * when reversed). Each derivative is computed in prim mode and in orig mode.
 */
import {
  CPUPlace,
  Executor,
  Program,
  Scope,
  createRegistry,
  data,
  disablePrim,
  enablePrim,
  gradients,
  orig2prim,
  prim2orig,
  primEnabled,
  programGuard,
  standardPlugins,
  sum,
  transforms,
  type NDArray,
  type Var,
} from 'primgrad';
import { afterEach, describe, expect, it } from 'vitest';
import { cumsum, customOpPlugin, runDemo, softplus } from '../src/index.js';
import { demoClosedForm, firstMismatch, sigmoid } from './reference.js';

const registry = createRegistry([...standardPlugins, customOpPlugin]);
const MODES = ['prim', 'orig'] as const;

afterEach(() => disablePrim());

function setMode(mode: (typeof MODES)[number]): void {
  if (mode === 'prim') enablePrim();
  else disablePrim();
}

/** Builds a program with `build`, raises it when prim mode is on, runs it and returns the fetched values. */
function run(feed: Record<string, number[] | number[][]>, build: () => Var[]): NDArray[] {
  const main = new Program();
  const fetchList = programGuard(main, new Program(), () => {
    const fetched = build();
    if (primEnabled()) prim2orig(main.globalBlock());
    return fetched;
  }, { registry });
  return new Executor(new CPUPlace()).run(main, { feed, fetchList, scope: new Scope() });
}

function expectClose(got: ArrayLike<number>, want: readonly number[], rtol: number): void {
  expect(firstMismatch(got, want, rtol)).toBeNull();
}

const POINTS = [-6, -2.5, -0.3, 0.4, 1.7, 5];

describe('softplus', () => {
  it('equals log(1 + exp(x))', () => {
    const [y] = run({ x: POINTS }, () => [softplus(data('x', [POINTS.length], 'float64'))]);

    expectClose(y!.data, POINTS.map((x) => Math.log(1 + Math.exp(x))), 1e-14);
  });

  it('approaches x above and exp(x) below', () => {
    const [y] = run({ x: [50, -50] }, () => [softplus(data('x', [2], 'float64'))]);

    expect(y!.data[0]).toBe(50);
    expect(y!.data[1]! / Math.exp(-50)).toBeCloseTo(1, 14);
  });

  it.each(MODES)('has derivative σ(x) in %s mode', (mode) => {
    setMode(mode);

    const [g] = run({ x: POINTS }, () => {
      const x = data('x', [POINTS.length], 'float64');
      x.stopGradient = false;
      return gradients([sum(softplus(x))], [x]);
    });

    expectClose(g!.data, POINTS.map(sigmoid), 1e-13);
  });

  it.each(MODES)('has second derivative σ(1 - σ) in %s mode', (mode) => {
    setMode(mode);

    const [h] = run({ x: POINTS }, () => {
      const x = data('x', [POINTS.length], 'float64');
      x.stopGradient = false;
      const [g] = gradients([sum(softplus(x))], [x]);
      // Softplus is elementwise, so the Hessian is diagonal and the gradient of sum(g) is its diagonal.
      return gradients([sum(g!)], [x]);
    });

    expectClose(h!.data, POINTS.map((x) => sigmoid(x) * (1 - sigmoid(x))), 1e-13);
  });
});

describe('cumsum', () => {
  const n = 4;
  const x0 = [0.3, -1.1, 2.4, 0.7];
  const oneHots = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  const feed: Record<string, number[]> = { x: x0 };
  oneHots.forEach((e, i) => (feed[`e${i}`] = e));
  const lowerOnes = oneHots.map((_, i) => oneHots.map((_, j) => (j <= i ? 1 : 0)));
  const upperOnes = oneHots.map((_, i) => oneHots.map((_, j) => (j >= i ? 1 : 0)));

  it('sums along an axis, forward and reversed', () => {
    const [forward, reversed] = run({ x: [[1, 2, 3], [4, 5, 6]] }, () => {
      const x = data('x', [2, 3], 'float64');
      return [cumsum(x, -1), cumsum(x, 0, { reverse: true })];
    });

    expect(forward!.toNested()).toEqual([[1, 3, 6], [4, 9, 15]]);
    expect(reversed!.toNested()).toEqual([[5, 7, 9], [4, 5, 6]]);
  });

  for (const reverse of [false, true]) {
    const expected = reverse ? upperOnes : lowerOnes;

    it.each(MODES)(`has Jacobian rows of ${reverse ? 'upper' : 'lower'}-triangular ones in %s mode`, (mode) => {
      setMode(mode);

      // Row i of J is e_iᵀ J, the gradient of y with cotangent e_i.
      const rows = run(feed, () => {
        const x = data('x', [n], 'float64');
        x.stopGradient = false;
        const y = cumsum(x, 0, { reverse });
        return oneHots.map((_, i) => gradients([y], [x], [data(`e${i}`, [n], 'float64')])[0]!);
      });

      rows.forEach((row, i) => expect(Array.from(row.data)).toEqual(expected[i]));
    });
  }

  it('has Jacobian columns of lower-triangular ones by linearize', () => {
    for (let j = 0; j < n; j++) {
      // Column j of J is J e_j, the tangent of y for the tangent e_j of x.
      const main = new Program();
      const fetched = programGuard(main, new Program(), () => {
        const x = data('x', [n], 'float64');
        x.stopGradient = false;
        const y = cumsum(x, 0);
        orig2prim(main.globalBlock(), registry);
        const { xsDot, ysDot } = transforms.linearize(main.globalBlock(), registry, [x], [y]);
        prim2orig(main.globalBlock());
        return { xDot: xsDot[0]!, yDot: ysDot[0]! };
      }, { registry });

      const [column] = new Executor(new CPUPlace()).run(main, {
        feed: { x: x0, [fetched.xDot.name]: oneHots[j]! },
        fetchList: [fetched.yDot],
        scope: new Scope(),
      });

      expect(Array.from(column!.data)).toEqual(lowerOnes.map((row) => row[j]));
    }
  });
});

describe('demo function', () => {
  for (const mode of MODES) {
    for (const x of [[0.5, -1.25, 2, -0.75], [3], [-2, 0.7, 0.9]]) {
      it(`matches the closed form in ${mode} mode at [${x}]`, () => {
        const result = runDemo({ mode, x, registry });
        const want = demoClosedForm(x);

        expect(result.value).toBeCloseTo(want.value, 13);
        expectClose(result.gradient, want.gradient, 1e-13);
        result.hessian.forEach((row, j) => expectClose(row, want.hessian[j]!, 1e-13));
      });
    }
  }

  it('restores the prim switch', () => {
    enablePrim();

    runDemo({ mode: 'orig', registry });

    expect(primEnabled()).toBe(true);
  });

  it('rejects an empty point', () => {
    expect(() => runDemo({ x: [] })).toThrow(/x must be a non-empty list of finite numbers, got \[\]/);
  });

  it('rejects an unknown mode', () => {
    expect(() => runDemo({ mode: 'jvp' as 'prim' })).toThrow(/mode must be 'prim' or 'orig', got "jvp"/);
  });
});
