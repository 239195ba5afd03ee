// The international operations of a registry (docs/concepts/international.md): classes defined
// from credit attributes, the Article 6.2 book's decisions that move no units (authorizations,
// revocations, authorized entities) and the operations that do (an Article 6 issuance, a transfer
// to another Party, a use, a cancellation, a mechanism's issuance with its shares). An operation
// that moves units leaves an intent under the id of the ledger transaction it asks for, then asks
// through the secure registry (roles, representatives, four-eyes, audit); the hooks (hooks.ts)
// write the book's records in the transaction that moves the units, at completion. A book
// decision that moves no units is written under the book's lock in one database transaction.
import type { A6Command, A6Record } from "../../domain/international/article6/types.ts";
import { decide } from "../../domain/international/article6/book.ts";
import { type CreditAttributes, classDefinition, validateAttributes } from "../../domain/international/attributes.ts";
import { intlRefusal, type Refusal } from "../../domain/international/codes.ts";
import { deduct, type ShareRule } from "../../domain/international/shares.ts";
import type { InternationalRules } from "../../domain/rulebook/international.ts";
import { type Caller, hasRole, systemPrincipal } from "../../domain/security/roles.ts";
import { securityRefusal } from "../../domain/security/codes.ts";
import type { Clock } from "../../platform/clock.ts";
import type { Db } from "../../store/db.ts";
import type { Result } from "../ledger/index.ts";
import type { SecureRegistry, SecureTransactionView } from "../secure/index.ts";
import { scopeOf } from "../secure/authorize.ts";
import { rightsOf } from "../secure/store.ts";
import { Book } from "./book.ts";
import { parseInternational, recordedInternational, recordInternational, rulesByParty } from "./config.ts";
import { type Intent, putIntent } from "./intents.ts";

const SYSTEM: Caller = { principal: systemPrincipal("international"), ip: null };
const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
const PARTY = /^[A-Z]{3}$/;

export type Role = "pending" | "outbound" | "share_of_proceeds" | "omge" | "buffer";
const ACCOUNT_TYPE: Record<Role, string> = { pending: "pending", outbound: "pending", share_of_proceeds: "share_of_proceeds", omge: "omge_cancellation", buffer: "buffer_pool" };
/** Terminal accounts of uses and voluntary cancellations (one each). */
const USE_ACCOUNT = "INTL-USED";
const CANCEL_ACCOUNT = "INTL-CANCELLED";

export interface MechanismIssuance {
  classCode: string;
  steps: Array<{ step: string; kind: string; to: string; quantity: bigint; transaction: SecureTransactionView }>;
  /** complete: every leg moved; awaiting-approval: the issuance waits for a second administrator (run the command again after). */
  state: "complete" | "awaiting-approval";
}

const bad = (field: string, message: string) => intlRefusal("FIELD_INVALID", `${field}: ${message}`, { field });
const str = (v: unknown, re: RegExp = ID): v is string => typeof v === "string" && re.test(v);
const units = (v: unknown): bigint | null => {
  const s = typeof v === "bigint" ? v.toString() : typeof v === "number" && Number.isSafeInteger(v) ? String(v) : v;
  return typeof s === "string" && /^[1-9]\d{0,17}$/.test(s) ? BigInt(s) : null;
};

