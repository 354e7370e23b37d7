/**
 * The optimizers on a fixed quadratic, checked against the update recurrences written out below
 * on plain JS numbers, in prim mode (with prim2orig after minimize) and in orig mode (vjp rules).
 * The quadratic is loss = ½ Σ (A θ + b − C)², with θ a 2×3 weight and b a bias of 3 broadcast
 * over the rows, so the gradients are ∂θ = Aᵀ r and ∂b = Σ_rows r for r = A θ + b − C.
 */
import { CPUPlace } from '@primgrad/backend-cpu';
import { type Var } from '@primgrad/ir';
import { describe, expect, it } from 'vitest';
import { fullRegistry } from './registry.js';
import {
  Adam,
  AdamW,
  Executor,
  Momentum,
  Program,
  RMSProp,
  SGD,
  Scope,
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
  prim2orig,
  primEnabled,
  programGuard,
  scale,
  sub,
  sum,
  tanh,
  type Optimizer,
} from '../src/index.js';

const registry = fullRegistry;

type Mode = 'prim' | 'orig';
const modes: Mode[] = ['prim', 'orig'];

/** Runs `fn` with prim mode on for 'prim' and off for 'orig', then restores the previous setting. */
function inMode<T>(mode: Mode, fn: () => T): T {
  const wasPrim = primEnabled();
  if (mode === 'prim') enablePrim();
  else disablePrim();
  try {
    return fn();
  } finally {
    if (wasPrim) enablePrim();
    else disablePrim();
  }
}

// ---------------------------------------------------------------------------------------------
// The reference: the quadratic's gradient and each update rule, on JS numbers.

const A = [
  [1.0, 2.0],
  [0.5, -1.0],
  [3.0, 0.25],
];
const C = [
  [1.0, 0.0, -1.0],
  [2.0, 1.0, 0.0],
  [0.5, -0.5, 1.0],
];
const THETA0 = [
  [0.5, -1.0, 2.0],
  [1.5, 0.25, -0.75],
];
const BIAS0 = [0.1, -0.2, 0.3];

/** Parameter values, flattened row-major: [θ (6 values), b (3 values)]. */
type Params = [number[], number[]];

function quadraticGradient([theta, bias]: Params): Params {
  const residual = [0, 1, 2].map((i) => [0, 1, 2].map((j) => A[i]![0]! * theta[j]! + A[i]![1]! * theta[3 + j]! + bias[j]! - C[i]![j]!));
  const gradTheta = [0, 1].flatMap((k) => [0, 1, 2].map((j) => [0, 1, 2].reduce((acc, i) => acc + A[i]![k]! * residual[i]![j]!, 0)));
  const gradBias = [0, 1, 2].map((j) => residual[0]![j]! + residual[1]![j]! + residual[2]![j]!);
  return [gradTheta, gradBias];
}

/** One element's update: returns the new value and keeps the rule's running values in `state`. */
type ElementUpdate = (x: number, g: number, lr: number, t: number, state: Record<string, number>) => number;

const sgdRule: ElementUpdate = (x, g, lr) => x - lr * g;

const momentumRule =
  (mu: number, nesterov: boolean): ElementUpdate =>
  (x, g, lr, _t, s) => {
    s.v = mu * (s.v ?? 0) + g;
    return x - lr * (nesterov ? g + mu * s.v : s.v);
  };

const adamRule =
  (beta1: number, beta2: number, eps: number, decoupledDecay = 0): ElementUpdate =>
  (x, g, lr, t, s) => {
    s.m = beta1 * (s.m ?? 0) + (1 - beta1) * g;
    s.v = beta2 * (s.v ?? 0) + (1 - beta2) * g * g;
    const mHat = s.m / (1 - beta1 ** (t + 1));
    const vHat = s.v / (1 - beta2 ** (t + 1));
    return x - lr * (mHat / (Math.sqrt(vHat) + eps) + decoupledDecay * x);
  };

const rmspropRule =
  (rho: number, eps: number, mu: number, centered: boolean): ElementUpdate =>
  (x, g, lr, _t, s) => {
    s.meanSquare = rho * (s.meanSquare ?? 0) + (1 - rho) * g * g;
    let second = s.meanSquare;
    if (centered) {
      s.meanGrad = rho * (s.meanGrad ?? 0) + (1 - rho) * g;
      second = Math.max(second - s.meanGrad * s.meanGrad, 0);
    }
    let direction = g / (Math.sqrt(second) + eps);
    if (mu > 0) {
      s.buffer = mu * (s.buffer ?? 0) + direction;
      direction = s.buffer;
    }
    return x - lr * direction;
  };

