// The corresponding-adjustments ledger (Decision 2/CMA.3, annex, section III.B): every first
// transfer adds its units to the first transferring Party's annual emissions balance, every use
// towards an NDC subtracts them from the using Party's, each entry tied to its record and serial
// block. A Party dates its first transfers by vintage or by the year of the first transfer (its
// rules), and a use by the calendar year it is used for. From the entries, the annual emissions
// balance (emissions + first transferred - used) and the NDC view of its method: an indicative
// trajectory for a single-year NDC (adjusted every year), averaging for a single-year NDC (the
// average annual amounts over the elapsed years of the period, applied to the target year), or
// a multi-year NDC (annual adjustments, and their sum over the period against its budget).
import { div } from "../../quantity/index.ts";
import type { Article6Rules } from "../../rulebook/international.ts";
import { intlRefusal, type Outcome, ok } from "../codes.ts";
import { yearOf } from "../input.ts";
import type { RulesByParty } from "./common.ts";
import type { A6Record, RecordBlock } from "./types.ts";

export interface AdjustmentEntry {
  party: string;
  year: number;
  /** Positive: first transferred by the Party (added to its balance); negative: used by it towards its NDC. */
  quantity: bigint;
  reason: "first-transfer" | "use";
  record: string;
  block: RecordBlock;
}

const size = (b: RecordBlock) => b.end - b.start + 1n;

/** The entries the records make, in record order. Refused (10605) when a first transferring Party has no rules to date its adjustments. */
export function adjustmentEntries(records: readonly A6Record[], rules: RulesByParty): Outcome<AdjustmentEntry[]> {
  const out: AdjustmentEntry[] = [];
  for (const r of records) {
    if (r.kind === "first-transfer" && r.year !== undefined) {
      // imported with acquired units: the host dated it by its own rules
      for (const b of r.blocks) out.push({ party: r.party, year: r.year, quantity: size(b), reason: "first-transfer", record: r.id, block: b });
    } else if (r.kind === "first-transfer") {
      const pr = rules.get(r.party);
      if (!pr) return intlRefusal("A6_NDC_UNKNOWN", `no Article 6 rules for ${r.party}, so its first transfers cannot be dated`, { party: r.party });
      for (const b of r.blocks) out.push({ party: r.party, year: pr.adjustments.firstTransferYear === "vintage" ? b.vintage : yearOf(r.date), quantity: size(b), reason: "first-transfer", record: r.id, block: b });
    } else if (r.kind === "use" && r.purpose === "NDC" && r.forYear !== null) {
      for (const b of r.blocks) out.push({ party: r.party, year: r.forYear, quantity: -size(b), reason: "use", record: r.id, block: b });
    }
  }
  return ok(out);
}

export interface BalanceRow {
  year: number;
  emissions: bigint | null;
  firstTransferred: bigint;
  used: bigint;
  /** firstTransferred - used: the corresponding adjustment of the year. */
  adjustment: bigint;
  /** emissions + adjustment, when the emissions are known. */
  balance: bigint | null;
}

/** One row per year of [from, to] for the Party. */
export function annualBalance(entries: readonly AdjustmentEntry[], party: string, from: number, to: number, emissions: ReadonlyMap<number, bigint>): BalanceRow[] {
  const rows: BalanceRow[] = [];
  for (let y = from; y <= to; y++) {
    const mine = entries.filter((e) => e.party === party && e.year === y);
    const firstTransferred = mine.filter((e) => e.quantity > 0n).reduce((s, e) => s + e.quantity, 0n);
    const used = -mine.filter((e) => e.quantity < 0n).reduce((s, e) => s + e.quantity, 0n);
    const em = emissions.get(y) ?? null;
    rows.push({ year: y, emissions: em, firstTransferred, used, adjustment: firstTransferred - used, balance: em === null ? null : em + firstTransferred - used });
  }
  return rows;
}

export interface Average {
  /** The exact average as a fraction: numerator / denominator. */
  numerator: bigint;
  denominator: bigint;
  /** Rounded to whole tonnes by the Party's averaging rounding. */
  rounded: bigint;
}

export type NdcReport =
  | { kind: "single-year"; method: "trajectory"; rows: (BalanceRow & { trajectory: bigint | null; aboveTrajectory: bigint | null })[] }
  | {
      kind: "single-year";
      method: "averaging";
      rows: BalanceRow[];
      elapsedYears: number;
      averageFirstTransferred: Average;
      averageUsed: Average;
      targetYear: number;
      /** Target-year emissions + average first transferred - average used (rounded averages), when the target year's emissions are known. */
      adjustedTargetBalance: bigint | null;
    }
  | { kind: "multi-year"; rows: BalanceRow[]; cumulativeAdjustment: bigint; cumulativeBalance: bigint | null; budget: bigint | null; withinBudget: boolean | null };

function average(sum: bigint, years: number, rules: Article6Rules): Average {
  const d = BigInt(years);
  return { numerator: sum, denominator: d, rounded: div(sum, d, rules.adjustments.averagingRounding) };
}

/**
 * The Party's NDC view through `throughYear` (inclusive, inside the NDC period). Refused with
 * 10604 when the year is outside the period.
 */
export function ndcReport(entries: readonly AdjustmentEntry[], rules: Article6Rules, emissions: ReadonlyMap<number, bigint>, throughYear: number): Outcome<NdcReport> {
  const n = rules.ndc;
  if (throughYear < n.period.from || throughYear > n.period.to) return intlRefusal("A6_YEAR_OUTSIDE_NDC", `${throughYear} is outside ${rules.party}'s NDC period ${n.period.from}-${n.period.to}`, { year: throughYear });
  const rows = annualBalance(entries, rules.party, n.period.from, throughYear, emissions);
  if (n.kind === "multi-year") {
    const cumulativeAdjustment = rows.reduce((s, r) => s + r.adjustment, 0n);
    const known = rows.every((r) => r.balance !== null);
    const cumulativeBalance = known ? rows.reduce((s, r) => s + (r.balance as bigint), 0n) : null;
    const budget = n.budget ?? null;
    return ok({ kind: "multi-year", rows, cumulativeAdjustment, cumulativeBalance, budget, withinBudget: budget === null || cumulativeBalance === null ? null : cumulativeBalance <= budget });
  }
  if (n.method === "trajectory") {
    return ok({
      kind: "single-year",
      method: "trajectory",
      rows: rows.map((r) => {
        const t = n.trajectory.find((p) => p.year === r.year)?.amount ?? null;
        return { ...r, trajectory: t, aboveTrajectory: t === null || r.balance === null ? null : r.balance - t };
      }),
    });
  }
  const elapsed = throughYear - n.period.from + 1;
  const ft = average(rows.reduce((s, r) => s + r.firstTransferred, 0n), elapsed, rules);
  const used = average(rows.reduce((s, r) => s + r.used, 0n), elapsed, rules);
  const target = emissions.get(n.targetYear);
  return {
    ok: true,
    value: { kind: "single-year", method: "averaging", rows, elapsedYears: elapsed, averageFirstTransferred: ft, averageUsed: used, targetYear: n.targetYear, adjustedTargetBalance: target === undefined ? null : target + ft.rounded - used.rounded },
  };
}
