// What the registry publishes about compliance, per installation and year: the free allocation
// received, the verified emissions (or that they are estimated or missing), the units surrendered
// for the period and the status once the period is closed. Rows of a year appear once the
// period's surrender deadline plus the rulebook's `publication.compliance.delayDays` has passed
// (the EU publishes compliance data after the 30 September deadline; without a publication
// section, the day after the deadline). Read by `ets compliance publish` (CSV) and by
// GET /v1/public/compliance.
import { deadlineOf } from "../../domain/compliance/obligation.ts";
import { periodOfYear } from "../../domain/compliance/periods.ts";
import { schemeCodeOf } from "../../domain/compliance/eligibility.ts";
import type { Rulebook } from "../../domain/rulebook/index.ts";
import { DEFAULT_PUBLICATION } from "../../domain/rulebook/publication.ts";
import type { Db } from "../../store/db.ts";
import { emissionStates, freeAllocations, listInstallations } from "./store.ts";

export interface PublishedRow {
  installation: string;
  accountId: string;
  operator: string;
  year: number;
  period: string;
  allocation: string;
  /** Verified emissions, or null when the year has none (see `emissions`). */
  verifiedEmissions: string | null;
  emissions: "verified" | "estimated" | "not-verified" | "missing";
  /** Units surrendered for the period (all vintages and types, as counted). */
  surrendered: string;
  /** The status at the period's close; "not-determined" while it is not closed. */
  status: string;
}

export interface Publication {
  year: number;
  period: string | null;
  deadline: string | null;
  /** The first day the year's rows are published. */
  publishedFrom: string | null;
  published: boolean;
  rows: PublishedRow[];
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The first day a period's compliance rows are published. */
export function publicationDate(rb: Rulebook, deadline: string): string {
  return addDays(deadline, (rb.publication ?? DEFAULT_PUBLICATION).compliance.delayDays);
}

/** The year's published rows as of a local date (none before the publication date), for these installations or all. */
export async function publication(db: Db, rb: Rulebook, year: number, asOf: string, only?: readonly string[]): Promise<Publication> {
  const period = periodOfYear(rb, year);
  const deadline = period ? (deadlineOf(rb, period) ?? null) : null;
  const from = deadline === null ? null : publicationDate(rb, deadline);
  const published = from !== null && asOf >= from;
  const out: Publication = { year, period: period?.id ?? null, deadline, publishedFrom: from, published, rows: [] };
  if (!published || !period) return out;
  const installations: Array<{ installation: string; accountId: string; operator: string }> = [];
  for (let after: string | undefined; ; ) {
    const page = await listInstallations(db, { after, limit: 5000, only });
    installations.push(...page);
    if (page.length < 5000) break;
    after = page[page.length - 1]?.installation;
  }
  const ids = installations.map((i) => i.installation);
  const [alloc, states, surrendered, results] = await Promise.all([
    freeAllocations(db, ids, year, year, schemeCodeOf(rb)),
    emissionStates(db, ids, [year]),
    db.query<{ installation: string; q: bigint }>(
      `SELECT installation, sum(quantity)::int8 AS q FROM surrender_lines l WHERE period = $1 AND installation = ANY($2::text[])
         AND NOT EXISTS (SELECT 1 FROM surrender_reversals x WHERE x.tx_id = l.tx_id) GROUP BY installation`,
      [period.id, ids],
    ),
    db.query<{ installation: string; status: string }>("SELECT installation, status FROM compliance_results WHERE period = $1 AND installation = ANY($2::text[])", [period.id, ids]),
  ]);
  const sur = new Map(surrendered.rows.map((r) => [r.installation, r.q]));
  const st = new Map(results.rows.map((r) => [r.installation, r.status]));
  out.rows = installations.map((i) => {
    const e = states.get(`${i.installation}@${year}`) ?? { state: "missing" as const };
    return {
      installation: i.installation, accountId: i.accountId, operator: i.operator, year, period: period.id,
      allocation: (alloc.get(i.installation) ?? 0n).toString(),
      verifiedEmissions: e.state === "verified" ? e.tonnes.toString() : null,
      emissions: e.state,
      surrendered: (sur.get(i.installation) ?? 0n).toString(),
      status: st.get(i.installation) ?? "not-determined",
    };
  });
  return out;
}

/** The latest year whose rows are published as of a date (searching back from the date's year), or undefined. */
export function latestPublishedYear(rb: Rulebook, asOf: string): number | undefined {
  const y = Number(asOf.slice(0, 4));
  for (let year = y; year >= y - 10; year--) {
    const p = periodOfYear(rb, year);
    const dl = p ? deadlineOf(rb, p) : undefined;
    if (dl !== undefined && asOf >= publicationDate(rb, dl)) return year;
  }
  return undefined;
}
