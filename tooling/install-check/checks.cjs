// The checks shared by check.mjs and check.cjs: f(x) = sum(tanh(x) * x) at x = [0.5, -1, 2],
// whose derivative is tanh(x) + x (1 - tanh(x)²), by forward mode and by reverse mode.
const x0 = [0.5, -1, 2];
const expected = x0.map((x) => Math.tanh(x) + x * (1 - Math.tanh(x) ** 2));

function buildProgram(m, registry) {
  const program = new m.ir.Program();
  const block = program.globalBlock();
  const b = new m.ir.Builder(block, registry);
  const x = block.createVar({ name: 'x', shape: [3], dtype: 'float64', isData: true });
  const y = m.origOps.reduceSum(b, m.origOps.mul(b, m.origOps.tanh(b, x), x));
  m.transforms.orig2prim(block, registry);
  return { block, x, y };
}

function run(m, registry, block, feed, fetch) {
  const place = new m.backendCpu.CPUPlace();
  const values = place.run({ block, registry, scope: new m.ir.Scope(), feed: new Map(Object.entries(feed)), fetch });
  return values.map((v) => Array.from(v.data));
}

function close(got, want, what) {
  got.forEach((g, i) => {
    if (Math.abs(g - want[i]) > 1e-12 * Math.max(1, Math.abs(want[i]))) {
      throw new Error(`${what}: element ${i} is ${g}, expected ${want[i]}`);
    }
  });
}

// Forward mode: one JVP per basis vector gives each partial derivative.
function forward(m, registry) {
  const { block, x, y } = buildProgram(m, registry);
  const { xsDot, ysDot } = m.transforms.linearize(block, registry, [x], [y]);
  m.transforms.prim2orig(block, registry);
  const partials = x0.map((_, i) => {
    const e = x0.map((__, j) => (i === j ? 1 : 0));
    const feed = {
      x: m.ir.NDArray.from(x0, 'float64'),
      [xsDot[0].name]: m.ir.NDArray.from(e, 'float64'),
    };
    return run(m, registry, block, feed, [ysDot[0]])[0][0];
  });
  close(partials, expected, 'forward mode');
}

function reverse(m, registry) {
  const { block, x, y } = buildProgram(m, registry);
  const { xsDot, ysDot } = m.transforms.linearize(block, registry, [x], [y]);
  const { ysBar, xsBar } = m.transforms.transpose(block, registry, xsDot, ysDot);
  m.transforms.prim2orig(block, registry);
  const feed = { x: m.ir.NDArray.from(x0, 'float64'), [ysBar[0].name]: m.ir.NDArray.from(1, 'float64') };
  close(run(m, registry, block, feed, [xsBar[0]])[0], expected, 'reverse mode');
}

// The same derivative through the functional API, on a traced function.
const f = (x) => x.tanh().mul(x).sum();

function functionalForward(m, registry) {
  const [, tangent] = m.functional.jvp(f, [x0], [[1, 1, 1]], { registry });
  close([tangent.item()], [expected.reduce((a, b) => a + b, 0)], 'functional jvp');
}

function functionalReverse(m, registry) {
  const [, [cotangent]] = m.functional.vjp(f, [x0], undefined, { registry });
  close(Array.from(cotangent.dataSync()), expected, 'functional vjp');
}

async function runChecks(format, m, stage) {
  const plugins = [m.origOps.origOpsPlugin, m.primOps.primOpsPlugin, m.orig2primRules.orig2primRulesPlugin, m.linearizeRules.linearizeRulesPlugin, m.backendCpu.backendCpuPlugin];
  const registry = m.ir.createRegistry(plugins);
  forward(m, registry);
  functionalForward(m, registry);
  console.log(`  ${format}: forward mode works (linearize, and functional jvp)`);
  if (stage === 'forward-only') {
    for (const [name, attempt] of [['linearize + transpose', reverse], ['functional vjp', functionalReverse]]) {
      try {
        attempt(m, registry);
      } catch (e) {
        if (e.name === 'MissingRuleError' && /@primgrad\/transpose-rules/.test(e.message)) {
          console.log(`  ${format}: ${name} fails as it should: ${e.message.split('. ').slice(0, 2).join('. ')}.`);
          continue;
        }
        throw e;
      }
      throw new Error(`${format}: ${name} worked without @primgrad/transpose-rules`);
    }
    return;
  }
  registry.use(await m.loadTranspose());
  reverse(m, registry);
  functionalReverse(m, registry);
  console.log(`  ${format}: reverse mode works with @primgrad/transpose-rules (transpose, and functional vjp)`);
}

module.exports = { runChecks };
