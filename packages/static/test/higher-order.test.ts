import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { fullRegistry } from './registry.js';
import { Program, Scope, type Var } from '@primgrad/ir';
import { CPUPlace } from '@primgrad/backend-cpu';
import {
  Executor,
  add,
  assignInit,
  createParameter,
  data,
  disablePrim,
  enablePrim,
  gradients,
  matmul,
  mul,
  norm,
  pow,
  prim2orig,
  primEnabled,
  programGuard,
  sin,
  sqrt,
  sum,
  tanh,
} from '../src/index.js';

const registry = fullRegistry;

type Mode = 'prim' | 'orig';
const modes: Mode[] = ['prim', 'orig'];

function setMode(mode: Mode): void {
  if (mode === 'prim') enablePrim();
  else disablePrim();
}

afterEach(() => disablePrim());

/**
 * Builds f on a 0-d float64 input, differentiates it `order` times by calling gradients on the
 * previous gradient, and returns every derivative at x0.
 */
function derivatives(mode: Mode, f: (x: Var) => Var, x0: number, order: number): number[] {
  setMode(mode);
  const main = new Program();
  const startup = new Program();
  const fetchList = programGuard(
    main,
    startup,
    () => {
      const x = data('x', [], 'float64');
      x.stopGradient = false;
      const ds: Var[] = [];
      let current = f(x);
      for (let k = 0; k < order; k++) {
        current = gradients([current], [x])[0]!;
        ds.push(current);
      }
      if (primEnabled()) prim2orig(main.block(0));
      return ds;
    },
    { registry },
  );
  const values = new Executor(new CPUPlace()).run(main, { feed: { x: x0 }, fetchList, scope: new Scope() });
  return values.map((v) => v.item());
}

const x4 = (x: Var) => mul(mul(x, x), mul(x, x));

describe.each(modes)('derivatives of order 1 to 5 (%s mode)', (mode) => {
  it('of x⁴ at 2 are 32, 48, 48, 24, 0', () => {
    const ds = derivatives(mode, x4, 2, 5);

    expect(ds).toEqual([32, 48, 48, 24, 0]);
  });

  it('of sin at 0.7 cycle through cos, −sin, −cos, sin', () => {
    const x = 0.7;
    const expected = [Math.cos(x), -Math.sin(x), -Math.cos(x), Math.sin(x), Math.cos(x)];

    const ds = derivatives(mode, sin, x, 5);

    ds.forEach((d, k) => expect(d, `order ${k + 1}`).toBeCloseTo(expected[k]!, 12));
  });

  it('of pow(x, 3) at 0 have no NaN', () => {
    // Each derivative of x^n lowers the exponent; at x = 0 the slope of x^0 must be 0, not 0 · 0^-1.
    const ds = derivatives(mode, (v) => pow(v, 3), 0, 5);

    expect(ds).toEqual([0, 0, 6, 0, 0]);
  });

  it('of norm at 0 are 0, with no NaN', () => {
    // |x| has no derivative at 0; both mechanisms use the subgradient 0 at every order.
    expect(derivatives(mode, (v) => norm(v), 0, 3)).toEqual([0, 0, 0]);
  });

  it('of pow(x, 0) at 0 is 0', () => {
    expect(derivatives(mode, (v) => pow(v, 0), 0, 2)).toEqual([0, 0]);
  });

  it('of sqrt(x⁵ + x⁴) at 2 match the closed form at order 4', () => {
    // d⁴/dx⁴ sqrt(x⁵ + x⁴) = 3 (−5x² − 16x − 16) / (16 (x + 1)^3.5)
    const x = 2;
    const expected = (3 * (-5 * x * x - 16 * x - 16)) / (16 * (x + 1) ** 3.5);

    const ds = derivatives(mode, (v) => sqrt(add(pow(v, 5), pow(v, 4))), x, 4);

    expect(expected).toBeCloseTo(-0.27263762711, 10);
    expect(ds[3]).toBeCloseTo(expected, 11);
  });
});

