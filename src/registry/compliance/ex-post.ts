// Ex-post issuance of excess reductions (Tokyo, issue 11 item 3): once an installation's emissions
// of every year of a compliance period are verified and locked, what they stay below its facility
// cap (at most the rulebook's share of the baseline, where it sets one) becomes tradable credits in
// its operator account. A national administrator issues them; they are created, so the issuance is
// four-eyes, like every issuance:
//   1. `ex-post.<period>.<installation>.issue`: an issuance of the figure into the national issuance
//      account, in the period's class `<scheme>-ER-<period>` (unit type `compliance.exPostIssuance.
//      unitType`, vintage the period's last year, defined here when first needed). It waits for a
//      second national administrator's approval (the initiator's own is refused, 8004), and the
//      command answers 9319 until then. A rejected or cancelled issuance, or one of a figure the
//      verified emissions no longer give, leaves room for another attempt (`.issue.2`, ... up to
//      MAX_ATTEMPTS);
//   2. `ex-post.<period>.<installation>`: once the issuance is completed, the same commandId sent
//      again (by any national administrator) moves the credits to the operator account, kind
//      `ex_post_issuance`. Its hook (ex-post-hook.ts) computes the figure again, checks the
//      transfer against it and its issuance, and writes the `ex_post_issuances` row in the same
//      database transaction: once per period and installation, whatever the door.
// Both transaction ids derive from the (period, installation), so two commands never issue twice;
// the command's result is kept by its id (compliance_commands): the same commandId answers it, a
// later command for the same pair is refused naming the issuance (9318). Should the process stop
// between the transfer and keeping the command's result, the same commandId finds the row and
// answers it.
import { complianceRefusal, type Refusal } from "../../domain/compliance/codes.ts";
import { exPostClass } from "../../domain/compliance/ex-post.ts";
import { ID_PATTERN } from "../../domain/ledger/commands.ts";
import type { Caller } from "../../domain/security/roles.ts";
import type { Db, Sql } from "../../store/db.ts";
import { permit } from "../secure/index.ts";
import { representedAccounts } from "../secure/store.ts";
import { audited, command, type ComplianceCtx, isRefusal, mayRunAdministrative, readsAll, type Result } from "./context.ts";
import { completedIssuance, exPostIssuanceId, exPostTransactionId, figureOf, MAX_ATTEMPTS, matches } from "./ex-post-hook.ts";
import { periodById } from "./obligations.ts";
import { getInstallation } from "./store.ts";

export interface ExPostInput {
  commandId: string;
  period: string;
  installation: string;
}

export interface ExPostView {
  period: string;
  installation: string;
  account: string;
  classCode: string;
  unitType: string;
  vintage: number;
  emissions: string;
  facilityCap: string;
  surplus: string;
  /** The rulebook's ceiling on the issuance (null where it sets none). */
  ceiling: string | null;
  issued: string;
  transactionId: string;
  issuanceId: string;
  lines: string[];
  issuedBy: string | null;
  recordedAt: string;
}

interface Raw {
  period: string;
  installation: string;
  account_id: string;
  class_code: string;
  unit_type: string;
  vintage: number;
  emissions: bigint;
  facility_cap: bigint;
  surplus: bigint;
  ceiling: bigint | null;
  issued: bigint;
  transaction_id: string;
  issuance_id: string;
  lines: string[];
  issued_by: string | null;
  recorded_at: string;
}

const view = (r: Raw): ExPostView => ({
  period: r.period, installation: r.installation, account: r.account_id, classCode: r.class_code, unitType: r.unit_type, vintage: r.vintage,
  emissions: String(r.emissions), facilityCap: String(r.facility_cap), surplus: String(r.surplus), ceiling: r.ceiling === null ? null : String(r.ceiling), issued: String(r.issued),
  transactionId: r.transaction_id, issuanceId: r.issuance_id, lines: r.lines, issuedBy: r.issued_by, recordedAt: new Date(r.recorded_at).toISOString(),
});

/** The transfer's note names the command that wrote it, so that command sent again is answered, not refused. */
const transferNote = (period: string, i: ExPostInput) => `excess reductions ${period} ${i.installation} (command ${i.commandId})`;
const bad = (field: string, why: string) => complianceRefusal("INPUT_INVALID", `${field}: ${why}`, { field });
const PART = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

async function issuedRow(sql: Db | Sql, period: string, installation: string): Promise<ExPostView | undefined> {
  const r = await sql.query<Raw>("SELECT * FROM ex_post_issuances WHERE period = $1 AND installation = $2", [period, installation]);
  return r.rows[0] ? view(r.rows[0]) : undefined;
}

