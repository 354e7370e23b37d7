/**
 * The vjp rules against central finite differences of the native ops, through the backward
 * driver and the CPU backend, in float64. First order checks the projection identity
 * ⟨x̄, ẋ⟩ = ⟨ȳ, J ẋ⟩ for each input with random ẋ and ȳ; second order differentiates the
 * emitted backward pass again and checks a Hessian-vector product the same way.
 */
import { Builder, type Block, type NDArray, type Var } from '@primgrad/ir';
import { add, mul, reduceSum } from '@primgrad/orig-ops';
import { backward } from '@primgrad/transforms';
import { describe, expect, it } from 'vitest';
import { gradCases } from './cases.js';
import {
  appendBackward,
  axpy,
  buildCase,
  dot,
  feedOf,
  randomLike,
  registry,
  rngFor,
  run,
  sampleInputs,
  type GradCase,
} from './harness.js';

const STEP = 1e-5;
const RTOL = 1e-6;
/** Absolute floor for sums that are exactly 0 in exact arithmetic (empty arrays, linear ops at second order). */
const ATOL = 1e-12;

/** (f(x + h d) - f(x - h d)) / 2h for the value `fetch`, moving `input` along `direction` d. */
function centralDifference(
  block: Block,
  feed: Map<Var, NDArray>,
  input: Var,
  direction: NDArray,
  fetch: Var,
): NDArray {
  const at = (t: number): NDArray => run(block, new Map(feed).set(input, axpy(feed.get(input)!, t, direction)), [fetch])[0]!;
  const plus = at(STEP);
  const minus = at(-STEP);
  const slope = plus;
  for (let i = 0; i < slope.size; i++) slope.data[i] = (plus.data[i]! - minus.data[i]!) / (2 * STEP);
  return slope;
}

function checkFirstOrder(c: GradCase): void {
  const built = buildCase(c);
  const grads = appendBackward(built);
  const rng = rngFor(c.name);
  const feed = feedOf([...built.inputs, built.outBar], [...sampleInputs(c, rng), randomLike(rng, built.outBar)]);
  const present = grads.filter((g): g is Var => g !== null);
  const values = new Map(run(built.block, feed, present).map((v, i) => [present[i]!, v]));

  built.diffInputs.forEach((input, k) => {
    const direction = randomLike(rng, input);
    const slope = centralDifference(built.block, feed, input, direction, built.out);
    const expected = dot(feed.get(built.outBar)!, slope);
    const grad = grads[k];
    const got = grad ? dot(values.get(grad)!, direction).value : 0;
    expect(Math.abs(got - expected.value), `⟨x̄, ẋ⟩ for input ${k} ('${input.name}'): got ${got}, finite differences ${expected.value}`).toBeLessThanOrEqual(
      RTOL * expected.scale + ATOL,
    );
  });
}

function checkSecondOrder(c: GradCase): void {
  const built = buildCase(c);
  const grads = appendBackward(built);
  const b = new Builder(built.block, registry);
  const probes = built.diffInputs.map((x) => built.block.createVar({ name: `${x.name}_probe`, shape: x.shape, dtype: x.dtype, isData: true }));
  // s = Σ ⟨x̄ᵢ, vᵢ⟩, whose gradient is the Hessian of ⟨ȳ, f⟩ applied to v.
  const terms = grads.flatMap((g, i) => (g ? [reduceSum(b, mul(b, g, probes[i]!))] : []));
  if (terms.length === 0) return;
  const s = terms.reduce((acc, t) => add(b, acc, t));
  const hessianTimesProbe = backward(built.block, registry, [s], built.diffInputs);

  const rng = rngFor(`${c.name} second order`);
  const feed = feedOf(
    [...built.inputs, built.outBar, ...probes],
    [...sampleInputs(c, rng), randomLike(rng, built.outBar), ...probes.map((p) => randomLike(rng, p))],
  );
  const present = hessianTimesProbe.filter((g): g is Var => g !== null);
  const values = new Map(run(built.block, feed, present).map((v, i) => [present[i]!, v]));

  built.diffInputs.forEach((input, k) => {
    const direction = randomLike(rng, input);
    const expected = centralDifference(built.block, feed, input, direction, s).data[0]!;
    const hv = hessianTimesProbe[k];
    const got = hv ? dot(values.get(hv)!, direction) : { value: 0, scale: 0 };
    expect(
      Math.abs(got.value - expected),
      `⟨Hv, u⟩ for input ${k} ('${input.name}'): got ${got.value}, finite differences ${expected}`,
    ).toBeLessThanOrEqual(RTOL * Math.max(Math.abs(expected), got.scale) + ATOL);
  });
}

describe('vjp rules against finite differences', () => {
  it.each(gradCases.map((c) => [c.name, c] as const))('first order: %s', (_name, c) => {
    checkFirstOrder(c);
  });

  it.each(gradCases.map((c) => [c.name, c] as const))('second order: %s', (_name, c) => {
    checkSecondOrder(c);
  });
});
