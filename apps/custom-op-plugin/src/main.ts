import { parseArgs } from 'node:util';
import { runDemo, type DemoResult } from './demo.js';

const usage = `Usage: pnpm start [--json] [--x 0.5,-1.25,2,-0.75] [--stages]

Prints f(x) = sum(softplus(cumsum(x))), its gradient and its Hessian (the gradient of the
gradient), computed in prim mode (orig2prim, linearize, transpose, prim2orig) and in orig mode
(vjp rules), on the CPU backend.
  --json    print one JSON object: { "prim": result, "orig": result }
  --x       the point, as comma-separated numbers (default 0.5,-1.25,2,-0.75)
  --stages  also print the program after each stage`;

function parsePoint(text: string): number[] {
  // Number('') is 0, so an empty item is turned into NaN before the check.
  const values = text.split(',').map((s) => (s.trim() === '' ? NaN : Number(s)));
  if (values.some((v) => !Number.isFinite(v))) {
    throw new Error(`Invalid --x '${text}': give comma-separated finite numbers, e.g. 0.5,-1.25,2.`);
  }
  return values;
}

function printResult(result: DemoResult): void {
  const title = result.mode === 'prim' ? 'prim mode: orig2prim, linearize, transpose, prim2orig' : 'orig mode: vjp rules';
  process.stdout.write(`== ${title} ==\n`);
  process.stdout.write(`f = ${JSON.stringify(result.value)}\n`);
  process.stdout.write(`gradient = ${JSON.stringify(result.gradient)}\n`);
  process.stdout.write('hessian =\n');
  for (const row of result.hessian) process.stdout.write(`  ${JSON.stringify(row)}\n`);
  process.stdout.write('\n');
}

function main(): void {
  let args;
  let x: number[] | undefined;
  try {
    args = parseArgs({
      options: {
        json: { type: 'boolean', default: false },
        x: { type: 'string' },
        stages: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
    if (args.x !== undefined) x = parsePoint(args.x);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${usage}\n`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const onStage = args.stages && !args.json ? (stage: string, text: string) => process.stdout.write(`-- program: ${stage} --\n${text}\n\n`) : undefined;
  const prim = runDemo({ mode: 'prim', x, onStage });
  const orig = runDemo({ mode: 'orig', x, onStage });
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ prim, orig })}\n`);
    return;
  }
  process.stdout.write(`f(x) = sum(softplus(cumsum(x))) at x = ${JSON.stringify(prim.x)}\n\n`);
  printResult(prim);
  printResult(orig);
}

main();
