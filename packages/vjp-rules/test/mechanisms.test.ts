/**
 * The two autodiff mechanisms must agree. For every case, the input cotangents come once from
 * this package's vjp rules (backward on native ops) and once from the prim mechanism
 * (orig2prim, linearize, transpose, prim2orig). Both run on the same random inputs in float64
 * and are compared element by element.
 */
import { numel, type Block, type NDArray, type Var } from '@primgrad/ir';
import { linearize, orig2prim, prim2orig, transpose } from '@primgrad/transforms';
import { describe, expect, it } from 'vitest';
import { gradCases, largeCases, maskedCases, tieCases } from './cases.js';
import { appendBackward, buildCase, feedOf, randomLike, registry, rngFor, run, sampleInputs, type GradCase } from './harness.js';

const TOLERANCE = 1e-10;

/** Runs `grads` on `feed`; a null cotangent (symbolic zero) reads as undefined. */
function evaluate(block: Block, feed: Map<Var, NDArray>, grads: readonly (Var | null)[]): (NDArray | undefined)[] {
  const present = grads.filter((g): g is Var => g !== null);
  const values = run(block, feed, present);
  return grads.map((g) => (g === null ? undefined : values[present.indexOf(g)]));
}

/** Computes the input cotangents of `c` with each mechanism, on the same random inputs and output cotangent (undefined for a symbolic zero). */
function cotangentsOf(c: GradCase): { inputs: Var[]; viaVjp: (NDArray | undefined)[]; viaPrims: (NDArray | undefined)[] } {
  const rng = rngFor(`${c.name} mechanisms`);
  const viaVjp = buildCase(c);
  const inputValues = sampleInputs(c, rng);
  const outBarValue = randomLike(rng, viaVjp.out);
  const vjpGrads = evaluate(
    viaVjp.block,
    feedOf([...viaVjp.inputs, viaVjp.outBar], [...inputValues, outBarValue]),
    appendBackward(viaVjp),
  );

  const viaPrims = buildCase(c);
  orig2prim(viaPrims.block, registry);
  const { xsDot, ysDot } = linearize(viaPrims.block, registry, viaPrims.diffInputs, [viaPrims.out]);
  const { xsBar } = transpose(viaPrims.block, registry, xsDot, ysDot, { ysBar: [viaPrims.outBar] });
  prim2orig(viaPrims.block, registry);
  const primGrads = evaluate(viaPrims.block, feedOf([...viaPrims.inputs, viaPrims.outBar], [...inputValues, outBarValue]), xsBar);
  return { inputs: viaVjp.diffInputs, viaVjp: vjpGrads, viaPrims: primGrads };
}

/** Checks |vjp - prim| <= tolerance(prim value) for every element of every input cotangent. */
function compareMechanisms(c: GradCase, tolerance: (fromVjp: number, fromPrims: number) => number): void {
  const { inputs, viaVjp, viaPrims } = cotangentsOf(c);
  inputs.forEach((input, k) => {
    const a = viaVjp[k];
    const b = viaPrims[k];
    for (let i = 0; i < numel(input.shape); i++) {
      const fromVjp = a ? a.data[i]! : 0;
      const fromPrims = b ? b.data[i]! : 0;
      expect(
        Math.abs(fromVjp - fromPrims),
        `input ${k} ('${input.name}') element ${i}: vjp ${fromVjp}, prim mechanism ${fromPrims}`,
      ).toBeLessThanOrEqual(tolerance(fromVjp, fromPrims));
    }
  });
}

const absolute = (_fromVjp: number, fromPrims: number): number => TOLERANCE * (1 + Math.abs(fromPrims));
/** 1e-12 of the larger magnitude: a few ulps of float64 rounding, and no absolute floor, so tiny values must agree too. */
const relative = (fromVjp: number, fromPrims: number): number => 1e-12 * Math.max(Math.abs(fromVjp), Math.abs(fromPrims));

describe('vjp mechanism against the prim mechanism', () => {
  it.each([...gradCases, ...tieCases].map((c) => [c.name, c] as const))('%s', (_name, c) => {
    compareMechanisms(c, absolute);
  });

  it.each(largeCases.map((c) => [c.name, c] as const))('%s, to a relative 1e-12', (_name, c) => {
    compareMechanisms(c, relative);
  });

  it.each(maskedCases.map((c) => [c.name, c] as const))('%s: 0 on the masked row in both', (_name, c) => {
    const { inputs, viaVjp, viaPrims } = cotangentsOf(c);
    const rowLength = inputs[0]!.shape[1]!;

    for (const [mechanism, grads] of [['vjp', viaVjp], ['prim', viaPrims]] as const) {
      const values = Array.from(grads[0]!.data);
      expect(values.slice(0, rowLength), `${mechanism} mechanism, masked row`).toEqual(new Array<number>(rowLength).fill(0));
      expect(values.every(Number.isFinite), `${mechanism} mechanism: ${values}`).toBe(true);
    }
    compareMechanisms(c, absolute);
  });
});