interface ReferenceOptions {
  lr: number | ((step: number) => number);
  /** Coupled L2 decay, added to the gradient after clipping. Decoupled decay is part of the rule. */
  weightDecay?: number;
  clip?: number;
}

/** Returns the parameters after each of `steps` steps of `rule` from (θ0, b0). */
function referenceTrajectory(rule: ElementUpdate, options: ReferenceOptions, steps = 3): Params[] {
  let params: Params = [THETA0.flat(), [...BIAS0]];
  const states = params.map((p) => p.map(() => ({}) as Record<string, number>));
  const trajectory: Params[] = [];
  for (let t = 0; t < steps; t++) {
    let grads = quadraticGradient(params);
    if (options.clip !== undefined) {
      const globalNorm = Math.sqrt(grads.flat().reduce((acc, g) => acc + g * g, 0));
      const factor = options.clip / Math.max(options.clip, globalNorm);
      grads = grads.map((g) => g.map((v) => v * factor)) as Params;
    }
    const decay = options.weightDecay ?? 0;
    grads = grads.map((g, k) => g.map((v, i) => v + decay * params[k]![i]!)) as Params;
    const lr = typeof options.lr === 'number' ? options.lr : options.lr(t);
    params = params.map((p, k) => p.map((x, i) => rule(x, grads[k]![i]!, lr, t, states[k]![i]!))) as Params;
    trajectory.push(params);
  }
  return trajectory;
}

// ---------------------------------------------------------------------------------------------
// The product: the same quadratic as a program, trained by an optimizer.

interface Training {
  /** The parameters after each step. */
  trajectory: Params[];
  /** The gradients that minimize returned, as computed on the first step. */
  firstGradients: Params;
}

function train(optimizer: Optimizer, mode: Mode, steps = 3): Training {
  return inMode(mode, () => {
    const main = new Program();
    const startup = new Program();
    const fetchList = programGuard(
      main,
      startup,
      () => {
        const a = data('a', [3, 2], 'float64');
        const c = data('c', [3, 3], 'float64');
        const theta = createParameter([2, 3], 'float64', { name: 'theta', initializer: assignInit(THETA0) });
        const bias = createParameter([3], 'float64', { name: 'bias', isBias: true, initializer: assignInit(BIAS0) });
        const residual = sub(add(matmul(a, theta), bias), c);
        const loss = scale(sum(mul(residual, residual)), 0.5);
        const [, pairs] = optimizer.minimize(loss);
        if (mode === 'prim') prim2orig(main.globalBlock());
        const gradOf = (param: Var) => pairs.find(([p]) => p === param)![1];
        return [theta, bias, gradOf(theta), gradOf(bias)];
      },
      { registry },
    );
    const exe = new Executor(new CPUPlace());
    const scope = new Scope();
    exe.run(startup, { scope });
    const trajectory: Params[] = [];
    let firstGradients: Params | undefined;
    for (let t = 0; t < steps; t++) {
      const fetched = exe.run(main, { feed: { a: A, c: C }, fetchList, scope });
      const [theta, bias, gradTheta, gradBias] = fetched.map((v) => Array.from(v.data as Float64Array));
      trajectory.push([theta!, bias!]);
      firstGradients ??= [gradTheta!, gradBias!];
    }
    return { trajectory, firstGradients: firstGradients! };
  });
}

/** Returns the largest |got − want| / max(|want|, 1) over every value, and where it is. */
function maxRelativeError(got: Params[], want: Params[]): { error: number; at: string } {
  let worst = { error: 0, at: '' };
  want.forEach((params, step) =>
    params.forEach((values, k) =>
      values.forEach((w, i) => {
        const error = Math.abs(got[step]![k]![i]! - w) / Math.max(Math.abs(w), 1);
        if (!(error <= worst.error)) worst = { error, at: `step ${step + 1}, ${k === 0 ? 'theta' : 'bias'}[${i}]` };
      }),
    ),
  );
  return worst;
}

const schedule = (step: number) => 0.1 / (1 + step);

interface Case {
  name: string;
  make: () => Optimizer;
  rule: ElementUpdate;
  reference: ReferenceOptions;
}

