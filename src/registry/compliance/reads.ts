// Two reads the web console's compliance pages need and the other operations do not give: a
// verifier's accreditation rows (its own, or any verifier's for administrators and the authority),
// and what an installation's holdings could do for a period's obligation, class by class (the
// domain's assessHoldings on the obligation the surrender rules check against and the lines
// already counted). Both only read; the surrender itself is decided by the hook (hook.ts).
import { complianceRefusal, type Refusal } from "../../domain/compliance/codes.ts";
import { deadlineOf } from "../../domain/compliance/obligation.ts";
import { assessHoldings, type SurrenderLine } from "../../domain/compliance/surrender.ts";
import type { Caller } from "../../domain/security/roles.ts";
import { permit } from "../secure/index.ts";
import { type ComplianceCtx, isRefusal, mayRead, readsAll, type Result } from "./context.ts";
import { localDay } from "./hook.ts";
import { checkingObligation, oneObligationFacts, periodById } from "./obligations.ts";
import { getInstallation, surrenderLines } from "./store.ts";

export interface AccreditationView {
  verifier: string;
  accreditationId: string;
  seq: number;
  body: string;
  standard: string;
  scopes: string[];
  validFrom: string;
  expires: string;
  status: string;
  recordedAt: string;
}

const day = (d: unknown): string => (d instanceof Date ? d.toISOString().slice(0, 10) : String(d).slice(0, 10));

/**
 * The current row of each accreditation of a verifier (the latest `seq` per accreditation id), in id
 * order. A verifier reads its own; administrators and the authority any verifier's.
 */
export async function accreditationsOf(ctx: ComplianceCtx, c: Caller, verifier?: string): Promise<Result<AccreditationView[]>> {
  const me = c.principal.userId;
  const who = verifier ?? me;
  if (!readsAll(c.principal)) {
    const perm = permit(c.principal, "verification:submit");
    if (perm) return perm;
    if (who !== me) return complianceRefusal("INPUT_INVALID", "verifier: a verifier reads only its own accreditations", { field: "verifier" });
  }
  if (typeof who !== "string" || who === "") return complianceRefusal("INPUT_INVALID", "verifier: the verifier's user id", { field: "verifier" });
  const r = await ctx.db.query<{ verifier: string; accreditation_id: string; seq: number; body: string; standard: string; scopes: string[]; valid_from: unknown; expires: unknown; status: string; recorded_at: string }>(
    `SELECT a.* FROM verifier_accreditations a
     WHERE a.verifier = $1 AND a.seq = (SELECT max(b.seq) FROM verifier_accreditations b WHERE b.verifier = a.verifier AND b.accreditation_id = a.accreditation_id)
     ORDER BY a.accreditation_id`,
    [who],
  );
  return {
    ok: true, replayed: false,
    value: r.rows.map((a) => ({
      verifier: a.verifier, accreditationId: a.accreditation_id, seq: a.seq, body: a.body, standard: a.standard, scopes: a.scopes, validFrom: day(a.valid_from), expires: day(a.expires), status: a.status, recordedAt: a.recorded_at,
    })),
  };
}

export interface SurrenderOptionsView {
  installation: string;
  accountId: string;
  period: string;
  deadline: string | null;
  /** The obligation the surrender rules check against now (only the carry-over while emissions are not determined). */
  due: string;
  emissions: string;
  determined: boolean;
  /** Compliance value already counted for the period. */
  counted: string;
  remaining: string;
  holdings: Array<{
    classCode: string;
    unitType: string;
    vintage: number | null;
    quantity: string;
    available: string;
    /** How the class counts (category, exchange rate, value of what is available, the room a limit leaves), or the rule keeping it out. */
    counts: { ok: true; category: string; rate: string; value: string; limitedTo: string | null } | { ok: false; code: number; check: string };
  }>;
}

/** The installation's holdings of its operator account assessed for a period's obligation (who may read the installation). */
export async function surrenderOptions(ctx: ComplianceCtx, c: Caller, installation: string, periodId: string): Promise<Result<SurrenderOptionsView>> {
  const denied = await mayRead(ctx, c.principal, installation);
  if (denied) return denied;
  const rb = await ctx.rules();
  if (isRefusal(rb)) return rb;
  const period = periodById(rb, periodId);
  if ("ok" in period) return period;
  const row = await getInstallation(ctx.db, installation);
  if (!row) return complianceRefusal("INSTALLATION_UNKNOWN", `installation ${installation} is not registered for compliance`, { installation });
  const facts = await oneObligationFacts(ctx.db, rb, installation, period);
  const obligation = checkingObligation(rb, facts);
  const determined = !facts.emissions.some((e) => e.state.state === "missing" || e.state.state === "not-verified");
  const previous = (await surrenderLines(ctx.db, [installation], period.id)).get(installation) ?? [];
  const held = await ctx.ledger.holdings(row.accountId, {});
  const classes = await ctx.db.query<{ code: string; unit_type: string; scheme: string; vintage: number | null; host_country: string | null }>(
    "SELECT code, unit_type, scheme, vintage, host_country FROM unit_classes WHERE code = ANY($1::text[])",
    [(held ?? []).map((h) => h.classCode)],
  );
  const byCode = new Map(classes.rows.map((x) => [x.code, x]));
  const lines: SurrenderLine[] = (held ?? []).map((h) => {
    const x = byCode.get(h.classCode);
    return {
      class: { code: h.classCode, unitType: x?.unit_type ?? h.unitType, scheme: x?.scheme ?? "", ...(x?.vintage == null ? {} : { vintage: x.vintage }), ...(x?.host_country == null ? {} : { hostCountry: x.host_country }) },
      quantity: h.available,
    };
  });
  const assessed = assessHoldings({ rulebook: rb, obligation, previous, asOf: localDay(rb, ctx.now()) }, lines);
  const counted = previous.reduce((a, l) => a + l.value, 0n);
  const remaining = obligation.due > counted ? obligation.due - counted : 0n;
  return {
    ok: true, replayed: false,
    value: {
      installation, accountId: row.accountId, period: period.id, deadline: deadlineOf(rb, period) ?? null, due: obligation.due.toString(), emissions: obligation.emissions.toString(), determined,
      counted: counted.toString(), remaining: remaining.toString(),
      holdings: (held ?? []).map((h, i) => {
        const a = assessed[i]?.counts as Refusal | { ok: true; category: string; rate: string; value: bigint; limitedTo?: bigint };
        return {
          classCode: h.classCode, unitType: h.unitType, vintage: byCode.get(h.classCode)?.vintage ?? null, quantity: h.quantity.toString(), available: h.available.toString(),
          counts: a.ok ? { ok: true as const, category: a.category, rate: a.rate, value: a.value.toString(), limitedTo: a.limitedTo === undefined ? null : a.limitedTo.toString() } : { ok: false as const, code: a.code, check: a.check },
        };
      }),
    },
  };
}
