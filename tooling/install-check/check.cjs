// Run inside the install-check project: `node check.cjs forward-only|full`.
const { runChecks } = require('./checks.cjs');

const modules = {
  ir: require('@primgrad/ir'),
  origOps: require('@primgrad/orig-ops'),
  primOps: require('@primgrad/prim-ops'),
  orig2primRules: require('@primgrad/orig2prim-rules'),
  linearizeRules: require('@primgrad/linearize-rules'),
  transforms: require('@primgrad/transforms'),
  backendCpu: require('@primgrad/backend-cpu'),
  functional: require('@primgrad/functional'),
  loadTranspose: async () => require('@primgrad/transpose-rules').transposeRulesPlugin,
};
runChecks('CJS', modules, process.argv[2]).catch((e) => {
  console.error(e);
  process.exit(1);
});
