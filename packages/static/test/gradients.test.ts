import { afterEach, describe, expect, it } from 'vitest';
import { fullRegistry } from './registry.js';
import { Program, Scope, type Var } from '@primgrad/ir';
import { CPUPlace } from '@primgrad/backend-cpu';
import {
  Executor,
  add,
  data,
  disablePrim,
  enablePrim,
  gradients,
  mul,
  prim2orig,
  primEnabled,
  programGuard,
  scale,
  sum,
  tanh,
} from '../src/index.js';

const registry = fullRegistry;

afterEach(() => disablePrim());

/** Builds a program with data vars x = [1, -2, 3] and w = [0.5, 0.25, -1], runs it and returns the fetched values. */
function evaluate(mode: 'prim' | 'orig', build: (x: Var, w: Var) => Var[]): number[][] {
  if (mode === 'prim') enablePrim();
  else disablePrim();
  const main = new Program();
  const fetchList = programGuard(
    main,
    new Program(),
    () => {
      const x = data('x', [3], 'float64');
      const w = data('w', [3], 'float64');
      x.stopGradient = false;
      w.stopGradient = false;
      const out = build(x, w);
      if (primEnabled()) prim2orig(main.block(0));
      return out;
    },
    { registry },
  );
  const values = new Executor(new CPUPlace()).run(main, { feed: { x: [1, -2, 3], w: [0.5, 0.25, -1] }, fetchList, scope: new Scope() });
  return values.map((v) => Array.from(v.data));
}

const x0 = [1, -2, 3];
const w0 = [0.5, 0.25, -1];

describe.each(['prim', 'orig'] as const)('gradients (%s mode)', (mode) => {
  it('of a target with respect to itself is ones', () => {
    expect(evaluate(mode, (x) => gradients([x], [x]))).toEqual([[1, 1, 1]]);
  });

  it('give the same gradient to an input listed twice', () => {
    const [a, b] = evaluate(mode, (x, w) => gradients([sum(mul(x, w))], [x, x]));

    expect(a).toEqual(w0);
    expect(b).toEqual(w0);
  });

  it('sum over a target listed twice', () => {
    expect(evaluate(mode, (x, w) => gradients([sum(mul(x, w)), sum(mul(x, w))], [x]))).toEqual([w0.map((v) => 2 * v)]);
  });

  it('weight targets by targetGradients', () => {
    const [g] = evaluate(mode, (x, w) => gradients([mul(x, x)], [x], [w]));

    expect(g).toEqual(x0.map((v, i) => 2 * v * w0[i]!));
  });

  it('give zeros to an input no target depends on', () => {
    expect(evaluate(mode, (x, w) => gradients([sum(tanh(x))], [w]))).toEqual([[0, 0, 0]]);
  });

  it('pass nothing through a var in noGradSet', () => {
    // y = sum(u * x) with u = x * w: through u the gradient would be 2 x w; with u held, it is u.
    const [g] = evaluate(mode, (x, w) => {
      const u = mul(x, w);
      return gradients([sum(mul(u, x))], [x], null, [u]);
    });

    expect(g).toEqual(x0.map((v, i) => v * w0[i]!));
  });

  it('pass nothing through a var with stopGradient set', () => {
    const [g] = evaluate(mode, (x, w) => {
      const u = mul(x, w);
      u.stopGradient = true;
      return gradients([sum(add(mul(u, x), x))], [x]);
    });

    expect(g).toEqual(x0.map((v, i) => v * w0[i]! + 1));
  });

  it('with respect to an op output treat it as the variable', () => {
    const [g] = evaluate(mode, (x) => {
      const t = scale(x, 3);
      return gradients([sum(mul(t, t))], [t]);
    });

    expect(g).toEqual(x0.map((v) => 6 * v));
  });

  it('with respect to an op output and its input give partial and total derivatives', () => {
    const [gt, gx] = evaluate(mode, (x) => {
      const t = scale(x, 3);
      return gradients([sum(mul(t, t))], [t, x]);
    });

    expect(gt).toEqual(x0.map((v) => 6 * v));
    expect(gx).toEqual(x0.map((v) => 18 * v));
  });

  it('with respect to a hidden activation and a weight', () => {
    const [gh, gw] = evaluate(mode, (x, w) => {
      const h = tanh(mul(x, w));
      return gradients([sum(mul(h, h))], [h, w]);
    });

    const h = x0.map((v, i) => Math.tanh(v * w0[i]!));
    gh!.forEach((g, i) => expect(g).toBeCloseTo(2 * h[i]!, 14));
    gw!.forEach((g, i) => expect(g).toBeCloseTo(2 * h[i]! * (1 - h[i]! ** 2) * x0[i]!, 14));
  });

  it('give nothing to an input in noGradSet', () => {
    const [gx, gw] = evaluate(mode, (x, w) => gradients([sum(mul(x, w))], [x, w], null, [w]));

    expect(gx).toEqual(w0);
    expect(gw).toEqual([0, 0, 0]);
  });
});
