// The surrender plan, pure: given an obligation, what the operator holds and what it asks to
// surrender, says what counts and how much, or refuses with the 92xx code of the first broken rule
// (lowest code first; the whole request is refused, all or nothing). Limits accumulate over the
// period's earlier surrenders (`previous`) and the lines before in the same request:
//   - credits of a limited type cover at most floor(share x obligation | free allocation |
//     required reduction) allowances of compliance value;
//   - limited borrowing covers at most floor(maxShare x obligation) and owes interest: borrowed x
//     rate x years (simple) or borrowed x ((1 + rate)^years - 1) (compound), rounded as the
//     rulebook says (up by default);
//   - a credit quantity must convert to whole allowances at its exchange rate.
// `proposeSurrender` picks units from holdings in a documented order and is checked by
// `evaluateSurrender` before it is returned. Phase 2 turns an accepted plan into one ledger
// transaction of kind surrender.
import { addDec, decimal, mulDec, subDec, toWholeDec } from "../quantity/decimal.ts";
import type { Decimal } from "../quantity/decimal.ts";
import { maxBig, minBig } from "../quantity/index.ts";
import type { Rulebook } from "../rulebook/index.ts";
import type { CreditLimit } from "../rulebook/credits.ts";
import type { Refusal } from "./codes.ts";
import { complianceRefusal, lowest } from "./codes.ts";
import { classify } from "./eligibility.ts";
import type { Eligible, UnitCategory, UnitClassRef } from "./eligibility.ts";
import type { Obligation } from "./obligation.ts";
import { deadlineOf as deadlineOfPeriod } from "./obligation.ts";

export interface SurrenderLine {
  class: UnitClassRef;
  quantity: bigint;
}

export interface CountedLine extends SurrenderLine {
  category: UnitCategory;
  /** Allowances of compliance value this line covers. */
  value: bigint;
  yearsAhead?: number;
  /** Extra allowances owed as interest (limited borrowing). */
  interest: bigint;
}

export interface LimitUse {
  types: readonly string[];
  basis: "obligation" | "allocation" | "reduction" | "borrowing";
  max: bigint;
  used: bigint;
}

export interface SurrenderPlan {
  ok: true;
  lines: CountedLine[];
  /** Compliance value of this request. */
  covered: bigint;
  /** Compliance value of all surrenders for the obligation, this one included. */
  coveredTotal: bigint;
  remaining: bigint;
  surplus: bigint;
  interestOwed: bigint;
  limits: LimitUse[];
}

export interface SurrenderContext {
  rulebook: Rulebook;
  obligation: Obligation;
  /** Lines of surrenders already accepted for this obligation. */
  previous?: readonly CountedLine[];
  /** Available holdings (not earmarked); when given, a request may not exceed them. */
  holdings?: readonly SurrenderLine[];
  /** ISO date of the surrender (the late-surrender rule). */
  asOf?: string;
}

export function classKey(c: UnitClassRef): string {
  return c.code ?? `${c.unitType}|${c.scheme}|${c.vintage ?? ""}|${c.hostCountry ?? ""}`;
}

/** share x base rounded down ("at most"); shares are numbers or exact "n/d" text. */
export function shareOf(share: number | string, base: bigint): bigint {
  if (typeof share === "string") {
    const [n, d] = share.split("/").map((x) => BigInt(x)) as [bigint, bigint];
    return (base * n) / d;
  }
  return toWholeDec(mulDec(decimal(share), decimal(base)), "floor");
}

interface Room {
  limit: CreditLimit | undefined;
  basis: LimitUse["basis"];
  max: bigint;
  used: bigint;
}

/** Every quantitative limit that binds this obligation, with its maximum. */
function rooms(rb: Rulebook, o: Obligation): Room[] {
  const out: Room[] = [];
  for (const l of rb.credits?.limits ?? []) {
    if ((l.from ?? -Infinity) > o.period.to || o.period.to > (l.to ?? Infinity)) continue;
    if (l.maxShareOfObligation !== undefined) out.push({ limit: l, basis: "obligation", max: shareOf(l.maxShareOfObligation, o.due), used: 0n });
    if (l.maxShareOfAllocation !== undefined) out.push({ limit: l, basis: "allocation", max: shareOf(l.maxShareOfAllocation, o.freeAllocation ?? 0n), used: 0n });
    if (l.maxShareOfReduction !== undefined) out.push({ limit: l, basis: "reduction", max: shareOf(l.maxShareOfReduction, o.requiredReduction ?? 0n), used: 0n });
  }
  const b = rb.compliance?.borrowing;
  if (b?.allowed && b.maxShare !== undefined) out.push({ limit: undefined, basis: "borrowing", max: shareOf(b.maxShare, o.due), used: 0n });
  return out;
}

