/** `pnpm start` (src/main.ts) prints values that match the closed forms, in both modes. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { demoClosedForm, firstMismatch } from './reference.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const START_ARGS = ['--conditions=@primgrad/source', '--import', 'tsx', 'src/main.ts'];

function start(...args: string[]): string {
  return execFileSync('node', [...START_ARGS, ...args], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
}

/** Runs main with `args`, expecting it to fail; returns its exit status and stderr. */
function startFailing(...args: string[]): { status: number | null; stderr: string } {
  try {
    start(...args);
  } catch (e) {
    const error = e as { status: number | null; stderr: string };
    return { status: error.status, stderr: error.stderr };
  }
  throw new Error(`main exited 0 for ${args.join(' ')}`);
}

interface Printed {
  value: number;
  gradient: number[];
  hessian: number[][];
}

function expectClosedForm(printed: Printed, x: readonly number[]): void {
  const want = demoClosedForm(x);
  expect(firstMismatch([printed.value], [want.value], 1e-13)).toBeNull();
  expect(firstMismatch(printed.gradient, want.gradient, 1e-13)).toBeNull();
  printed.hessian.forEach((row, j) => expect(firstMismatch(row, want.hessian[j]!, 1e-13), `hessian row ${j}`).toBeNull());
  expect(printed.hessian).toHaveLength(x.length);
}

describe('main', () => {
  it('is what pnpm start runs', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

    expect(manifest.scripts.start).toBe(`node ${START_ARGS.join(' ')}`);
  });

  it('prints closed-form values as JSON in both modes', () => {
    const printed = JSON.parse(start('--json'));

    expect(Object.keys(printed).sort()).toEqual(['orig', 'prim']);
    expectClosedForm(printed.prim, [0.5, -1.25, 2, -0.75]);
    expectClosedForm(printed.orig, [0.5, -1.25, 2, -0.75]);
  });

  it('prints closed-form values as text', () => {
    const text = start('--x', '1.5,-0.5,0.25');
    const sections = text.split(/^== /m).slice(1);

    expect(text.split('\n')[0]).toBe('f(x) = sum(softplus(cumsum(x))) at x = [1.5,-0.5,0.25]');
    expect(sections.map((s) => s.split('\n')[0])).toEqual([
      'prim mode: orig2prim, linearize, transpose, prim2orig ==',
      'orig mode: vjp rules ==',
    ]);
    for (const section of sections) {
      const lines = section.split('\n');
      const printed = {
        value: Number(lines[1]!.replace('f = ', '')),
        gradient: JSON.parse(lines[2]!.replace('gradient = ', '')),
        hessian: lines.slice(4, 7).map((line) => JSON.parse(line)),
      };
      expect(lines[3]).toBe('hessian =');
      expectClosedForm(printed, [1.5, -0.5, 0.25]);
    }
  });

  it('prints each stage when asked', () => {
    const text = start('--stages', '--x', '1');

    expect(text).toMatch(/-- program: native --\nblock 0 \{[\s\S]*= cumsum\(x\) \{axis=0, reverse=false\}[\s\S]*= softplus\(/);
    expect(text).toMatch(/-- program: after prim2orig --/);
  });

  it('rejects an invalid point', () => {
    const { status, stderr } = startFailing('--x', '1,abc');

    expect(status).toBe(2);
    expect(stderr).toMatch(/Invalid --x '1,abc': give comma-separated finite numbers/);
  });

  it('rejects an unknown option', () => {
    const { status, stderr } = startFailing('--mode', 'prim');

    expect(status).toBe(2);
    expect(stderr).toMatch(/Usage: pnpm start/);
  });
});
