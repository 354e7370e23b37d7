const MAX_ITEMS = 8;

/**
 * Formats a value that failed a check, for an error message: strings quoted, numbers as
 * written, short arrays and `{ shape, dtype }` objects spelled out. Of an object it reads only
 * `shape` and `dtype`, and it stops at depth 3, so cyclic values such as vars (which point to
 * their block) are safe to pass.
 */
export function formatValue(value: unknown, depth = 0): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || typeof value !== 'object') return String(value);
  if (depth >= 3) return Array.isArray(value) ? `an array of ${value.length} items` : 'an object';
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((item) => formatValue(item, depth + 1));
    if (value.length > MAX_ITEMS) items.push(`… (${value.length} items)`);
    return `[${items.join(', ')}]`;
  }
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if ('shape' in value || 'dtype' in value) {
    const { shape, dtype } = value as { shape?: unknown; dtype?: unknown };
    return `{ shape: ${formatValue(shape, depth + 1)}, dtype: ${formatValue(dtype, depth + 1)} }`;
  }
  const kind = Object.prototype.toString.call(value).slice(8, -1);
  return kind === 'Object' ? 'an object' : `a ${kind}`;
}

/** True for an object used as a string-keyed table: not an array, function, Map or other built-in. */
export function isPlainTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.prototype.toString.call(value) === '[object Object]';
}
