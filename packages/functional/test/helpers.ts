import { CPUPlace, backendCpuPlugin } from '@primgrad/backend-cpu';
import { NDArray, createRegistry, defaultRegistry, type Plugin } from '@primgrad/ir';
import { linearizeRulesPlugin } from '@primgrad/linearize-rules';
import { origOpsPlugin } from '@primgrad/orig-ops';
import { orig2primRulesPlugin } from '@primgrad/orig2prim-rules';
import { primOpsPlugin } from '@primgrad/prim-ops';
import { transposeRulesPlugin } from '@primgrad/transpose-rules';
import { expect } from 'vitest';

export const standardPlugins: readonly Plugin[] = [
  origOpsPlugin,
  primOpsPlugin,
  orig2primRulesPlugin,
  linearizeRulesPlugin,
  transposeRulesPlugin,
  backendCpuPlugin,
];

// The functional APIs default to the process-wide registry, as they do under the umbrella package.
for (const plugin of standardPlugins) defaultRegistry().use(plugin);

/** Creates a registry of its own, for tests that add plugins. */
export function standardRegistry(extra: readonly Plugin[] = []) {
  return createRegistry([...standardPlugins, ...extra]);
}

/** Options with a fresh place, whose `runs` counts the executions of one test. */
export function counted(): { place: CPUPlace } {
  return { place: new CPUPlace() };
}

/** Asserts that `actual` matches the nested array `expected` elementwise within `tol` (absolute plus relative). */
export function expectClose(actual: NDArray | unknown, expected: unknown, tol = 1e-9): void {
  const got = actual instanceof NDArray ? actual.toNested() : actual;
  const flatGot: number[] = [];
  const flatWant: number[] = [];
  const shapeOf = (value: unknown): number[] => (Array.isArray(value) ? [value.length, ...shapeOf(value[0])] : []);
  const flatten = (value: unknown, out: number[]): void => {
    if (Array.isArray(value)) value.forEach((v) => flatten(v, out));
    else out.push(Number(value));
  };
  expect(shapeOf(got)).toEqual(shapeOf(expected));
  flatten(got, flatGot);
  flatten(expected, flatWant);
  flatGot.forEach((g, i) => {
    const w = flatWant[i]!;
    if (!(Math.abs(g - w) <= tol * (1 + Math.abs(w)))) {
      expect.fail(`element ${i}: got ${g}, expected ${w} (tolerance ${tol})`);
    }
  });
}
