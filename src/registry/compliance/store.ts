// SQL reads of the compliance tables (and of the ledger's, read only) that the compliance rules
// decide on: installations, the state of each year's emissions (verified, estimated, reported,
// missing), free allocation received, obligation terms, carry-over from a closed period, and the
// units each surrender counted. Reads take a list of installations and answer in one statement
// each, so that closing a period of 13,000 installations is a handful of queries, not 13,000.
import type { CountedLine } from "../../domain/compliance/surrender.ts";
import type { UnitCategory } from "../../domain/compliance/eligibility.ts";
import type { EmissionsState, ReportVersion, YearRecord } from "../../domain/mrv/records.ts";
import { emissionsOf } from "../../domain/mrv/records.ts";
import type { Sql } from "../../store/db.ts";

export const OPERATOR_TYPES = ["operator_holding", "aircraft_operator_holding", "maritime_operator_holding"] as const;

export interface InstallationRow {
  installation: string;
  accountId: string;
  operator: string;
  sector: string | null;
  product: string | null;
  tags: string[];
  options: Record<string, string>;
  registeredAt: string;
}

interface InstallationSql {
  installation: string;
  account_id: string;
  operator: string;
  sector: string | null;
  product: string | null;
  tags: string[];
  options: Record<string, string>;
  registered_at: string;
}

const installationView = (r: InstallationSql): InstallationRow => ({
  installation: r.installation, accountId: r.account_id, operator: r.operator, sector: r.sector, product: r.product, tags: r.tags, options: r.options, registeredAt: r.registered_at,
});

export async function getInstallation(sql: Sql, installation: string): Promise<InstallationRow | undefined> {
  const r = await sql.query<InstallationSql>("SELECT * FROM compliance_installations WHERE installation = $1", [installation]);
  return r.rows[0] ? installationView(r.rows[0]) : undefined;
}

/** Registered installations in id order, after a cursor (keyset), at most `limit`. */
export async function listInstallations(sql: Sql, opts: { after?: string | undefined; limit: number; only?: readonly string[] | undefined }): Promise<InstallationRow[]> {
  const r = await sql.query<InstallationSql>(
    `SELECT * FROM compliance_installations WHERE ($1::text IS NULL OR installation > $1) AND ($2::text[] IS NULL OR installation = ANY($2::text[]))
     ORDER BY installation LIMIT $3`,
    [opts.after ?? null, opts.only ? [...opts.only] : null, opts.limit],
  );
  return r.rows.map(installationView);
}

/** The operator accounts carrying an installation id (open or not), for visibility: who represents the installation. */
export async function accountsOfInstallation(sql: Sql, installation: string): Promise<Array<{ id: string; holder: string; status: string }>> {
  const r = await sql.query<{ id: string; holder: string; status: string }>(
    "SELECT id, holder, status FROM accounts WHERE installation = $1 AND type = ANY($2::text[]) ORDER BY id LIMIT 20",
    [installation, [...OPERATOR_TYPES]],
  );
  return r.rows;
}

interface StateSql {
  installation: string;
  year: number;
  last_version: number | null;
  last_opinion: string | null;
  locked_version: number | null;
  locked_total: bigint | null;
  locked_opinion: string | null;
  estimate: bigint | null;
  estimate_method: string | null;
}

/**
 * The state of each year's emissions for these installations and years, decided by the MRV domain
 * (emissionsOf) on what the tables hold: the latest locked version, an estimate, the latest
 * version and its opinion. Keys: `${installation}@${year}`; absent years are missing.
 */
export async function emissionStates(sql: Sql, installations: readonly string[], years: readonly number[]): Promise<Map<string, EmissionsState>> {
  const out = new Map<string, EmissionsState>();
  if (installations.length === 0 || years.length === 0) return out;
  const r = await sql.query<StateSql>(
    `WITH keys AS (
       SELECT installation, year FROM emission_reports WHERE installation = ANY($1::text[]) AND year = ANY($2::int[])
       UNION SELECT installation, year FROM emission_estimates WHERE installation = ANY($1::text[]) AND year = ANY($2::int[])
     )
     SELECT k.installation, k.year,
       (SELECT max(r.version) FROM emission_reports r WHERE r.installation = k.installation AND r.year = k.year) AS last_version,
       (SELECT v.opinion FROM verifications v WHERE v.installation = k.installation AND v.year = k.year
          AND v.version = (SELECT max(r.version) FROM emission_reports r WHERE r.installation = k.installation AND r.year = k.year)) AS last_opinion,
       l.version AS locked_version, l.verified_total AS locked_total, l.opinion AS locked_opinion,
       e.tonnes AS estimate, e.method AS estimate_method
     FROM keys k
     LEFT JOIN LATERAL (SELECT version, verified_total, opinion FROM verifications v WHERE v.installation = k.installation AND v.year = k.year AND v.locked ORDER BY version DESC LIMIT 1) l ON true
     LEFT JOIN emission_estimates e ON e.installation = k.installation AND e.year = k.year`,
    [[...installations], [...years]],
  );
  for (const row of r.rows) out.set(`${row.installation}@${row.year}`, emissionsOf(yearRecord(row)));
  return out;
}

/**
 * The year's record in the shape the MRV domain reads (emissionsOf looks only at each version's
 * number and verification, and at the estimate): the locked version, and the latest one with its
 * opinion. The report bodies are not needed to decide the state, so they are left out.
 */
