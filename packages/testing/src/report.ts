import { PrimgradError, formatShape, type RuleKind } from '@primgrad/ir';

/** The kinds of check the kit runs. */
export type CheckKind = 'linearize' | 'transpose' | 'orig2prim' | 'prim2orig' | 'vjp' | 'second-order';

/** Elements pass when |got - expected| <= atol + rtol · |expected|. */
export interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
}

/** A rule that a check exercised, and the plugin that registered it (undefined when none did). */
export interface RuleUse {
  readonly op: string;
  readonly ruleKind: RuleKind;
  readonly plugin: string | undefined;
}

/** The element of a compared value that is furthest outside the tolerance. */
export interface WorstElement {
  /** The compared value, e.g. `tangent of output 0 ('out_0')`. */
  readonly value: string;
  readonly shape: readonly number[];
  /** Row-major multi-index; [] for a 0-d value. */
  readonly index: readonly number[];
  readonly got: number;
  readonly expected: number;
  readonly absError: number;
  /** absError / |expected| (Infinity when expected is 0 and got is not). */
  readonly relError: number;
}

/** Both sides of the projection identity ⟨ȳ, J ẋ⟩ = ⟨Jᵀ ȳ, ẋ⟩ for one random pair (ẋ, ȳ). */
export interface Projection {
  /** ⟨ȳ, J ẋ⟩, from the linearized program. */
  readonly forward: number;
  /** ⟨Jᵀ ȳ, ẋ⟩, from the transposed program. */
  readonly transposed: number;
  /** |forward - transposed| over the larger of the two sums of absolute products, one per inner product. */
  readonly relError: number;
}

/** The result of one check. A failing check throws a ConformanceError that carries it. */
export interface CheckReport {
  readonly check: CheckKind;
  /** The op the check built its program around. */
  readonly op: string;
  /** The rule kind under test. */
  readonly ruleKind: RuleKind;
  /** The plugin that registered `ruleKind` for `op` (undefined when none did). */
  readonly plugin: string | undefined;
  /** Every rule the check ran, with its plugin, so a failure can be traced to a package. */
  readonly rules: readonly RuleUse[];
  readonly passed: boolean;
  readonly seed: number;
  /** Number of random draws: tangents and cotangents, or primal values for the lowering checks. */
  readonly trials: number;
  readonly tolerance: Tolerance;
  /** The worst element over every comparison, or null when nothing was compared elementwise. */
  readonly worst: WorstElement | null;
  /** Number of elements outside the tolerance, summed over the trials. */
  readonly failedElements: number;
  /** Number of elements compared, summed over the trials. */
  readonly comparedElements: number;
  /** Present for projection-identity checks: the worst random pair. */
  readonly projection?: Projection;
  /** A readable summary of everything above. */
  readonly summary: string;
}

/** A conformance check failed. Its `report` names the rule, the worst element and the error. */
export class ConformanceError extends PrimgradError {
  override name = 'ConformanceError';
  constructor(readonly report: CheckReport) {
    super(report.summary);
  }
}

function formatNumber(x: number): string {
  return Number.isFinite(x) ? x.toPrecision(6) : String(x);
}

/** Formats a worst element as one line. */
export function formatWorst(w: WorstElement): string {
  return (
    `${w.value} of shape ${formatShape(w.shape)} at index ${formatShape(w.index)}: got ${formatNumber(w.got)}, ` +
    `expected ${formatNumber(w.expected)} (abs error ${formatNumber(w.absError)}, rel error ${formatNumber(w.relError)})`
  );
}

/**
 * Builds the summary of a report from its other fields. `reference` names what the compared
 * elements were checked against.
 */
export function summarize(report: Omit<CheckReport, 'summary'>, reference: string): string {
  const rule = report.plugin
    ? `the ${report.ruleKind} rule for '${report.op}' from plugin '${report.plugin}'`
    : `the ${report.ruleKind} rules that '${report.op}' relies on (it has no ${report.ruleKind} rule of its own)`;
  const tolerance = `rtol ${report.tolerance.rtol}, atol ${report.tolerance.atol}`;
  let head: string;
  if (report.passed) {
    head = `${report.check} check passed for ${rule}`;
  } else if (report.comparedElements > 0) {
    head =
      `${report.check} check failed for ${rule}: ${report.failedElements} of ${report.comparedElements} element(s) ` +
      `differ from ${reference} beyond ${tolerance}`;
  } else {
    head = `${report.check} check failed for ${rule}: the projection identity does not hold to ${tolerance}`;
  }
  const lines = [`${head} (seed ${report.seed}, ${report.trials} trial(s)).`];
  if (report.projection) {
    const p = report.projection;
    lines.push(
      `Projection ⟨ȳ, J ẋ⟩ = ${formatNumber(p.forward)}, ⟨Jᵀ ȳ, ẋ⟩ = ${formatNumber(p.transposed)}, rel error ${formatNumber(p.relError)}.`,
    );
  }
  if (report.worst) lines.push(`Worst element: ${formatWorst(report.worst)}.`);
  const others = report.rules.filter((r) => !(r.op === report.op && r.ruleKind === report.ruleKind));
  if (others.length > 0) {
    lines.push(`Rules also run: ${others.map((r) => `${r.ruleKind} of '${r.op}' (${r.plugin ?? 'unregistered'})`).join(', ')}.`);
  }
  return lines.join('\n');
}
