import { describe, expect, it } from 'vitest';
import { Builder, Program, createRegistry, type Var } from '@primgrad/ir';
import { origOpsPlugin } from '@primgrad/orig-ops';
import { primOpDefs, primOpsPlugin } from '@primgrad/prim-ops';
import { orig2primRulesPlugin } from '@primgrad/orig2prim-rules';
import { transposeRulesPlugin } from '@primgrad/transpose-rules';
import { backendCpuPlugin } from '@primgrad/backend-cpu';
import { linearize, prim2orig } from '@primgrad/transforms';
import { buildOpProgram, checkLinearize, primCheckCases, runBlock } from '@primgrad/testing';
import { linearizeRules, linearizeRulesPlugin } from './index.js';

const registry = createRegistry([
  origOpsPlugin,
  primOpsPlugin,
  orig2primRulesPlugin,
  linearizeRulesPlugin,
  transposeRulesPlugin,
  backendCpuPlugin,
]);

const cases = primCheckCases();

describe('linearize rules against finite differences', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, spec) => {
    const report = checkLinearize(registry, spec);

    expect(report.passed).toBe(true);
    expect(report.plugin).toBe('@primgrad/linearize-rules');
  });
});

describe('linearize rule coverage', () => {
  const differentiable = primOpDefs.filter((d) => d.differentiable !== false).map((d) => d.type);

  it('every differentiable prim has a rule', () => {
    expect(differentiable.filter((type) => !(type in linearizeRules))).toEqual([]);
  });

  it('every rule is for a defined prim', () => {
    const prims = new Set(primOpDefs.map((d) => d.type));
    expect(Object.keys(linearizeRules).filter((type) => !prims.has(type))).toEqual([]);
  });

  it('the case table covers every differentiable prim', () => {
    const covered = new Set(cases.map((c) => c.op));
    expect(differentiable.filter((type) => !covered.has(type))).toEqual([]);
  });
});

/** Builds one prim on fresh float64 vars and returns the op with a builder positioned after it. */
function oneOp(type: string, shapes: number[][], attrs = {}) {
  const block = new Program().globalBlock();
  const inputs = shapes.map((shape) => block.createVar({ shape, dtype: 'float64', isData: true }));
  const b = new Builder(block, registry);
  b.emit(type, inputs, attrs);
  const op = block.ops[0]!;
  const tangents = shapes.map((shape) => block.createVar({ shape, dtype: 'float64', isData: true }, 'dot'));
  return { op, inputs, tangents, rules: new Builder(block, registry) };
}

const emittedTypes = (b: Builder): string[] => b.emitted.map((op) => op.type);

