import type { DType } from '@primgrad/ir';
import { describe, expect, it } from 'vitest';
import { nextDown } from './kernels/random.js';
import { SplitMix32, Xoshiro128, fmix32 } from './prng.js';
import { runOp } from './test-helpers.js';

/**
 * An independent reference of the algorithm documented in prng.ts, in BigInt arithmetic modulo
 * 2^32 (no Math.imul, no >>> tricks).
 */
const M = 0xffffffffn;
const mul32 = (a: bigint, b: bigint) => (a * b) & M;
const rotl32 = (x: bigint, k: bigint) => ((x << k) | (x >> (32n - k))) & M;
function refFmix32(h: bigint): bigint {
  h ^= h >> 16n;
  h = mul32(h, 0x85ebca6bn);
  h ^= h >> 13n;
  h = mul32(h, 0xc2b2ae35n);
  return h ^ (h >> 16n);
}
function refStream(seed: number): { u32: () => bigint; f64: () => number } {
  const s = BigInt(Math.trunc(seed));
  const lo = ((s % 4294967296n) + 4294967296n) % 4294967296n;
  const q = s >= 0n ? s / 4294967296n : -((-s + 4294967295n) / 4294967296n); // floor division
  const hi = ((q % 4294967296n) + 4294967296n) % 4294967296n;
  let sm = lo ^ refFmix32(hi);
  const splitmix = () => {
    sm = (sm + 0x9e3779b9n) & M;
    let z = sm;
    z = mul32(z ^ (z >> 16n), 0x21f0aaadn);
    z = mul32(z ^ (z >> 15n), 0x735a2d97n);
    return z ^ (z >> 15n);
  };
  const st = [splitmix(), splitmix(), splitmix(), splitmix()];
  const u32 = () => {
    const result = mul32(rotl32(mul32(st[1]!, 5n), 7n), 9n);
    const t = (st[1]! << 9n) & M;
    st[2]! ^= st[0]!;
    st[3]! ^= st[1]!;
    st[1]! ^= st[2]!;
    st[0]! ^= st[3]!;
    st[2]! ^= t;
    st[3] = rotl32(st[3]!, 11n);
    return result;
  };
  const f64 = () => {
    const a = u32() >> 5n;
    const b = u32() >> 6n;
    return Number((a << 26n) | b) / 2 ** 53;
  };
  return { u32, f64 };
}

describe('the generator', () => {
  it('xoshiro128** matches the reference vector from state {1, 2, 3, 4}', () => {
    // From Blackman and Vigna's xoshiro128starstar.c (v1.1), as used in rand_xoshiro's tests.
    const rng = new Xoshiro128(1, 2, 3, 4);
    expect(Array.from({ length: 10 }, () => rng.nextUint32())).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804,
    ]);
  });

  it('fmix32 is the MurmurHash3 finalizer', () => {
    for (const h of [0, 1, 0xdeadbeef, 0xffffffff, 123456789]) expect(fmix32(h)).toBe(Number(refFmix32(BigInt(h))));
    expect(fmix32(0)).toBe(0);
  });

  it('SplitMix32 matches the reference arithmetic', () => {
    const sm = new SplitMix32(7);
    let state = 7n;
    for (let i = 0; i < 20; i++) {
      state = (state + 0x9e3779b9n) & M;
      let z = state;
      z = mul32(z ^ (z >> 16n), 0x21f0aaadn);
      z = mul32(z ^ (z >> 15n), 0x735a2d97n);
      expect(sm.next()).toBe(Number(z ^ (z >> 15n)));
    }
  });

  for (const seed of [0, 1, 42, 4294967295, 4294967296, 2 ** 52 + 3, -1, -5000000000, 12.9]) {
    it(`the seeded stream and doubles follow the documented algorithm (seed ${seed})`, () => {
      const rng = Xoshiro128.fromSeed(seed);
      const ref = refStream(seed);
      for (let i = 0; i < 16; i++) expect(rng.nextUint32()).toBe(Number(ref.u32()));
      for (let i = 0; i < 16; i++) {
        const u = rng.nextFloat64();
        expect(u).toBe(ref.f64());
        expect(u).toBeGreaterThanOrEqual(0);
        expect(u).toBeLessThan(1);
      }
    });
  }

  it('rejects a non-finite seed', () => {
    expect(() => Xoshiro128.fromSeed(NaN, 'uniform_random')).toThrow(/uniform_random: attr 'seed' must be a finite number/);
    expect(() => runOp('gaussian_random', [], { shape: [2], dtype: 'float64', mean: 0, std: 1, seed: Infinity })).toThrow(/seed/);
  });

  it('nextDown steps to the previous float32 / float64', () => {
    expect(nextDown(1, 'float64')).toBe(1 - 2 ** -53);
    expect(nextDown(1, 'float32')).toBe(1 - 2 ** -24);
    expect(nextDown(-1, 'float64')).toBe(-(1 + 2 ** -52));
    expect(nextDown(-1, 'float32')).toBe(-(1 + 2 ** -23));
    expect(nextDown(0, 'float64')).toBe(-(2 ** -1074));
    expect(nextDown(0, 'float32')).toBe(-(2 ** -149));
    expect(nextDown(2 ** -1074, 'float64')).toBe(0);
    expect(nextDown(Infinity, 'float64')).toBe(Number.MAX_VALUE);
    expect(nextDown(Infinity, 'float32')).toBe(Math.fround(3.4028234663852886e38));
  });
});

