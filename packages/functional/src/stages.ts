/** @file The programs behind a derivative, printed, so a user can see what each transform did. */
import { ArgumentError, printBlock } from '@primgrad/ir';
import type { TensorOutput, SingleValue } from './api.js';
import type { FunctionalOptions } from './context.js';
import { batchedProgram, splitLinearization } from './partial.js';
import type { Mode } from './pipeline.js';
import { inputList, prepare } from './prepare.js';
import type { Tensor } from './tensor.js';
import type { Input } from './values.js';

/** The program text at each stage of a linearization. */
export interface Stages {
  /** The traced function, as native ops. */
  readonly traced: string;
  /** The primal part: native ops computing the outputs and the residuals. */
  readonly primal: string;
  /** The linear part, as prims: tangents to output tangents (forward) or output cotangents to input cotangents (reverse). */
  readonly linear: string;
  /** The linear part batched for `batchSize` vectors and raised to native ops: what each batched execution runs. */
  readonly batched: string;
}

/** Traces func at the signature of xs and returns the programs that jvp (forward) or vjp (reverse) run. */
export function printStages(
  func: (...xs: Tensor[]) => TensorOutput,
  xs: SingleValue | readonly Input[],
  options: FunctionalOptions & { readonly mode?: Mode; readonly batchSize?: number } = {},
): Stages {
  const prepared = prepare('printStages', func, inputList(xs), options);
  const batchSize = options.batchSize ?? 1;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new ArgumentError(`printStages: options.batchSize must be a positive integer, got ${batchSize}.`);
  }
  const split = splitLinearization(prepared.traced, prepared.ctx, options.mode ?? 'forward');
  return {
    traced: printBlock(prepared.traced.program.globalBlock()),
    primal: printBlock(split.primal.block),
    linear: printBlock(split.linear.block),
    batched: printBlock(batchedProgram(split, prepared.ctx, batchSize).block),
  };
}
