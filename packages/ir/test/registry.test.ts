import { describe, expect, it } from 'vitest';
import {
  MissingKernelError,
  MissingRuleError,
  PLUGIN_CONTRACT_VERSION,
  PluginError,
  Registry,
  UnknownOpError,
  createRegistry,
  defaultRegistry,
  type OpDef,
  type Plugin,
} from '../src/index.js';

const square: OpDef = {
  type: 'square',
  kind: 'orig',
  inputs: ['x'],
  infer: ([x]) => [x!],
};
const squareP: OpDef = {
  type: 'square_p',
  kind: 'prim',
  inputs: ['x'],
  infer: ([x]) => [x!],
};
const scaleP: OpDef = {
  type: 'scale_p',
  kind: 'prim',
  inputs: ['x'],
  linearIn: [0],
  infer: ([x]) => [x!],
};
const rule = () => [];
const base: Plugin = {
  name: 'base',
  contract: PLUGIN_CONTRACT_VERSION,
  ops: [square, squareP, scaleP],
  backends: ['cpu'],
  providers: { linearize: 'base-linearize-rules', 'kernel:cpu': 'base-cpu-kernels' },
};

describe('registry.use', () => {
  const badPlugins: { case: string; plugin: unknown; message: RegExp }[] = [
    { case: 'no name', plugin: { contract: 1 }, message: /no name/ },
    { case: 'wrong contract', plugin: { name: 'p', contract: 99 }, message: /'p'.*contract 99.*implements contract 1/ },
    { case: 'missing contract', plugin: { name: 'p' }, message: /'p'.*contract undefined/ },
    {
      case: 'rule for an undefined op',
      plugin: { name: 'p', contract: 1, linearize: { cube_p: rule } },
      message: /'p'.*linearize rule for op 'cube_p', which no registered plugin defines/,
    },
    {
      case: 'kernel for an unknown backend',
      plugin: { name: 'p', contract: 1, kernels: { webgpu: { square: rule } } },
      message: /'p'.*backend 'webgpu'.*Known backends: cpu/,
    },
    {
      case: 'duplicate op without override',
      plugin: { name: 'p', contract: 1, ops: [square] },
      message: /'p'.*op 'square' is already defined by plugin 'base'.*override: true/,
    },
    {
      case: 'duplicate rule without override',
      plugin: { name: 'p', contract: 1, linearize: { square_p: rule } },
      message: /'p'.*linearize rule for op 'square_p' is already registered by plugin 'base-rules'/,
    },
    {
      case: 'linearize rule on a native op',
      plugin: { name: 'p', contract: 1, linearize: { square: rule } },
      message: /'p'.*linearize rules are for prim ops and 'square' is a native op/,
    },
    {
      case: 'transpose rule on a non-linear prim',
      plugin: { name: 'p', contract: 1, transpose: { square_p: rule } },
      message: /'p'.*transpose rule for prim 'square_p', which is linear in none of its inputs/,
    },
    {
      case: 'kernel for a prim',
      plugin: { name: 'p', contract: 1, kernels: { cpu: { square_p: rule } } },
      message: /'p'.*cpu kernel for prim 'square_p'; prims have no kernels/,
    },
    {
      case: 'rule that is not a function',
      plugin: { name: 'p', contract: 1, orig2prim: { square: 42 } },
      message: /'p'.*orig2prim rule for op 'square' is not a function/,
    },
    {
      case: 'prim without the _p suffix',
      plugin: { name: 'p', contract: 1, ops: [{ ...squareP, type: 'cube' }] },
      message: /'p'.*prim 'cube' must be named with a '_p' suffix/,
    },
    {
      case: 'native op with the _p suffix',
      plugin: { name: 'p', contract: 1, ops: [{ ...square, type: 'cube_p' }] },
      message: /'p'.*native op 'cube_p' must not end in '_p'/,
    },
    {
      case: 'op without infer',
      plugin: { name: 'p', contract: 1, ops: [{ type: 'cube', kind: 'orig', inputs: ['x'] }] },
      message: /'p'.*op 'cube' has no infer function/,
    },
    {
      case: 'linearIn outside the inputs',
      plugin: { name: 'p', contract: 1, ops: [{ ...scaleP, type: 'cube_p', linearIn: [3] }] },
      message: /'p'.*op 'cube_p' lists input 3 in linearIn/,
    },
    {
      case: 'same name, other version',
      plugin: { name: 'base', version: '2.0.0', contract: 1 },
      message: /'base'.*already registered/,
    },
  ];

  it.each(badPlugins)('rejects a plugin with $case', ({ plugin, message }) => {
    const registry = createRegistry([base, { name: 'base-rules', contract: PLUGIN_CONTRACT_VERSION, linearize: { square_p: rule } }]);

    expect(() => registry.use(plugin as Plugin)).toThrow(PluginError);
    expect(() => registry.use(plugin as Plugin)).toThrow(message);
  });

  it('leaves the registry unchanged after a rejected plugin', () => {
    const registry = createRegistry([base]);
    const bad: Plugin = { name: 'half', contract: 1, ops: [{ ...square, type: 'cube' }], linearize: { nope_p: rule } };

    expect(() => registry.use(bad)).toThrow(PluginError);
    expect(registry.hasOp('cube')).toBe(false);
  });

  it('accepts an override', () => {
    const registry = createRegistry([base]);
    const replacement = { ...square, doc: 'replaced' };

    registry.use({ name: 'p', contract: 1, override: true, ops: [replacement] });

    expect(registry.opDef('square').doc).toBe('replaced');
    expect(registry.opPlugin('square')).toBe('p');
  });

  it('ignores a second copy of the same plugin', () => {
    const registry = createRegistry([{ ...base, version: '1.0.0' }]);

    expect(() => registry.use({ ...base, version: '1.0.0' })).not.toThrow();
    expect(registry.plugins()).toHaveLength(1);
  });
});

describe('registry lookups', () => {
  it('name the package that provides a missing rule', () => {
    const registry = createRegistry([base]);

    expect(() => registry.rule('linearize', 'square_p')).toThrow(MissingRuleError);
    expect(() => registry.rule('linearize', 'square_p')).toThrow(
      "No linearize rule is registered for op 'square_p'. It is provided by base-linearize-rules",
    );
  });

  it('name the package that provides a missing kernel', () => {
    const registry = createRegistry([base]);

    expect(() => registry.kernel('cpu', 'square')).toThrow(MissingKernelError);
    expect(() => registry.kernel('cpu', 'square')).toThrow(/No cpu kernel .*'square'.*base-cpu-kernels/);
  });

  it('list the defined ops for an unknown op', () => {
    const registry = createRegistry([base]);

    expect(() => registry.opDef('cube')).toThrow(UnknownOpError);
    expect(() => registry.opDef('cube')).toThrow(/Op 'cube' is not defined.*scale_p, square, square_p/);
  });
});

describe('defaultRegistry', () => {
  it('is shared through globalThis', () => {
    const key = Symbol.for('@primgrad/ir.defaultRegistry');

    const registry = defaultRegistry();

    expect((globalThis as Record<symbol, unknown>)[key]).toBe(registry);
    expect(defaultRegistry()).toBe(registry);
    expect(registry).toBeInstanceOf(Registry);
  });
});
