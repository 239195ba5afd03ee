// The engine's stages after each installation's amount, each writing its lines into the results'
// explanations: the correction of incumbents to the budget (uniform, exact by largest remainder,
// or a published factor), the new entrants' reserve (first come, first served), and the gateway
// through which an intensity sector's surpluses flow into an absolute sector.
import { mulDiv } from "../quantity/index.ts";
import { correctToBudget } from "./correction.ts";
import type { Explanation } from "./explain.ts";
import { addRounding, factor, grouped, say } from "./explain.ts";
import { applyGateway } from "./gateway.ts";
import { frac, mul, show } from "./ratio.ts";
import { serveReserve } from "./reserve.ts";
import type { EntrantRequest } from "./reserve.ts";
import type { AllocationRules, CorrectionRule } from "./rules.ts";
import { text, type Text } from "./texts.ts";
import type { AllocationResult, AllocationRun } from "./types.ts";

/** Results with nothing free by method (auction, intensity targets) have nothing to correct. */
export const describes = (r: AllocationResult) => r.method !== "auction" && r.method !== "intensity-target";

export interface Corrected {
  readonly correction: AllocationRun["correction"];
  /** Writes the correction's lines into one result's explanation (explain() calls it again for one installation). */
  readonly corrected: (r: AllocationResult, before: bigint, after: bigint) => void;
  readonly exemptSector: (sector: string) => boolean;
}

/** Correction of incumbents (entrants are served by the reserve, outside the budget), in place. */
export function correctIncumbents(corr: CorrectionRule, results: readonly AllocationResult[]): Corrected {
  let corrected: (r: AllocationResult, before: bigint, after: bigint) => void = () => {};
  let correction: AllocationRun["correction"];
  const exemptSector = (sector: string) => corr.kind !== "none" && corr.excludeSectors.includes(sector);
  if (corr.kind !== "none") {
    const incumbents = results.filter((r) => !r.newEntrant);
    const exempt = incumbents.map((r) => exemptSector(r.sector));
    if (corr.kind === "uniform") {
      const c = correctToBudget(incumbents.map((r) => r.free), corr.budget, corr.mode, exempt);
      const scaledBefore = c.before - sumExempt(incumbents, exempt);
      corrected = (r, before, after) => {
        say(r.explanation, () => text("alloc.line.correctionUniform", { factor: show(c.factor), available: grouped(c.available), scaled: grouped(scaledBefore), before: grouped(before), after: grouped(after) }));
        factor(r.explanation, text("alloc.factor.uniformCorrection"), c.factor);
        addRounding(r.explanation, () => ({ stepText: text("alloc.step.correction"), exact: show(mul(frac(before, 1), c.factor)), rounded: after, ruleText: text("alloc.rule.largestRemainder") }));
      };
      if (c.applied) {
        incumbents.forEach((r, i) => {
          if (exempt[i]) return;
          const after = c.parts[i] as bigint;
          if (describes(r)) corrected(r, r.free, after);
          r.free = after;
        });
      }
      correction = { kind: "uniform", factor: show(c.factor), applied: c.applied, available: c.available, before: c.before, after: c.after };
      if (!c.applied) corrected = () => {};
    } else {
      const f = corr.factor;
      corrected = (r, before, after) => {
        say(r.explanation, () => text("alloc.line.correctionPublished", { factor: show(f), before: grouped(before), after: grouped(after) }));
        factor(r.explanation, text("alloc.factor.publishedCorrection"), f);
      };
      let before = 0n;
      let after = 0n;
      incumbents.forEach((r, i) => {
        before += r.free;
        if (!exempt[i]) {
          const v = mulDiv(r.free, f.n, f.d, "floor");
          if (describes(r)) corrected(r, r.free, v);
          r.free = v;
        }
        after += r.free;
      });
      correction = { kind: "factor", factor: show(f), applied: true, available: after, before, after };
    }
  }
  return { correction, corrected, exemptSector };
}

/** What the reserve granted each entrant, as lines: kept (entrants are few) for explain(). */
export type Grants = Map<string, { steps: Text[]; roundings: Explanation["roundings"] }>;

/** New entrants served from the reserve (none when the scheme has no reserve), in place. */
export function serveEntrants(size: bigint | undefined, year: number, entrants: ReadonlyArray<{ result: AllocationResult; request: EntrantRequest }>): { grants: Grants; reserve: AllocationRun["reserve"] } {
  const grants: Grants = new Map();
  let reserve: AllocationRun["reserve"];
  if (entrants.length > 0) {
    if (size === undefined) {
      for (const { result } of entrants) grants.set(result.installation, { steps: [text("alloc.line.noReserve")], roundings: [] });
    } else {
      const out = serveReserve(size, year, entrants.map((x) => x.request));
      const byId = new Map(entrants.map((x) => [x.result.installation, x.result]));
      for (const g of out.grants) {
        const r = byId.get(g.installation) as AllocationResult;
        grants.set(g.installation, { steps: g.explanation.steps.map((l) => text("alloc.line.reserve", { line: l })), roundings: g.explanation.roundings });
        r.free = g.granted;
        if (g.unmet > 0n) r.unmet = g.unmet;
      }
      reserve = { size, granted: size - out.remaining, remaining: out.remaining, unmet: out.unmetTotal };
    }
    for (const { result } of entrants) {
      const g = grants.get(result.installation);
      if (!g) continue;
      for (const l of g.steps) say(result.explanation, () => l);
      for (const x of g.roundings) addRounding(result.explanation, () => x);
    }
  }
  return { grants, reserve };
}

/** The gateway: sellers' ex-post surpluses accepted up to the net-flow limit, in place. */
export function gatewayFlows(gw: AllocationRules["gateway"], results: readonly AllocationResult[]): AllocationRun["gateway"] {
  let gateway: AllocationRun["gateway"];
  if (gw) {
    const sellers = results.filter((r) => r.sector === gw.from && r.trueUp !== undefined && r.trueUp > 0n);
    const requests = sellers.map((r) => ({ participant: r.installation, quantity: r.trueUp as bigint }));
    const requested = requests.reduce((a, x) => a + x.quantity, 0n);
    const soFar = gw.netFlowSoFar ?? 0n;
    const out = applyGateway(requests, soFar, gw.maxNetFlow ?? soFar + requested);
    sellers.forEach((r, i) => {
      const a = out.accepted[i] as { accepted: bigint; requested: bigint };
      r.gatewayAccepted = a.accepted;
      say(r.explanation, () => gatewayLine(gw, a.accepted, a.requested));
    });
    gateway = { from: gw.from, to: gw.to, ...(gw.maxNetFlow === undefined ? {} : { limit: gw.maxNetFlow }), requested, accepted: out.netFlow - soFar, netFlow: out.netFlow, closed: gw.maxNetFlow !== undefined && out.closed };
  }
  return gateway;
}

export function gatewayLine(g: { from: string; to: string; maxNetFlow?: bigint }, accepted: bigint, requested: bigint): Text {
  const common = { from: g.from, to: g.to, accepted: grouped(accepted), requested: grouped(requested) };
  return g.maxNetFlow === undefined ? text("alloc.line.gateway", common) : text("alloc.line.gatewayCap", { ...common, cap: grouped(g.maxNetFlow) });
}

function sumExempt(rs: readonly AllocationResult[], exempt: readonly boolean[]): bigint {
  let s = 0n;
  rs.forEach((r, i) => {
    if (exempt[i]) s += r.free;
  });
  return s;
}
