// Sums vitest's per-package "Tests" lines in a CI log and prints one closing line,
// "N passed, N failed" (with ", N skipped" when any), so the whole run reads as one result.
import { readFileSync } from 'node:fs';

const log = readFileSync(process.argv[2], 'utf8').replace(/\x1b\[[0-9;]*m/g, '');
const totals = { passed: 0, failed: 0, skipped: 0 };
let packages = 0;
for (const line of log.split('\n')) {
  const match = /^(?:\S+:\s+)?\s*Tests\s+(.*)$/.exec(line);
  if (!match) continue;
  packages++;
  for (const [, count, kind] of match[1].matchAll(/(\d+) (passed|failed|skipped)/g)) totals[kind] += Number(count);
}
if (packages === 0) {
  process.stdout.write('no vitest summary found in the log\n');
  process.exit(1);
}
process.stdout.write(`\nvitest: ${packages} package test runs\n`);
process.stdout.write(`${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}\n`);
