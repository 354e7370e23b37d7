import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runSeed, type SeedResult } from '../src/seed.js';

// Values computed with numpy from hand-derived formulas and checked against finite differences.
const reference = JSON.parse(readFileSync(fileURLToPath(new URL('./fixtures/seed-example.json', import.meta.url)), 'utf8'));
const expected: Record<keyof SeedResult, unknown> = {
  y: reference.y,
  dy_dx: reference.dy_dx,
  loss: reference.loss,
  grad_w: reference.grad_W,
  grad_b: reference.grad_b,
  w_after: reference.W_after_one_adam_step,
  b_after: reference.b_after_one_adam_step,
};

/** Returns the largest relative error between nested arrays, with the scale floored at 1e-3. */
function maxRelativeError(got: unknown, want: unknown, path = ''): { error: number; at: string } {
  if (typeof want === 'number') {
    if (typeof got !== 'number') return { error: Infinity, at: path };
    return { error: Math.abs(got - want) / Math.max(Math.abs(want), 1e-3), at: path };
  }
  const wantList = want as unknown[];
  const gotList = got as unknown[];
  if (!Array.isArray(gotList) || gotList.length !== wantList.length) return { error: Infinity, at: path };
  let worst = { error: 0, at: path };
  wantList.forEach((w, i) => {
    const e = maxRelativeError(gotList[i], w, `${path}[${i}]`);
    if (e.error > worst.error) worst = e;
  });
  return worst;
}

const cases = [
  { mode: 'prim', dtype: 'float64', tol: 1e-9 },
  { mode: 'prim', dtype: 'float32', tol: 1e-4 },
  { mode: 'orig', dtype: 'float64', tol: 1e-9 },
  { mode: 'orig', dtype: 'float32', tol: 1e-4 },
] as const;

describe('seed example', () => {
  it.each(cases)('matches the reference in $mode mode, $dtype', ({ mode, dtype, tol }) => {
    const result = runSeed({ mode, dtype });

    for (const key of Object.keys(expected) as (keyof SeedResult)[]) {
      const { error, at } = maxRelativeError(result[key], expected[key]);
      expect(error, `${key}${at}`).toBeLessThan(tol);
    }
  });

  it('prints the program after each stage', () => {
    const stages: Record<string, string> = {};

    runSeed({ onStage: (stage, text) => (stages[stage] = text) });

    expect(Object.keys(stages)).toEqual(['native', 'prim', 'after gradients and minimize', 'after prim2orig']);
    expect(stages.native).toMatchInlineSnapshot(`
      "block 0 {
        x: f64[2,20] (data needs-grad)
        w: f64[20,2] (param needs-grad)
        bias: f64[2] (param needs-grad)
        matmul_0: f64[2,2] = matmul(x, w) {transX=false, transY=false}
        add_0: f64[2,2] = add(matmul_0, bias)
        tanh_0: f64[2,2] = tanh(add_0)
      }"
    `);
    expect(stages.prim).toMatchInlineSnapshot(`
      "block 0 {
        x: f64[2,20] (data needs-grad)
        w: f64[20,2] (param needs-grad)
        bias: f64[2] (param needs-grad)
        matmul_0: f64[2,2] = matmul_p(x, w)
        broadcast_0: f64[2,2] = broadcast_p(bias) {shape=[2,2]}
        add_0: f64[2,2] = add_p(matmul_0, broadcast_0)
        tanh_0: f64[2,2] = tanh_p(add_0)
      }"
    `);
    expect(stages['after prim2orig']).not.toMatch(/_p\(/);
    expect(stages['after gradients and minimize']).toMatch(/assign\(/);
  });
});

describe('seed-example app', () => {
  it('prints one JSON object with --json', () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const stdout = execFileSync('node', ['--conditions=@primgrad/source', '--import', 'tsx', 'src/main.ts', '--json'], {
      cwd: root,
      encoding: 'utf8',
    });

    const parsed = JSON.parse(stdout);
    expect(Object.keys(parsed).sort()).toEqual(['b_after', 'dy_dx', 'grad_b', 'grad_w', 'loss', 'w_after', 'y']);
    const { error, at } = maxRelativeError(parsed.w_after, expected.w_after);
    expect(error, `w_after${at}`).toBeLessThan(1e-9);
  });

  it('prints the same JSON with --mode orig', () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const stdout = execFileSync('node', ['--conditions=@primgrad/source', '--import', 'tsx', 'src/main.ts', '--json', '--mode', 'orig'], {
      cwd: root,
      encoding: 'utf8',
    });

    const parsed = JSON.parse(stdout);
    for (const key of Object.keys(expected) as (keyof SeedResult)[]) {
      const { error, at } = maxRelativeError(parsed[key], expected[key]);
      expect(error, `${key}${at}`).toBeLessThan(1e-9);
    }
  });

  it('rejects an unknown dtype', () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const run = () =>
      execFileSync('node', ['--conditions=@primgrad/source', '--import', 'tsx', 'src/main.ts', '--dtype', 'int8'], {
        cwd: root,
        encoding: 'utf8',
        stdio: 'pipe',
      });

    expect(run).toThrow(/Invalid --dtype 'int8'/);
  });
});
