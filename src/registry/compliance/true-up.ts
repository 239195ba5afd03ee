// Booking a true-up after verification (China's power sector: an ex-ante share of base-year output
// x benchmark is allocated first, the rest against verified output). A national administrator
// books it for an installation and year once the year's report is verified, giving the verified
// output: the final amount is the domain's trueUp (verified output x benchmark x the installation's
// adjustment factors, rounded as the rulebook says); the pre-allocation is what the ledger actually
// delivered to the installation's account in the year's allowance class (allocation less returns);
// the difference moves through the ledger as one transaction with an id derived from the
// installation and year: positive, kind `allocation` from the allocation account that delivered
// the pre-allocation; negative, kind `reverse_allocation` back to it where the rulebook takes
// negative true-ups back (otherwise 0 and nothing moves). The ledger's checks apply (a return the
// account cannot cover is refused with the ledger's code). The booking is recorded in `true_ups`
// once per installation and year: asking again with the same output answers it, another output is
// refused (9315). Should the recording fail after the ledger wrote, asking again finds the derived
// transaction (left out of the pre-allocation), books nothing twice and records it.
import { complianceRefusal, type Refusal } from "../../domain/compliance/codes.ts";
import { schemeCodeOf } from "../../domain/compliance/eligibility.ts";
import { trueUp } from "../../domain/compliance/true-up.ts";
import { ID_PATTERN } from "../../domain/ledger/commands.ts";
import { sectorRule } from "../../domain/rulebook/index.ts";
import type { Rulebook } from "../../domain/rulebook/index.ts";
import type { Caller } from "../../domain/security/roles.ts";
import type { Sql } from "../../store/db.ts";
import { permit } from "../secure/index.ts";
import { audited, command, type ComplianceCtx, isRefusal, mayRunAdministrative, type Result } from "./context.ts";
import { emissionStates, getInstallation, type InstallationRow } from "./store.ts";

export interface TrueUpInput {
  commandId: string;
  installation: string;
  year: number;
  /** The year's verified output (MWh for power), a decimal. */
  verifiedOutput: string;
  /** The allowance class; by default the one the pre-allocation was delivered in (or the scheme's only class of the year). */
  classCode?: string | undefined;
  /** The allocation account; by default the one that delivered the pre-allocation. */
  source?: string | undefined;
}

export interface TrueUpView {
  installation: string;
  year: number;
  verifiedOutput: string;
  classCode: string;
  source: string;
  preAllocation: string;
  final: string;
  trueUp: string;
  /** The ledger transaction that moved the units (null when the true-up is 0). */
  transactionId: string | null;
  lines: string[];
  bookedBy: string;
  bookedAt: string;
}

const bad = (field: string, why: string) => complianceRefusal("INPUT_INVALID", `${field}: ${why}`, { field });
const OUTPUT = /^(0|[1-9]\d{0,14})(\.\d{1,9})?$/;

/** The ledger transaction id of an installation's true-up for a year (one per installation and year). */
export function trueUpTransactionId(installation: string, year: number): string {
  return `true-up:${year}:${installation}`;
}

function checkInput(i: TrueUpInput): Refusal | undefined {
  if (typeof i !== "object" || i === null) return bad("(body)", "must be an object");
  if (typeof i.installation !== "string" || i.installation.length === 0 || i.installation.length > 64) return bad("installation", "an installation id");
  if (!Number.isInteger(i.year) || i.year < 1990 || i.year > 2200) return bad("year", "the allocation year");
  if (typeof i.verifiedOutput !== "string" || !OUTPUT.test(i.verifiedOutput)) return bad("verifiedOutput", "the verified output, a decimal >= 0 as a string");
  for (const f of ["classCode", "source"] as const) if (i[f] !== undefined && (typeof i[f] !== "string" || !ID_PATTERN.test(i[f] as string))) return bad(f, "an id");
  return undefined;
}

interface Basis {
  classCode: string;
  source: string;
  delivered: bigint;
}

/**
 * What the installation received in the year's allowance class (allocation less returns, completed
 * and not reversed, leaving out the true-up's own transaction), and from which allocation account.
 */