function yearRecord(row: StateSql): YearRecord {
  const versions: ReportVersion[] = [];
  const v = (version: number, opinion: string | null, total: bigint | null): ReportVersion =>
    ({
      version,
      report: undefined as never,
      ...(opinion === null ? {} : { verification: { locked: opinion !== "negative", opinion, ...(total === null ? {} : { verifiedTotal: total }) } }),
    }) as unknown as ReportVersion;
  if (row.locked_version !== null) versions.push(v(row.locked_version, row.locked_opinion, row.locked_total));
  if (row.last_version !== null && row.last_version !== row.locked_version) versions.push(v(row.last_version, row.last_opinion, null));
  const rec: YearRecord = { installation: row.installation, year: row.year, versions };
  if (row.estimate !== null) rec.estimate = { installation: row.installation, year: row.year, tonnes: row.estimate, method: row.estimate_method ?? "", setBy: "", reason: "" };
  return rec;
}

/**
 * Free allocation each installation received for a period: completed allocations of the scheme's
 * allowances of the period's vintages to its operator accounts, less returns (reverse allocation)
 * and less allocations reversed since.
 */
export async function freeAllocations(sql: Sql, installations: readonly string[], from: number, to: number, schemeCode: string): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  if (installations.length === 0) return out;
  const r = await sql.query<{ installation: string; q: bigint }>(
    `SELECT a.installation, sum(CASE WHEN t.kind = 'allocation' THEN l.quantity ELSE -l.quantity END)::int8 AS q
     FROM transaction_legs l
     JOIN transactions t ON t.id = l.tx_id
     JOIN tx_state s ON s.tx_id = t.id AND s.status = 'completed' AND s.reversed_by IS NULL
     JOIN unit_classes c ON c.id = l.class_id AND c.unit_type = 'allowance' AND c.scheme = $4 AND c.vintage BETWEEN $2 AND $3
     JOIN accounts a ON a.id = CASE WHEN t.kind = 'allocation' THEN l.to_account ELSE l.from_account END
     WHERE t.kind IN ('allocation', 'reverse_allocation') AND a.installation = ANY($1::text[])
     GROUP BY a.installation`,
    [[...installations], from, to, schemeCode],
  );
  for (const row of r.rows) out.set(row.installation, row.q);
  return out;
}

export interface Terms {
  facilityCap: bigint | null;
  requiredReduction: bigint | null;
}

export async function obligationTerms(sql: Sql, installations: readonly string[], period: string): Promise<Map<string, Terms>> {
  const out = new Map<string, Terms>();
  if (installations.length === 0) return out;
  const r = await sql.query<{ installation: string; facility_cap: bigint | null; required_reduction: bigint | null }>(
    "SELECT installation, facility_cap, required_reduction FROM obligation_terms WHERE period = $1 AND installation = ANY($2::text[])",
    [period, [...installations]],
  );
  for (const row of r.rows) out.set(row.installation, { facilityCap: row.facility_cap, requiredReduction: row.required_reduction });
  return out;
}

/** Allowances carried into a period from the close of the one before (make-good and interest owed). */
export async function carriedFrom(sql: Sql, installations: readonly string[], previousPeriod: string | undefined): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  if (previousPeriod === undefined || installations.length === 0) return out;
  const r = await sql.query<{ installation: string; carry_over: bigint }>(
    "SELECT installation, carry_over FROM compliance_results WHERE period = $1 AND installation = ANY($2::text[]) AND carry_over > 0",
    [previousPeriod, [...installations]],
  );
  for (const row of r.rows) out.set(row.installation, row.carry_over);
  return out;
}

export interface LineRow extends CountedLine {
  txId: string;
  legNo: number;
  recordedAt: string;
}

interface LineSql {
  tx_id: string;
  leg_no: number;
  installation: string;
  class_code: string;
  unit_type: string;
  scheme: string;
  vintage: number | null;
  host_country: string | null;
  category: UnitCategory;
  quantity: bigint;
  value: bigint;
  interest: bigint;
  years_ahead: number | null;
  recorded_at: string;
}

/** The lines surrenders counted for a period (not reversed), per installation, in the order they were recorded. */
export async function surrenderLines(sql: Sql, installations: readonly string[] | null, period: string): Promise<Map<string, LineRow[]>> {
  const out = new Map<string, LineRow[]>();
  const r = await sql.query<LineSql>(
    `SELECT l.* FROM surrender_lines l
     WHERE l.period = $1 AND ($2::text[] IS NULL OR l.installation = ANY($2::text[]))
       AND NOT EXISTS (SELECT 1 FROM surrender_reversals x WHERE x.tx_id = l.tx_id)
     ORDER BY l.installation, l.recorded_at, l.tx_id, l.leg_no`,
    [period, installations ? [...installations] : null],
  );
  for (const x of r.rows) {
    const line: LineRow = {
      txId: x.tx_id, legNo: x.leg_no, recordedAt: x.recorded_at,
      class: { code: x.class_code, unitType: x.unit_type, scheme: x.scheme, ...(x.vintage === null ? {} : { vintage: x.vintage }), ...(x.host_country === null ? {} : { hostCountry: x.host_country }) },
      quantity: x.quantity, category: x.category, value: x.value, interest: x.interest, ...(x.years_ahead === null ? {} : { yearsAhead: x.years_ahead }),
    };
    const list = out.get(x.installation) ?? [];
    list.push(line);
    out.set(x.installation, list);
  }
  return out;
}

/** True when the period has been closed. */
export async function isClosed(sql: Sql, period: string): Promise<boolean> {
  return (await sql.query("SELECT 1 FROM compliance_closes WHERE period = $1", [period])).rows.length > 0;
}