describe('symbolic zeros', () => {
  const binary = ['add_p', 'sub_p', 'mul_p', 'div_p', 'max_p', 'pow_p', 'matmul_p'];

  it.each(binary)('%s with both tangents zero emits nothing', (type) => {
    const { op, rules } = oneOp(type, [[2, 2], [2, 2]]);

    expect(linearizeRules[type]!(rules, op, [null, null])).toEqual([null]);
    expect(rules.emitted).toEqual([]);
  });

  it.each(['neg_p', 'exp_p', 'log_p', 'tanh_p', 'sqrt_p', 'sin_p', 'cos_p', 'abs_p', 'cast_p', 'reduce_sum_p'])(
    '%s with a zero tangent emits nothing',
    (type) => {
      const attrs = type === 'cast_p' ? { dtype: 'float32' } : type === 'reduce_sum_p' ? { axis: [0], keepdim: false } : {};
      const { op, rules } = oneOp(type, [[2]], attrs);

      expect(linearizeRules[type]!(rules, op, [null])).toEqual([null]);
      expect(rules.emitted).toEqual([]);
    },
  );

  it('add_p with one zero tangent returns the other as is', () => {
    const { op, tangents, rules } = oneOp('add_p', [[2], [2]]);

    expect(linearizeRules.add_p!(rules, op, [tangents[0]!, null])).toEqual([tangents[0]]);
    expect(linearizeRules.add_p!(rules, op, [null, tangents[1]!])).toEqual([tangents[1]]);
    expect(rules.emitted).toEqual([]);
  });

  it('sub_p with a zero x tangent emits one neg_p', () => {
    const { op, tangents, rules } = oneOp('sub_p', [[2], [2]]);

    linearizeRules.sub_p!(rules, op, [null, tangents[1]!]);

    expect(emittedTypes(rules)).toEqual(['neg_p']);
  });

  it.each([
    ['mul_p', [[2], [2]]],
    ['matmul_p', [[2, 3], [3, 2]]],
  ])('%s with one zero tangent emits exactly one product', (type, shapes) => {
    const { op, tangents, rules } = oneOp(type, shapes);

    linearizeRules[type]!(rules, op, [tangents[0]!, null]);
    linearizeRules[type]!(rules, op, [null, tangents[1]!]);

    expect(emittedTypes(rules)).toEqual([type, type]);
  });

  it('div_p with a zero y tangent emits one div_p', () => {
    const { op, tangents, rules } = oneOp('div_p', [[2], [2]]);

    linearizeRules.div_p!(rules, op, [tangents[0]!, null]);

    expect(emittedTypes(rules)).toEqual(['div_p']);
  });

  it('pow_p emits a log only for a y tangent', () => {
    const { op, tangents, rules } = oneOp('pow_p', [[2], [2]]);

    linearizeRules.pow_p!(rules, op, [tangents[0]!, null]);
    expect(emittedTypes(rules)).not.toContain('log_p');

    linearizeRules.pow_p!(rules, op, [null, tangents[1]!]);
    expect(emittedTypes(rules)).toContain('log_p');
  });

  it('the linear shape prims apply the same op to the tangent', () => {
    const { op, tangents, rules } = oneOp('transpose_p', [[2, 3]], { perm: [1, 0] });

    const [out] = linearizeRules.transpose_p!(rules, op, tangents);

    expect(emittedTypes(rules)).toEqual(['transpose_p']);
    expect(rules.emitted[0]!.attrs).toEqual({ perm: [1, 0] });
    expect(out!.shape).toEqual([3, 2]);
  });

  it.each(['eq_p', 'gt_p', 'ge_p'])('%s has no tangent', (type) => {
    const { op, tangents, rules } = oneOp(type, [[2], [2]]);

    expect(linearizeRules[type]!(rules, op, tangents)).toEqual([null]);
    expect(rules.emitted).toEqual([]);
  });

  it.each([
    ['reduce_max_p', { axis: [0], keepdim: false }],
    ['slice_p', { starts: [1], ends: [2], steps: [1] }],
    ['pad_p', { before: [1], after: [0], interior: [0] }],
  ] as const)('%s with a zero tangent emits nothing', (type, attrs) => {
    const { op, rules } = oneOp(type, [[2]], attrs);

    expect(linearizeRules[type]!(rules, op, [null])).toEqual([null]);
    expect(rules.emitted).toEqual([]);
  });

  it('concat_p with every tangent zero emits nothing', () => {
    const { op, rules } = oneOp('concat_p', [[2], [3]], { axis: 0 });

    expect(linearizeRules.concat_p!(rules, op, [null, null])).toEqual([null]);
    expect(rules.emitted).toEqual([]);
  });

  it('concat_p fills a zero tangent with zeros', () => {
    const { op, tangents, rules } = oneOp('concat_p', [[2], [3]], { axis: 0 });

    const [out] = linearizeRules.concat_p!(rules, op, [null, tangents[1]!]);

    expect(emittedTypes(rules)).toEqual(['fill_constant_p', 'concat_p']);
    expect(out!.shape).toEqual([5]);
  });

  it('fill_constant_p has no tangent', () => {
    const { op, rules } = oneOp('fill_constant_p', [], { shape: [2], dtype: 'float64', value: 1 });

    expect(linearizeRules.fill_constant_p!(rules, op, [])).toEqual([null]);
  });

  it('cast_p to int32 has no tangent', () => {
    const { op, tangents, rules } = oneOp('cast_p', [[2]], { dtype: 'int32' });

    expect(linearizeRules.cast_p!(rules, op, tangents)).toEqual([null]);
    expect(rules.emitted).toEqual([]);
  });
});

