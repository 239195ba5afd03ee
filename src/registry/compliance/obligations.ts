// The obligation of installations for a compliance period as the registry knows it now: the
// domain's obligationFor on the states of each year's emissions (verified, estimated, or not
// determined), the free allocation received (limits relative to allocation), the terms an
// administrator set (Tokyo's facility cap and required reduction) and the allowances carried in
// from the close of the period before. Where the emissions are not determined yet, surrenders are
// still checked against a provisional obligation that owes only what was carried in: credit limits,
// being shares of an obligation not yet known, then leave no room (what a credit may count for
// cannot be known before the emissions are).
import type { Refusal } from "../../domain/compliance/codes.ts";
import { schemeCodeOf } from "../../domain/compliance/eligibility.ts";
import type { InstallationFacts, Obligation, PeriodSpan } from "../../domain/compliance/obligation.ts";
import { compliancePeriod, deadlineOf, obligationFor } from "../../domain/compliance/obligation.ts";
import { periodOfYear, periodYears } from "../../domain/compliance/periods.ts";
import { withCarryOver } from "../../domain/compliance/close.ts";
import type { EmissionsState } from "../../domain/mrv/records.ts";
import type { Rulebook } from "../../domain/rulebook/index.ts";
import type { Sql } from "../../store/db.ts";
import { carriedFrom, emissionStates, freeAllocations, getInstallation, type InstallationRow, obligationTerms } from "./store.ts";

export interface ObligationFacts {
  installation: InstallationFacts;
  period: PeriodSpan;
  emissions: Array<{ year: number; state: EmissionsState }>;
  freeAllocation: bigint;
  facilityCap?: bigint;
  requiredReduction?: bigint;
  carriedIn: bigint;
}

/** The period before this one (the rulebook's previous compliance period, or the year before). */
export function previousPeriod(rb: Rulebook, p: PeriodSpan): PeriodSpan | undefined {
  return periodOfYear(rb, p.from - 1);
}

/** Facts for an installation that may not be registered (a surrender from any operator account): no sector, no tags. */
export function factsOf(id: string, row: InstallationRow | undefined): InstallationFacts {
  if (!row) return { installation: id };
  const f: InstallationFacts = { installation: id, tags: row.tags };
  if (row.sector !== null) f.sector = row.sector;
  if (row.product !== null) f.product = row.product;
  return f;
}

/** What the obligation of each installation rests on, in a few statements for any number of installations. */
export async function obligationFacts(sql: Sql, rb: Rulebook, installations: ReadonlyArray<{ id: string; row: InstallationRow | undefined }>, period: PeriodSpan): Promise<Map<string, ObligationFacts>> {
  const ids = installations.map((i) => i.id);
  const years = periodYears(period);
  // One after the other: `sql` may be a transaction's single connection.
  const states = await emissionStates(sql, ids, years);
  const alloc = await freeAllocations(sql, ids, period.from, period.to, schemeCodeOf(rb));
  const terms = await obligationTerms(sql, ids, period.id);
  const carried = await carriedFrom(sql, ids, previousPeriod(rb, period)?.id);
  const out = new Map<string, ObligationFacts>();
  for (const { id, row } of installations) {
    const t = terms.get(id);
    const f: ObligationFacts = {
      installation: factsOf(id, row),
      period,
      emissions: years.map((y) => ({ year: y, state: states.get(`${id}@${y}`) ?? { state: "missing" } })),
      freeAllocation: alloc.get(id) ?? 0n,
      carriedIn: carried.get(id) ?? 0n,
    };
    if (t?.facilityCap != null) f.facilityCap = t.facilityCap;
    if (t?.requiredReduction != null) f.requiredReduction = t.requiredReduction;
    out.set(id, f);
  }
  return out;
}

/** The obligation (with the carry-over added), or the refusal saying the emissions are not determined. */
export function obligationOf(rb: Rulebook, f: ObligationFacts): Obligation | Refusal {
  const o = obligationFor(rb, {
    installation: f.installation, period: f.period, emissions: f.emissions, freeAllocation: f.freeAllocation,
    ...(f.facilityCap === undefined ? {} : { facilityCap: f.facilityCap }),
    ...(f.requiredReduction === undefined ? {} : { requiredReduction: f.requiredReduction }),
  });
  return "ok" in o ? o : withCarryOver(o, f.carriedIn);
}

/** The obligation a surrender is checked against: the real one, or, while emissions are not determined, one owing only the carry-over. */
export function checkingObligation(rb: Rulebook, f: ObligationFacts): Obligation {
  const o = obligationOf(rb, f);
  if (!("ok" in o)) return o;
  const p: Obligation = {
    installation: f.installation.installation, period: f.period, deadline: deadlineOf(rb, f.period), kind: rb.compliance?.obligation.kind ?? "emissions",
    emissions: 0n, estimatedYears: [], due: f.carriedIn, surplus: 0n, freeAllocation: f.freeAllocation,
    lines: [`emissions of ${f.period.id} not determined yet (${o.message}): credit limits leave no room until they are`],
  };
  if (f.facilityCap !== undefined) p.facilityCap = f.facilityCap;
  if (f.requiredReduction !== undefined) p.requiredReduction = f.requiredReduction;
  return p;
}

/** One installation's facts (registered or not). */
export async function oneObligationFacts(sql: Sql, rb: Rulebook, installation: string, period: PeriodSpan): Promise<ObligationFacts> {
  const row = await getInstallation(sql, installation);
  return (await obligationFacts(sql, rb, [{ id: installation, row }], period)).get(installation) as ObligationFacts;
}

/** A period by id, or its refusal (9301). */
export function periodById(rb: Rulebook, id: string): PeriodSpan | Refusal {
  return compliancePeriod(rb, id);
}
