import { ArgumentError } from '@primgrad/ir';

/**
 * Returns `value` when it is a finite number with `min <= value`, and `value < below` when
 * `below` is given. Otherwise throws an ArgumentError that names the optimizer, the option and
 * the value.
 */
export function checkHyperparameter(owner: string, name: string, value: unknown, range: { min: number; below?: number }): number {
  const inRange =
    typeof value === 'number' && Number.isFinite(value) && value >= range.min && (range.below === undefined || value < range.below);
  if (!inRange) {
    const expected = range.below === undefined ? `a finite number >= ${range.min}` : `in [${range.min}, ${range.below})`;
    throw new ArgumentError(`${owner}: ${name} must be ${expected}, got ${String(value)}.`);
  }
  return value;
}

/** Returns `value ?? fallback` when it is a boolean, and throws an ArgumentError otherwise. */
export function checkFlag(owner: string, name: string, value: unknown, fallback: boolean): boolean {
  const flag = value ?? fallback;
  if (typeof flag !== 'boolean') throw new ArgumentError(`${owner}: ${name} must be true or false, got ${String(value)}.`);
  return flag;
}
