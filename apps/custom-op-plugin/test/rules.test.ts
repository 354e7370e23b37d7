/**
 * Runs every rule of the plugin through the conformance kit of @primgrad/testing. Linearize rules
 * meet finite differences, and transpose rules the projection identity. Orig2prim rules meet the
 * kernels, and the prim2orig rule an independent cumsum and a round trip. Vjp rules meet the prim
 * mechanism, and second derivatives the differences of first ones.
 */
import { NDArray, createRegistry, numel, type Attrs } from '@primgrad/ir';
import {
  awayFromZero,
  checkLinearize,
  checkOrig2Prim,
  checkPrim2Orig,
  checkSecondOrder,
  checkTranspose,
  checkVjp,
  uniform,
  type OpCheckSpec,
  type OperandSpec,
} from '@primgrad/testing';
import { standardPlugins } from 'primgrad';
import { describe, expect, it } from 'vitest';
import { customOpPlugin } from '../src/index.js';

const registry = createRegistry([...standardPlugins, customOpPlugin]);

const f64 = (shape: number[], sample?: OperandSpec['sample']): OperandSpec => ({ shape, dtype: 'float64', ...(sample ? { sample } : {}) });

interface Case {
  readonly name: string;
  readonly spec: OpCheckSpec;
}

const cumsumAttrs: readonly [number[], Attrs][] = [
  [[4], { axis: 0, reverse: false }],
  [[1], { axis: 0, reverse: false }],
  [[2, 3], { axis: 1, reverse: false }],
  [[2, 3], { axis: 0, reverse: true }],
  [[3, 1, 2], { axis: 2, reverse: true }],
  [[2, 4, 3], { axis: 1, reverse: false }],
];

/** cumsum_p cases; the native cumsum gets the same ones with a negative axis where possible. */
const primCases: Case[] = cumsumAttrs.map(([shape, attrs]) => ({
  name: `cumsum_p [${shape}] ${JSON.stringify(attrs)}`,
  spec: { op: 'cumsum_p', inputs: [f64(shape)], attrs },
}));
const nativeCumsumCases: Case[] = cumsumAttrs.map(([shape, attrs]) => {
  const native = { ...attrs, axis: (attrs.axis as number) - shape.length };
  return { name: `cumsum [${shape}] ${JSON.stringify(native)}`, spec: { op: 'cumsum', inputs: [f64(shape)], attrs: native } };
});
// Uniform draws on [-3, 3) avoid x = 0 (where the prim form's second derivative is wrong) with probability 1.
const softplusCases: Case[] = [[], [1], [2, 3], [1, 1, 4]].map((shape) => ({
  name: `softplus [${shape}]`,
  spec: { op: 'softplus', inputs: [f64(shape, uniform(-3, 3))] },
}));

/** Computes cumsum independently, as the product with the lower-triangular (reversed: upper-triangular) ones matrix. */
function cumsumByMatrix([x]: readonly NDArray[], attrs: Attrs): NDArray[] {
  const shape = x!.shape;
  const axis = attrs.axis as number;
  const length = shape[axis]!;
  const inner = numel(shape.slice(axis + 1));
  const out = NDArray.zeros(x!.dtype, shape);
  for (let index = 0; index < out.size; index++) {
    const i = Math.floor(index / inner) % length;
    const base = index - i * inner;
    let total = 0;
    for (let j = 0; j < length; j++) {
      const inSum = attrs.reverse ? j >= i : j <= i;
      if (inSum) total += x!.data[base + j * inner]!;
    }
    out.data[index] = total;
  }
  return [out];
}

describe('linearize rules', () => {
  it.each([...primCases, ...nativeCumsumCases, ...softplusCases])('$name', ({ spec }) => {
    expect(checkLinearize(registry, spec).passed).toBe(true);
  });
});

describe('transpose rules', () => {
  it.each([...primCases, ...nativeCumsumCases])('$name', ({ spec }) => {
    const report = checkTranspose(registry, spec);

    expect(report.passed).toBe(true);
    expect(report.rules).toContainEqual({ op: 'cumsum_p', ruleKind: 'transpose', plugin: '@primgrad/custom-op-plugin' });
  });

  it.each(softplusCases)('$name', ({ spec }) => {
    expect(checkTranspose(registry, spec).passed).toBe(true);
  });
});

describe('orig2prim rules', () => {
  it.each([...nativeCumsumCases, ...softplusCases])('$name', ({ spec }) => {
    const report = checkOrig2Prim(registry, { ...spec, trials: 3 });

    expect(report.passed).toBe(true);
    expect(report.plugin).toBe('@primgrad/custom-op-plugin');
  });

  it('softplus far from 0 and at the extremes', () => {
    const values = [-36, -20, -1e-9, 0, 1e-9, 20, 36, 700, Infinity, -Infinity, NaN];

    const report = checkOrig2Prim(registry, { op: 'softplus', inputs: [{ shape: [values.length], dtype: 'float64', value: values }] });

    expect(report.passed).toBe(true);
  });

  it('softplus in float32', () => {
    expect(checkOrig2Prim(registry, { op: 'softplus', inputs: [{ shape: [2, 3], dtype: 'float32', sample: uniform(-8, 8) }] }).passed).toBe(true);
  });

  it('cumsum on int32, exactly', () => {
    const report = checkOrig2Prim(registry, { op: 'cumsum', inputs: [{ shape: [3, 4], dtype: 'int32' }], attrs: { axis: -1, reverse: true } });

    expect(report.passed).toBe(true);
    expect(report.comparedElements).toBe(24);
  });
});

describe('prim2orig rule', () => {
  it.each(primCases)('$name against an independent cumsum', ({ spec }) => {
    expect(checkPrim2Orig(registry, { ...spec, reference: cumsumByMatrix }).passed).toBe(true);
  });

  it.each(primCases)('$name by round trip', ({ spec }) => {
    const report = checkPrim2Orig(registry, spec);

    expect(report.passed).toBe(true);
    expect(report.rules).toContainEqual({ op: 'cumsum', ruleKind: 'orig2prim', plugin: '@primgrad/custom-op-plugin' });
  });
});

describe('vjp rules', () => {
  it.each([...nativeCumsumCases, ...softplusCases])('$name', ({ spec }) => {
    const report = checkVjp(registry, { ...spec, trials: 3 });

    expect(report.passed).toBe(true);
    expect(report.plugin).toBe('@primgrad/custom-op-plugin');
  });

  it('softplus at large magnitudes', () => {
    const report = checkVjp(registry, { op: 'softplus', inputs: [f64([8], awayFromZero(10, 30))] });

    expect(report.passed).toBe(true);
  });
});

describe('second derivatives', () => {
  it.each([...primCases, ...nativeCumsumCases.slice(0, 3), ...softplusCases])('$name through prims', ({ spec }) => {
    expect(checkSecondOrder(registry, spec).passed).toBe(true);
  });

  it.each([...nativeCumsumCases.slice(0, 3), ...softplusCases])('$name through vjp rules', ({ spec }) => {
    expect(checkSecondOrder(registry, { ...spec, mechanism: 'vjp' }).passed).toBe(true);
  });
});
