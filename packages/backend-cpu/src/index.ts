/**
 * @file @primgrad/backend-cpu: CPU kernels for every native op, on TypedArrays, and the
 * synchronous executor (CPUPlace).
 */
export * from './kernel.js';
export * from './convert.js';
export * from './prng.js';
export * from './kernels/index.js';
export * from './executor.js';
export * from './plugin.js';
