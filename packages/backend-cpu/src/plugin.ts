import { PLUGIN_CONTRACT_VERSION, type Plugin } from '@primgrad/ir';
import { CPU_BACKEND, PACKAGE_NAME } from './kernel.js';
import { cpuKernels } from './kernels/index.js';

/**
 * Declares the 'cpu' backend and registers a kernel for every native op. Register it after
 * @primgrad/orig-ops: `createRegistry([origOpsPlugin, backendCpuPlugin])`.
 */
export const backendCpuPlugin: Plugin = {
  name: PACKAGE_NAME,
  version: '0.1.0',
  contract: PLUGIN_CONTRACT_VERSION,
  backends: [CPU_BACKEND],
  kernels: { [CPU_BACKEND]: cpuKernels },
};