function binds(room: Room, line: { category: UnitCategory; class: UnitClassRef }, e?: Eligible): boolean {
  if (room.basis === "borrowing") return line.category === "borrowed-limited";
  if (line.category !== "credit" || !room.limit) return false;
  return e ? e.limits.includes(room.limit) : room.limit.types.includes(line.class.unitType);
}

const LIMIT_CODE = { obligation: "CREDIT_LIMIT_OBLIGATION", allocation: "CREDIT_LIMIT_ALLOCATION", reduction: "CREDIT_LIMIT_REDUCTION", borrowing: "BORROWING_LIMIT_EXCEEDED" } as const;

function interestOn(rb: Rulebook, quantity: bigint, years: number): bigint {
  const b = rb.compliance?.borrowing;
  const rate = b?.interestRate ?? 0;
  if (!b || rate === 0) return 0n;
  const r = decimal(rate);
  let factor: Decimal;
  if (b.interestCompounding === "simple") factor = mulDec(r, decimal(years));
  else {
    let f = decimal(1);
    for (let i = 0; i < years; i++) f = mulDec(f, addDec(decimal(1), r));
    factor = subDec(f, decimal(1));
  }
  return toWholeDec(mulDec(decimal(quantity), factor), b.interestRounding);
}

function countLine(rb: Rulebook, o: Obligation, line: SurrenderLine, i: number): CountedLine | Refusal {
  if (line.quantity <= 0n) return complianceRefusal("QUANTITY_NOT_POSITIVE_WHOLE", `lines[${i}]: quantity ${line.quantity} is not a positive whole number`, { line: i });
  const e = classify(rb, line.class, o.period);
  if (!e.ok) return { ...e, message: `lines[${i}]: ${e.message}`, facts: { ...e.facts, line: i } };
  const [n, d] = e.rate;
  if ((line.quantity * d) % n !== 0n) {
    const step = n / gcd(n, d);
    const lower = (line.quantity / step) * step;
    return complianceRefusal("EXCHANGE_REMAINDER", `lines[${i}]: ${line.quantity} ${line.class.unitType} at ${n}/${d} per allowance is not a whole number of allowances (use ${lower} or ${lower + step})`, { line: i, quantity: line.quantity.toString(), lower: lower.toString(), higher: (lower + step).toString() });
  }
  const value = (line.quantity * d) / n;
  const out: CountedLine = { class: line.class, quantity: line.quantity, category: e.category, value, interest: 0n };
  if (e.yearsAhead !== undefined) out.yearsAhead = e.yearsAhead;
  if (e.category === "borrowed-limited") out.interest = interestOn(rb, line.quantity, e.yearsAhead ?? 0);
  return out;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** Checks a request against the rules and holdings; a plan of what counts, or the lowest-coded refusal. */
export function evaluateSurrender(ctx: SurrenderContext, request: readonly SurrenderLine[]): SurrenderPlan | Refusal {
  const { rulebook: rb, obligation: o } = ctx;
  const problems: Refusal[] = [];
  if (request.length === 0 || request.length > 100) problems.push(complianceRefusal("INPUT_INVALID", "lines: a surrender has 1 to 100 lines", { field: "lines" }));
  if (ctx.asOf !== undefined && o.deadline !== undefined && ctx.asOf > o.deadline && rb.compliance?.lateSurrender === "refused")
    problems.push(complianceRefusal("SURRENDER_AFTER_DEADLINE", `the deadline of ${o.period.id} was ${o.deadline}; ${rb.scheme.id} refuses later surrenders`, { deadline: o.deadline, asOf: ctx.asOf }));
  if (ctx.holdings) {
    const held = new Map<string, bigint>();
    for (const h of ctx.holdings) held.set(classKey(h.class), (held.get(classKey(h.class)) ?? 0n) + h.quantity);
    const asked = new Map<string, bigint>();
    request.forEach((l, i) => {
      const k = classKey(l.class);
      asked.set(k, (asked.get(k) ?? 0n) + l.quantity);
      if ((asked.get(k) ?? 0n) > (held.get(k) ?? 0n))
        problems.push(complianceRefusal("HOLDING_INSUFFICIENT", `lines[${i}]: ${asked.get(k)} of ${k} asked, ${held.get(k) ?? 0n} available`, { line: i, class: k, available: (held.get(k) ?? 0n).toString() }));
    });
  }
  const limits = rooms(rb, o);
  for (const p of ctx.previous ?? []) for (const r of limits) if (binds(r, p)) r.used += p.value;
  const lines: CountedLine[] = [];
  request.forEach((l, i) => {
    const c = countLine(rb, o, l, i);
    if ("code" in c) {
      problems.push(c);
      return;
    }
    const counted = c;
    const e = counted.category === "credit" ? (classify(rb, l.class, o.period) as Eligible) : undefined;
    for (const r of limits) {
      if (!binds(r, counted, e)) continue;
      r.used += counted.value;
      if (r.used > r.max)
        problems.push(complianceRefusal(LIMIT_CODE[r.basis], `lines[${i}]: ${r.basis === "borrowing" ? "limited borrowing" : (r.limit?.types ?? []).join("/")} would cover ${r.used}, more than ${r.max} (${r.basis === "borrowing" ? "share of the obligation" : `share of the ${r.basis}`})`, { line: i, basis: r.basis, max: r.max.toString(), used: r.used.toString(), types: r.limit?.types ?? [] }));
    }
    lines.push(counted);
  });
  const bad = lowest(problems);
  if (bad) return bad;
  const covered = lines.reduce((s, l) => s + l.value, 0n);
  const coveredTotal = covered + (ctx.previous ?? []).reduce((s, l) => s + l.value, 0n);
  return {
    ok: true,
    lines,
    covered,
    coveredTotal,
    remaining: maxBig(0n, o.due - coveredTotal),
    surplus: maxBig(0n, coveredTotal - o.due),
    interestOwed: lines.reduce((s, l) => s + l.interest, 0n),
    limits: limits.map((r) => ({ types: r.limit?.types ?? [], basis: r.basis, max: r.max, used: r.used })),
  };
}

const ORDER: readonly UnitCategory[] = ["credit", "banked", "allowance", "borrowed-free", "borrowed-limited"];

export interface ProposeOptions {
  /** Use eligible credits first, up to their limits (default true). */
  useCredits?: boolean;
  /** Borrow future vintages when the rest does not cover the obligation (default false). */
  allowBorrowing?: boolean;
}

/**
 * A surrender covering as much of the remaining obligation as the holdings allow, in this order:
 * credits up to their limits (holdings order), banked allowances (oldest first), the period's
 * allowances (oldest first), free borrowing, then limited borrowing (only with `allowBorrowing`).
 * Never more than needed, never past a limit; the result is checked by evaluateSurrender.
 */
export function proposeSurrender(ctx: SurrenderContext, holdings: readonly SurrenderLine[], opts: ProposeOptions = {}): SurrenderPlan | Refusal {
  const { rulebook: rb, obligation: o } = ctx;
  const limits = rooms(rb, o);
  for (const p of ctx.previous ?? []) for (const r of limits) if (binds(r, p)) r.used += p.value;
  const before = (ctx.previous ?? []).reduce((s, l) => s + l.value, 0n);
  let need = maxBig(0n, o.due - before);
  const candidates = holdings
    .map((h, i) => ({ h, i, e: classify(rb, h.class, o.period) }))
    .filter((x): x is { h: SurrenderLine; i: number; e: Eligible } => x.e.ok && x.h.quantity > 0n)
    .filter((x) => (opts.useCredits ?? true) || x.e.category !== "credit")
    .filter((x) => opts.allowBorrowing === true || x.e.category !== "borrowed-limited")
    .sort((a, b) => ORDER.indexOf(a.e.category) - ORDER.indexOf(b.e.category) || (a.h.class.vintage ?? 0) - (b.h.class.vintage ?? 0) || a.i - b.i);
  const request: SurrenderLine[] = [];
  for (const { h, e } of candidates) {
    if (need === 0n) break;
    const [n, d] = e.rate;
    const g = gcd(n, d);
    const stepValue = d / g;
    let room = need;
    for (const r of limits) if (binds(r, { category: e.category, class: h.class }, e)) room = minBig(room, r.max - r.used);
    const fromHolding = (h.quantity * d) / n;
    let value = minBig(room, fromHolding);
    value -= value % stepValue;
    if (value <= 0n) continue;
    for (const r of limits) if (binds(r, { category: e.category, class: h.class }, e)) r.used += value;
    need -= value;
    request.push({ class: h.class, quantity: (value * n) / d });
  }
  if (request.length === 0) return { ok: true, lines: [], covered: 0n, coveredTotal: before, remaining: need, surplus: maxBig(0n, before - o.due), interestOwed: 0n, limits: limits.map((r) => ({ types: r.limit?.types ?? [], basis: r.basis, max: r.max, used: r.used })) };
  const plan = evaluateSurrender({ ...ctx, holdings }, request);
  if (!plan.ok) throw new Error(`proposeSurrender built a plan its own rules refuse: ${plan.code} ${plan.message}`);
  return plan;
}

export interface HoldingAssessment {
  class: UnitClassRef;
  quantity: bigint;
  /** How the class counts, or the code of the rule that keeps it out. */
  counts: { ok: true; category: UnitCategory; rate: string; value: bigint; limitedTo?: bigint } | Refusal;
}

/**
 * What each holding could do for the obligation, line by line: its category and compliance value
 * (whole allowances at its exchange rate), capped by any limit that binds it on its own, or the
 * refusal code that keeps it out. An overview for the operator; the surrender itself is checked by
 * evaluateSurrender, where limits are shared between lines.
 */
export function assessHoldings(ctx: SurrenderContext, holdings: readonly SurrenderLine[]): HoldingAssessment[] {
  const { rulebook: rb, obligation: o } = ctx;
  const limits = rooms(rb, o);
  for (const p of ctx.previous ?? []) for (const r of limits) if (binds(r, p)) r.used += p.value;
  return holdings.map((h) => {
    const e = classify(rb, h.class, o.period);
    if (!e.ok) return { class: h.class, quantity: h.quantity, counts: e };
    const [n, d] = e.rate;
    const value = (h.quantity * d) / n;
    const caps = limits.filter((r) => binds(r, { category: e.category, class: h.class }, e)).map((r) => maxBig(0n, r.max - r.used));
    const limitedTo = caps.length === 0 ? undefined : caps.reduce((a, b) => minBig(a, b));
    const counts: HoldingAssessment["counts"] = { ok: true, category: e.category, rate: n === d ? "1" : `${n}/${d}`, value };
    if (limitedTo !== undefined && limitedTo < value) counts.limitedTo = limitedTo;
    return { class: h.class, quantity: h.quantity, counts };
  });
}

/**
 * The compliance value of lines already surrendered, against the obligation as it stands now:
 * each line counts its value, except that credits and limited borrowing count only up to the
 * room their limits leave, in line order. Used when the obligation moved after the surrender (a
 * corrected report lowered it): what was within the limits then may not be now, and the part
 * beyond a limit does not count. Never more than the plain sum.
 */
export function countedValue(rb: Rulebook, o: Obligation, lines: readonly CountedLine[]): bigint {
  const limits = rooms(rb, o);
  let total = 0n;
  for (const l of lines) {
    const e = l.category === "credit" ? classify(rb, l.class, o.period) : undefined;
    let value = l.value;
    for (const r of limits) if (binds(r, l, e?.ok ? e : undefined)) value = minBig(value, maxBig(0n, r.max - r.used));
    for (const r of limits) if (binds(r, l, e?.ok ? e : undefined)) r.used += value;
    total += value;
  }
  return total;
}

/** What another part of the registry knows about an obligation when it checks credits against the scheme's limits. */
export interface LimitFigures {
  period: import("./obligation.ts").PeriodSpan;
  /** Allowances owed (verified emissions, or the part over the facility cap). */
  obligation: bigint;
  /** Free allocation of the period, for limits on a share of it. */
  allocation?: bigint;
  /** Required reduction of the period (Tokyo), for limits on a share of it. */
  requiredReduction?: bigint;
  /** ISO date of the surrender (the late-surrender rule). */
  asOf?: string;
}

/**
 * The compliance rules on credits (and every other unit) offered toward an obligation, for other
 * parts of the registry: the international units' domestic use delegates its limits here, so one
 * evaluation (eligibility, vintage windows, exchange rates, every credit limit, borrowing, the
 * deadline) decides for every door. `previous` are the lines already counted for the same
 * obligation. The plan of what counts, or the refusal with its 92xx code.
 */
export function evaluateAgainstLimits(rb: Rulebook, f: LimitFigures, previous: readonly CountedLine[], lines: readonly SurrenderLine[]): SurrenderPlan | Refusal {
  const o: Obligation = {
    installation: "", period: f.period, deadline: deadlineOfPeriod(rb, f.period), kind: rb.compliance?.obligation.kind ?? "emissions", emissions: f.obligation,
    estimatedYears: [], due: f.obligation, surplus: 0n, lines: [],
  };
  if (f.allocation !== undefined) o.freeAllocation = f.allocation;
  if (f.requiredReduction !== undefined) o.requiredReduction = f.requiredReduction;
  return evaluateSurrender({ rulebook: rb, obligation: o, previous, ...(f.asOf === undefined ? {} : { asOf: f.asOf }) }, lines);
}
