/**
 * @file The CPU executor: runs a block of native ops op by op, synchronously.
 *
 * Before any kernel runs it checks the whole block: every op must be a native op (a prim throws
 * PrimNotLoweredError), every op must have a cpu kernel (MissingKernelError names the package),
 * and every value read before an op writes it must come from the feed (by var name) or, for a
 * persistable var, from the scope. Feeds must have the var's shape and are converted to its dtype.
 * Values written to persistable vars are stored back into the scope once the whole block has run,
 * so a failing run leaves the scope as it was. Intermediates are dropped after their last reader.
 */
import {
  ArgumentError,
  NDArray,
  PrimNotLoweredError,
  PrimgradError,
  allocTypedArray,
  dtypeShortName,
  formatShape,
  shapesEqual,
  type Op,
  type Place,
  type RunRequest,
  type Var,
} from '@primgrad/ir';
import { convertInto } from './convert.js';
import { CPU_BACKEND, type CpuKernel } from './kernel.js';

/** A kernel failed with an error that is not a PrimgradError; `cause` holds the original error. */
export class KernelError extends PrimgradError {
  override name = 'KernelError';
  constructor(
    readonly opIndex: number,
    readonly op: string,
    readonly backend: string,
    readonly inputShapes: readonly (readonly number[])[],
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Op #${opIndex} '${op}' failed in its ${backend} kernel (input shapes: ${inputShapes.map(formatShape).join(', ') || 'none'}): ${detail}`,
      options,
    );
  }
}

function describeVar(v: Var): string {
  return `${dtypeShortName(v.dtype)}${formatShape(v.shape)}`;
}

function isNDArrayLike(value: unknown): value is NDArray {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as NDArray).shape) &&
    typeof (value as NDArray).dtype === 'string' &&
    ArrayBuffer.isView((value as NDArray).data)
  );
}

/** Checks a value given for `v` (from the feed or the scope) and converts it to `v`'s dtype. */
function admit(v: Var, value: unknown, source: 'feed' | 'scope'): NDArray {
  const from = source === 'feed' ? 'The feed' : 'The scope value';
  if (!isNDArrayLike(value)) {
    throw new ArgumentError(`${from} for var '${v.name}' is not an NDArray; build one with NDArray.from(value, '${v.dtype}').`);
  }
  if (!shapesEqual(value.shape, v.shape)) {
    throw new ArgumentError(
      `${from} for var '${v.name}' has shape ${formatShape(value.shape)}, but the var has shape ${formatShape(v.shape)}. ` +
        `Pass a value of shape ${formatShape(v.shape)}.`,
    );
  }
  if (value.dtype === v.dtype) return value;
  const data = allocTypedArray(v.dtype, value.size);
  convertInto(value.data, data, v.dtype);
  return new NDArray(v.dtype, v.shape, data);
}

/**
 * Runs `request.block` on the CPU and returns the values of `request.fetch`, in order. Throws
 * before running anything when the block holds a prim, an op without a cpu kernel, or reads a
 * value that is neither fed, nor in the scope (persistable vars), nor written by an earlier op.
 */
