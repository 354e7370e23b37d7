import { PLUGIN_CONTRACT_VERSION, type Plugin } from '@primgrad/ir';
import {
  cumsumDef,
  cumsumKernel,
  cumsumOrig2Prim,
  cumsumPDef,
  cumsumPLinearize,
  cumsumPPrim2Orig,
  cumsumPTranspose,
  cumsumVjp,
} from './cumsum.js';
import { CPU_BACKEND } from './kernel.js';
import { softplusDef, softplusKernel, softplusOrig2Prim, softplusVjp } from './softplus.js';

export const PACKAGE_NAME = '@primgrad/custom-op-plugin';

/**
 * The native ops softplus and cumsum and the prim cumsum_p, with every rule and CPU kernel they
 * need. Register it after the standard plugins, because its rules emit standard prims and native
 * ops and its kernels go to the 'cpu' backend that @primgrad/backend-cpu declares:
 * `createRegistry([...standardPlugins, customOpPlugin])`.
 */
export const customOpPlugin: Plugin = {
  name: PACKAGE_NAME,
  version: '0.1.0',
  contract: PLUGIN_CONTRACT_VERSION,
  ops: [softplusDef, cumsumDef, cumsumPDef],
  orig2prim: { softplus: softplusOrig2Prim, cumsum: cumsumOrig2Prim },
  prim2orig: { cumsum_p: cumsumPPrim2Orig },
  linearize: { cumsum_p: cumsumPLinearize },
  transpose: { cumsum_p: cumsumPTranspose },
  vjp: { softplus: softplusVjp, cumsum: cumsumVjp },
  kernels: { [CPU_BACKEND]: { softplus: softplusKernel, cumsum: cumsumKernel } },
};
