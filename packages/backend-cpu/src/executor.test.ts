import {
  ArgumentError,
  Builder,
  MissingKernelError,
  NDArray,
  PLUGIN_CONTRACT_VERSION,
  PrimNotLoweredError,
  Program,
  Scope,
  createRegistry,
  type OpDef,
  type Plugin,
} from '@primgrad/ir';
import { add, assign, exp, fillConstant, matmul, mul, origOpsPlugin, reduceSum, scale, sub, tanh } from '@primgrad/orig-ops';
import { addP, primOpsPlugin } from '@primgrad/prim-ops';
import { describe, expect, it } from 'vitest';
import { CPUPlace, KernelError, runBlockSync } from './executor.js';
import { CPU_BACKEND, type CpuKernel } from './kernel.js';
import { backendCpuPlugin } from './plugin.js';
import { registry } from './test-helpers.js';

function setup(reg = registry) {
  const p = new Program();
  const block = p.globalBlock();
  return { p, block, b: new Builder(block, reg) };
}

describe('CPUPlace', () => {
  it('runs a small network and returns fetches in fetch order', () => {
    const { block, b } = setup();
    const x = block.createVar({ name: 'x', shape: [2, 3], dtype: 'float64', isData: true });
    const w = block.createVar({ name: 'w', shape: [3, 2], dtype: 'float64', persistable: true, isParameter: true });
    const h = tanh(b, matmul(b, x, w));
    const loss = reduceSum(b, mul(b, h, h));
    const scope = new Scope();
    scope.set('w', NDArray.from([[1, 0], [0, 1], [1, -1]], 'float64'));
    const place = new CPUPlace();
    const xv = NDArray.from([[1, 2, 3], [-1, 0, 0.5]], 'float64');
    const [l, hv, xOut, l2] = place.run({ block, registry, scope, feed: new Map([['x', xv]]), fetch: [loss, h, x, loss] }) as NDArray[];
    const pre = [[1 + 3, 2 - 3], [-1 + 0.5, 0 - 0.5]];
    const hRef = pre.map((r) => r.map(Math.tanh));
    expect(hv!.toNested()).toEqual(hRef);
    expect(l!.item()).toBeCloseTo(hRef.flat().reduce((a, v) => a + v * v, 0), 14);
    expect(xOut).toBe(xv);
    expect(l2).toBe(l);
    expect(place.backend).toBe('cpu');
  });

  it('converts feeds to the var dtype', () => {
    const { block, b } = setup();
    const x = block.createVar({ name: 'x', shape: [2], dtype: 'float32', isData: true });
    const y = exp(b, x);
    const [out] = new CPUPlace().run({
      block,
      registry,
      scope: new Scope(),
      feed: new Map([['x', NDArray.from([0.1, 1], 'float64')]]),
      fetch: [x, y],
    }) as NDArray[];
    expect(out!.dtype).toBe('float32');
    expect(out!.data).toBeInstanceOf(Float32Array);
    expect([...out!.data]).toEqual([Math.fround(0.1), 1]);
  });

  it('throws PrimNotLoweredError for a prim before running anything', () => {
    const reg = createRegistry([origOpsPlugin, primOpsPlugin, backendCpuPlugin]);
    const { block, b } = setup(reg);
    const x = block.createVar({ name: 'x', shape: [2], dtype: 'float64', isData: true });
    const counter = block.createVar({ name: 'counter', shape: [], dtype: 'float64', persistable: true });
    b.emitInto('fill_constant', [], [counter], { shape: [], dtype: 'float64', value: 1 });
    addP(b, x, x);
    const scope = new Scope();
    const run = () => new CPUPlace().run({ block, registry: reg, scope, feed: new Map([['x', NDArray.from([1, 2], 'float64')]]), fetch: [] });
    expect(run).toThrow(PrimNotLoweredError);
    expect(run).toThrow(/Op #1 'add_p' is a prim/);
    expect(run).toThrow(/prim2orig/);
    expect(scope.has('counter')).toBe(false);
  });

  it('throws MissingKernelError naming the op, backend and package when no cpu kernels are registered', () => {
    const reg = createRegistry([origOpsPlugin]);
    const { block, b } = setup(reg);
    const x = block.createVar({ name: 'x', shape: [2], dtype: 'float64', isData: true });
    const y = add(b, x, x);
    const run = () => new CPUPlace().run({ block, registry: reg, scope: new Scope(), feed: new Map([['x', NDArray.from([1, 2], 'float64')]]), fetch: [y] });
    expect(run).toThrow(MissingKernelError);
    expect(run).toThrow(/No cpu kernel is registered for op 'add'/);
    expect(run).toThrow(/@primgrad\/backend-cpu/);
  });

  it('throws MissingKernelError for a native op that has no cpu kernel, naming its provider', () => {
    const myOp: OpDef = { type: 'my_op', kind: 'orig', inputs: ['x'], infer: ([x]) => [x!] };
    const plugin: Plugin = { name: 'my-ops', contract: PLUGIN_CONTRACT_VERSION, ops: [myOp], providers: { 'kernel:cpu': '@acme/my-cpu-kernels' } };
    const reg = createRegistry([origOpsPlugin, backendCpuPlugin, plugin]);
    const { block, b } = setup(reg);
    const x = block.createVar({ name: 'x', shape: [2], dtype: 'float64', isData: true });
    const y = b.emit1('my_op', [exp(b, x)]);
    const run = () => new CPUPlace().run({ block, registry: reg, scope: new Scope(), feed: new Map([['x', NDArray.from([1, 2], 'float64')]]), fetch: [y] });
    expect(run).toThrow(/No cpu kernel is registered for op 'my_op'. It is provided by @acme\/my-cpu-kernels/);
  });

  it('throws naming a data var that was not fed, with its shape and dtype', () => {
    const { block, b } = setup();
    const x = block.createVar({ name: 'images', shape: [4, 3], dtype: 'float32', isData: true });
    const y = scale(b, x, 2);
    const run = () => new CPUPlace().run({ block, registry, scope: new Scope(), feed: new Map(), fetch: [y] });
    expect(run).toThrow(ArgumentError);
    expect(run).toThrow(/Data var 'images' \(f32\[4,3\]\), read by op #0 'scale', was not fed/);
    expect(run).toThrow(/[Ff]eed it/);
  });

  it('throws naming the var and both shapes when a feed has the wrong shape', () => {
    const { block, b } = setup();
    const x = block.createVar({ name: 'x', shape: [2, 3], dtype: 'float64', isData: true });
    const y = exp(b, x);
    const run = () =>
      new CPUPlace().run({ block, registry, scope: new Scope(), feed: new Map([['x', NDArray.from([1, 2, 3, 4, 5, 6], 'float64')]]), fetch: [y] });
    expect(run).toThrow(ArgumentError);
    expect(run).toThrow(/'x' has shape \[6\], but the var has shape \[2,3\]/);
  });

  it('rejects a feed that is not an NDArray', () => {
    const { block, b } = setup();
    const x = block.createVar({ name: 'x', shape: [1], dtype: 'float64', isData: true });
    const y = exp(b, x);
    const feed = new Map([['x', [1] as unknown as NDArray]]);
    expect(() => new CPUPlace().run({ block, registry, scope: new Scope(), feed, fetch: [y] })).toThrow(/not an NDArray/);
  });

  it('throws when a persistable var has no value in the scope, saying to run the startup program', () => {
    const { block, b } = setup();
    const w = block.createVar({ name: 'w', shape: [2], dtype: 'float64', persistable: true });
    const y = exp(b, w);
    expect(() => new CPUPlace().run({ block, registry, scope: new Scope(), feed: new Map(), fetch: [y] })).toThrow(
      /Persistable var 'w' \(f64\[2\]\).*startup program/,
    );
  });

  it('throws when a fetched var is never computed', () => {
    const { block } = setup();
    const v = block.createVar({ name: 'v', shape: [], dtype: 'float64' });
    expect(() => new CPUPlace().run({ block, registry, scope: new Scope(), feed: new Map(), fetch: [v] })).toThrow(/Var 'v' \(f64\[\]\), fetched, has no value/);
  });

  it('writes persistable outputs back to the scope: a startup program, then in-place updates', () => {
    const startup = setup();
    const wS = startup.block.createVar({ name: 'w', shape: [2], dtype: 'float32', persistable: true });
    const stepS = startup.block.createVar({ name: 'step', shape: [], dtype: 'float32', persistable: true });
    startup.b.emitInto('fill_constant', [], [wS], { shape: [2], dtype: 'float32', value: 1 });
    startup.b.emitInto('fill_constant', [], [stepS], { shape: [], dtype: 'float32', value: 0 });

    const main = setup();
    const w = main.block.createVar({ name: 'w', shape: [2], dtype: 'float32', persistable: true });
    const step = main.block.createVar({ name: 'step', shape: [], dtype: 'float32', persistable: true });
    const g = main.block.createVar({ name: 'g', shape: [2], dtype: 'float32', isData: true });
    // w <- w - 0.5 * g  (written into w itself); step <- step + 1.
    main.b.emitInto('sub', [w, scale(main.b, g, 0.5)], [w]);
    main.b.emitInto('scale', [step], [step], { scale: 1, bias: 1 });

    const scope = new Scope();
    const place = new CPUPlace();
    expect(place.run({ block: startup.block, registry, scope, feed: new Map(), fetch: [] })).toEqual([]);
    expect([...scope.get('w').data]).toEqual([1, 1]);
    const before = scope.get('w');
    const feed = new Map([['g', NDArray.from([1, -2], 'float32')]]);
    const [wAfter] = place.run({ block: main.block, registry, scope, feed, fetch: [w] }) as NDArray[];
    expect([...wAfter!.data]).toEqual([0.5, 2]);
    expect(scope.get('w')).toBe(wAfter);
    expect([...before.data]).toEqual([1, 1]);
    place.run({ block: main.block, registry, scope, feed, fetch: [] });
    expect([...scope.get('w').data]).toEqual([0, 3]);
    expect(scope.get('step').item()).toBe(2);
    expect(scope.get('w').dtype).toBe('float32');
    expect(place.runs).toBe(3);
  });

  it('assign into an existing persistable var is an in-place write', () => {
    const { block, b } = setup();
    const src = block.createVar({ name: 'src', shape: [2], dtype: 'float64', isData: true });
    const dst = block.createVar({ name: 'dst', shape: [2], dtype: 'float64', persistable: true });
    const before = exp(b, dst);
    b.emitInto('assign', [src], [dst]);
    const after = exp(b, dst);
    const scope = new Scope();
    scope.set('dst', NDArray.from([0, 0], 'float64'));
    const [x0, x1] = new CPUPlace().run({ block, registry, scope, feed: new Map([['src', NDArray.from([1, 2], 'float64')]]), fetch: [before, after] }) as NDArray[];
    expect([...x0!.data]).toEqual([1, 1]);
    expect([...x1!.data]).toEqual([Math.E, Math.exp(2)]);
    expect([...scope.get('dst').data]).toEqual([1, 2]);
  });

  it('leaves the scope unchanged when a run fails part-way', () => {
    const boom: OpDef = { type: 'boom', kind: 'orig', inputs: ['x'], infer: ([x]) => [x!] };
    const boomKernel: CpuKernel = () => {
      throw new TypeError('kaboom');
    };
    const plugin: Plugin = { name: 'boom', contract: PLUGIN_CONTRACT_VERSION, ops: [boom], kernels: { [CPU_BACKEND]: { boom: boomKernel } } };
    const reg = createRegistry([origOpsPlugin, backendCpuPlugin, plugin]);
    const { block, b } = setup(reg);
    const w = block.createVar({ name: 'w', shape: [2, 1], dtype: 'float64', persistable: true });
    b.emitInto('fill_constant', [], [w], { shape: [2, 1], dtype: 'float64', value: 5 });
    const y = b.emit1('boom', [w]);
    const scope = new Scope();
    const run = () => new CPUPlace().run({ block, registry: reg, scope, feed: new Map(), fetch: [y] });
    expect(run).toThrow(KernelError);
    expect(run).toThrow(/Op #1 'boom' failed in its cpu kernel \(input shapes: \[2,1\]\): kaboom/);
    expect(scope.has('w')).toBe(false);
    try {
      run();
    } catch (e) {
      expect((e as KernelError).cause).toBeInstanceOf(TypeError);
      expect((e as KernelError).opIndex).toBe(1);
    }
  });

  it('reports a kernel that returns the wrong shape', () => {
    const bad: OpDef = { type: 'bad', kind: 'orig', inputs: ['x'], infer: ([x]) => [x!] };
    const badKernel: CpuKernel = () => [NDArray.zeros('float64', [3])];
    const plugin: Plugin = { name: 'bad', contract: PLUGIN_CONTRACT_VERSION, ops: [bad], kernels: { [CPU_BACKEND]: { bad: badKernel } } };
    const reg = createRegistry([origOpsPlugin, backendCpuPlugin, plugin]);
    const { block, b } = setup(reg);
    const x = block.createVar({ name: 'x', shape: [2], dtype: 'float64', isData: true });
    const y = b.emit1('bad', [x]);
    expect(() => runBlockSync({ block, registry: reg, scope: new Scope(), feed: new Map([['x', NDArray.from([1, 2], 'float64')]]), fetch: [y] })).toThrow(
      /Op #0 'bad'.*should be f64\[2\], the kernel returned f64\[3\]/,
    );
  });

  it('passes primgrad errors from kernels through unchanged', () => {
    const { block, b } = setup();
    const x = block.createVar({ name: 'x', shape: [2], dtype: 'float64', isData: true });
    const y = b.emit1('uniform_random', [], { shape: [2], dtype: 'float64', min: 0, max: 1, seed: NaN });
    add(b, x, y);
    expect(() => runBlockSync({ block, registry, scope: new Scope(), feed: new Map([['x', NDArray.from([1, 2], 'float64')]]), fetch: [y] })).toThrow(
      /^uniform_random: attr 'seed' must be a finite number/,
    );
  });

  it('never writes into fed arrays or scope values', () => {
    const { block, b } = setup();
    const x = block.createVar({ name: 'x', shape: [2, 2], dtype: 'float64', isData: true });
    const w = block.createVar({ name: 'w', shape: [2, 2], dtype: 'float64', persistable: true });
    let h = x;
    for (const f of [exp, tanh]) h = f(b, h);
    const out = sub(b, matmul(b, h, w, { transY: true }), assign(b, x));
    b.emitInto('add', [w, out], [w]);
    const xv = NDArray.from([[1, 2], [3, 4]], 'float64');
    const wv = NDArray.from([[0.5, 0], [0, 0.5]], 'float64');
    const scope = new Scope();
    scope.set('w', wv);
    runBlockSync({ block, registry, scope, feed: new Map([['x', xv]]), fetch: [out] });
    expect(xv.toNested()).toEqual([[1, 2], [3, 4]]);
    expect(wv.toNested()).toEqual([[0.5, 0], [0, 0.5]]);
    expect(scope.get('w')).not.toBe(wv);
  });

  it('counts runs per instance, with 0 on the prototype', () => {
    const before = CPUPlace.totalRuns;
    const { block } = setup();
    const c = fillConstant(new Builder(block, registry), [1], 'float64', 3);
    const a = new CPUPlace();
    const bPlace = new CPUPlace();
    expect(CPUPlace.prototype.runs).toBe(0);
    expect(a.runs).toBe(0);
    a.run({ block, registry, scope: new Scope(), feed: new Map(), fetch: [c] });
    a.run({ block, registry, scope: new Scope(), feed: new Map(), fetch: [c] });
    bPlace.run({ block, registry, scope: new Scope(), feed: new Map(), fetch: [c] });
    expect(a.runs).toBe(2);
    expect(bPlace.runs).toBe(1);
    expect(CPUPlace.prototype.runs).toBe(0);
    expect(CPUPlace.totalRuns - before).toBe(3);
  });
});

describe('backendCpuPlugin', () => {
  it('has a cpu kernel for every native op', () => {
    const reg = createRegistry([origOpsPlugin, backendCpuPlugin]);
    const missing = reg.opTypes('orig').filter((t) => !reg.hasKernel('cpu', t));
    expect(missing).toEqual([]);
    expect(reg.backends()).toContain('cpu');
    expect(backendCpuPlugin.name).toBe('@primgrad/backend-cpu');
    expect(backendCpuPlugin.contract).toBe(PLUGIN_CONTRACT_VERSION);
  });

  it('registers alongside the prim definitions (it has no prim kernels)', () => {
    expect(() => createRegistry([origOpsPlugin, primOpsPlugin, backendCpuPlugin])).not.toThrow();
  });
});