const SHAPES = [[], [1], [7], [3, 5], [0, 2]] as const;

describe('uniform_random', () => {
  for (const dtype of ['float32', 'float64'] as DType[]) {
    for (const shape of SHAPES) {
      it(`${dtype} [${shape}] equals the documented stream, converted and in [min, max)`, () => {
        const attrs = { shape: [...shape], dtype, min: -2, max: 3, seed: 1234 };
        const out = runOp('uniform_random', [], attrs);
        expect([...out.shape]).toEqual([...shape]);
        expect(out.dtype).toBe(dtype);
        const ref = refStream(1234);
        for (let i = 0; i < out.size; i++) {
          const v = -2 + 5 * ref.f64();
          expect(out.data[i]).toBe(dtype === 'float32' ? Math.fround(v) : v);
          expect(out.data[i]).toBeGreaterThanOrEqual(-2);
          expect(out.data[i]).toBeLessThan(3);
        }
      });
    }
  }

  it('is deterministic per seed and differs between seeds', () => {
    const attrs = { shape: [64], dtype: 'float64', min: 0, max: 1, seed: 7 };
    const a = runOp('uniform_random', [], attrs);
    const b = runOp('uniform_random', [], attrs);
    const c = runOp('uniform_random', [], { ...attrs, seed: 8 });
    expect([...a.data]).toEqual([...b.data]);
    expect([...a.data]).not.toEqual([...c.data]);
  });

  it('has the moments of U(min, max)', () => {
    const n = 200000;
    const out = runOp('uniform_random', [], { shape: [n], dtype: 'float64', min: -1, max: 3, seed: 99 });
    let s = 0;
    let s2 = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of out.data) {
      s += v;
      s2 += v * v;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const mean = s / n;
    const variance = s2 / n - mean * mean;
    expect(Math.abs(mean - 1)).toBeLessThan(0.02); // sd of the mean is about 0.0026
    expect(Math.abs(variance - 16 / 12)).toBeLessThan(0.02);
    expect(lo).toBeGreaterThanOrEqual(-1);
    expect(hi).toBeLessThan(3);
  });

  it('gives min everywhere when min equals max, and converts for int32 and bool', () => {
    const same = runOp('uniform_random', [], { shape: [4], dtype: 'float32', min: 0.5, max: 0.5, seed: 1 });
    expect([...same.data]).toEqual([0.5, 0.5, 0.5, 0.5]);
    const ints = runOp('uniform_random', [], { shape: [1000], dtype: 'int32', min: 0, max: 10, seed: 3 });
    expect(ints.data).toBeInstanceOf(Int32Array);
    expect(new Set(ints.data)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    const bools = runOp('uniform_random', [], { shape: [100], dtype: 'bool', min: 0, max: 1, seed: 3 });
    expect([...bools.data].every((v) => v === 0 || v === 1)).toBe(true);
  });
});

describe('gaussian_random', () => {
  for (const dtype of ['float32', 'float64'] as DType[]) {
    for (const shape of SHAPES) {
      it(`${dtype} [${shape}] equals Box-Muller on the documented stream`, () => {
        const out = runOp('gaussian_random', [], { shape: [...shape], dtype, mean: 1.5, std: 0.5, seed: 2024 });
        expect([...out.shape]).toEqual([...shape]);
        const ref = refStream(2024);
        const expected: number[] = [];
        while (expected.length < out.size) {
          const u1 = 1 - ref.f64();
          const u2 = ref.f64();
          const r = Math.sqrt(-2 * Math.log(u1));
          expected.push(1.5 + 0.5 * r * Math.cos(2 * Math.PI * u2), 1.5 + 0.5 * r * Math.sin(2 * Math.PI * u2));
        }
        for (let i = 0; i < out.size; i++) expect(out.data[i]).toBe(dtype === 'float32' ? Math.fround(expected[i]!) : expected[i]);
      });
    }
  }

  it('has the mean and standard deviation asked for', () => {
    const n = 200000;
    const out = runOp('gaussian_random', [], { shape: [n], dtype: 'float64', mean: -3, std: 2, seed: 5 });
    let s = 0;
    let s2 = 0;
    for (const v of out.data) {
      s += v;
      s2 += v * v;
    }
    const mean = s / n;
    const sd = Math.sqrt(s2 / n - mean * mean);
    expect(Math.abs(mean + 3)).toBeLessThan(0.02); // sd of the mean is about 0.0045
    expect(Math.abs(sd - 2)).toBeLessThan(0.02);
    expect([...out.data].every(Number.isFinite)).toBe(true);
  });

  it('is deterministic per seed', () => {
    const attrs = { shape: [2, 3], dtype: 'float32', mean: 0, std: 1, seed: 11 };
    expect([...runOp('gaussian_random', [], attrs).data]).toEqual([...runOp('gaussian_random', [], attrs).data]);
    expect([...runOp('gaussian_random', [], attrs).data]).not.toEqual([...runOp('gaussian_random', [], { ...attrs, seed: 12 }).data]);
  });
});
