// Shared vitest settings. Tests resolve workspace packages to their TypeScript sources through
// the "@primgrad/source" export condition, so `pnpm test` needs no prior build.
import { defineConfig } from 'vitest/config';

export function primgradVitestConfig(overrides = {}) {
  return defineConfig({
    resolve: { conditions: ['@primgrad/source'] },
    ssr: { resolve: { conditions: ['@primgrad/source'] } },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      environment: 'node',
      ...overrides,
    },
  });
}
