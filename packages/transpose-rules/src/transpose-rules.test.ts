import { describe, expect, it } from 'vitest';
import { Builder, OpArgumentError, Program, createRegistry, type DType } from '@primgrad/ir';
import { origOpsPlugin } from '@primgrad/orig-ops';
import { primOpDefs, primOpsPlugin } from '@primgrad/prim-ops';
import { orig2primRulesPlugin } from '@primgrad/orig2prim-rules';
import { linearizeRulesPlugin } from '@primgrad/linearize-rules';
import { backendCpuPlugin } from '@primgrad/backend-cpu';
import { checkTranspose, primCheckCases } from '@primgrad/testing';
import { transposeRules, transposeRulesPlugin } from './index.js';

const registry = createRegistry([
  origOpsPlugin,
  primOpsPlugin,
  orig2primRulesPlugin,
  linearizeRulesPlugin,
  transposeRulesPlugin,
  backendCpuPlugin,
]);

describe('transpose rules against the projection identity', () => {
  it.each(primCheckCases().map((c) => [c.name, c] as const))('%s', (_name, spec) => {
    const report = checkTranspose(registry, spec);

    expect(report.passed).toBe(true);
    expect(report.rules.every((r) => r.ruleKind !== 'transpose' || r.plugin === '@primgrad/transpose-rules')).toBe(true);
  });
});

describe('transpose rule coverage', () => {
  it('every prim with linear inputs has a rule', () => {
    const linear = primOpDefs.filter((d) => (d.linearIn ?? []).length > 0).map((d) => d.type);

    expect(linear.filter((type) => !(type in transposeRules))).toEqual([]);
  });

  it('the case table runs every rule', () => {
    const run = new Set(
      primCheckCases().flatMap((spec) => checkTranspose(registry, spec).rules.filter((r) => r.ruleKind === 'transpose').map((r) => r.op)),
    );

    expect(Object.keys(transposeRules).filter((type) => !run.has(type))).toEqual([]);
  });

  it('every rule is for a prim with linear inputs', () => {
    const linear = new Set(primOpDefs.filter((d) => (d.linearIn ?? []).length > 0).map((d) => d.type));

    expect(Object.keys(transposeRules).filter((type) => !linear.has(type))).toEqual([]);
  });
});

/** Builds one prim on fresh vars, plus a cotangent var of its output and a builder for the rule. */
function oneOp(type: string, shapes: number[][], attrs = {}, dtypes: DType[] = []) {
  const block = new Program().globalBlock();
  const inputs = shapes.map((shape, i) => block.createVar({ shape, dtype: dtypes[i] ?? 'float64', isData: true }));
  const [out] = new Builder(block, registry).emit(type, inputs, attrs);
  const ct = block.createVar({ shape: out!.shape, dtype: out!.dtype, isData: true }, 'ct');
  return { op: block.ops[0]!, inputs, ct, rules: new Builder(block, registry) };
}