/**
 * Linearizes one prim at fixed primal values with respect to the inputs in `wrt`, runs the JVP
 * for the given tangents and returns the output tangent's values.
 */
function jvpAt(type: string, primals: number[][], wrt: number[], tangents: number[][]): number[] {
  const n = primals[0]!.length;
  const p = buildOpProgram(registry, type, primals.map(() => ({ shape: [n], dtype: 'float64' })), {}, wrt);
  const { xsDot, ysDot } = linearize(p.block, registry, wrt.map((i) => p.inputs[i]!), p.outputs);
  prim2orig(p.block, registry);
  const feed = new Map<Var, number[]>(p.inputs.map((v, i) => [v, primals[i]!]));
  xsDot.forEach((v, k) => feed.set(v, tangents[k]!));
  const [value] = runBlock(registry, p.block, feed, [ysDot[0]!]);
  return Array.from(value!.data);
}

describe('singular and tie points', () => {
  it('pow_p y tangent is 0 at x = 0', () => {
    // d/dy 0^y = 0^y log 0, whose limit for y > 0 is 0.
    expect(jvpAt('pow_p', [[0, 0], [2, 0.5]], [1], [[1, 1]])).toEqual([0, 0]);
  });

  it('pow_p x tangent at x = 0 is y 0^(y-1)', () => {
    // y = 1: 1 · 0^0 = 1; y = 2: 2 · 0^1 = 0; y = 3: 0.
    expect(jvpAt('pow_p', [[0, 0, 0], [1, 2, 3]], [0], [[1, 1, 1]])).toEqual([1, 0, 0]);
  });

  it('pow_p with both tangents at x = 0 is finite', () => {
    expect(jvpAt('pow_p', [[0, 0], [1, 2]], [0, 1], [[0.5, 0.5], [1, 1]])).toEqual([0.5, 0]);
  });

  it('max_p splits the tangent evenly at ties', () => {
    // max(x, y) at x = y: (dx + dy) / 2; away from ties the larger input's tangent.
    expect(jvpAt('max_p', [[1, 2, 0], [1, 1, 3]], [0, 1], [[2, 2, 2], [4, 4, 4]])).toEqual([3, 2, 4]);
  });

  it('max_p at ties with one tangent gives half of it', () => {
    expect(jvpAt('max_p', [[1, 2], [1, 1]], [0], [[2, 2]])).toEqual([1, 2]);
  });

  it.each([
    // One maximum per row takes the whole tangent; k tied maxima take 1/k of each tangent.
    ['a single maximum', [3, 1, 2], [1, 10, 100], 1],
    ['a tie of two', [3, 1, 3], [2, 10, 4], 3],
    ['a tie of three', [5, 5, 5], [3, 6, 9], 6],
  ])('reduce_max_p with %s splits the tangent evenly', (_name, x, xDot, expected) => {
    const p = buildOpProgram(registry, 'reduce_max_p', [{ shape: [3], dtype: 'float64' }], { axis: [0], keepdim: false }, [0]);
    const { xsDot, ysDot } = linearize(p.block, registry, p.inputs, p.outputs);
    prim2orig(p.block, registry);

    const [value] = runBlock(registry, p.block, new Map<Var, number[]>([[p.inputs[0]!, x], [xsDot[0]!, xDot]]), [ysDot[0]!]);

    expect(value!.item()).toBe(expected);
  });

  it('abs_p tangent is 0 at 0', () => {
    expect(jvpAt('abs_p', [[-2, 0, 3]], [0], [[1, 1, 1]])).toEqual([-1, 0, 1]);
  });
});