const cases: Case[] = [
  { name: 'SGD', make: () => new SGD({ learningRate: 0.05 }), rule: sgdRule, reference: { lr: 0.05 } },
  {
    name: 'Momentum',
    make: () => new Momentum({ learningRate: 0.05, momentum: 0.9 }),
    rule: momentumRule(0.9, false),
    reference: { lr: 0.05 },
  },
  {
    name: 'Momentum nesterov',
    make: () => new Momentum({ learningRate: 0.05, momentum: 0.9, nesterov: true }),
    rule: momentumRule(0.9, true),
    reference: { lr: 0.05 },
  },
  { name: 'Adam', make: () => new Adam({ learningRate: 0.1 }), rule: adamRule(0.9, 0.999, 1e-8), reference: { lr: 0.1 } },
  {
    name: 'Adam beta1 0',
    make: () => new Adam({ learningRate: 0.1, beta1: 0, beta2: 0.99, epsilon: 1e-6 }),
    rule: adamRule(0, 0.99, 1e-6),
    reference: { lr: 0.1 },
  },
  {
    name: 'AdamW',
    make: () => new AdamW({ learningRate: 0.1, weightDecay: 0.2 }),
    rule: adamRule(0.9, 0.999, 1e-8, 0.2),
    reference: { lr: 0.1 },
  },
  {
    name: 'AdamW default decay',
    make: () => new AdamW({ learningRate: 0.1 }),
    rule: adamRule(0.9, 0.999, 1e-8, 0.01),
    reference: { lr: 0.1 },
  },
  { name: 'RMSProp', make: () => new RMSProp({ learningRate: 0.01 }), rule: rmspropRule(0.9, 1e-8, 0, false), reference: { lr: 0.01 } },
  {
    name: 'RMSProp centered momentum',
    make: () => new RMSProp({ learningRate: 0.01, rho: 0.8, epsilon: 1e-4, momentum: 0.5, centered: true }),
    rule: rmspropRule(0.8, 1e-4, 0.5, true),
    reference: { lr: 0.01 },
  },
  {
    name: 'RMSProp momentum',
    make: () => new RMSProp({ learningRate: 0.01, momentum: 0.7 }),
    rule: rmspropRule(0.9, 1e-8, 0.7, false),
    reference: { lr: 0.01 },
  },
  {
    name: 'RMSProp centered',
    make: () => new RMSProp({ learningRate: 0.01, centered: true }),
    rule: rmspropRule(0.9, 1e-8, 0, true),
    reference: { lr: 0.01 },
  },
  // Schedules: lr(step) = 0.1 / (1 + step), read before each run.
  { name: 'SGD scheduled', make: () => new SGD({ learningRate: schedule }), rule: sgdRule, reference: { lr: schedule } },
  {
    name: 'Momentum scheduled',
    make: () => new Momentum({ learningRate: schedule, momentum: 0.9 }),
    rule: momentumRule(0.9, false),
    reference: { lr: schedule },
  },
  { name: 'Adam scheduled', make: () => new Adam({ learningRate: schedule }), rule: adamRule(0.9, 0.999, 1e-8), reference: { lr: schedule } },
  {
    name: 'RMSProp scheduled',
    make: () => new RMSProp({ learningRate: schedule, momentum: 0.5 }),
    rule: rmspropRule(0.9, 1e-8, 0.5, false),
    reference: { lr: schedule },
  },
  // Coupled L2 decay enters the gradient. AdamW's decoupled decay does not, as its rows above check.
  {
    name: 'SGD weight decay',
    make: () => new SGD({ learningRate: 0.05, weightDecay: 0.3 }),
    rule: sgdRule,
    reference: { lr: 0.05, weightDecay: 0.3 },
  },
  {
    name: 'Momentum weight decay',
    make: () => new Momentum({ learningRate: 0.05, weightDecay: 0.3, nesterov: true }),
    rule: momentumRule(0.9, true),
    reference: { lr: 0.05, weightDecay: 0.3 },
  },
  {
    name: 'Adam weight decay',
    make: () => new Adam({ learningRate: 0.1, weightDecay: 0.2 }),
    rule: adamRule(0.9, 0.999, 1e-8),
    reference: { lr: 0.1, weightDecay: 0.2 },
  },
  {
    name: 'RMSProp weight decay',
    make: () => new RMSProp({ learningRate: 0.01, weightDecay: 0.2 }),
    rule: rmspropRule(0.9, 1e-8, 0, false),
    reference: { lr: 0.01, weightDecay: 0.2 },
  },
  // Clipping by the global norm over θ and b together; the decay is added after clipping.
  { name: 'SGD clipped', make: () => new SGD({ learningRate: 0.05, clipGlobalNorm: 1 }), rule: sgdRule, reference: { lr: 0.05, clip: 1 } },
  {
    name: 'SGD clipped weight decay',
    make: () => new SGD({ learningRate: 0.05, clipGlobalNorm: 1, weightDecay: 0.3 }),
    rule: sgdRule,
    reference: { lr: 0.05, clip: 1, weightDecay: 0.3 },
  },
  {
    name: 'Momentum clipped',
    make: () => new Momentum({ learningRate: 0.05, clipGlobalNorm: 2 }),
    rule: momentumRule(0.9, false),
    reference: { lr: 0.05, clip: 2 },
  },
  {
    name: 'AdamW clipped',
    make: () => new AdamW({ learningRate: 0.1, clipGlobalNorm: 1, weightDecay: 0.2 }),
    rule: adamRule(0.9, 0.999, 1e-8, 0.2),
    reference: { lr: 0.1, clip: 1 },
  },
];

