/** Closed forms the tests compare against, written from the math alone. */

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * f(x) = Σᵢ softplus(cᵢ) with c = cumsum(x), so ∂f/∂xⱼ = Σ_{i≥j} σ(cᵢ) and
 * ∂²f/∂xⱼ∂xₖ = Σ_{i≥max(j,k)} σ(cᵢ)(1 - σ(cᵢ)).
 */
export function demoClosedForm(x: readonly number[]): { value: number; gradient: number[]; hessian: number[][] } {
  const c = x.map((_, i) => x.slice(0, i + 1).reduce((a, b) => a + b, 0));
  const s = c.map(sigmoid);
  const curvature = s.map((v) => v * (1 - v));
  const tailSum = (values: readonly number[], from: number): number => values.slice(from).reduce((a, b) => a + b, 0);
  return {
    value: c.reduce((a, ci) => a + Math.log(1 + Math.exp(ci)), 0),
    gradient: x.map((_, j) => tailSum(s, j)),
    hessian: x.map((_, j) => x.map((_, k) => tailSum(curvature, Math.max(j, k)))),
  };
}

/** Asserts |got - want| ≤ rtol · max(1, |want|) element by element; returns the first failure or null. */
export function firstMismatch(got: ArrayLike<number>, want: readonly number[], rtol: number): string | null {
  if (got.length !== want.length) return `got ${got.length} elements, want ${want.length}`;
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i]! - want[i]!) <= rtol * Math.max(1, Math.abs(want[i]!)))) return `element ${i}: got ${got[i]}, want ${want[i]}`;
  }
  return null;
}
