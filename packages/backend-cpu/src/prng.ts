/**
 * @file The seeded generator behind uniform_random and gaussian_random.
 *
 * Algorithm (stable: changing it changes every seeded stream):
 * 1. Seed. The attr `seed` must be a finite number; it is truncated to an integer s and split
 *    into lo = s mod 2^32 and hi = floor(s / 2^32) mod 2^32. The SplitMix32 state starts at
 *    lo XOR fmix32(hi), where fmix32 is MurmurHash3's 32-bit finalizer (fmix32(0) = 0, so seeds
 *    below 2^32 start at lo).
 * 2. SplitMix32: state += 0x9e3779b9; z = state; z = (z ^ z>>>16) * 0x21f0aaad;
 *    z = (z ^ z>>>15) * 0x735a2d97; output z ^ z>>>15 (32-bit wrapping arithmetic). Its first four
 *    outputs are the state of
 * 3. xoshiro128** (Blackman and Vigna, 2018): output rotl(s1 * 5, 7) * 9, then
 *    t = s1 << 9; s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 11).
 * 4. Doubles in [0, 1) take two outputs a, b: ((a >>> 5) * 2^26 + (b >>> 6)) / 2^53 (53 random bits).
 * 5. uniform_random: min + (max - min) * u, converted to the dtype; a float result that rounds up
 *    to max is replaced by the largest value of the dtype below max, so results stay in [min, max).
 * 6. gaussian_random: Box-Muller on pairs: u1 = 1 - u (in (0, 1]), u2 = u;
 *    r = sqrt(-2 ln u1); elements 2i and 2i+1 are mean + std * r cos(2 pi u2) and
 *    mean + std * r sin(2 pi u2).
 * Each op restarts the stream from its own seed: two ops with the same seed and shape give the
 * same values, and a run of the same program always gives the same values.
 */
import { OpArgumentError } from '@primgrad/ir';

/** MurmurHash3's 32-bit finalizer. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** SplitMix32: a counter-based generator used to expand a seed into xoshiro state. */
export class SplitMix32 {
  private state: number;

  constructor(state: number) {
    this.state = state >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  }
}

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

/** xoshiro128**: a small, fast 32-bit generator with period 2^128 - 1. */
export class Xoshiro128 {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** Starts from an explicit state (not all zero). Use `Xoshiro128.fromSeed` for op seeds. */
  constructor(s0: number, s1: number, s2: number, s3: number) {
    if ((s0 | s1 | s2 | s3) === 0) s0 = 1;
    this.s0 = s0 | 0;
    this.s1 = s1 | 0;
    this.s2 = s2 | 0;
    this.s3 = s3 | 0;
  }

  /** The generator for an op's `seed` attr (see the file comment for the seeding rule). */
  static fromSeed(seed: number, op = 'random'): Xoshiro128 {
    if (typeof seed !== 'number' || !Number.isFinite(seed)) {
      throw new OpArgumentError(op, `attr 'seed' must be a finite number, got ${String(seed)}.`);
    }
    const s = Math.trunc(seed);
    const lo = s >>> 0;
    const hi = Math.floor(s / 4294967296) >>> 0;
    const sm = new SplitMix32(lo ^ fmix32(hi));
    return new Xoshiro128(sm.next(), sm.next(), sm.next(), sm.next());
  }

  /** The next 32 random bits, as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A double uniform in [0, 1) with 53 random bits. */
  nextFloat64(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }
}
