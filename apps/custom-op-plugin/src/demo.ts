import {
  ArgumentError,
  CPUPlace,
  Executor,
  Program,
  Scope,
  createRegistry,
  data,
  disablePrim,
  enablePrim,
  gradients,
  prim2orig,
  primEnabled,
  printBlock,
  programGuard,
  standardPlugins,
  sum,
  type Registry,
} from 'primgrad';
import { cumsum, softplus } from './layers.js';
import { customOpPlugin } from './plugin.js';

/** 'prim' differentiates through prims (enablePrim); 'orig' through vjp rules (disablePrim). */
export type DemoMode = 'prim' | 'orig';

export interface DemoResult {
  readonly mode: DemoMode;
  readonly x: number[];
  /** f(x) = sum(softplus(cumsum(x))). */
  readonly value: number;
  readonly gradient: number[];
  /** Row i is the gradient of gradient[i]. */
  readonly hessian: number[][];
}

export interface DemoOptions {
  readonly mode?: DemoMode;
  /** The point to evaluate at; DEMO_X when absent. */
  readonly x?: readonly number[];
  /** A registry holding the standard plugins and customOpPlugin; a new one when absent. */
  readonly registry?: Registry;
  /** Called with the program text after each stage. */
  readonly onStage?: (stage: string, text: string) => void;
}

/**
 * The default point. Its partial sums [0.5, -0.75, 1.25, 0.5] stay away from 0, where the prim
 * form of softplus has the wrong second derivative.
 */
export const DEMO_X: readonly number[] = [0.5, -1.25, 2, -0.75];

/** Creates a registry with every standard plugin and customOpPlugin. */
export function demoRegistry(): Registry {
  return createRegistry([...standardPlugins, customOpPlugin]);
}

function checkPoint(x: readonly number[]): number[] {
  if (!Array.isArray(x) || x.length === 0 || !x.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new ArgumentError(`runDemo: x must be a non-empty list of finite numbers, got ${JSON.stringify(x)}.`);
  }
  return [...x];
}

/**
 * Builds f(x) = sum(softplus(cumsum(x))) as a static Program, appends its gradient with
 * `gradients` and each Hessian row with `gradients` of the gradient (cotangent e_i, fed as a
 * one-hot vector), and runs it on the CPU in the given mode.
 */
export function runDemo(options: DemoOptions = {}): DemoResult {
  const mode = options.mode ?? 'prim';
  if (mode !== 'prim' && mode !== 'orig') throw new ArgumentError(`runDemo: mode must be 'prim' or 'orig', got ${JSON.stringify(mode)}.`);
  const point = checkPoint(options.x ?? DEMO_X);
  const n = point.length;
  const registry = options.registry ?? demoRegistry();
  const stage = options.onStage ?? (() => {});
  const wasPrim = primEnabled();
  if (mode === 'prim') enablePrim();
  else disablePrim();
  try {
    const main = new Program();
    const fetchList = programGuard(
      main,
      new Program(),
      () => {
        const x = data('x', [n], 'float64');
        x.stopGradient = false;
        const y = sum(softplus(cumsum(x, 0)));
        stage('native', printBlock(main.globalBlock()));
        const [gradient] = gradients([y], [x]);
        const rows = Array.from({ length: n }, (_, i) => {
          const oneHot = data(`e${i}`, [n], 'float64');
          return gradients([gradient!], [x], [oneHot])[0]!;
        });
        stage('after gradients', printBlock(main.globalBlock()));
        if (primEnabled()) {
          prim2orig(main.globalBlock());
          stage('after prim2orig', printBlock(main.globalBlock()));
        }
        return [y, gradient!, ...rows];
      },
      { registry },
    );
    const feed: Record<string, number[]> = { x: point };
    for (let i = 0; i < n; i++) feed[`e${i}`] = Array.from({ length: n }, (_, j) => (i === j ? 1 : 0));
    const [value, gradient, ...rows] = new Executor(new CPUPlace()).run(main, { feed, fetchList, scope: new Scope() });
    return {
      mode,
      x: point,
      value: value!.item(),
      gradient: Array.from(gradient!.data),
      hessian: rows.map((r) => Array.from(r.data)),
    };
  } finally {
    if (wasPrim) enablePrim();
    else disablePrim();
  }
}
