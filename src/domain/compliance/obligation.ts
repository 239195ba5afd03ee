// What an installation owes for a compliance period, and by when. The period is one year or several
// (Tokyo: five); the deadline falls `deadlineYearOffset` years after its last year on
// `surrenderDeadline` (in a fiscal-year rulebook, a month before the fiscal year's first month
// belongs to the next calendar year). The obligation is the period's verified (or estimated)
// emissions, or, where the rulebook says so, only their excess over the facility cap (Tokyo).
// Scheme rules cap it further: China's gas-fired units owe nothing beyond their free allocation,
// coal units at most 20% of verified emissions beyond it (`compliance.obligation.limits`).
import type { EmissionsState } from "../mrv/records.ts";
import { addDec, decimal, formatDec, mulDec, toWholeDec } from "../quantity/decimal.ts";
import { maxBig, minBig } from "../quantity/index.ts";
import type { Rulebook } from "../rulebook/index.ts";
import type { AppliesTo } from "../rulebook/compliance.ts";
import type { Refusal } from "./codes.ts";
import { complianceRefusal } from "./codes.ts";

export interface PeriodSpan {
  id: string;
  from: number;
  to: number;
}

/** A compliance period by id: one of the rulebook's, or a single year ("2022") when it lists none. */
export function compliancePeriod(rb: Rulebook, id: string): PeriodSpan | Refusal {
  if (rb.compliancePeriods.length === 0) {
    if (/^\d{4}$/.test(id)) return { id, from: Number(id), to: Number(id) };
  } else {
    const p = rb.compliancePeriods.find((x) => x.id === id);
    if (p) return { id: p.id, from: p.from, to: p.to };
  }
  const known = rb.compliancePeriods.length === 0 ? "a year such as 2022" : rb.compliancePeriods.map((p) => p.id).join(", ");
  return complianceRefusal("PERIOD_UNKNOWN", `no compliance period "${id}" in ${rb.scheme.id} (${known})`, { period: id });
}

/** ISO date of the surrender deadline of a period (undefined when the rulebook has no compliance section). */
export function deadlineOf(rb: Rulebook, period: PeriodSpan): string | undefined {
  const c = rb.compliance;
  if (!c) return undefined;
  const [mm] = c.surrenderDeadline.split("-");
  let year = period.to + c.deadlineYearOffset;
  if (rb.yearBasis.kind === "fiscal" && Number(mm) < rb.yearBasis.startMonth) year += 1;
  return `${year}-${c.surrenderDeadline}`;
}

export interface InstallationFacts {
  installation: string;
  sector?: string;
  product?: string;
  tags?: readonly string[];
}

export interface ObligationInput {
  installation: InstallationFacts;
  period: PeriodSpan;
  /** The state of each year's emissions (verified, estimated, not verified, missing). */
  emissions: readonly { year: number; state: EmissionsState }[];
  /** Free allocation received for the period (limits relative to allocation, credit limits). */
  freeAllocation?: bigint;
  /** The facility cap of the period (excess-over-cap schemes). */
  facilityCap?: bigint;
  /** Required reduction over the period (baseline x years - cap): Tokyo's credit limit. */
  requiredReduction?: bigint;
}

export interface Obligation {
  installation: string;
  period: PeriodSpan;
  deadline: string | undefined;
  kind: "emissions" | "excess-over-cap";
  emissions: bigint;
  /** Estimated years (the obligation stands, but on an estimate). */
  estimatedYears: number[];
  /** Units to surrender. */
  due: bigint;
  /** Excess-over-cap schemes: emissions below the cap (issued ex post where the rulebook says so). */
  surplus: bigint;
  freeAllocation?: bigint;
  facilityCap?: bigint;
  requiredReduction?: bigint;
  lines: string[];
}

export function applies(a: AppliesTo, i: InstallationFacts): boolean {
  const lists = [a.sectors, a.products, a.tags];
  if (lists.every((l) => l === undefined)) return true;
  return (
    (a.sectors?.includes(i.sector ?? "") ?? false) ||
    (a.products?.includes(i.product ?? "") ?? false) ||
    (a.tags?.some((t) => i.tags?.includes(t)) ?? false)
  );
}

function determined(input: ObligationInput): { total: bigint; estimated: number[] } | Refusal {
  let total = 0n;
  const estimated: number[] = [];
  for (let y = input.period.from; y <= input.period.to; y++) {
    const e = input.emissions.find((x) => x.year === y)?.state ?? { state: "missing" as const };
    if (e.state === "verified" || e.state === "estimated") {
      total += e.tonnes;
      if (e.state === "estimated") estimated.push(y);
    } else
      return complianceRefusal("EMISSIONS_NOT_DETERMINED", `${input.installation.installation}: emissions of ${y} are ${e.state === "missing" ? "missing" : "not verified"}`, { installation: input.installation.installation, year: y, state: e.state });
  }
  return { total, estimated };
}

/** The obligation of an installation for a period; refused when a year's emissions are not determined (status: not verified). */
export function obligationFor(rb: Rulebook, input: ObligationInput): Obligation | Refusal {
  const d = determined(input);
  if ("ok" in d) return d;
  const kind = rb.compliance?.obligation.kind ?? "emissions";
  const lines = [`emissions ${input.period.from}-${input.period.to}: ${d.total} t${d.estimated.length ? ` (estimated: ${d.estimated.join(", ")})` : ""}`];
  let due = d.total;
  let surplus = 0n;
  if (kind === "excess-over-cap") {
    if (input.facilityCap === undefined) return complianceRefusal("INPUT_INVALID", "facilityCap: an excess-over-cap obligation needs the facility cap", { field: "facilityCap" });
    due = maxBig(0n, d.total - input.facilityCap);
    surplus = maxBig(0n, input.facilityCap - d.total);
    lines.push(`facility cap ${input.facilityCap} t: ${due > 0n ? `excess ${due} t to cover` : `within the cap by ${surplus} t`}`);
  }
  for (const l of rb.compliance?.obligation.limits ?? []) {
    if (!applies(l.appliesTo, input.installation)) continue;
    const alloc = input.freeAllocation ?? 0n;
    const exact = addDec(decimal(alloc), mulDec(decimal(l.maxAboveAllocationShare), decimal(d.total)));
    const cap = toWholeDec(exact, "floor");
    if (cap < due) {
      lines.push(`${l.id}: at most free allocation ${alloc} + ${l.maxAboveAllocationShare} x ${d.total} = ${formatDec(exact)} -> ${cap} (floor); the obligation falls from ${due} to ${cap}`);
      due = cap;
    }
  }
  const out: Obligation = { installation: input.installation.installation, period: input.period, deadline: deadlineOf(rb, input.period), kind, emissions: d.total, estimatedYears: d.estimated, due: maxBig(0n, minBig(due, d.total)), surplus, lines };
  if (input.freeAllocation !== undefined) out.freeAllocation = input.freeAllocation;
  if (input.facilityCap !== undefined) out.facilityCap = input.facilityCap;
  if (input.requiredReduction !== undefined) out.requiredReduction = input.requiredReduction;
  return out;
}
