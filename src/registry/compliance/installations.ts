// Installations under compliance: registered by a national administrator with the operator
// holding account that carries the installation's id (its sector, product and tags decide which
// scheme rules apply and which verifiers are accredited for it), listed for whoever may see them,
// and the obligation terms an administrator sets per period (Tokyo's facility cap and required
// reduction). Registration and terms are immutable rows: the trail is the table.
import { complianceRefusal, type Refusal } from "../../domain/compliance/codes.ts";
import { compliancePeriod } from "../../domain/compliance/obligation.ts";
import type { Rulebook } from "../../domain/rulebook/index.ts";
import { type Caller, can } from "../../domain/security/roles.ts";
import type { Sql } from "../../store/db.ts";
import { representedAccounts } from "../secure/store.ts";
import { audited, command, type ComplianceCtx, isRefusal, mayRunAdministrative, readsAll, type Result } from "./context.ts";
import { getInstallation, type InstallationRow, listInstallations, OPERATOR_TYPES } from "./store.ts";

export const INSTALLATION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export type InstallationView = InstallationRow;

export interface RegisterInput {
  commandId: string;
  installation: string;
  accountId: string;
  sector?: string | undefined;
  product?: string | undefined;
  tags?: string[] | undefined;
  /** Options of the sector's adjustment factors (China: cooling -> air), for true-ups. */
  options?: Record<string, string> | undefined;
}

const bad = (field: string, why: string) => complianceRefusal("INPUT_INVALID", `${field}: ${why}`, { field });

function checkRegister(rb: Rulebook, i: RegisterInput): Refusal | undefined {
  if (typeof i.installation !== "string" || !INSTALLATION_PATTERN.test(i.installation)) return bad("installation", "letters, digits and . _ - (up to 64)");
  if (typeof i.accountId !== "string") return bad("accountId", "an operator holding account id");
  const sectors = Object.keys(rb.allocation.sectors);
  if (i.sector !== undefined && !sectors.includes(i.sector)) return bad("sector", `not a sector of ${rb.scheme.id} (${sectors.join(", ")})`);
  if (i.product !== undefined && (typeof i.product !== "string" || !INSTALLATION_PATTERN.test(i.product))) return bad("product", "a product id");
  if (i.tags !== undefined && (!Array.isArray(i.tags) || i.tags.length > 20 || i.tags.some((t) => typeof t !== "string" || !INSTALLATION_PATTERN.test(t)))) return bad("tags", "up to 20 ids");
  if (i.options !== undefined && (typeof i.options !== "object" || i.options === null || Object.entries(i.options).length > 10 || Object.values(i.options).some((v) => typeof v !== "string" || v.length > 64)))
    return bad("options", "up to 10 factor -> option names");
  return undefined;
}

async function register(ctx: ComplianceCtx, tx: Sql, rb: Rulebook, i: RegisterInput, by: string): Promise<InstallationView | Refusal> {
  const bad0 = checkRegister(rb, i);
  if (bad0) return bad0;
  const a = (await tx.query<{ id: string; type: string; holder: string; installation: string | null; status: string }>("SELECT id, type, holder, installation, status FROM accounts WHERE id = $1", [i.accountId])).rows[0];
  if (!a || !(OPERATOR_TYPES as readonly string[]).includes(a.type) || a.installation !== i.installation || a.status !== "open")
    return complianceRefusal("INSTALLATION_ACCOUNT_MISMATCH", `${i.accountId} is not an open operator holding account of installation ${i.installation}`, { accountId: i.accountId, installation: i.installation });
  if (await getInstallation(tx, i.installation)) return complianceRefusal("INSTALLATION_ACCOUNT_MISMATCH", `installation ${i.installation} is already registered`, { installation: i.installation });
  const at = ctx.now();
  await tx.query(
    "INSERT INTO compliance_installations (installation, account_id, operator, sector, product, tags, options, registered_by, registered_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
    [i.installation, i.accountId, a.holder, i.sector ?? null, i.product ?? null, i.tags ?? [], JSON.stringify(i.options ?? {}), by, at],
  );
  return (await getInstallation(tx, i.installation)) as InstallationView;
}