describe.each(modes)('optimizers in %s mode', (mode) => {
  it.each(cases)('$name matches the reference after 3 steps', ({ make, rule, reference }) => {
    const want = referenceTrajectory(rule, reference);

    const { trajectory } = train(make(), mode);

    const { error, at } = maxRelativeError(trajectory, want);
    expect(error, at).toBeLessThan(1e-12);
  });

  it('minimize returns the gradients of the loss', () => {
    const want = quadraticGradient([THETA0.flat(), [...BIAS0]]);

    const { firstGradients } = train(new SGD({ learningRate: 0 }), mode, 1);

    expect(maxRelativeError([firstGradients], [want]).error).toBeLessThan(1e-12);
  });

  it('schedule sees the steps taken', () => {
    const seen: number[] = [];

    train(new SGD({ learningRate: (step) => (seen.push(step), 0.01) }), mode);

    expect(seen).toEqual([0, 1, 2]);
  });
});

describe('reference sanity', () => {
  // These keep the table meaningful: a clip below the gradient's norm, decay that moves the
  // trajectory, and a schedule that differs from its first value.
  it('clip threshold is below the gradient norm', () => {
    const norm0 = Math.sqrt(quadraticGradient([THETA0.flat(), [...BIAS0]]).flat().reduce((acc, g) => acc + g * g, 0));

    expect(norm0).toBeGreaterThan(2);
  });

  it('decay and schedule change the trajectory', () => {
    const plain = referenceTrajectory(sgdRule, { lr: 0.05 });
    const decayed = referenceTrajectory(sgdRule, { lr: 0.05, weightDecay: 0.3 });
    const scheduled = referenceTrajectory(sgdRule, { lr: schedule });
    const constant = referenceTrajectory(sgdRule, { lr: 0.1 });

    expect(maxRelativeError(decayed, plain).error).toBeGreaterThan(1e-3);
    expect(maxRelativeError(scheduled, constant).error).toBeGreaterThan(1e-3);
  });
});

