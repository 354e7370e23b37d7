// The install check packs the packages and installs a forward-mode subset into a fresh project
// outside the workspace. From ESM and from CJS it checks that forward mode works there and that
// reverse mode fails naming @primgrad/transpose-rules. Then it adds that one tarball and checks
// that reverse mode works.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const here = dirname(fileURLToPath(import.meta.url));
const forwardPackages = ['ir', 'orig-ops', 'prim-ops', 'orig2prim-rules', 'linearize-rules', 'transforms', 'backend-cpu', 'functional'];
const reversePackage = 'transpose-rules';

function run(command, args, cwd) {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function pnpm(args, cwd) {
  // Under `pnpm run`, npm_execpath is pnpm's own entry point; otherwise use the pinned version through npx.
  const execpath = process.env.npm_execpath ?? '';
  if (execpath.includes('pnpm')) return run(process.execPath, [execpath, ...args], cwd);
  return run('npx', ['-y', 'pnpm@10.34.9', ...args], cwd);
}

function step(title) {
  process.stdout.write(`\n== ${title}\n`);
}

const work = mkdtempSync(join(tmpdir(), 'primgrad-install-check-'));
try {
  step('build the packages');
  run(join(root, 'node_modules/.bin/turbo'), ['run', 'build', ...[...forwardPackages, reversePackage].map((p) => `--filter=@primgrad/${p}`)], root);

  step('pack');
  const tarballs = join(work, 'tarballs');
  mkdirSync(tarballs);
  const tarballOf = {};
  for (const name of [...forwardPackages, reversePackage]) {
    const before = new Set(readdirSync(tarballs));
    pnpm(['pack', '--pack-destination', tarballs], join(root, 'packages', name));
    const added = readdirSync(tarballs).filter((f) => !before.has(f));
    tarballOf[name] = join(tarballs, added[0]);
    process.stdout.write(`  ${name}: ${added[0]}\n`);
  }

  const project = join(work, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'install-check', private: true, version: '0.0.0' }, null, 2));
  cpSync(join(here, 'check.mjs'), join(project, 'check.mjs'));
  cpSync(join(here, 'check.cjs'), join(project, 'check.cjs'));
  cpSync(join(here, 'checks.cjs'), join(project, 'checks.cjs'));
  const npmInstall = (files) => run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...files], project);

  step(`install only: ${forwardPackages.map((p) => `@primgrad/${p}`).join(', ')}`);
  npmInstall(forwardPackages.map((p) => tarballOf[p]));
  for (const script of ['check.mjs', 'check.cjs']) {
    process.stdout.write(run(process.execPath, [script, 'forward-only'], project));
  }

  step(`add @primgrad/${reversePackage}`);
  npmInstall([tarballOf[reversePackage]]);
  for (const script of ['check.mjs', 'check.cjs']) {
    process.stdout.write(run(process.execPath, [script, 'full'], project));
  }
  step('install check passed');
} catch (e) {
  process.stderr.write(`install check failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}\n`);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
