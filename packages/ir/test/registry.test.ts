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
    {
      case: 'missing contract',
      plugin: { name: 'p' },
      message: /^Plugin 'p': the plugin has no contract version; set `contract: PLUGIN_CONTRACT_VERSION` \(exported by @primgrad\/ir, 1 in this version\)\.$/,
    },
    {
      case: 'a contract that is a string',
      plugin: { name: 'p', contract: '1' },
      message: /^Plugin 'p': `contract` must be the number PLUGIN_CONTRACT_VERSION \(1\), got the string "1"\.$/,
    },
    {
      case: 'a contract that is null',
      plugin: { name: 'p', contract: null },
      message: /^Plugin 'p': `contract` must be the number PLUGIN_CONTRACT_VERSION \(1\), got null\.$/,
    },
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
      message: /'p'.*op 'cube_p' lists input 3 in linearIn, but it has inputs x \(indices 0 to 0\)\./,
    },
    {
      case: 'same name, other version',
      plugin: { name: 'base', version: '2.0.0', contract: 1 },
      message: /'base'.*already registered/,
    },
    {
      case: 'ops that is not an array',
      plugin: { name: 'p', contract: 1, ops: {} },
      message: /'p': `ops` must be an array of op definitions, got an object\./,
    },
    {
      case: 'an op definition that is null',
      plugin: { name: 'p', contract: 1, ops: [null] },
      message: /'p': an op definition has no type: got null\./,
    },
    {
      case: 'outputs that is not a list of names',
      plugin: { name: 'p', contract: 1, ops: [{ ...square, type: 'cube', outputs: 'out' }] },
      message: /'p': op 'cube': outputs must be an array of output names \(strings\), got "out"\./,
    },
    ...(['orig2prim', 'prim2orig', 'linearize', 'transpose', 'vjp'] as const).map((kind) => ({
      case: `a ${kind} table that is a string`,
      plugin: { name: 'p', contract: 1, [kind]: 'oops' },
      message: new RegExp(`'p': \`${kind}\` must be an object mapping op types to ${kind} rules, got "oops"\\.`),
    })),
    {
      case: 'a rule table that is an array',
      plugin: { name: 'p', contract: 1, vjp: [rule] },
      message: /'p': `vjp` must be an object mapping op types to vjp rules, got \[a function\]\./,
    },
    {
      case: 'a rule table that is a Map',
      plugin: { name: 'p', contract: 1, linearize: new Map([['square_p', rule]]) },
      message: /'p': `linearize` must be an object mapping op types to linearize rules, got a Map\./,
    },
    {
      case: 'kernels that is not an object',
      plugin: { name: 'p', contract: 1, kernels: 'cpu' },
      message: /'p': `kernels` must be an object mapping backend names to kernel tables, got "cpu"\./,
    },
    {
      case: 'a backend kernel table that is not an object',
      plugin: { name: 'p', contract: 1, kernels: { cpu: [rule] } },
      message: /'p': `kernels.cpu` must be an object mapping op types to cpu kernels, got \[a function\]\./,
    },
    {
      case: 'providers that is not an object',
      plugin: { name: 'p', contract: 1, providers: 'pkg' },
      message: /'p': `providers` must be an object mapping rule kinds or 'kernel:<backend>' to package names, got "pkg"\./,
    },
    {
      case: 'a provider under an unknown key',
      plugin: { name: 'p', contract: 1, providers: { linearise: 'pkg' } },
      message: /'p': providers has the key 'linearise'; use a rule kind \(orig2prim, .*\) or 'kernel:<backend>'\./,
    },
    {
      case: 'a provider that is not a package name',
      plugin: { name: 'p', contract: 1, providers: { vjp: 3 } },
      message: /'p': providers\['vjp'\] must be a package name \(a non-empty string\), got 3\./,
    },
    {
      case: 'a provider whose value is not an npm package name',
      plugin: { name: 'p', contract: 1, providers: { 'kernel:cpu': 'not a package!' } },
      message: /'p': providers\['kernel:cpu'\] is "not a package!", which is not a valid npm package name: use lowercase letters/,
    },
    {
      case: 'a misspelled op definition key',
      plugin: { name: 'p', contract: 1, ops: [{ ...square, type: 'cube', differentiabel: false }] },
      message:
        /^Plugin 'p': op 'cube' has the unknown key 'differentiabel'\. Check its spelling; the known keys are type, kind, inputs, variadic, outputs, infer, linearIn, differentiable, doc\.$/,
    },
    {
      case: 'differentiable that is a string',
      plugin: { name: 'p', contract: 1, ops: [{ ...square, type: 'cube', differentiable: 'no' }] },
      message: /^Plugin 'p': op 'cube': `differentiable` must be true or false, got "no"\.$/,
    },
    {
      case: 'variadic that is a string',
      plugin: { name: 'p', contract: 1, ops: [{ ...square, type: 'cube', variadic: 'yes' }] },
      message: /^Plugin 'p': op 'cube': `variadic` must be true or false, got "yes"\.$/,
    },
    {
      case: 'a variadic op with no inputs',
      plugin: { name: 'p', contract: 1, ops: [{ ...square, type: 'cube', inputs: [], variadic: true }] },
      message: /^Plugin 'p': op 'cube' is variadic but names no inputs; the last name in inputs is the one that repeats\.$/,
    },
    {
      case: 'doc that is a number',
      plugin: { name: 'p', contract: 1, ops: [{ ...square, type: 'cube', doc: 5 }] },
      message: /^Plugin 'p': op 'cube': `doc` must be a string \(one line on the op's semantics\), got 5\.$/,
    },
    {
      case: 'linearIn on a native op',
      plugin: { name: 'p', contract: 1, ops: [{ ...square, type: 'cube', linearIn: [0] }] },
      message: /^Plugin 'p': native op 'cube' sets linearIn, but linearIn is for prims: .* Remove it from the native op/,
    },
    {
      case: 'a misspelled key',
      plugin: { name: 'p', contract: 1, vjps: { square: rule } },
      message: /'p': unknown key 'vjps'\. Check its spelling; the known keys are name, version, contract, override, ops, orig2prim, prim2orig, linearize, transpose, vjp, backends, kernels, providers\./,
    },
    {
      case: 'backends that is a string',
      plugin: { name: 'p', contract: 1, backends: 'gpu' },
      message: /'p': `backends` must be an array of backend names \(non-empty strings\), got "gpu"\./,
    },
    {
      case: 'an empty backend name',
      plugin: { name: 'p', contract: 1, backends: ['webgpu', ''] },
      message: /'p': backends\[1\] must be a backend name \(a non-empty string\), got ""\./,
    },
    {
      case: 'linearIn that lists a name',
      plugin: { name: 'p', contract: 1, ops: [{ ...scaleP, type: 'cube_p', linearIn: ['x'] }] },
      message: /'p': op 'cube_p': linearIn must list input indices \(integers\), got "x"\./,
    },
    {
      case: 'linearIn that is not an array',
      plugin: { name: 'p', contract: 1, ops: [{ ...scaleP, type: 'cube_p', linearIn: 0 }] },
      message: /'p': op 'cube_p': linearIn must be an array of input indices \(integers\), got 0\./,
    },
    {
      case: 'a version that is a number',
      plugin: { name: 'p', contract: 1, version: 2 },
      message: /'p': `version` must be a string such as '1\.0\.0', got 2\./,
    },
    {
      case: 'an override that is a string',
      plugin: { name: 'p', contract: 1, override: 'yes' },
      message: /'p': `override` must be true or false, got "yes"\./,
    },
  ];

  it.each(badPlugins)('rejects a plugin with $case', ({ plugin, message }) => {
    const registry = createRegistry([base, { name: 'base-rules', contract: PLUGIN_CONTRACT_VERSION, linearize: { square_p: rule } }]);

    expect(() => registry.use(plugin as Plugin)).toThrow(PluginError);
    expect(() => registry.use(plugin as Plugin)).toThrow(message);
  });

  it.each([
    ['an unscoped name', 'ops-vjp', true],
    ['a scoped name', '@acme/ops-vjp', true],
    ['dots, underscores and tildes', 'a.b_c~d', true],
    ['a space', 'not a package!', false],
    ['capitals', 'Acme-Ops', false],
    ['a scope without a name', '@acme', false],
    ['an empty scope', '@/ops', false],
    ['a leading dot', '.ops', false],
    ['a leading underscore', '_ops', false],
    ['215 characters', 'a'.repeat(215), false],
  ])('checks a provider package name with %s', (_case, pkg, valid) => {
    const registry = new Registry();
    const use = () => registry.use({ name: 'p', contract: 1, providers: { vjp: pkg } });

    if (valid) expect(use).not.toThrow();
    else expect(use).toThrow(/not a valid npm package name/);
  });

  it('adds nothing from a plugin whose table is malformed', () => {
    const registry = createRegistry([base]);
    const bad = { name: 'typo', contract: 1, ops: [{ ...square, type: 'cube' }], backends: 'gpu' };

    expect(() => registry.use(bad as unknown as Plugin)).toThrow(PluginError);
    expect(registry.hasOp('cube')).toBe(false);
    expect(registry.backends()).toEqual(['cpu']);
  });

  it('accepts every optional field when well formed', () => {
    const registry = createRegistry([base]);
    const full: Plugin = {
      name: 'full',
      version: '1.0.0',
      contract: 1,
      override: false,
      ops: [
        { ...scaleP, type: 'cube_p', outputs: ['out'], variadic: true, differentiable: true, doc: 'a variadic test prim' },
        { ...square, type: 'cube', differentiable: false },
      ],
      orig2prim: { cube: rule },
      prim2orig: { cube_p: rule },
      linearize: { cube_p: rule },
      transpose: { cube_p: rule },
      vjp: { cube: rule },
      backends: ['webgpu'],
      kernels: { cpu: { cube: rule }, webgpu: {} },
      providers: { vjp: 'full-vjp', 'kernel:webgpu': 'full-webgpu' },
    };

    registry.use(full);

    expect(registry.rulePlugin('transpose', 'cube_p')).toBe('full');
    expect(registry.hasKernel('cpu', 'cube')).toBe(true);
    expect(registry.backends()).toEqual(['cpu', 'webgpu']);
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

  it('replaces a plugin of the same name and version with override', () => {
    const registry = createRegistry([base, { name: 'rules', version: '1.0.0', contract: 1, linearize: { square_p: rule } }]);
    const replacement = () => [null];

    registry.use({ name: 'rules', version: '1.0.0', contract: 1, override: true, linearize: { square_p: replacement } });

    expect(registry.rule('linearize', 'square_p')).toBe(replacement);
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
