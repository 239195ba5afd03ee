// The one write path: a Plan (src/domain/ledger/plan.ts) sent to ledger_apply in one statement,
// and what the database answers, decoded. The database's typed SQLSTATEs carry their facts as JSON
// in DETAIL; nothing here parses a message.
import { refuse, type Refusal } from "../../domain/ledger/checks.ts";
import { canonical } from "../../domain/ledger/commands.ts";
import { holdingLimitRefusal, type Plan } from "../../domain/ledger/plan.ts";
import { type Sql, sqlState } from "../../store/db.ts";

/** One movement a step made: [leg, part, classCode, from, to, start, end]. */
export type Move = [legNo: number, partNo: number, classCode: string, from: string | null, to: string, start: string, end: string];

export type Applied =
  | { kind: "done"; moves: Move[][] }
  /** An expectation no longer held: plan again from a fresh snapshot. */
  | { kind: "stale"; facts: Record<string, unknown> }
  /** The transaction or batch id was used before: answer the replay. */
  | { kind: "prior"; facts: Record<string, unknown> }
  | { kind: "refused"; refusal: Refusal };

const text = (v: unknown) => JSON.stringify(canonical(v));

/** The plan as the JSON ledger_apply reads (bigints as decimal strings, requests as canonical JSON text). */
export function encodePlan(p: Plan): string {
  return JSON.stringify({
    now: p.now,
    frozen: p.frozen,
    pendingOnce: p.pendingOnce,
    returns: p.returns,
    holders: p.holders,
    classes: p.classes,
    accounts: Object.fromEntries(p.accounts),
    txs: Object.fromEntries(p.txs),
    limits: p.limits.map((l) => ({
      holder: l.holder, limit: l.limit.toString(), unitTypes: l.unitTypes, exempt: l.exempt, incoming: l.incoming.toString(), pending: l.pending.toString(),
    })),
    batch: p.batch ? { ...p.batch, request: JSON.stringify(p.batch.request) } : null,
    ...(p.group ? { group: true } : {}),
    steps: p.steps.map((s) => {
      const legs = s.legs.map((l) => ({
        cls: l.cls.id, code: l.cls.code, from: l.from, to: l.to, qty: l.quantity.toString(),
        ...(l.ranges ? { ranges: l.ranges.map(([a, b]) => [a.toString(), b.toString()]) } : {}),
      }));
      // A created step's request is canonical already (CreateStep.request); a transition's was
      // read back from the database, whose jsonb keeps its keys in its own order.
      const common = { id: s.id, kind: s.kind, request: s.op === "create" ? JSON.stringify(s.request) : text(s.request), reverses: s.reverses, actor: s.actor, detail: s.detail, legs, chains: s.chains, ...(s.at !== undefined ? { at: s.at } : {}) };
      if (s.op === "create") return { op: "create", ...common, scope: s.scope, key: s.key, initiator: s.initiator, status: s.status, delayUntil: s.delayUntil };
      return { op: "transition", ...common, to: s.to, approvedBy: s.approvedBy, ...(s.delayUntil !== undefined ? { delayUntil: s.delayUntil } : {}) };
    }),
  });
}

function facts(err: unknown): Record<string, unknown> {
  const d = (err as { detail?: unknown }).detail;
  if (typeof d !== "string") return {};
  try {
    const v = JSON.parse(d) as unknown;
    return typeof v === "object" && v !== null ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const str = (v: unknown) => (typeof v === "string" ? v : String(v));

/** The refusal a typed ledger error stands for, or undefined for any other error. */
export function ledgerRefusal(err: unknown): Applied | undefined {
  const state = sqlState(err);
  if (state === undefined || !state.startsWith("EL")) return undefined;
  const f = facts(err);
  switch (state) {
    case "EL001":
      return { kind: "stale", facts: f };
    case "EL002":
      return { kind: "prior", facts: f };
    case "EL003":
      return {
        kind: "refused",
        refusal: refuse("INSUFFICIENT_UNITS", `${str(f.accountId)} holds ${str(f.held)} ${str(f.classCode)}${f.earmarked !== "0" ? ` (${str(f.earmarked)} earmarked for pending transactions)` : ""}, ${str(f.needed)} needed`, f),
      };
    case "EL004":
      return {
        kind: "refused",
        refusal: f.exhausted
          ? refuse("QUANTITY_TOO_LARGE", `serial numbers exhausted for class ${str(f.classCode)}`, f)
          : refuse("ISSUANCE_LIMIT_EXCEEDED", `issuing ${str(f.requested)} ${str(f.classCode)} would exceed its limit ${str(f.limit)} (${str(f.issued)} issued)`, f),
      };
    case "EL005":
      return { kind: "refused", refusal: refuse("REVERSAL_UNITS_MOVED_ON", `serials ${str(f.start)}-${str(f.end)} of ${str(f.classCode)} are no longer in ${str(f.accountId)}`, f) };
    case "EL007":
      return { kind: "refused", refusal: holdingLimitRefusal({ holder: str(f.holder), held: str(f.held), incoming: str(f.incoming), limit: str(f.limit) }) };
    case "EL008":
      return {
        kind: "refused",
        refusal: refuse("RETURN_EXCEEDS_EXCESS", `${str(f.accountId)} was over-allocated ${str(f.excess)} for ${str(f.year)} (${str(f.table)}: ${str(f.allocated)} allocated, entitlement ${f.entitlement === null ? "not recorded" : str(f.entitlement)}); returns would come to ${str(f.returned)}`, f),
      };
    case "EL009":
      return { kind: "refused", refusal: refuse("RETURN_PENDING", `${str(f.accountId)} already has a return of excess allocation pending for ${str(f.year)} (${str(f.table)}): ${str(f.pending)}`, f) };
    case "EL010":
      return { kind: "refused", refusal: refuse("PENDING_OF_KIND", `${str(f.accountId)} already has a ${str(f.kind)} pending: ${str(f.pending)}`, f) };
    default:
      return undefined;
  }
}

/**
 * Applies a plan in one statement (atomic on its own, or inside the caller's transaction):
 * ledger_write, which runs ledger_apply between the freeze lock and the registry's rules
 * (migration ledger-005).
 */
export async function applyPlan(sql: Sql, plan: Plan): Promise<Applied> {
  try {
    const r = await sql.query<{ out: Array<Array<string>> }>("SELECT ledger_write($1::jsonb) AS out", [encodePlan(plan)]);
    const out = r.rows[0]?.out ?? [];
    return { kind: "done", moves: out.map((step) => step.map((m) => JSON.parse(m) as Move)) };
  } catch (err) {
    const mapped = ledgerRefusal(err);
    if (mapped) return mapped;
    throw err;
  }
}
