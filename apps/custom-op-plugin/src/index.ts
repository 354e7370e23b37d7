/**
 * @file A plugin written the way a third party would write one, against primgrad's public
 * packages only: the native op softplus, lowered onto standard prims, and the prim cumsum_p with
 * its native op cumsum. Each op comes with every rule it needs and a CPU kernel.
 */
export { customOpPlugin, PACKAGE_NAME } from './plugin.js';
export { softplus, cumsum } from './layers.js';
export { buildSoftplus, softplusDef, softplusKernel, softplusOrig2Prim, softplusVjp } from './softplus.js';
export {
  buildCumsum,
  buildCumsumP,
  cumsumDef,
  cumsumKernel,
  cumsumOrig2Prim,
  cumsumPDef,
  cumsumPLinearize,
  cumsumPPrim2Orig,
  cumsumPTranspose,
  cumsumVjp,
} from './cumsum.js';
export { CPU_BACKEND, type CpuKernel } from './kernel.js';
export { runDemo, type DemoMode, type DemoResult } from './demo.js';
