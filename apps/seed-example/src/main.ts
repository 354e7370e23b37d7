import { parseArgs } from 'node:util';
import { runSeed, type Mode } from './seed.js';

const usage = `Usage: pnpm start [--json] [--dtype float64|float32] [--mode prim|orig]

Runs the seed program: y = tanh(x W + b), dy/dx, loss = ‖dy/dx‖₂, one Adam step.
  --json    print one JSON object with y, dy_dx, loss, grad_w, grad_b, w_after, b_after
  --dtype   element type of the program (default float64)
  --mode    prim: differentiate through prims (default); orig: through vjp rules`;

function main(): void {
  let args;
  try {
    args = parseArgs({
      options: {
        json: { type: 'boolean', default: false },
        dtype: { type: 'string', default: 'float64' },
        mode: { type: 'string', default: 'prim' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${usage}\n`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  if (args.dtype !== 'float64' && args.dtype !== 'float32') {
    process.stderr.write(`Invalid --dtype '${args.dtype}': use float64 or float32.\n`);
    process.exit(2);
  }
  if (args.mode !== 'prim' && args.mode !== 'orig') {
    process.stderr.write(`Invalid --mode '${args.mode}': use prim or orig.\n`);
    process.exit(2);
  }
  const result = runSeed({
    dtype: args.dtype,
    mode: args.mode as Mode,
    onStage: args.json ? undefined : (stage, text) => process.stdout.write(`== program: ${stage} ==\n${text}\n\n`),
  });
  if (args.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  process.stdout.write(`== values (${args.dtype}, ${args.mode} mode) ==\n`);
  for (const [key, value] of Object.entries(result)) process.stdout.write(`${key} = ${JSON.stringify(value)}\n`);
}

main();
