import {
  Adam,
  CPUPlace,
  Executor,
  Program,
  Scope,
  add,
  assignInit,
  createParameter,
  data,
  disablePrim,
  enablePrim,
  gradients,
  matmul,
  norm,
  orig2prim,
  prim2orig,
  primEnabled,
  printBlock,
  programGuard,
  registryOf,
  tanh,
  type DType,
  type NDArray,
} from 'primgrad';

export type Mode = 'prim' | 'orig';

export interface SeedOptions {
  dtype?: DType;
  /** 'prim' differentiates through prims (enablePrim); 'orig' through vjp rules (disablePrim). */
  mode?: Mode;
  /** Called with the program text after each stage. */
  onStage?: (stage: string, text: string) => void;
}

export interface SeedResult {
  y: number[][];
  dy_dx: number[][];
  loss: number;
  grad_w: number[][];
  grad_b: number[];
  w_after: number[][];
  b_after: number[];
}

/** The seed inputs: x[i][j] = sin(20i + j), W[i][j] = 0.1 cos(2i + j), b = [0.1, -0.2]. */
export function seedInputs(): { x: number[][]; w: number[][]; b: number[] } {
  const x = [0, 1].map((i) => Array.from({ length: 20 }, (_, j) => Math.sin(20 * i + j)));
  const w = Array.from({ length: 20 }, (_, i) => [0, 1].map((j) => 0.1 * Math.cos(2 * i + j)));
  return { x, w, b: [0.1, -0.2] };
}

/**
 * Builds and runs the seed program: y = tanh(x W + b); dy/dx by gradients; loss = ‖dy/dx‖₂;
 * one Adam step on W and b, which needs the second derivative of y because dy/dx depends on W.
 */
export function runSeed(options: SeedOptions = {}): SeedResult {
  const dtype = options.dtype ?? 'float64';
  const mode = options.mode ?? 'prim';
  const stage = options.onStage ?? (() => {});
  const wasPrim = primEnabled();
  if (mode === 'prim') enablePrim();
  else disablePrim();
  try {
    const inputs = seedInputs();
    const main = new Program();
    const startup = new Program();
    const fetched = programGuard(main, startup, () => {
      const x = data('x', [2, 20], dtype);
      x.stopGradient = false;
      const w = createParameter([20, 2], dtype, { name: 'w', initializer: assignInit(inputs.w) });
      const bias = createParameter([2], dtype, { name: 'bias', isBias: true, initializer: assignInit(inputs.b) });
      const y = tanh(add(matmul(x, w), bias));
      stage('native', printBlock(main.block(0)));
      if (primEnabled()) {
        orig2prim(main.block(0), registryOf(main));
        stage('prim', printBlock(main.block(0)));
      }
      const [dyDx] = gradients([y], [x]);
      const loss = norm(dyDx!, 2);
      const [, paramsGrads] = new Adam({ learningRate: 0.01 }).minimize(loss);
      stage('after gradients and minimize', printBlock(main.block(0)));
      if (primEnabled()) {
        prim2orig(main.block(0));
        stage('after prim2orig', printBlock(main.block(0)));
      }
      const [gradW, gradB] = paramsGrads.map(([, g]) => g);
      return { fetchList: [y, dyDx!, loss, gradW!, gradB!, w, bias] };
    });
    const exe = new Executor(new CPUPlace());
    const scope = new Scope();
    exe.run(startup, { scope });
    const values = exe.run(main, { feed: { x: inputs.x }, fetchList: fetched.fetchList, scope });
    const nested = (a: NDArray) => a.toNested();
    const [y, dyDx, loss, gradW, gradB, wAfter, bAfter] = values.map(nested);
    return {
      y: y as number[][],
      dy_dx: dyDx as number[][],
      loss: loss as number,
      grad_w: gradW as number[][],
      grad_b: gradB as number[],
      w_after: wAfter as number[][],
      b_after: bAfter as number[],
    };
  } finally {
    if (wasPrim) enablePrim();
    else disablePrim();
  }
}