const fixture = JSON.parse(readFileSync(fileURLToPath(new URL('./fixtures/two_layer_hessian.json', import.meta.url)), 'utf8'));

/** The Hessian of a two-layer tanh network w.r.t. its input, one row per run: H eᵢ = ∇(∇f · eᵢ). */
function twoLayerHessian(mode: Mode): number[][] {
  setMode(mode);
  const main = new Program();
  const startup = new Program();
  const { gradient, row, direction } = programGuard(
    main,
    startup,
    () => {
      const x = data('x', [4], 'float64');
      x.stopGradient = false;
      const direction = data('direction', [4], 'float64');
      const w1 = createParameter([4, 3], 'float64', { name: 'w1', initializer: assignInit(fixture.W1) });
      const b1 = createParameter([3], 'float64', { name: 'b1', initializer: assignInit(fixture.b1) });
      const w2 = createParameter([3, 2], 'float64', { name: 'w2', initializer: assignInit(fixture.W2) });
      const b2 = createParameter([2], 'float64', { name: 'b2', initializer: assignInit(fixture.b2) });
      const f = sum(tanh(add(matmul(tanh(add(matmul(x, w1), b1)), w2), b2)));
      const [gradient] = gradients([f], [x]);
      const [row] = gradients([gradient!], [x], [direction]);
      if (primEnabled()) prim2orig(main.block(0));
      return { gradient: gradient!, row: row!, direction };
    },
    { registry },
  );
  const exe = new Executor(new CPUPlace());
  const scope = new Scope();
  exe.run(startup, { scope });
  return [0, 1, 2, 3].map((i) => {
    const e = [0, 1, 2, 3].map((j) => (i === j ? 1 : 0));
    const [g, h] = exe.run(main, { feed: { x: fixture.x, [direction.name]: e }, fetchList: [gradient, row], scope });
    return Array.from(h!.data);
  });
}

describe.each(modes)('Hessian of a two-layer tanh network (%s mode)', (mode) => {
  it('matches the numpy closed form', () => {
    const hessian = twoLayerHessian(mode);

    hessian.forEach((row, i) =>
      row.forEach((h, j) => expect(Math.abs(h - fixture.hessian[i][j]), `H[${i}][${j}]`).toBeLessThan(1e-12)),
    );
  });
});

describe('mixed modes', () => {
  it('take a prim-mode gradient, raise it, then differentiate it with vjp rules', () => {
    const main = new Program();
    const startup = new Program();
    const fetchList = programGuard(
      main,
      startup,
      () => {
        const x = data('x', [], 'float64');
        x.stopGradient = false;
        enablePrim();
        const [d1] = gradients([x4(x)], [x]);
        prim2orig(main.block(0));
        disablePrim();
        const [d2] = gradients([d1!], [x]);
        return [d1!, d2!];
      },
      { registry },
    );

    const [d1, d2] = new Executor(new CPUPlace()).run(main, { feed: { x: 2 }, fetchList, scope: new Scope() });

    expect(d1!.item()).toBe(32);
    expect(d2!.item()).toBe(48);
  });

  it('take a vjp-rule gradient, then differentiate it through prims', () => {
    const main = new Program();
    const startup = new Program();
    const fetchList = programGuard(
      main,
      startup,
      () => {
        const x = data('x', [], 'float64');
        x.stopGradient = false;
        disablePrim();
        const [d1] = gradients([x4(x)], [x]);
        enablePrim();
        const [d2] = gradients([d1!], [x]);
        prim2orig(main.block(0));
        return [d1!, d2!];
      },
      { registry },
    );

    const [d1, d2] = new Executor(new CPUPlace()).run(main, { feed: { x: 2 }, fetchList, scope: new Scope() });

    expect(d1!.item()).toBe(32);
    expect(d2!.item()).toBe(48);
  });
});
