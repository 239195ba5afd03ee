// The allocation engine for one year: from the rules and the installations' data to each
// installation's free allocation, auctioned part and explanation.
//   1. each installation's sector rule gives an exact preliminary amount (cases.ts, methods.ts);
//   2. the sector's auction share for the year is taken off (leakage-exposed sectors keep it free);
//   3. the result is floored to whole allowances (the one rounding of an incumbent's amount);
//   4. incumbents are corrected to the budget by one uniform factor, exactly (largest remainder);
//   5. new entrants are served from the reserve, first come first served.
// Pure: data in, results out. Floats from the dataset are read as their exact decimal text.
//
// Each installation's amount is in cases.ts (by method), the data-derived values in derive.ts, the
// correction, reserve and gateway stages in stages.ts; the types of inputs and results in types.ts.
import type { Explanation } from "./explain.ts";
import { addRounding, explanation, factor, rounding, say } from "./explain.ts";
import { AllocationInputError } from "./methods.ts";
import type { Ratio } from "./ratio.ts";
import { mul, ONE, show, sub, toWhole } from "./ratio.ts";
import type { EntrantRequest } from "./reserve.ts";
import type { AllocationRules } from "./rules.ts";
import { auctionShare, type SectorShare } from "./shares.ts";
import { renderText, text, type Text } from "./texts.ts";
import { type Case, caseFor } from "./cases.ts";
import { resolveFromData } from "./derive.ts";
import { correctIncumbents, describes, gatewayFlows, gatewayLine, serveEntrants } from "./stages.ts";
import type { ActivityData, AllocateOptions, AllocationResult, AllocationRun, InstallationData, Skipped } from "./types.ts";

export type { ActivityData, AllocateOptions, AllocationResult, AllocationRun, DerivedValue, InstallationAttributes, InstallationData, Skipped } from "./types.ts";
export { reductionFor } from "./cases.ts";
export { resolveFromData } from "./derive.ts";

function groupActivity(activity: readonly ActivityData[]): Map<string, ActivityData[]> {
  const by = new Map<string, ActivityData[]>();
  for (const a of activity) {
    const list = by.get(a.installation);
    if (list) list.push(a);
    else by.set(a.installation, [a]);
  }
  return by;
}

type Computed = { kind: "skip"; reason: Text } | { kind: "result"; result: AllocationResult; entrant?: EntrantRequest };

/**
 * Allocates one year. Installations of sectors without a rule are skipped (not covered).
 * With `explain: false` the results carry only their method (no texts are built, which matters
 * for a million installations); `run.explain(id)` rebuilds any one installation's full explanation.
 */
