/**
 * The two autodiff mechanisms must agree. For every case, the input cotangents come once from
 * this package's vjp rules (backward on native ops) and once from the prim mechanism
 * (orig2prim, linearize, transpose, prim2orig). Both run on the same random inputs in float64
 * and are compared element by element.
 */
import { numel, type Block, type NDArray, type Var } from '@primgrad/ir';
import { linearize, orig2prim, prim2orig, transpose } from '@primgrad/transforms';
import { describe, expect, it } from 'vitest';
import { gradCases, tieCases } from './cases.js';
import { appendBackward, buildCase, feedOf, randomLike, registry, rngFor, run, sampleInputs, type GradCase } from './harness.js';

const TOLERANCE = 1e-10;

/** Runs `grads` on `feed`; a null cotangent (symbolic zero) reads as undefined. */
function evaluate(block: Block, feed: Map<Var, NDArray>, grads: readonly (Var | null)[]): (NDArray | undefined)[] {
  const present = grads.filter((g): g is Var => g !== null);
  const values = run(block, feed, present);
  return grads.map((g) => (g === null ? undefined : values[present.indexOf(g)]));
}

function compareMechanisms(c: GradCase): void {
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

  viaVjp.diffInputs.forEach((input, k) => {
    const a = vjpGrads[k];
    const b = primGrads[k];
    for (let i = 0; i < numel(input.shape); i++) {
      const fromVjp = a ? a.data[i]! : 0;
      const fromPrims = b ? b.data[i]! : 0;
      expect(
        Math.abs(fromVjp - fromPrims),
        `input ${k} ('${input.name}') element ${i}: vjp ${fromVjp}, prim mechanism ${fromPrims}`,
      ).toBeLessThanOrEqual(TOLERANCE * (1 + Math.abs(fromPrims)));
    }
  });
}

describe('vjp mechanism against the prim mechanism', () => {
  it.each([...gradCases, ...tieCases].map((c) => [c.name, c] as const))('%s', (_name, c) => {
    compareMechanisms(c);
  });
});