export class InternationalService {
  readonly book = new Book();
  constructor(
    readonly reg: SecureRegistry,
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  private now(): string {
    return this.clock.now().toISOString();
  }

  private admin(c: Caller, what: string): Refusal | undefined {
    return hasRole(c.principal, "national-admin") ? undefined : securityRefusal("KIND_NOT_ALLOWED", `${what} is done by a national administrator`, { operation: what });
  }

  // ------------------------------------------------------------------ configuration, classes

  async configure(c: Caller, input: unknown): Promise<Result<InternationalRules>> {
    const no = this.admin(c, "the international configuration");
    if (no) return this.reg.audit.outcome(c, "international.configure", null, no);
    const p = parseInternational(input);
    if (!p.ok) return this.reg.audit.outcome(c, "international.configure", null, p);
    await recordInternational(this.db, p.value, this.now());
    return this.reg.audit.outcome(c, "international.configure", p.value.article6?.party ?? null, { ok: true, value: p.value, replayed: false });
  }

  async rules(): Promise<InternationalRules | null> {
    return (await recordedInternational(this.db)).rules;
  }

  /** Defines the class of units with these attributes (the code derives from them); the same attributes again give the same class. */
  async defineClass(c: Caller, input: { commandId?: unknown; attributes?: unknown }): Promise<Result<{ code: string; attributes: CreditAttributes }>> {
    if (!str(input.commandId)) return bad("commandId", "must be an id");
    const a = validateAttributes(input.attributes);
    if (!a.ok) return a;
    const def = classDefinition(a.value, input.commandId);
    const known = await this.db.query<{ attributes: unknown }>("SELECT attributes FROM intl_classes WHERE class_code = $1", [def.ledger.code]);
    if (known.rows[0]) return { ok: true, value: { code: def.ledger.code, attributes: a.value }, replayed: true };
    const r = await this.reg.defineClass(c, def.ledger);
    if (!r.ok) return r;
    await this.db.query("INSERT INTO intl_classes (class_code, attributes, defined_at) VALUES ($1, $2, $3) ON CONFLICT (class_code) DO NOTHING", [def.ledger.code, JSON.stringify(a.value), this.now()]);
    return { ok: true, value: { code: def.ledger.code, attributes: a.value }, replayed: false };
  }

  async attributesOf(code: string): Promise<CreditAttributes | undefined> {
    const r = await this.db.query<{ attributes: CreditAttributes }>("SELECT attributes FROM intl_classes WHERE class_code = $1", [code]);
    return r.rows[0]?.attributes;
  }

  // ------------------------------------------------------------------ the book's decisions (no units move)

  /** An authorization, a revocation or an authorized entity: decided on the book under its lock and recorded, or refused with nothing written. */
  async decideBook(c: Caller, type: "authorize" | "revoke" | "authorizeEntity", input: Record<string, unknown>): Promise<Result<A6Record[]>> {
    const action = `international.${type}`;
    const no = this.admin(c, type === "revoke" ? "a revocation" : "an authorization");
    if (no) return this.reg.audit.outcome(c, action, null, no);
    const id = input.commandId;
    if (!str(id)) return this.reg.audit.outcome(c, action, null, bad("commandId", "must be an id"));
    const { commandId: _c, ...rest } = input;
    const res = await this.db.transaction(async (tx): Promise<Result<A6Record[]>> => {
      await this.book.lock(tx);
      const view = await this.book.load(tx);
      const mine = view.records.filter((r) => r.id === id || r.id.startsWith(`${id}/`));
      if (mine.length > 0 && mine[0]?.kind === (type === "authorize" ? "authorization" : type === "revoke" ? "revocation" : "entity")) return { ok: true, value: mine, replayed: true };
      const rules = (await recordedInternational(tx)).rules;
      const party = rules?.article6?.party;
      if (!party) return intlRefusal("RULES_MISSING", "the registry has no Article 6 configuration (international.article6)", { rule: "international.article6" });
      const cmd = { ...rest, type, id, date: this.now().slice(0, 10), ...(type === "revoke" ? {} : { party }) } as A6Command;
      const d = decide(view.state, cmd, rulesByParty(rules));
      if (!d.ok) return d;
      await this.book.append(tx, d.value, { txId: null, origin: "local", at: this.now() });
      return { ok: true, value: d.value, replayed: false };
    });
    return this.reg.audit.outcome(c, action, id, res);
  }

  // ------------------------------------------------------------------ operations that move units

  /** The account the service keeps for a role (opened on first use). */
  async account(role: Role, scope: string): Promise<string> {
    const r = await this.db.query<{ account_id: string }>("SELECT account_id FROM intl_accounts WHERE role = $1 AND scope = $2", [role, scope]);
    if (r.rows[0]) return r.rows[0].account_id;
    const id = `INTL-${role.toUpperCase().replace(/_/g, "-")}-${scope.toUpperCase().replace(/[^A-Z0-9-]/g, "")}`.slice(0, 64);
    await this.terminal(id, ACCOUNT_TYPE[role], `International ${role.replace(/_/g, " ")} (${scope})`);
    await this.db.query("INSERT INTO intl_accounts (account_id, role, scope) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", [id, role, scope]);
    return id;
  }

  private async terminal(id: string, type: string, name: string): Promise<void> {
    const o = await this.reg.openAccount(SYSTEM, { commandId: `intl-open-${id}`, accountId: id, type, holder: "international", name });
    if (!o.ok && o.check !== "account-exists") throw new Error(`opening ${id}: ${o.message}`);
  }

  /** Leaves the intent under the transaction's id, then asks for the transaction through the secure registry. */
  private async move(c: Caller, key: string, kind: string, legs: Array<{ classCode: string; from: string | null; to: string; quantity: bigint }>, intent: Intent, purpose?: string): Promise<Result<SecureTransactionView>> {
    const k = this.reg.ledger.catalogue.kinds.get(kind);
    const txId = this.reg.ledger.idFor(scopeOf(c.principal, k), key);
    const put = await putIntent(this.db, txId, intent, this.now());
    if (put) return put;
    return this.reg.initiate(c, { transactionId: key, kind, legs: legs.map((l) => ({ classCode: l.classCode, from: l.from, to: l.to, quantity: l.quantity.toString() })) as never, ...(purpose ? { purpose } : {}) });
  }

  /** The same right the secure registry asks of a representative, checked before the intent is left, so a denied caller leaves nothing. */
  private async mayMove(c: Caller, from: string): Promise<Refusal | undefined> {
    if (c.principal.userId === null) return securityRefusal("PERMISSION_DENIED", "sign in", {});
    const r = await rightsOf(this.db, c.principal.userId, from);
    return r?.initiate ? undefined : securityRefusal("NOT_INITIATOR_REPRESENTATIVE", `you are not a representative of ${from} with the initiate right`, { accountId: from });
  }

  private async intlClass(code: unknown): Promise<Refusal | CreditAttributes> {
    if (!str(code)) return bad("classCode", "must be a class code");
    const a = await this.attributesOf(code);
    return a ?? intlRefusal("ID_UNKNOWN", `no international class ${code} (define it from its attributes first)`, { field: "classCode", classCode: code });
  }

  /** An Article 6 issuance into a holding account of this registry (under an authorization when named). */
  async issue(c: Caller, input: Record<string, unknown>): Promise<Result<SecureTransactionView>> {
    const no = this.admin(c, "an Article 6 issuance");
    if (no) return no;
    if (!str(input.commandId)) return bad("commandId", "must be an id");
    if (!str(input.account)) return bad("account", "must be an account id");
    const q = units(input.quantity);
    if (q === null) return bad("quantity", "must be a positive whole number of units");
    const attrs = await this.intlClass(input.classCode);
    if ("ok" in attrs) return attrs;
    const rules = await this.rules();
    const a6 = rules?.article6;
    if (!a6) return intlRefusal("RULES_MISSING", "the registry has no Article 6 configuration (international.article6)", { rule: "international.article6" });
    // A Party issues (and authorizes) only the mitigation outcomes it hosts.
    if (attrs.host !== a6.party) return intlRefusal("A6_AUTHORIZE_FOREIGN_UNITS", `class ${String(input.classCode)} is hosted by ${attrs.host}; this registry issues ITMOs for ${a6.party} only`, { classCode: input.classCode, host: attrs.host, party: a6.party });
    const record = {
      id: input.commandId, host: a6.party, registry: a6.registryId, vintage: attrs.vintage,
      sector: input.sector ?? attrs.sector, activityType: input.activityType ?? attrs.activityType,
      mitigationType: input.mitigationType ?? (attrs.creditKind === "removal" ? "Removals" : "Emission reductions"),
      metric: "GHG", gwp: input.gwp ?? attrs.gwp, underlying: input.underlying ?? null,
      ...(input.authorization !== undefined ? { authorization: input.authorization } : {}),
    };
    return this.move(c, input.commandId, "issuance", [{ classCode: input.classCode as string, from: null, to: input.account, quantity: q }], { kind: "a6-issue", body: { record } });
  }

  /** A transfer of ITMOs to another Party: the units leave for the outbound account kept for that Party. */
  async transfer(c: Caller, input: Record<string, unknown>): Promise<Result<SecureTransactionView>> {
    if (!str(input.commandId)) return bad("commandId", "must be an id");
    if (!str(input.from)) return bad("from", "must be an account id");
    if (!str(input.to, PARTY)) return bad("to", "must be a Party code (ISO 3166 alpha-3)");
    const q = units(input.quantity);
    if (q === null) return bad("quantity", "must be a positive whole number of units");
    if (!str(input.classCode)) return bad("classCode", "must be a class code");
    const denied = await this.mayMove(c, input.from);
    if (denied) return denied;
    const out = await this.account("outbound", input.to);
    return this.move(c, input.commandId, "external_transfer", [{ classCode: input.classCode as string, from: input.from, to: out, quantity: q }], { kind: "a6-transfer", body: { recordId: input.commandId, to: input.to } });
  }

  /** A use towards the NDC (or for other international mitigation purposes), or a cancellation. */
  async useOrCancel(c: Caller, what: "use" | "cancel", input: Record<string, unknown>): Promise<Result<SecureTransactionView>> {
    if (!str(input.commandId)) return bad("commandId", "must be an id");
    if (!str(input.from)) return bad("from", "must be an account id");
    const q = units(input.quantity);
    if (q === null) return bad("quantity", "must be a positive whole number of units");
    if (!str(input.classCode)) return bad("classCode", "must be a class code");
    const denied = await this.mayMove(c, input.from);
    if (denied) return denied;
    const party = (await this.rules())?.article6?.party;
    if (!party) return intlRefusal("RULES_MISSING", "the registry has no Article 6 configuration (international.article6)", { rule: "international.article6" });
    const leg = (to: string) => [{ classCode: input.classCode as string, from: input.from as string, to, quantity: q }];
    if (what === "cancel") {
      if (input.reason !== "omge" && input.reason !== "voluntary") return bad("reason", "must be omge or voluntary");
      const to = input.reason === "omge" ? await this.account("omge", "A6.2") : (await this.terminal(CANCEL_ACCOUNT, "voluntary_cancellation", "International voluntary cancellation"), CANCEL_ACCOUNT);
      return this.move(c, input.commandId, "itmo_cancellation", leg(to), { kind: "a6-cancel", body: { recordId: input.commandId, party, reason: input.reason } });
    }
    if (input.purpose !== "NDC" && input.purpose !== "OIMP") return bad("purpose", "must be NDC or OIMP");
    if (input.forYear !== undefined && !(typeof input.forYear === "number" && Number.isInteger(input.forYear))) return bad("forYear", "must be a year");
    await this.terminal(USE_ACCOUNT, "retirement", "International use (Article 6.2)");
    const body: Record<string, unknown> = { recordId: input.commandId, party, purpose: input.purpose };
    for (const k of ["oimpPurpose", "entity", "forYear"] as const) if (input[k] !== undefined) body[k] = input[k];
    return this.move(c, input.commandId, "itmo_use", leg(USE_ACCOUNT), { kind: "a6-use", body });
  }

  /**
   * A mechanism's issuance (CDM, Article 6.4): the gross quantity into the mechanism's pending
   * account, then the shares the rules name (adaptation share of proceeds; for Article 6.4 the
   * OMGE cancellation and, for removals, the buffer contribution), each computed on the gross by
   * its named rounding (shares.ts deduct), then the rest forwarded to the account named. Each leg
   * is its own transaction under an id derived from the command's, so running the command again
   * completes one cut short and never moves a leg twice.
   */
  async issueWithShares(c: Caller, input: Record<string, unknown>): Promise<Result<MechanismIssuance>> {
    const no = this.admin(c, "a mechanism's issuance");
    if (no) return no;
    if (!str(input.commandId)) return bad("commandId", "must be an id");
    if (!str(input.to)) return bad("to", "must be an account id");
    const gross = units(input.quantity);
    if (gross === null) return bad("quantity", "must be a positive whole number of units");
    const attrs = await this.intlClass(input.classCode);
    if ("ok" in attrs) return attrs;
    const classCode = input.classCode as string;
    const rules = await this.rules();
    const shares: Record<string, ShareRule> = {};
    const mech = attrs.mechanism;
    if (mech === "CDM") {
      if (!rules?.cdm) return intlRefusal("RULES_MISSING", "the configuration gives no CDM rules (international.cdm)", { rule: "international.cdm" });
      if (!rules.cdm.shareOfProceedsExemptHosts.includes(attrs.host)) shares.share_of_proceeds = rules.cdm.shareOfProceeds;
    } else if (mech === "A6.4") {
      if (!rules?.a64) return intlRefusal("RULES_MISSING", "the configuration gives no Article 6.4 rules (international.a64)", { rule: "international.a64" });
      shares.share_of_proceeds = rules.a64.shareOfProceeds;
      shares.omge = rules.a64.omge;
      if (attrs.creditKind === "removal") {
        const rating = input.riskRating;
        const rule = typeof rating === "string" ? rules.a64.removals?.bufferByRiskRating[rating] : undefined;
        if (!rule) return intlRefusal("RULES_MISSING", `no buffer contribution for the risk rating ${JSON.stringify(rating)} (international.a64.removals.bufferByRiskRating)`, { rule: "international.a64.removals.bufferByRiskRating", field: "riskRating" });
        shares.buffer = rule;
      }
    } else return bad("classCode", `units of ${mech} are not issued with shares (CDM or A6.4 only)`);
    const d = deduct(gross, shares);
    const pending = await this.account("pending", mech);
    const body = { mechanism: mech, gross: gross.toString(), commandId: input.commandId };
    const out: MechanismIssuance = { classCode, steps: [], state: "complete" };
    const issued = await this.move(c, `${input.commandId}:issue`, "issuance", [{ classCode, from: null, to: pending, quantity: gross }], { kind: "mech-step", body: { ...body, step: "issue" } });
    if (!issued.ok) return issued;
    out.steps.push({ step: "issue", kind: "issuance", to: pending, quantity: gross, transaction: issued.value });
    if (issued.value.status !== "completed") return { ok: true, value: { ...out, state: "awaiting-approval" }, replayed: false };
    const legs: Array<[string, string, Role]> = [["share_of_proceeds", "share_of_proceeds", "share_of_proceeds"], ["omge", "omge_cancellation", "omge"], ["buffer", "buffer_contribution", "buffer"]];
    for (const [share, kind, role] of legs) {
      const q = (d.shares as Record<string, bigint>)[share];
      if (q === undefined || q === 0n) continue;
      const to = await this.account(role, mech);
      const r = await this.move(c, `${input.commandId}:${share}`, kind, [{ classCode, from: pending, to, quantity: q }], { kind: "mech-step", body: { ...body, step: share } });
      if (!r.ok) return r;
      out.steps.push({ step: share, kind, to, quantity: q, transaction: r.value });
    }
    if (d.remainder > 0n) {
      const r = await this.move(c, `${input.commandId}:forward`, "forwarding", [{ classCode, from: pending, to: input.to, quantity: d.remainder }], { kind: "mech-step", body: { ...body, step: "forward" } });
      if (!r.ok) return r;
      out.steps.push({ step: "forward", kind: "forwarding", to: input.to, quantity: d.remainder, transaction: r.value });
    }
    return { ok: true, value: out, replayed: issued.replayed };
  }
}

