import { NDArray, numel, type DType, type Shape } from '@primgrad/ir';

/** A seeded source of uniform numbers in [0, 1). */
export type Rng = () => number;

/** Draws one element value. */
export type Sampler = (rng: Rng) => number;

/**
 * Creates a seeded generator (the mulberry32 algorithm: 32-bit state, period 2³²), so a check
 * run with the same seed draws the same values on every machine.
 */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Samples uniformly from [low, high). */
export function uniform(low: number, high: number): Sampler {
  return (rng) => low + (high - low) * rng();
}

/**
 * Samples |v| uniformly from [low, high) with a random sign, for ops that are singular or
 * not differentiable at 0 (abs, division by the sample).
 */
export function awayFromZero(low: number, high: number): Sampler {
  return (rng) => (rng() < 0.5 ? -1 : 1) * (low + (high - low) * rng());
}

/** Returns the default sampler of a dtype: uniform in [-1, 1) for floats, integers in [-3, 3] for int32, a fair coin for bool. */
export function defaultSampler(dtype: DType): Sampler {
  switch (dtype) {
    case 'float32':
    case 'float64':
      return uniform(-1, 1);
    case 'int32':
      return (rng) => Math.floor(rng() * 7) - 3;
    case 'bool':
      return (rng) => (rng() < 0.5 ? 0 : 1);
  }
}

/** Draws an array of `shape` and `dtype`, element by element in row-major order. */
export function randomArray(rng: Rng, shape: Shape, dtype: DType, sampler: Sampler = defaultSampler(dtype)): NDArray {
  const a = NDArray.zeros(dtype, shape);
  for (let i = 0; i < numel(shape); i++) a.data[i] = sampler(rng);
  return a;
}
