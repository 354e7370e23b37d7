/** Registering the plugin, the errors its ops raise on bad input, and the kit catching broken rules. */
import {
  ArgumentError,
  Builder,
  OpArgumentError,
  PLUGIN_CONTRACT_VERSION,
  PluginError,
  ShapeError,
  createRegistry,
  type Plugin,
} from '@primgrad/ir';
import { ConformanceError, checkTranspose, checkVjp, type CheckReport } from '@primgrad/testing';
import { Program, backendCpuPlugin, data, origOpsPlugin, primOpsPlugin, programGuard, standardPlugins } from 'primgrad';
import { describe, expect, it } from 'vitest';
import { buildCumsumP, cumsum, customOpPlugin, softplus } from '../src/index.js';

const registry = createRegistry([...standardPlugins, customOpPlugin]);

function failureOf(run: () => unknown): CheckReport {
  try {
    run();
  } catch (e) {
    if (e instanceof ConformanceError) return e.report;
    throw e;
  }
  throw new Error('the check passed, but it was expected to fail');
}

/** Runs `build` in a fresh program over the plugin's registry. */
function build<T>(fn: () => T): T {
  return programGuard(new Program(), new Program(), fn, { registry });
}

describe('registration', () => {
  it('adds the ops with their plugin name', () => {
    expect(registry.opPlugin('softplus')).toBe('@primgrad/custom-op-plugin');
    expect(registry.opDef('cumsum_p').kind).toBe('prim');
    expect(registry.opDef('cumsum_p').linearIn).toEqual([0]);
    expect(registry.hasKernel('cpu', 'cumsum')).toBe(true);
    expect(registry.rulePlugin('transpose', 'cumsum_p')).toBe('@primgrad/custom-op-plugin');
  });

  it('needs the cpu backend registered first', () => {
    expect(() => createRegistry([origOpsPlugin, primOpsPlugin, customOpPlugin])).toThrow(
      /Plugin '@primgrad\/custom-op-plugin': has kernels for backend 'cpu', which no registered plugin declares/,
    );
    expect(() => createRegistry([origOpsPlugin, primOpsPlugin, backendCpuPlugin, customOpPlugin])).not.toThrow();
  });

  it('ignores a second registration of the same version', () => {
    const twice = createRegistry([...standardPlugins, customOpPlugin]);

    twice.use(customOpPlugin);
    twice.use({ ...customOpPlugin });

    expect(twice.plugins().filter((p) => p.name === customOpPlugin.name)).toHaveLength(1);
  });

  it('rejects another version without override', () => {
    const twice = createRegistry([...standardPlugins, customOpPlugin]);

    expect(() => twice.use({ ...customOpPlugin, version: '0.2.0' })).toThrow(PluginError);
    expect(() => twice.use({ ...customOpPlugin, version: '0.2.0' })).toThrow(/already registered; set override: true/);
  });

  it('rejects a plugin of another contract version', () => {
    expect(() => createRegistry([...standardPlugins, { ...customOpPlugin, contract: PLUGIN_CONTRACT_VERSION + 1 }])).toThrow(
      /written for plugin contract 2, but this registry implements contract 1/,
    );
  });
});

describe('op guards', () => {
  it('softplus rejects int32', () => {
    expect(() => build(() => softplus(data('x', [2], 'int32')))).toThrow(/softplus: input 'x' must be float32 or float64, got int32/);
  });

  it('softplus rejects a non-var', () => {
    expect(() => build(() => softplus([1, 2] as never))).toThrow(ArgumentError);
  });

  it('cumsum rejects an axis out of range', () => {
    expect(() => build(() => cumsum(data('x', [2, 3], 'float64'), 2))).toThrow(ShapeError);
    expect(() => build(() => cumsum(data('x', [2, 3], 'float64'), -3))).toThrow(/cumsum: axis -3 is out of range for rank 2 \(input shapes: \[2,3\]\)/);
  });

  it('cumsum rejects a 0-d input', () => {
    expect(() => build(() => cumsum(data('x', [], 'float64'), 0))).toThrow(/cumsum: x must have rank 1 or more/);
  });

  it('cumsum rejects bool', () => {
    expect(() => build(() => cumsum(data('x', [3], 'bool'), 0))).toThrow(OpArgumentError);
  });

  it('cumsum_p rejects a negative axis', () => {
    const x = build(() => data('x', [3], 'float64'));

    expect(() => buildCumsumP(new Builder(x.block, registry), x, -1, false)).toThrow(/cumsum_p: axis -1 must be in \[0, 1\)/);
  });

  it('cumsum_p needs an explicit reverse', () => {
    const x = build(() => data('x', [3], 'float64'));

    expect(() => new Builder(x.block, registry).emit1('cumsum_p', [x], { axis: 0 })).toThrow(/cumsum_p: attr 'reverse' must be true or false/);
  });
});

describe('the kit on broken rules', () => {
  const broken = (name: string, rules: Omit<Plugin, 'name' | 'contract' | 'override'>) =>
    createRegistry([...standardPlugins, customOpPlugin, { name, contract: PLUGIN_CONTRACT_VERSION, override: true, ...rules }]);

  it('catches a transpose that sums forward', () => {
    const sumsForward = broken('forward-transpose', {
      transpose: { cumsum_p: (b, op, [ct]) => [ct ? b.emit1('cumsum_p', [ct], op.attrs) : null] },
    });

    const report = failureOf(() => checkTranspose(sumsForward, { op: 'cumsum_p', inputs: [{ shape: [4], dtype: 'float64' }], attrs: { axis: 0, reverse: false } }));

    expect(report.plugin).toBe('forward-transpose');
    expect(report.worst!.value).toBe("cotangent of input 0 ('x_0')");
    expect(report.summary).toMatch(/transpose check failed for the transpose rule for 'cumsum_p' from plugin 'forward-transpose'/);
  });

  it('catches a softplus vjp that uses exp(x) for σ(x)', () => {
    const expVjp = broken('exp-vjp', {
      vjp: { softplus: (b, op, [ct]) => [ct ? b.emit1('mul', [ct, b.emit1('exp', [op.inputs[0]!])]) : null] },
    });

    const report = failureOf(() => checkVjp(expVjp, { op: 'softplus', inputs: [{ shape: [2, 3], dtype: 'float64' }] }));

    expect(report.plugin).toBe('exp-vjp');
    expect(report.worst!.value).toBe("cotangent of input 0 ('x_0')");
    expect(report.failedElements).toBeGreaterThan(0);
  });
});
