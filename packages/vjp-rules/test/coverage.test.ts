/**
 * Which ops have a vjp rule, and the rule contract every rule keeps: a symbolic-zero output
 * cotangent gives symbolic zeros without emitting ops, only the requested input cotangents are
 * returned, and each has exactly its input's shape and dtype.
 */
import { Builder, isFloatDType, type Op } from '@primgrad/ir';
import { origOpsPlugin } from '@primgrad/orig-ops';
import { describe, expect, it } from 'vitest';
import { PACKAGE_NAME, vjpRules, vjpRulesPlugin } from '../src/index.js';
import { gradCases } from './cases.js';
import { buildCase, registry } from './harness.js';

const origDefs = origOpsPlugin.ops ?? [];

describe('vjp rule coverage', () => {
  it('covers every differentiable native op', () => {
    const missing = origDefs.filter((d) => d.differentiable !== false && !(d.type in vjpRules)).map((d) => d.type);

    expect(missing).toEqual([]);
  });

  it('has no rule for non-differentiable ops', () => {
    const extra = origDefs.filter((d) => d.differentiable === false && d.type in vjpRules).map((d) => d.type);

    expect(extra).toEqual([]);
  });

  it('has rules only for ops orig-ops defines', () => {
    const defined = new Set(origDefs.map((d) => d.type));

    expect(Object.keys(vjpRules).filter((type) => !defined.has(type))).toEqual([]);
  });

  it('registers as a plugin after orig-ops', () => {
    expect(vjpRulesPlugin.name).toBe(PACKAGE_NAME);
    for (const type of Object.keys(vjpRules)) expect(registry.rulePlugin('vjp', type)).toBe(PACKAGE_NAME);
  });

  it('exercises every rule in the gradient table', () => {
    const exercised = new Set(gradCases.flatMap((c) => buildCase(c).block.ops.map((op) => op.type)));

    expect(Object.keys(vjpRules).filter((type) => !exercised.has(type))).toEqual([]);
  });
});

/** Every op of every case, each with the block it lives in. */
const opsUnderTest = gradCases.flatMap((c) => {
  const built = buildCase(c);
  return built.block.ops.map((op, i) => [`${c.name} #${i} ${op.type}`, built.block, op] as const);
});

describe('vjp rule contract', () => {
  it.each(opsUnderTest)('%s: zero cotangent gives zeros', (_name, block, op: Op) => {
    const b = new Builder(block, registry);
    const rule = registry.rule('vjp', op.type);

    const results = rule(b, op, op.outputs.map(() => null), op.inputs.map(() => true));

    expect(results).toEqual(op.inputs.map(() => null));
    expect(b.emitted).toEqual([]);
  });

  it.each(opsUnderTest)('%s: returns only what is needed', (_name, block, op: Op) => {
    const rule = registry.rule('vjp', op.type);
    const ctOuts = op.outputs.map((o) => block.createVar({ shape: o.shape, dtype: o.dtype, isData: true }, 'ct'));

    op.inputs.forEach((input, i) => {
      const needed = op.inputs.map((_, j) => j === i);
      const results = rule(new Builder(block, registry), op, ctOuts, needed);

      expect(results).toHaveLength(op.inputs.length);
      results.forEach((r, j) => {
        if (j !== i) expect(r, `input ${j} was not requested`).toBeNull();
      });
      const expectsCotangent = isFloatDType(input.dtype) && isFloatDType(op.outputs[0]!.dtype);
      if (expectsCotangent) {
        expect(results[i]?.shape, `shape of input ${i}'s cotangent`).toEqual(input.shape);
        expect(results[i]?.dtype, `dtype of input ${i}'s cotangent`).toBe(input.dtype);
      } else {
        expect(results[i], `input ${i} is ${input.dtype}`).toBeNull();
      }
    });
  });
});