async function basisOf(sql: Sql, rb: Rulebook, row: InstallationRow, year: number, i: TrueUpInput, ownTx: string): Promise<Basis | Refusal> {
  const r = await sql.query<{ code: string; source: string; q: bigint; last: string }>(
    `SELECT c.code, CASE WHEN t.kind = 'allocation' THEN l.from_account ELSE l.to_account END AS source,
            sum(CASE WHEN t.kind = 'allocation' THEN l.quantity ELSE -l.quantity END)::int8 AS q, max(s.tx_id) AS last
     FROM transaction_legs l
     JOIN transactions t ON t.id = l.tx_id
     JOIN tx_state s ON s.tx_id = t.id AND s.status = 'completed' AND s.reversed_by IS NULL
     JOIN unit_classes c ON c.id = l.class_id AND c.unit_type = 'allowance' AND c.scheme = $3 AND c.vintage = $2
     WHERE t.kind IN ('allocation', 'reverse_allocation') AND t.id <> $4
       AND (CASE WHEN t.kind = 'allocation' THEN l.to_account ELSE l.from_account END) = $1
     GROUP BY c.code, 2 ORDER BY c.code, 2`,
    [row.accountId, year, schemeCodeOf(rb), ownTx],
  );
  const rows = r.rows.filter((x) => (i.classCode === undefined || x.code === i.classCode) && (i.source === undefined || x.source === i.source));
  const classes = [...new Set(rows.map((x) => x.code))];
  if (classes.length > 1) return bad("classCode", `${row.installation} received ${year} allowances in ${classes.join(", ")}: name the class of the pre-allocation`);
  let classCode = i.classCode ?? classes[0];
  if (classCode === undefined) {
    const c = await sql.query<{ code: string }>("SELECT code FROM unit_classes WHERE unit_type = 'allowance' AND scheme = $1 AND vintage = $2 ORDER BY code LIMIT 2", [schemeCodeOf(rb), year]);
    if (c.rows.length !== 1) return bad("classCode", c.rows.length === 0 ? `no ${schemeCodeOf(rb)} allowance class of vintage ${year}` : `several ${schemeCodeOf(rb)} allowance classes of vintage ${year}: name one`);
    classCode = (c.rows[0] as { code: string }).code;
  }
  const ofClass = rows.filter((x) => x.code === classCode);
  const sources = [...new Set(ofClass.map((x) => x.source))];
  if (sources.length > 1 && i.source === undefined) return bad("source", `${row.installation}'s ${year} allowances came from ${sources.join(", ")}: name the allocation account`);
  const source = i.source ?? sources[0];
  if (source === undefined) return bad("source", `${row.installation} received no ${year} allocation in ${classCode}: name the allocation account the true-up comes from`);
  return { classCode, source, delivered: ofClass.reduce((a, x) => a + x.q, 0n) };
}

interface TrueUpSql {
  installation: string;
  year: number;
  verified_output: string;
  class_code: string;
  source_account: string;
  pre_allocation: bigint;
  final: bigint;
  true_up: bigint;
  transaction_id: string | null;
  lines: string[];
  booked_by: string;
  booked_at: string;
}

const view = (r: TrueUpSql): TrueUpView => ({
  installation: r.installation, year: r.year, verifiedOutput: r.verified_output, classCode: r.class_code, source: r.source_account, preAllocation: r.pre_allocation.toString(),
  final: r.final.toString(), trueUp: r.true_up.toString(), transactionId: r.transaction_id, lines: r.lines, bookedBy: r.booked_by, bookedAt: new Date(r.booked_at).toISOString(),
});

async function booked(sql: Sql, installation: string, year: number): Promise<TrueUpView | undefined> {
  const r = await sql.query<TrueUpSql>("SELECT * FROM true_ups WHERE installation = $1 AND year = $2", [installation, year]);
  return r.rows[0] ? view(r.rows[0]) : undefined;
}

function sameFigure(v: TrueUpView, i: TrueUpInput): Refusal | undefined {
  if (v.verifiedOutput === i.verifiedOutput) return undefined;
  return complianceRefusal("TRUE_UP_BOOKED", `the ${i.year} true-up of ${i.installation} is booked already on verified output ${v.verifiedOutput}, not ${i.verifiedOutput}`, {
    installation: i.installation, year: i.year, verifiedOutput: v.verifiedOutput, transactionId: v.transactionId,
  });
}