describe('optimizer behaviour', () => {
  it.each(modes)('clip above the norm changes nothing (%s)', (mode) => {
    const want = referenceTrajectory(sgdRule, { lr: 0.05 });

    const { trajectory } = train(new SGD({ learningRate: 0.05, clipGlobalNorm: 1e6 }), mode);

    expect(maxRelativeError(trajectory, want).error).toBeLessThan(1e-12);
  });

  it.each(modes)('AdamW differs from Adam with L2 (%s)', (mode) => {
    const coupled = train(new Adam({ learningRate: 0.1, weightDecay: 0.2 }), mode).trajectory;
    const decoupled = train(new AdamW({ learningRate: 0.1, weightDecay: 0.2 }), mode).trajectory;

    expect(maxRelativeError(decoupled, coupled).error).toBeGreaterThan(1e-4);
  });

  it.each(modes)('AdamW without decay equals Adam (%s)', (mode) => {
    const adam = train(new Adam({ learningRate: 0.1 }), mode).trajectory;
    const adamw = train(new AdamW({ learningRate: 0.1, weightDecay: 0 }), mode).trajectory;

    expect(maxRelativeError(adamw, adam).error).toBeLessThan(1e-15);
  });

  it.each(modes)('centered RMSProp stays finite (%s)', (mode) => {
    // A constant gradient of 0.7 has zero variance, and in float64 E[g²] − E[g]² rounds below 0
    // from step 54 on with ρ = 0.5, so without the clamp √ of it would be NaN.
    const steps = 60;
    const seen = inMode(mode, () => {
      const main = new Program();
      const startup = new Program();
      const theta = programGuard(
        main,
        startup,
        () => {
          const slope = data('slope', [2, 3], 'float64');
          const param = createParameter([2, 3], 'float64', { name: 'theta', initializer: assignInit(THETA0) });
          new RMSProp({ learningRate: 1e-9, rho: 0.5, centered: true }).minimize(sum(mul(param, slope)));
          if (mode === 'prim') prim2orig(main.globalBlock());
          return param;
        },
        { registry },
      );
      const exe = new Executor(new CPUPlace());
      const scope = new Scope();
      exe.run(startup, { scope });
      const feed = { slope: THETA0.map((row) => row.map(() => 0.7)) };
      let values: number[] = [];
      for (let t = 0; t < steps; t++) {
        const [fetched] = exe.run(main, { feed, fetchList: [theta], scope });
        values = Array.from(fetched!.data as Float64Array);
      }
      return values;
    });
    const constantSlope: ElementUpdate = (x, _g, lr, t, s) => rmspropRule(0.5, 1e-8, 0, true)(x, 0.7, lr, t, s);
    const want = referenceTrajectory(constantSlope, { lr: 1e-9 }, steps)[steps - 1]![0];

    expect(seen.every(Number.isFinite)).toBe(true);
    expect(maxRelativeError([[seen, []]], [[want, []]]).error).toBeLessThan(1e-12);
  });

  it('schedule returning NaN fails the run', () => {
    const run = () => train(new SGD({ learningRate: () => Number.NaN }), 'orig', 1);

    expect(run).toThrow(/learning-rate schedule returned NaN at step 0/);
  });
});

// ---------------------------------------------------------------------------------------------
// The seed program: y = tanh(x W + b), loss = ‖dy/dx‖₂, 10 Adam steps. The loss already contains a
// first derivative, so minimize differentiates twice, through the prims in one mode and the vjp
// rules in the other.

function trainSeed(mode: Mode, steps = 10): { w: number[]; bias: number[] } {
  return inMode(mode, () => {
    const x0 = [0, 1].map((i) => Array.from({ length: 20 }, (_, j) => Math.sin(20 * i + j)));
    const w0 = Array.from({ length: 20 }, (_, i) => [0, 1].map((j) => 0.1 * Math.cos(2 * i + j)));
    const main = new Program();
    const startup = new Program();
    const fetchList = programGuard(
      main,
      startup,
      () => {
        const x = data('x', [2, 20], 'float64');
        x.stopGradient = false;
        const w = createParameter([20, 2], 'float64', { name: 'w', initializer: assignInit(w0) });
        const bias = createParameter([2], 'float64', { name: 'bias', isBias: true, initializer: assignInit([0.1, -0.2]) });
        const y = tanh(add(matmul(x, w), bias));
        const [dyDx] = gradients([y], [x]);
        const loss = norm(dyDx!, 2);
        new Adam({ learningRate: 0.01 }).minimize(loss);
        if (mode === 'prim') prim2orig(main.globalBlock());
        return [w, bias];
      },
      { registry },
    );
    const exe = new Executor(new CPUPlace());
    const scope = new Scope();
    exe.run(startup, { scope });
    let values: number[][] = [];
    for (let t = 0; t < steps; t++) {
      values = exe.run(main, { feed: { x: x0 }, fetchList, scope }).map((v) => Array.from(v.data as Float64Array));
    }
    return { w: values[0]!, bias: values[1]! };
  });
}

describe('seed program', () => {
  it('prim and orig agree after 10 Adam steps', () => {
    const prim = trainSeed('prim');
    const orig = trainSeed('orig');
    const start = Array.from({ length: 20 }, (_, i) => [0, 1].map((j) => 0.1 * Math.cos(2 * i + j))).flat();

    const wError = Math.max(...prim.w.map((v, i) => Math.abs(v - orig.w[i]!) / Math.max(Math.abs(orig.w[i]!), 1e-3)));
    const biasError = Math.max(...prim.bias.map((v, i) => Math.abs(v - orig.bias[i]!) / Math.max(Math.abs(orig.bias[i]!), 1e-3)));
    expect(wError).toBeLessThan(1e-10);
    expect(biasError).toBeLessThan(1e-10);
    // Ten steps of lr 0.01 move every weight, so agreement is not agreement on the start values.
    expect(Math.max(...prim.w.map((v, i) => Math.abs(v - start[i]!)))).toBeGreaterThan(0.05);
  });
});