export function allocate(given: AllocationRules, installations: readonly InstallationData[], activity: readonly ActivityData[], opts: AllocateOptions = {}): AllocationRun {
  const year = given.year;
  const on = opts.explain !== false;
  const byInst = groupActivity(activity);
  const resolved = resolveFromData(given, installations, byInst);
  const rules = resolved.rules;
  const shares = new Map<string, { share: Ratio; keep: Ratio; text: string; reason: SectorShare["reason"] }>();
  const shareOf = (sector: string) => {
    let s = shares.get(sector);
    if (!s) {
      const a = auctionShare(rules.auction, sector, year);
      s = { share: a.share, keep: sub(ONE, a.share), text: show(a.share), reason: a.reason };
      shares.set(sector, s);
    }
    return s;
  };

  const compute = (inst: InstallationData, on: boolean): Computed => {
    const rule = rules.sectors[inst.sector];
    if (!rule) return { kind: "skip", reason: text("alloc.skip.noRule", { sector: inst.sector }) };
    if (inst.startYear > year) return { kind: "skip", reason: text("alloc.skip.startsLater", { start: String(inst.startYear), year: String(year) }) };
    const attrs = opts.attributes?.get(inst.installation);
    let c: Case;
    try {
      c = caseFor(rule, inst, byInst.get(inst.installation) ?? [], year, attrs, on);
    } catch (err) {
      if (err instanceof AllocationInputError) c = { kind: "skip", reason: err.text };
      else throw err;
    }
    if (c.kind === "skip") return c;
    const share = shareOf(inst.sector);
    if (c.kind === "zero") {
      const e = c.trueUp?.e ?? explanation(c.method, on);
      const method = c.method;
      say(e, () => text(method === "auction" ? "alloc.line.noFreeAuction" : "alloc.line.noFreeExPost"));
      const r: AllocationResult = { installation: inst.installation, sector: inst.sector, method: c.method, entitlement: 0n, auctionShare: share.text, free: 0n, auctioned: 0n, newEntrant: false, explanation: e };
      if (c.trueUp) r.trueUp = c.trueUp.balance;
      return { kind: "result", result: r };
    }
    const { amount, explanation: e } = c.amount;
    const exactFree = mul(amount, share.keep);
    const entitlement = toWhole(amount);
    const free = toWhole(exactFree);
    const reason = text(`alloc.shareReason.${share.reason}`);
    factor(e, () => text("alloc.factor.auctionShare", { year: String(year), reason }), share.text);
    say(e, () => text("alloc.line.freeShare", { share: share.text, reason, amount: show(amount), keep: show(share.keep), free: show(exactFree) }));
    rounding(e, text("alloc.step.freeAllocation"), exactFree, free, text("alloc.rule.floor"));
    const r: AllocationResult = {
      installation: inst.installation, sector: inst.sector, method: e.method, entitlement, auctionShare: share.text,
      free, auctioned: entitlement - free, newEntrant: c.kind === "entrant", explanation: e,
    };
    if (c.kind !== "entrant") return { kind: "result", result: r };
    const s = attrs?.start ?? `${Math.max(inst.startYear, year)}-01-01`;
    return { kind: "result", result: r, entrant: { installation: inst.installation, applied: attrs?.applied ?? s, start: s, annual: free } };
  };

  const results: AllocationResult[] = [];
  const skipped: Skipped[] = [];
  const entrants: { result: AllocationResult; request: EntrantRequest }[] = [];
  const total = installations.length;
  installations.forEach((inst, i) => {
    if (opts.onProgress && i % 10_000 === 0) opts.onProgress(i, total);
    const c = compute(inst, on);
    if (c.kind === "skip") skipped.push({ installation: inst.installation, sector: inst.sector, reason: renderText("en", c.reason), reasonText: c.reason });
    else {
      results.push(c.result);
      if (c.entrant) entrants.push({ result: c.result, request: c.entrant });
    }
  });
  opts.onProgress?.(total, total);

  // Correction of incumbents (entrants are served by the reserve, outside the budget), then the
  // reserve for entrants. Their lines are written again by explain() for one installation.
  const { correction, corrected, exemptSector } = correctIncumbents(rules.correction, results);
  const { grants, reserve } = serveEntrants(rules.reserve, year, entrants);

  const byId = new Map<string, InstallationData>();
  const finals = new Map<string, AllocationResult>();
  const explain = (installation: string): Explanation | undefined => {
    if (byId.size === 0) for (const i of installations) byId.set(i.installation, i);
    if (finals.size === 0) for (const r of results) finals.set(r.installation, r);
    const inst = byId.get(installation);
    const final = finals.get(installation);
    if (!inst || !final) return undefined;
    const c = compute(inst, true);
    if (c.kind !== "result") return undefined;
    const r = c.result;
    if (r.newEntrant) {
      const g = grants.get(installation);
      for (const l of g?.steps ?? []) say(r.explanation, () => l);
      for (const x of g?.roundings ?? []) addRounding(r.explanation, () => x);
    } else if (!exemptSector(r.sector) && correction && (correction.kind === "factor" || correction.applied) && describes(r)) {
      corrected(r, r.free, final.free);
    }
    const gwAccepted = final.gatewayAccepted;
    const g = rules.gateway;
    if (gwAccepted !== undefined && g) {
      say(r.explanation, () => gatewayLine(g, gwAccepted, final.trueUp ?? 0n));
    }
    return r.explanation;
  };

  const gateway = gatewayFlows(rules.gateway, results);

  const run: AllocationRun = { scheme: rules.scheme, year, results, skipped, derived: resolved.derived, totals: { entitlement: 0n, free: 0n, auctioned: 0n }, explain };
  if (gateway) run.gateway = gateway;
  if (correction) run.correction = correction;
  if (reserve) run.reserve = reserve;
  for (const r of results) {
    run.totals.entitlement += r.entitlement;
    run.totals.free += r.free;
    run.totals.auctioned += r.auctioned;
  }
  return run;
}