function checkInput(i: ExPostInput): Refusal | undefined {
  if (typeof i !== "object" || i === null) return bad("(body)", "must be an object");
  if (typeof i.commandId !== "string" || !ID_PATTERN.test(i.commandId)) return bad("commandId", "letters, digits and . _ : - (up to 128), starting with a letter or digit");
  if (typeof i.period !== "string" || !PART.test(i.period)) return bad("period", "a compliance period id");
  if (typeof i.installation !== "string" || !PART.test(i.installation)) return bad("installation", "an installation id");
  return undefined;
}

/** The period's class, defined when first needed (idempotent); a class of that code defined otherwise is refused. */
async function ensureClass(ctx: ComplianceCtx, c: Caller, cls: ReturnType<typeof exPostClass>): Promise<Refusal | undefined> {
  const same = (x: { unitType: string; vintage: number | null; scheme: string | null } | undefined) => x !== undefined && x.unitType === cls.unitType && x.vintage === cls.vintage && x.scheme === cls.scheme;
  let found = await ctx.ledger.getClass(cls.code);
  if (!found) {
    const r = await ctx.registry.defineClass(c, { commandId: `ex-post-class.${cls.code}`, code: cls.code, unitType: cls.unitType, scheme: cls.scheme, vintage: cls.vintage });
    found = await ctx.ledger.getClass(cls.code);
    if (!found && !r.ok) return r;
  }
  if (!same(found as never)) return bad("classCode", `the class ${cls.code} exists with another definition: the excess reductions of the period are ${cls.unitType} of vintage ${cls.vintage} (${cls.scheme})`);
  return undefined;
}

async function issuanceAccount(sql: Db): Promise<string | Refusal> {
  const r = await sql.query<{ id: string }>("SELECT id FROM accounts WHERE type = 'national_issuance' AND status = 'open' ORDER BY id LIMIT 2");
  if (r.rows.length !== 1) return bad("accounts", r.rows.length === 0 ? "the registry has no open national issuance account to issue into" : "the registry has several national issuance accounts: ex-post issuance needs one");
  return (r.rows[0] as { id: string }).id;
}

/**
 * The issuance of the figure into the national issuance account, found or initiated: the first
 * attempt of exactly this figure that is completed or still waiting, else a new attempt. An attempt
 * rejected or cancelled, or of another figure (the verified emissions were corrected after it was
 * asked for), is passed over: the approver rejects a stale one still waiting; units a stale
 * completed one created stay in the national issuance account (the list of issuances shows which
 * attempt backs each transfer).
 */
async function issuance(ctx: ComplianceCtx, c: Caller, i: ExPostInput, classCode: string, to: string, quantity: bigint): Promise<{ id: string; status: string } | Refusal> {
  const leg = { classCode, to, quantity };
  for (let n = 1; n <= MAX_ATTEMPTS; n++) {
    const id = exPostIssuanceId(i.period, i.installation, n);
    const prior = await ctx.ledger.getTransaction(id);
    if (prior && (prior.status === "rejected" || prior.status === "cancelled" || !matches(prior, leg))) continue;
    if (prior) return { id, status: prior.status };
    const r = await ctx.registry.initiate(c, { transactionId: id, kind: "issuance", legs: [{ classCode, to, quantity: quantity.toString() }], note: `ex-post issuance of excess reductions ${i.period} ${i.installation}` });
    if (r.ok) return { id, status: r.value.status };
    const raced = await ctx.ledger.getTransaction(id); // another administrator's command wrote it meanwhile
    if (!raced) return r;
    return { id, status: raced.status };
  }
  return complianceRefusal("EX_POST_AWAITING_APPROVAL", `${MAX_ATTEMPTS} issuances of ${i.installation}'s excess reductions of ${i.period} were rejected, cancelled or of another figure: no further attempt`, { installation: i.installation, period: i.period });
}