describe('transpose rules directly', () => {
  it.each([
    ['add_p', [[2], [2]], [true, true]],
    ['mul_p', [[2], [2]], [true, false]],
    ['div_p', [[2], [2]], [true, false]],
    ['neg_p', [[2]], [true]],
    ['matmul_p', [[2, 3], [3, 4]], [false, true]],
    ['reshape_p', [[2, 3]], [true]],
  ] as const)('%s with a zero cotangent returns nulls and emits nothing', (type, shapes, linear) => {
    const attrs = type === 'reshape_p' ? { shape: [6] } : {};
    const { op, rules } = oneOp(type, shapes.map((s) => [...s]), attrs);

    expect(transposeRules[type]!(rules, op, [null], linear)).toEqual(shapes.map(() => null));
    expect(rules.emitted).toEqual([]);
  });

  it('add_p passes the cotangent to both inputs as is', () => {
    const { op, ct, rules } = oneOp('add_p', [[2], [2]]);

    expect(transposeRules.add_p!(rules, op, [ct], [true, true])).toEqual([ct, ct]);
    expect(rules.emitted).toEqual([]);
  });

  it('returns null at inputs that are not linear', () => {
    const { op, ct, rules } = oneOp('sub_p', [[2], [2]]);

    const [xBar, yBar] = transposeRules.sub_p!(rules, op, [ct], [false, true]);

    expect(xBar).toBeNull();
    expect(yBar!.shape).toEqual([2]);
  });

  it.each(['mul_p', 'matmul_p'])('%s with both inputs linear throws naming the op', (type) => {
    const { op, ct, rules } = oneOp(type, type === 'mul_p' ? [[2], [2]] : [[2, 2], [2, 2]]);

    expect(() => transposeRules[type]!(rules, op, [ct], [true, true])).toThrow(OpArgumentError);
    expect(() => transposeRules[type]!(rules, op, [ct], [true, true])).toThrow(new RegExp(`^${type}: cannot transpose: both inputs`));
  });

  it('div_p linear in the denominator throws', () => {
    const { op, ct, rules } = oneOp('div_p', [[2], [2]]);

    expect(() => transposeRules.div_p!(rules, op, [ct], [false, true])).toThrow(/div_p: cannot transpose: input 1 .* numerator only/);
  });

  it('select_p with a linear condition throws', () => {
    const { op, ct, rules } = oneOp('select_p', [[2], [2], [2]], {}, ['bool', 'float64', 'float64']);

    expect(() => transposeRules.select_p!(rules, op, [ct], [true, true, false])).toThrow(/select_p: cannot transpose: input 0/);
  });

  it.each([
    ['broadcast_p', [[3]], { shape: [2, 3] }, [3]],
    ['broadcast_p', [[]], { shape: [2, 3] }, []],
    ['reduce_sum_p', [[2, 3, 4]], { axis: [0, 2], keepdim: false }, [2, 3, 4]],
    ['reduce_sum_p', [[2, 3]], { axis: [-1], keepdim: true }, [2, 3]],
    ['transpose_p', [[2, 3, 4]], { perm: [2, 0, 1] }, [2, 3, 4]],
  ] as const)('%s cotangent takes the input shape', (type, shapes, attrs, expected) => {
    const { op, ct, rules } = oneOp(type, shapes.map((s) => [...s]), attrs);

    const [xBar] = transposeRules[type]!(rules, op, [ct], [true]);

    expect(xBar!.shape).toEqual(expected);
    expect(xBar!.dtype).toBe('float64');
  });

  it.each([
    ['slice_p', { starts: [1, 0], ends: [4, 2], steps: [2, 1] }],
    ['pad_p', { before: [1, 0], after: [0, 2], interior: [1, 0] }],
  ] as const)('%s with a zero cotangent emits nothing', (type, attrs) => {
    const { op, rules } = oneOp(type, [[4, 2]], attrs);

    expect(transposeRules[type]!(rules, op, [null], [true])).toEqual([null]);
    expect(rules.emitted).toEqual([]);
  });

  it('slice_p places the cotangent back with pad_p', () => {
    // x[1:4:2] of 5 elements reads positions 1 and 3: 1 zero before, 1 between, 1 after.
    const { op, ct, rules } = oneOp('slice_p', [[5]], { starts: [1], ends: [4], steps: [2] });

    const [xBar] = transposeRules.slice_p!(rules, op, [ct], [true]);

    expect(xBar!.shape).toEqual([5]);
    expect(rules.emitted.map((e) => [e.type, e.attrs])).toEqual([['pad_p', { before: [1], after: [1], interior: [1] }]]);
  });

  it('pad_p reads the cotangent back with slice_p', () => {
    // 2 elements with 1 zero before, 2 between and 1 after sit at positions 1 and 4 of 6.
    const { op, ct, rules } = oneOp('pad_p', [[2]], { before: [1], after: [1], interior: [2] });

    const [xBar] = transposeRules.pad_p!(rules, op, [ct], [true]);

    expect(xBar!.shape).toEqual([2]);
    expect(rules.emitted.map((e) => [e.type, e.attrs])).toEqual([['slice_p', { starts: [1], ends: [5], steps: [3] }]]);
  });

  it('concat_p slices the cotangent for the linear inputs only', () => {
    const { op, ct, rules } = oneOp('concat_p', [[2, 3], [2, 1], [2, 2]], { axis: 1 });

    const ctIns = transposeRules.concat_p!(rules, op, [ct], [false, true, true]);

    expect(ctIns.map((v) => v?.shape ?? null)).toEqual([null, [2, 1], [2, 2]]);
    expect(rules.emitted.map((e) => e.attrs)).toEqual([
      { starts: [0, 3], ends: [2, 4], steps: [1, 1] },
      { starts: [0, 4], ends: [2, 6], steps: [1, 1] },
    ]);
  });

  it('concat_p with a zero cotangent returns nulls', () => {
    const { op, rules } = oneOp('concat_p', [[2], [3]], { axis: 0 });

    expect(transposeRules.concat_p!(rules, op, [null], [true, true])).toEqual([null, null]);
    expect(rules.emitted).toEqual([]);
  });

  it('cast_p cotangent takes the input dtype', () => {
    const { op, ct, rules } = oneOp('cast_p', [[2]], { dtype: 'float32' });

    const [xBar] = transposeRules.cast_p!(rules, op, [ct], [true]);

    expect(xBar!.dtype).toBe('float64');
    expect(emittedTypes(rules)).toEqual(['cast_p']);
  });
});

function emittedTypes(b: Builder): string[] {
  return b.emitted.map((op) => op.type);
}