/** Registers an installation for compliance (national administrator). */
export function registerInstallation(ctx: ComplianceCtx, c: Caller, i: RegisterInput): Promise<Result<InstallationView>> {
  return audited(ctx, c, "compliance.installation.register", typeof i?.installation === "string" ? i.installation.slice(0, 64) : null, async () => {
    const perm = mayRunAdministrative(c.principal);
    if (perm) return perm;
    const rb = await ctx.rules();
    if (isRefusal(rb)) return rb;
    return command(ctx, c, "installation.register", i?.commandId, { ...i, commandId: undefined }, (tx) => register(ctx, tx, rb, i, c.principal.userId as string));
  });
}

/**
 * Installations the caller may see, in id order, a page at a time: all for administrators and the
 * authority; a representative's own; a verifier's appointed ones.
 */
export async function installations(ctx: ComplianceCtx, c: Caller, opts: { after?: string | undefined; limit?: number | undefined } = {}): Promise<Result<{ items: InstallationView[]; next: string | null }>> {
  const p = c.principal;
  const limit = Math.max(1, Math.min(opts.limit ?? 100, 500));
  let only: string[] | undefined;
  if (!readsAll(p)) {
    const mine = new Set<string>();
    if (p.userId !== null && can(p, "accounts:read-public")) {
      const accounts = await representedAccounts(ctx.db, p.userId);
      if (accounts.length > 0) {
        const r = await ctx.db.query<{ installation: string }>("SELECT installation FROM accounts WHERE id = ANY($1::text[]) AND installation IS NOT NULL", [accounts]);
        for (const x of r.rows) mine.add(x.installation);
      }
    }
    if (p.userId !== null && can(p, "verification:submit")) {
      const r = await ctx.db.query<{ installation: string }>("SELECT DISTINCT installation FROM verifier_appointments WHERE verifier = $1", [p.userId]);
      for (const x of r.rows) mine.add(x.installation);
    }
    only = [...mine];
  }
  const rows = await listInstallations(ctx.db, { after: opts.after, limit: limit + 1, only });
  const items = rows.slice(0, limit);
  return { ok: true, value: { items, next: rows.length > limit ? (items[items.length - 1]?.installation ?? null) : null }, replayed: false };
}

export interface TermsInput {
  commandId: string;
  installation: string;
  period: string;
  facilityCap?: string | undefined;
  requiredReduction?: string | undefined;
}

export interface TermsView {
  installation: string;
  period: string;
  facilityCap: string | null;
  requiredReduction: string | null;
  setBy: string;
  setAt: string;
}

const WHOLE = /^(0|[1-9]\d{0,17})$/;

/** Sets an installation's obligation terms for a period (national administrator), once. */
export function setTerms(ctx: ComplianceCtx, c: Caller, i: TermsInput): Promise<Result<TermsView>> {
  return audited(ctx, c, "compliance.terms.set", typeof i?.installation === "string" ? i.installation.slice(0, 64) : null, async () => {
    const perm = mayRunAdministrative(c.principal);
    if (perm) return perm;
    const rb = await ctx.rules();
    if (isRefusal(rb)) return rb;
    return command(ctx, c, "terms.set", i?.commandId, { ...i, commandId: undefined }, async (tx): Promise<TermsView | Refusal> => {
      if (typeof i.installation !== "string" || !(await getInstallation(tx, i.installation))) return complianceRefusal("INSTALLATION_UNKNOWN", `installation ${String(i.installation)} is not registered`, { installation: i.installation });
      const p = compliancePeriod(rb, String(i.period));
      if ("ok" in p) return p;
      for (const f of ["facilityCap", "requiredReduction"] as const) if (i[f] !== undefined && !WHOLE.test(String(i[f]))) return bad(f, "a whole number of allowances >= 0");
      if (i.facilityCap === undefined && i.requiredReduction === undefined) return bad("facilityCap", "give facilityCap or requiredReduction");
      const exists = await tx.query("SELECT 1 FROM obligation_terms WHERE installation = $1 AND period = $2", [i.installation, p.id]);
      if (exists.rows.length > 0) return bad("period", `the terms of ${i.installation} for ${p.id} are set already`);
      const at = ctx.now();
      const by = c.principal.userId as string;
      await tx.query("INSERT INTO obligation_terms (installation, period, facility_cap, required_reduction, set_by, set_at) VALUES ($1,$2,$3,$4,$5,$6)", [i.installation, p.id, i.facilityCap ?? null, i.requiredReduction ?? null, by, at]);
      return { installation: i.installation, period: p.id, facilityCap: i.facilityCap ?? null, requiredReduction: i.requiredReduction ?? null, setBy: by, setAt: at };
    });
  });
}
