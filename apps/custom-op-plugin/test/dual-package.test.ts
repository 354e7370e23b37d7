/**
 * Two copies of @primgrad/ir in one process (its built ESM and CJS entries, and the TypeScript
 * source that vitest loads) must share the default registry, and registering a plugin again
 * through another copy must change nothing. The built entries need `pnpm --filter @primgrad/ir
 * build` first; this package's turbo.json runs that build before its tests.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defaultRegistry, type Registry } from '@primgrad/ir';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

// Vitest workers resolve packages with the '@primgrad/source' condition (to TypeScript sources).
// A plain Node child resolves by the package's `import` and `require` conditions, to dist/.
const CHILD = `
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
const require = createRequire(process.cwd() + '/package.json');
const report = { esmEntry: fileURLToPath(import.meta.resolve('@primgrad/ir')), cjsEntry: require.resolve('@primgrad/ir') };
try {
  const esm = await import('@primgrad/ir');
  const cjs = require('@primgrad/ir');
  report.distinctCopies = esm.Registry !== cjs.Registry;
  report.sameRegistry = esm.defaultRegistry() === cjs.defaultRegistry();
  const plugin = {
    name: 'dual-package-probe',
    version: '1.0.0',
    contract: esm.PLUGIN_CONTRACT_VERSION,
    ops: [{ type: 'probe', kind: 'orig', inputs: ['x'], infer: ([x]) => [x] }],
  };
  esm.defaultRegistry().use(plugin);
  const opsAfterFirst = cjs.defaultRegistry().opTypes().length;
  cjs.defaultRegistry().use(plugin);
  cjs.defaultRegistry().use({ ...plugin, ops: [...plugin.ops] });
  report.opsUnchanged = cjs.defaultRegistry().opTypes().length === opsAfterFirst;
  report.probePlugins = esm.defaultRegistry().plugins().filter((p) => p.name === plugin.name).length;
  try {
    cjs.defaultRegistry().use({ ...plugin, version: '2.0.0' });
    report.newVersion = 'accepted';
  } catch (e) {
    report.newVersion = e.name + ': ' + e.message;
  }
} catch (e) {
  report.loadError = String(e);
}
process.stdout.write(JSON.stringify(report));
`;

interface ChildReport {
  esmEntry: string;
  cjsEntry: string;
  loadError?: string;
  distinctCopies: boolean;
  sameRegistry: boolean;
  opsUnchanged: boolean;
  probePlugins: number;
  newVersion: string;
}

let child: ChildReport;

beforeAll(() => {
  child = JSON.parse(execFileSync('node', ['--input-type=module', '-e', CHILD], { cwd: root, encoding: 'utf8' }));
  if (child.loadError || !existsSync(child.cjsEntry) || !existsSync(child.esmEntry)) {
    throw new Error(
      `The built entries of @primgrad/ir could not be loaded (${child.loadError ?? `missing ${child.cjsEntry} or ${child.esmEntry}`}). ` +
        'Build it first: pnpm --filter @primgrad/ir build.',
    );
  }
});

describe('two copies of @primgrad/ir', () => {
  it('resolve to the built entries in plain Node', () => {
    expect(child.esmEntry).toMatch(/[/\\]packages[/\\]ir[/\\]dist[/\\]index\.js$/);
    expect(child.cjsEntry).toMatch(/[/\\]packages[/\\]ir[/\\]dist[/\\]index\.cjs$/);
  });

  it('share one registry across ESM and CJS', () => {
    expect(child.distinctCopies).toBe(true);
    expect(child.sameRegistry).toBe(true);
  });

  it('ignore a repeated plugin registration', () => {
    expect(child.opsUnchanged).toBe(true);
    expect(child.probePlugins).toBe(1);
  });

  it('reject another plugin version', () => {
    expect(child.newVersion).toMatch(/^PluginError: Plugin 'dual-package-probe': a plugin with this name \(version 1\.0\.0\) is already registered/);
  });

  it('share it with the source copy', () => {
    const built = createRequire(import.meta.url)(child.cjsEntry) as { defaultRegistry(): Registry; Registry: unknown };
    const source = defaultRegistry();

    expect(built.Registry).not.toBe(source.constructor);
    expect(built.defaultRegistry()).toBe(source);
  });
});