export function runBlockSync(request: RunRequest): NDArray[] {
  const { block, registry, scope, feed, fetch } = request;
  const ops = block.ops;

  ops.forEach((op, i) => {
    if (registry.opDef(op.type).kind === 'prim') throw new PrimNotLoweredError(op.type, i);
  });
  const kernels = ops.map((op) => registry.kernel<CpuKernel>(CPU_BACKEND, op.type));

  for (const [name, value] of feed) {
    const v = block.vars.get(name);
    if (v) admit(v, value, 'feed');
  }

  const values = new Map<string, NDArray>();
  const written = new Set<string>();
  const lastRead = new Map<string, number>();
  const external = (v: Var, reader: string): NDArray => {
    const fed = feed.get(v.name);
    if (fed !== undefined) return admit(v, fed, 'feed');
    if (v.persistable) {
      const stored = scope.find(v.name);
      if (stored !== undefined) return admit(v, stored, 'scope');
      throw new ArgumentError(
        `Persistable var '${v.name}' (${describeVar(v)}), ${reader}, has no value in the scope. ` +
          'Run the startup program first to initialize it, or feed it.',
      );
    }
    if (v.isData) {
      throw new ArgumentError(
        `Data var '${v.name}' (${describeVar(v)}), ${reader}, was not fed. ` +
          `Feed it: put a ${v.dtype} value of shape ${formatShape(v.shape)} under '${v.name}' in the feed.`,
      );
    }
    throw new ArgumentError(
      `Var '${v.name}' (${describeVar(v)}), ${reader}, has no value: no earlier op writes it, it is not fed, ` +
        'and it is not persistable. Feed it, or compute it before it is read.',
    );
  };
  ops.forEach((op, i) => {
    for (const v of op.inputs) {
      if (!written.has(v.name) && !values.has(v.name)) values.set(v.name, external(v, `read by op #${i} '${op.type}'`));
      lastRead.set(v.name, i);
    }
    for (const v of op.outputs) written.add(v.name);
  });
  for (const v of fetch) {
    if (!written.has(v.name) && !values.has(v.name)) values.set(v.name, external(v, 'fetched'));
  }

  const fetched = new Set(fetch.map((v) => v.name));
  const scopeWrites = new Map<string, NDArray>();
  ops.forEach((op, i) => {
    const inputs = op.inputs.map((v) => values.get(v.name)!);
    const outs = callKernel(kernels[i]!, inputs, op, i);
    op.outputs.forEach((v, j) => {
      const value = outs[j]!;
      values.set(v.name, value);
      if (v.persistable) scopeWrites.set(v.name, value);
    });
    for (const v of [...op.inputs, ...op.outputs]) {
      if ((lastRead.get(v.name) ?? -1) <= i && !fetched.has(v.name)) values.delete(v.name);
    }
  });

  for (const [name, value] of scopeWrites) scope.set(name, value);
  return fetch.map((v) => values.get(v.name) ?? scopeWrites.get(v.name)!);
}

function callKernel(kernel: CpuKernel, inputs: NDArray[], op: Op, index: number): NDArray[] {
  const shapes = inputs.map((x) => x.shape);
  let outs: NDArray[];
  try {
    outs = kernel(inputs, op, op.outputs);
  } catch (e) {
    if (e instanceof PrimgradError) throw e;
    throw new KernelError(index, op.type, CPU_BACKEND, shapes, e instanceof Error ? e.message : String(e), { cause: e });
  }
  if (!Array.isArray(outs) || outs.length !== op.outputs.length) {
    throw new KernelError(
      index,
      op.type,
      CPU_BACKEND,
      shapes,
      `the kernel returned ${Array.isArray(outs) ? outs.length : 'no'} output(s), the op has ${op.outputs.length}.`,
    );
  }
  op.outputs.forEach((v, j) => {
    const value = outs[j];
    if (!isNDArrayLike(value) || value.dtype !== v.dtype || !shapesEqual(value.shape, v.shape)) {
      const got = isNDArrayLike(value) ? `${dtypeShortName(value.dtype)}${formatShape(value.shape)}` : String(value);
      throw new KernelError(index, op.type, CPU_BACKEND, shapes, `output ${j} ('${v.name}') should be ${describeVar(v)}, the kernel returned ${got}.`);
    }
  });
  return outs;
}

/** The host place: runs native-op blocks with the cpu kernels, synchronously. */
export class CPUPlace implements Place {
  readonly backend: string = CPU_BACKEND;
  /** How many times run() was called on this place (failed runs included). */
  runs = 0;
  /** How many times run() was called on any CPUPlace. */
  static totalRuns = 0;

  run(request: RunRequest): NDArray[] {
    this.runs++;
    CPUPlace.totalRuns++;
    return runBlockSync(request);
  }
}
// A fresh place reads 0 here too; each instance counts its own runs.
CPUPlace.prototype.runs = 0;