/** Books the true-up of an installation and year after verification (national administrator). See the module comment. */
export function bookTrueUp(ctx: ComplianceCtx, c: Caller, i: TrueUpInput): Promise<Result<TrueUpView>> {
  return audited(ctx, c, "compliance.true-up.book", typeof i?.installation === "string" ? i.installation.slice(0, 64) : null, async (): Promise<Result<TrueUpView>> => {
    const perm = mayRunAdministrative(c.principal);
    if (perm) return perm;
    const rb = await ctx.rules();
    if (isRefusal(rb)) return rb;
    const input = checkInput(i);
    if (input) return input;
    const done = await booked(ctx.db, i.installation, i.year);
    if (done) return sameFigure(done, i) ?? { ok: true, value: done, replayed: true };
    const row = await getInstallation(ctx.db, i.installation);
    if (!row) return complianceRefusal("INSTALLATION_UNKNOWN", `installation ${i.installation} is not registered for compliance`, { installation: i.installation });
    const rule = row.sector === null ? undefined : sectorRule(rb, row.sector);
    if (row.sector === null || row.product === null || rule?.method !== "benchmark" || rule.exAnteShare === undefined)
      return complianceRefusal("TRUE_UP_NOT_APPLICABLE", `${i.installation} (sector ${row.sector ?? "none"}, product ${row.product ?? "none"}) has no ex-ante share to true up in ${rb.scheme.id}`, { installation: i.installation, sector: row.sector, product: row.product });
    const state = (await emissionStates(ctx.db, [i.installation], [i.year])).get(`${i.installation}@${i.year}`)?.state ?? "missing";
    if (state !== "verified") return complianceRefusal("TRUE_UP_NOT_VERIFIED", `${i.installation}'s ${i.year} report is ${state}, not verified: the true-up waits for the verification`, { installation: i.installation, year: i.year, state });
    const txId = trueUpTransactionId(i.installation, i.year);
    const basis = await basisOf(ctx.db, rb, row, i.year, i, txId);
    if (isRefusal(basis)) return basis;
    const t = trueUp(rb, { sector: row.sector, product: row.product, options: row.options, verifiedOutput: i.verifiedOutput, preAllocation: basis.delivered });
    if ("ok" in t) return t;
    const lines = [`pre-allocation delivered to ${row.accountId} in ${basis.classCode}: ${basis.delivered}`, ...t.lines];
    if (t.trueUp !== 0n && !(await ctx.ledger.getTransaction(txId))) {
      const up = t.trueUp > 0n;
      const moved = await ctx.registry.initiate(c, {
        transactionId: txId, kind: up ? "allocation" : "reverse_allocation", note: `true-up ${i.year} ${i.installation}`,
        legs: [{ classCode: basis.classCode, from: up ? basis.source : row.accountId, to: up ? row.accountId : basis.source, quantity: (up ? t.trueUp : -t.trueUp).toString() }],
      });
      // Another administrator's booking may have written the same derived transaction meanwhile.
      if (!moved.ok && !(await ctx.ledger.getTransaction(txId))) return moved;
    }
    const by = c.principal.userId as string;
    return command(ctx, c, "true-up.book", i.commandId, { ...i, commandId: undefined }, async (tx): Promise<TrueUpView | Refusal> => {
      await tx.query("SELECT pg_advisory_xact_lock(hashtext('compliance-true-up:' || $1 || '@' || $2))", [i.installation, String(i.year)]);
      const again = await booked(tx, i.installation, i.year);
      if (again) return sameFigure(again, i) ?? again;
      await tx.query(
        `INSERT INTO true_ups (installation, year, pre_allocation, final, true_up, transaction_id, lines, booked_by, booked_at, command_id, verified_output, class_code, source_account)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
        [i.installation, i.year, basis.delivered.toString(), t.final.toString(), t.trueUp.toString(), t.trueUp === 0n ? null : txId, JSON.stringify(lines), by, ctx.now(), i.commandId, i.verifiedOutput, basis.classCode, basis.source],
      );
      return (await booked(tx, i.installation, i.year)) as TrueUpView;
    });
  });
}

/** The booked true-ups of an installation by year (whoever may read all installations); with a page, the years after `after`, at most `take`. */
export async function trueUpsOf(ctx: ComplianceCtx, c: Caller, installation: string, page: { after?: number | undefined; take?: number | undefined } = {}): Promise<Result<TrueUpView[]>> {
  const denied = permit(c.principal, "accounts:read-all");
  if (denied) return denied;
  const r = await ctx.db.query<TrueUpSql>("SELECT * FROM true_ups WHERE installation = $1 AND ($2::int IS NULL OR year > $2) ORDER BY year LIMIT $3", [installation, page.after ?? null, page.take ?? null]);
  return { ok: true, value: r.rows.map(view), replayed: false };
}
