/** coverageReport over the standard registry, and over it with this plugin, complete or not. */
import { createRegistry } from '@primgrad/ir';
import { coverageReport } from '@primgrad/testing';
import { standardPlugins } from 'primgrad';
import { describe, expect, it } from 'vitest';
import { customOpPlugin } from '../src/index.js';

describe('coverage', () => {
  it('finds no gap in the standard registry', () => {
    const report = coverageReport(createRegistry(standardPlugins));

    expect(report.text).toMatch(/^Coverage: every op has the rules and kernels it needs/);
    expect(report.gaps).toEqual([]);
    expect(report.backends).toEqual(['cpu']);
  });

  it('finds no gap with the plugin added', () => {
    const standard = coverageReport(createRegistry(standardPlugins));

    const report = coverageReport(createRegistry([...standardPlugins, customOpPlugin]));

    expect(report.gaps).toEqual([]);
    expect(report.ops).toBe(standard.ops + 3);
  });

  it('lists what a plugin without vjp rules lacks', () => {
    const withoutVjp = { ...customOpPlugin, vjp: undefined };

    const report = coverageReport(createRegistry([...standardPlugins, withoutVjp]));

    expect(report.gaps.map((g) => `${g.op} ${g.missing}`)).toEqual(['cumsum vjp', 'softplus vjp']);
    expect(report.gaps.every((g) => g.definedBy === '@primgrad/custom-op-plugin')).toBe(true);
    expect(report.text).toContain("native op 'softplus' defined by '@primgrad/custom-op-plugin' has no vjp rule");
  });
});
