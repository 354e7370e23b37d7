import type { OpDef, OpKind, Registry, RuleKind } from '@primgrad/ir';

/** A rule kind or `kernel:<backend>`: something an op can lack. */
export type Requirement = RuleKind | `kernel:${string}`;

/** One rule or kernel that an op needs and the registry lacks. */
export interface CoverageGap {
  readonly op: string;
  readonly opKind: OpKind;
  /** The plugin that defined the op. */
  readonly definedBy: string | undefined;
  readonly missing: Requirement;
  /** The reason the op needs it. */
  readonly reason: string;
  /** The package that the defining plugin's `providers` map names for this requirement. */
  readonly providedBy: string | undefined;
}

/** The rules and kernels missing from a registry, as data and as printable text. */
export interface CoverageReport {
  /** Number of op definitions examined. */
  readonly ops: number;
  /** The backends whose kernels were required of every native op. */
  readonly backends: readonly string[];
  /** Every gap, ordered by op type, then requirement. */
  readonly gaps: readonly CoverageGap[];
  /** One line per gap under a heading line, or one line saying there is none. */
  readonly text: string;
}

/** Lists what `def` needs, with the reason for each. */
function requirementsOf(def: OpDef<any>, backends: readonly string[]): [Requirement, string][] {
  const differentiable = def.differentiable !== false;
  const needs: [Requirement, string][] = [];
  if (def.kind === 'prim') {
    needs.push(['prim2orig', 'every prim must be raised to native ops before a backend runs it']);
    if (differentiable) needs.push(['linearize', 'the prim is differentiable, so linearize meets it']);
    if ((def.linearIn ?? []).length > 0) {
      needs.push(['transpose', `the prim is linear in input(s) ${def.linearIn!.join(', ')}, so transpose meets it in linearized programs`]);
    }
    return needs;
  }
  if (differentiable) {
    needs.push(['orig2prim', 'the op is differentiable, so prim mode lowers it']);
    needs.push(['vjp', 'the op is differentiable, so backward (prim mode off) meets it']);
  }
  for (const backend of backends) needs.push([`kernel:${backend}`, `backend '${backend}' is registered, and it runs every native op`]);
  return needs;
}

function isPresent(registry: Registry, type: string, requirement: Requirement): boolean {
  if (requirement.startsWith('kernel:')) return registry.hasKernel(requirement.slice('kernel:'.length), type);
  return registry.hasRule(requirement as RuleKind, type);
}

/**
 * Lists, for every op in `registry`, each rule or kernel it needs and lacks. A prim needs a
 * prim2orig rule, a linearize rule unless `differentiable` is false, and a transpose rule when
 * `linearIn` is not empty. A native op needs an orig2prim rule and a vjp rule unless
 * `differentiable` is false, and a kernel on every registered backend.
 */
export function coverageReport(registry: Registry): CoverageReport {
  const backends = registry.backends().sort();
  const providers = new Map(registry.plugins().map((p) => [p.name, p.providers]));
  const gaps: CoverageGap[] = [];
  const types = registry.opTypes().sort();
  for (const type of types) {
    const def = registry.opDef(type);
    const definedBy = registry.opPlugin(type);
    for (const [missing, reason] of requirementsOf(def, backends)) {
      if (isPresent(registry, type, missing)) continue;
      const providedBy = definedBy === undefined ? undefined : providers.get(definedBy)?.[missing];
      gaps.push({ op: type, opKind: def.kind, definedBy, missing, reason, providedBy });
    }
  }
  return { ops: types.length, backends, gaps, text: formatCoverage(types.length, backends, gaps) };
}

function formatCoverage(ops: number, backends: readonly string[], gaps: readonly CoverageGap[]): string {
  const scope = `${ops} op(s), backends: ${backends.join(', ') || '(none)'}`;
  if (gaps.length === 0) return `Coverage: every op has the rules and kernels it needs (${scope}).`;
  const lines = [`Coverage: ${gaps.length} missing rule(s) or kernel(s) (${scope}):`];
  for (const gap of gaps) {
    const what = gap.missing.startsWith('kernel:') ? `${gap.missing.slice('kernel:'.length)} kernel` : `${gap.missing} rule`;
    const kind = gap.opKind === 'prim' ? 'prim' : 'native op';
    const from = gap.definedBy ? ` defined by '${gap.definedBy}'` : '';
    const provider = gap.providedBy ? ` It is provided by ${gap.providedBy}.` : '';
    lines.push(`  ${kind} '${gap.op}'${from} has no ${what}: ${gap.reason}.${provider}`);
  }
  return lines.join('\n');
}
