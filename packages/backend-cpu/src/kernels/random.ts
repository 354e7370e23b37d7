/**
 * @file uniform_random and gaussian_random: deterministic samples from the op's `seed` attr, using
 * the generator and the sampling rules documented in ../prng.ts. Float64 samples are converted to
 * the output dtype as `cast` converts (int32 truncates, bool is non-zero).
 */
import { floatScalarAttr, type DType } from '@primgrad/ir';
import { convertScalar } from '../convert.js';
import { allocOut, type CpuKernel } from '../kernel.js';
import { Xoshiro128 } from '../prng.js';

/** The largest value of `dtype` below `x` (float dtypes; NaN and -Infinity are returned as is). */
export function nextDown(x: number, dtype: DType): number {
  if (x !== x || x === -Infinity) return x;
  if (dtype === 'float32') {
    if (x === 0) return -1.401298464324817e-45;
    const f32 = new Float32Array([x]);
    const bits = new Int32Array(f32.buffer);
    bits[0]! += x > 0 ? -1 : 1;
    return f32[0]!;
  }
  if (x === 0) return -5e-324;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  // Step the 64-bit pattern by one toward -Infinity: down in magnitude for positives, up for negatives.
  const bits = view.getBigUint64(0);
  view.setBigUint64(0, x > 0 ? bits - 1n : bits + 1n);
  return view.getFloat64(0);
}

export const uniformRandomKernel: CpuKernel = (_inputs, op, [t]) => {
  const min = floatScalarAttr('uniform_random', op.attrs, 'min');
  const max = floatScalarAttr('uniform_random', op.attrs, 'max');
  const rng = Xoshiro128.fromSeed(floatScalarAttr('uniform_random', op.attrs, 'seed'), 'uniform_random');
  const out = allocOut(t!);
  const od = out.data;
  const dtype = out.dtype;
  const isFloat = dtype === 'float32' || dtype === 'float64';
  const hi = convertScalar(max, dtype);
  const lo = convertScalar(min, dtype);
  const clampTo = isFloat && lo < hi ? nextDown(hi, dtype) : hi;
  const width = max - min;
  for (let i = 0; i < od.length; i++) {
    let v = convertScalar(min + width * rng.nextFloat64(), dtype);
    if (isFloat && v >= hi && lo < hi) v = clampTo;
    od[i] = v;
  }
  return [out];
};

export const gaussianRandomKernel: CpuKernel = (_inputs, op, [t]) => {
  const mean = floatScalarAttr('gaussian_random', op.attrs, 'mean');
  const std = floatScalarAttr('gaussian_random', op.attrs, 'std');
  const rng = Xoshiro128.fromSeed(floatScalarAttr('gaussian_random', op.attrs, 'seed'), 'gaussian_random');
  const out = allocOut(t!);
  const od = out.data;
  const dtype = out.dtype;
  for (let i = 0; i < od.length; i += 2) {
    const u1 = 1 - rng.nextFloat64();
    const u2 = rng.nextFloat64();
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    od[i] = convertScalar(mean + std * r * Math.cos(theta), dtype);
    if (i + 1 < od.length) od[i + 1] = convertScalar(mean + std * r * Math.sin(theta), dtype);
  }
  return [out];
};
