import { PLUGIN_CONTRACT_VERSION, createRegistry } from '@primgrad/ir';
import { describe, expect, it } from 'vitest';
import { coverageReport } from '../src/index.js';
import { toyOpsPlugin, toyRulesPlugin } from './toy.js';

describe('coverageReport', () => {
  it('finds nothing missing in a complete registry', () => {
    const report = coverageReport(createRegistry([toyOpsPlugin, toyRulesPlugin]));

    expect(report.gaps).toEqual([]);
    expect(report.ops).toBe(11);
    expect(report.backends).toEqual(['cpu']);
    expect(report.text).toBe('Coverage: every op has the rules and kernels it needs (11 op(s), backends: cpu).');
  });

  it('lists every rule that definitions alone lack', () => {
    const report = coverageReport(createRegistry([toyOpsPlugin]));

    // Prims need prim2orig, linearize unless non-differentiable, transpose when linear in an input;
    // differentiable native ops need orig2prim and vjp. Every native op has its cpu kernel here.
    expect(report.gaps.map((g) => `${g.op} ${g.missing}`).sort()).toEqual(
      [
        'add orig2prim', 'add vjp',
        'add_p linearize', 'add_p prim2orig', 'add_p transpose',
        'double orig2prim', 'double vjp',
        'double_p linearize', 'double_p prim2orig', 'double_p transpose',
        'positive_p prim2orig',
        'square orig2prim', 'square vjp',
        'square_p linearize', 'square_p prim2orig',
        'times orig2prim', 'times vjp',
        'times_p linearize', 'times_p prim2orig', 'times_p transpose',
      ].sort(),
    );
  });

  it('names the defining plugin and the provider', () => {
    const report = coverageReport(createRegistry([toyOpsPlugin]));
    const gap = report.gaps.find((g) => g.op === 'square' && g.missing === 'vjp')!;

    expect(gap.opKind).toBe('orig');
    expect(gap.definedBy).toBe('toy-ops');
    expect(gap.providedBy).toBe('toy-rules-package');
    expect(report.gaps.find((g) => g.op === 'square' && g.missing === 'orig2prim')!.providedBy).toBeUndefined();
    expect(report.text).toContain(
      "native op 'square' defined by 'toy-ops' has no vjp rule: the op is differentiable, so backward (prim mode off) meets it. " +
        'It is provided by toy-rules-package.',
    );
    expect(report.text.split('\n')[0]).toBe('Coverage: 20 missing rule(s) or kernel(s) (11 op(s), backends: cpu):');
  });

  it('requires a kernel on every registered backend', () => {
    const gpu = { name: 'toy-gpu', contract: PLUGIN_CONTRACT_VERSION, backends: ['gpu'] };

    const report = coverageReport(createRegistry([toyOpsPlugin, toyRulesPlugin, gpu]));

    expect(report.backends).toEqual(['cpu', 'gpu']);
    expect(report.gaps.map((g) => g.op).sort()).toEqual(['add', 'double', 'nonnegative', 'positive', 'square', 'times']);
    expect(report.gaps.every((g) => g.missing === 'kernel:gpu')).toBe(true);
    expect(report.text).toContain("native op 'nonnegative' defined by 'toy-ops' has no gpu kernel: backend 'gpu' is registered, and it runs every native op.");
  });

  it('reports an empty registry', () => {
    const report = coverageReport(createRegistry());

    expect(report.ops).toBe(0);
    expect(report.text).toBe('Coverage: every op has the rules and kernels it needs (0 op(s), backends: (none)).');
  });
});