/** Issues an installation's excess reductions of a period after verification (national administrator; four-eyes). See the module comment. */
export function issueExPost(ctx: ComplianceCtx, c: Caller, i: ExPostInput): Promise<Result<ExPostView>> {
  return audited(ctx, c, "compliance.ex-post.issue", typeof i?.installation === "string" ? i.installation.slice(0, 64) : null, async (): Promise<Result<ExPostView>> => {
    const perm = mayRunAdministrative(c.principal);
    if (perm) return perm;
    const rb = await ctx.rules();
    if (isRefusal(rb)) return rb;
    const input = checkInput(i);
    if (input) return input;
    const req = { period: i.period, installation: i.installation };
    const answer = () => command(ctx, c, "ex-post.issue", i.commandId, req, async (tx): Promise<ExPostView | Refusal> => {
      const row = await issuedRow(tx, i.period, i.installation);
      return row ?? complianceRefusal("EX_POST_WITHOUT_SERVICE", `the ex-post issuance of ${i.installation} for ${i.period} completed without its row`, { installation: i.installation, period: i.period });
    });
    // The same commandId again: the first result (or 5002 when it named another pair).
    const scope = `user:${c.principal.userId ?? "anonymous"}`;
    if ((await ctx.db.query("SELECT 1 FROM compliance_commands WHERE scope = $1 AND command_id = $2", [scope, i.commandId])).rows.length > 0) return answer();
    const period = periodById(rb, i.period);
    if ("ok" in period) return period;
    if (!rb.compliance?.exPostIssuance) return complianceRefusal("NOT_EX_POST", `${rb.scheme.id} issues no excess reductions ex post`, { scheme: rb.scheme.id });
    const row = await getInstallation(ctx.db, i.installation);
    if (!row) return complianceRefusal("INSTALLATION_UNKNOWN", `installation ${i.installation} is not registered for compliance`, { installation: i.installation });
    const txId = exPostTransactionId(period.id, i.installation);
    const done = await issuedRow(ctx.db, period.id, i.installation);
    if (done) {
      // Issued by this very command when the process stopped before its result was kept: answer it.
      const t = await ctx.ledger.getTransaction(txId);
      if (t?.initiator === c.principal.userId && t?.note === transferNote(period.id, i)) return answer();
      return complianceRefusal("EX_POST_ISSUED", `${i.installation}'s excess reductions of ${period.id} are issued already: ${done.issued} ${done.classCode} (${done.transactionId}, by ${done.issuedBy ?? "?"})`, { installation: i.installation, period: period.id, transactionId: done.transactionId, issued: done.issued });
    }
    const computed = await figureOf(ctx.db, rb, i.installation, period);
    if ("ok" in computed) return computed;
    const quantity = computed.figure.issued;
    const cls = exPostClass(rb, period);
    const clsBad = await ensureClass(ctx, c, cls);
    if (clsBad) return clsBad;
    const nat = await issuanceAccount(ctx.db);
    if (typeof nat !== "string") return nat;
    if (!(await completedIssuance(ctx.db, period.id, i.installation, { classCode: cls.code, to: nat, quantity }))) {
      const iss = await issuance(ctx, c, i, cls.code, nat, quantity);
      if (isRefusal(iss)) return iss;
      if (iss.status !== "completed") {
        return complianceRefusal("EX_POST_AWAITING_APPROVAL", `the issuance ${iss.id} of ${quantity} ${cls.code} is ${iss.status.replace(/_/g, " ")}: once a second national administrator approves it, send the same commandId again`, {
          issuanceId: iss.id, status: iss.status, quantity: quantity.toString(), classCode: cls.code,
        });
      }
    }
    if (!(await ctx.ledger.getTransaction(txId))) {
      const moved = await ctx.registry.initiate(c, {
        transactionId: txId, kind: "ex_post_issuance", note: transferNote(period.id, i),
        legs: [{ classCode: cls.code, from: nat, to: row.accountId, quantity: quantity.toString() }],
      });
      if (!moved.ok && !(await issuedRow(ctx.db, period.id, i.installation))) return moved;
    }
    return answer();
  }, (r) => (r.ok ? { issued: r.value.issued, period: r.value.period, replayed: r.replayed } : {}));
}

/**
 * The excess reductions issued for a period, per installation: all of them for administrators and
 * the authority, an operator's representatives see their own installations'.
 */
/** By period, then installation; with a page, those after `after` (the last shown), at most `take`. */
export async function listExPost(ctx: ComplianceCtx, c: Caller, opts: { period?: string | undefined; installation?: string | undefined; after?: { period: string; installation: string } | undefined; take?: number | undefined } = {}): Promise<Result<ExPostView[]>> {
  let accounts: string[] | null = null;
  if (!readsAll(c.principal)) {
    if (c.principal.userId === null) return permit(c.principal, "accounts:read-all") as Refusal;
    accounts = await representedAccounts(ctx.db, c.principal.userId);
  }
  const r = await ctx.db.query<Raw>(
    `SELECT * FROM ex_post_issuances WHERE ($1::text IS NULL OR period = $1) AND ($2::text IS NULL OR installation = $2) AND ($3::text[] IS NULL OR account_id = ANY($3::text[]))
       AND ($4::text IS NULL OR (period, installation) > ($4::text, $5::text)) ORDER BY period, installation LIMIT $6`,
    [opts.period ?? null, opts.installation ?? null, accounts, opts.after?.period ?? null, opts.after?.installation ?? null, opts.take ?? null],
  );
  return { ok: true, value: r.rows.map(view), replayed: false };
}
