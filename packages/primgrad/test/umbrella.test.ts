import { describe, expect, it } from 'vitest';
import { defaultRegistry, createRegistry } from '@primgrad/ir';
import * as primgrad from '../src/index.js';

describe('primgrad umbrella', () => {
  it('adds every standard plugin to the default registry on import', () => {
    const names = defaultRegistry().plugins().map((p) => p.name);

    expect(names).toEqual(primgrad.standardPlugins.map((p) => p.name));
    expect(names).toContain('@primgrad/transpose-rules');
  });

  it('adds the standard plugins to a registry only once', () => {
    const registry = createRegistry();

    primgrad.useStandardPlugins(registry);
    primgrad.useStandardPlugins(registry);

    expect(registry.plugins()).toHaveLength(primgrad.standardPlugins.length);
  });

  it('runs a gradient with nothing but its own exports', () => {
    primgrad.disablePrim();
    const main = new primgrad.Program();
    const fetchList = primgrad.programGuard(main, new primgrad.Program(), () => {
      const x = primgrad.data('x', [3], 'float64');
      x.stopGradient = false;
      return primgrad.gradients([primgrad.sum(primgrad.mul(x, x))], [x]);
    });

    const [g] = new primgrad.Executor(new primgrad.CPUPlace()).run(main, { feed: { x: [1, -2, 3] }, fetchList, scope: new primgrad.Scope() });

    expect(Array.from(g!.data)).toEqual([2, -4, 6]);
  });
});

describe('primgrad exports', () => {
  it('keep the Program-API transpose op at the top level', () => {
    primgrad.disablePrim();
    const main = new primgrad.Program();
    const out = primgrad.programGuard(main, new primgrad.Program(), () =>
      primgrad.transpose(primgrad.data('x', [2, 3], 'float64'), [1, 0]),
    );

    expect(out.shape).toEqual([3, 2]);
    expect(primgrad.transforms.transpose).toBeTypeOf('function');
  });

  it('give the functional linearize at the top level', () => {
    const [y, fJvp] = primgrad.linearize((x: primgrad.Tensor) => x.mul(x), [[1, 2, 3]]);

    expect(y.arraySync()).toEqual([1, 4, 9]);
    expect(fJvp([[1, 1, 1]]).arraySync()).toEqual([2, 4, 6]);
  });
});