// ---------------------------------------------------------------------------------------------
// Bad input.

describe('bad input', () => {
  it.each([
    ['negative learning rate', () => new SGD({ learningRate: -0.1 }), /SGD: learningRate must be a non-negative number or a function/],
    ['NaN learning rate', () => new Momentum({ learningRate: Number.NaN }), /Momentum: learningRate must be/],
    ['missing options', () => new RMSProp(undefined as never), /RMSProp: learningRate must be/],
    ['NaN weight decay', () => new Adam({ learningRate: 0.1, weightDecay: Number.NaN }), /Adam: weightDecay must be a finite number >= 0, got NaN/],
    ['negative weight decay', () => new AdamW({ learningRate: 0.1, weightDecay: -1 }), /AdamW: weightDecay must be a finite number >= 0, got -1/],
    ['infinite weight decay', () => new SGD({ learningRate: 0.1, weightDecay: Infinity }), /SGD: weightDecay must be a finite number >= 0/],
    ['zero clip norm', () => new SGD({ learningRate: 0.1, clipGlobalNorm: 0 }), /SGD: clipGlobalNorm must be a finite number > 0, got 0/],
    ['infinite clip norm', () => new SGD({ learningRate: 0.1, clipGlobalNorm: Infinity }), /clipGlobalNorm must be a finite number > 0, got Infinity/],
    ['negative momentum', () => new Momentum({ learningRate: 0.1, momentum: -0.5 }), /Momentum: momentum must be a finite number >= 0, got -0.5/],
    ['non-boolean nesterov', () => new Momentum({ learningRate: 0.1, nesterov: 'yes' as never }), /Momentum: nesterov must be true or false, got yes/],
    ['rho of 1', () => new RMSProp({ learningRate: 0.1, rho: 1 }), /RMSProp: rho must be in \[0, 1\), got 1/],
    ['negative epsilon', () => new RMSProp({ learningRate: 0.1, epsilon: -1e-8 }), /RMSProp: epsilon must be a finite number >= 0/],
    ['negative RMSProp momentum', () => new RMSProp({ learningRate: 0.1, momentum: -1 }), /RMSProp: momentum must be/],
    ['non-boolean centered', () => new RMSProp({ learningRate: 0.1, centered: 1 as never }), /RMSProp: centered must be true or false/],
    ['beta1 of 1', () => new Adam({ learningRate: 0.1, beta1: 1 }), /Adam: beta1 must be in \[0, 1\), got 1/],
    ['NaN beta2', () => new AdamW({ learningRate: 0.1, beta2: Number.NaN }), /AdamW: beta2 must be in \[0, 1\), got NaN/],
  ] as const)('%s is rejected', (_name, make, message) => {
    expect(make).toThrow(message);
  });

  it('minimize without parameters fails', () => {
    const main = new Program();
    const startup = new Program();

    const run = () =>
      programGuard(
        main,
        startup,
        () => {
          const x = data('x', [2, 3], 'float64');
          new SGD({ learningRate: 0.1 }).minimize(sum(mul(x, x)));
        },
        { registry },
      );

    expect(run).toThrow(/minimize: the program of 'reduce_sum_\d+' has no trainable parameters/);
  });

  it('minimize with only frozen parameters fails', () => {
    const main = new Program();
    const startup = new Program();

    const run = () =>
      programGuard(
        main,
        startup,
        () => {
          const w = createParameter([2], 'float64', { name: 'w', trainable: false });
          new Adam({ learningRate: 0.1 }).minimize(sum(mul(w, w)));
        },
        { registry },
      );

    expect(run).toThrow(/has no trainable parameters/);
  });

  it.each([
    ['a number', 42],
    ['null', null],
    ['a string', 'loss'],
    ['a plain object', { name: 'loss' }],
  ])('minimize on %s fails', (_name, loss) => {
    const run = () => new SGD({ learningRate: 0.1 }).minimize(loss as never);

    expect(run).toThrow(/minimize: loss must be a var/);
  });
});
