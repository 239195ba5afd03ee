// The international units' rules on the ledger's writes, installed on every door by one line of
// src/registry/scheme-rules.ts. Each hook runs inside the database transaction that moves the
// units (src/registry/ledger/hooks.ts), reads the intent the international operation left for the
// transaction (intents.ts) and does what the move means there: the Article 6 book's records.
// Kinds that exist only for international units (forwarding from pending accounts, OMGE and
// buffer cancellations, ITMO uses and cancellations) are refused without an intent (10008), and so
// are issuances of classes defined from credit attributes and any transaction of the shared kinds
// touching the accounts the service keeps (pending, outbound, shares, buffer); plain retirements
// and cancellations refuse active ITMOs (10710). Nothing here acts outside the database: a retried
// plan runs it again.
import { intlRefusal, type Refusal } from "../../domain/international/codes.ts";
import type { Rulebook } from "../../domain/rulebook/index.ts";
import type { Db } from "../../store/db.ts";
import type { HookStep, KindHook, LedgerService } from "../ledger/index.ts";
import { Book } from "./book.ts";
import { a6Issue, a6Transfer, a6UseOrCancel, guardExit, type HookCtx } from "./hooks-article6.ts";
import { type Intent, type IntentKind } from "./intents.ts";
import { linkCredit, linkEscrow, type LinkMove, linkReceive, linkSettle } from "./links/hooks.ts";

/** Kinds that only international operations make: every step needs an intent. */
export const INTERNATIONAL_KINDS = ["forwarding", "omge_cancellation", "buffer_contribution", "buffer_cancellation", "itmo_use", "itmo_cancellation", "link_delivery"] as const;
/**
 * Kinds other parts use too: an intent is needed when they touch the service's accounts or
 * classes. A reversal or an administrator's correction can never take units into or out of them.
 * Plain transfers are not hooked (every transfer would pay for it); the service's accounts are
 * government account types (pending, share of proceeds, buffer pool, terminal accounts) that a
 * plain transfer cannot reach.
 */
const SHARED_KINDS = ["issuance", "share_of_proceeds", "external_transfer", "correction", "reversal"] as const;
/** Plain retirements and cancellations: they may not take active ITMOs. */
const EXIT_KINDS = ["retirement", "voluntary_cancellation", "mandatory_cancellation"] as const;

/** Which intents each kind accepts. */
const ACCEPTS: Record<string, readonly IntentKind[]> = {
  issuance: ["a6-issue", "mech-step", "link-receive"],
  share_of_proceeds: ["mech-step"],
  external_transfer: ["a6-transfer", "link-escrow"],
  correction: [],
  reversal: [],
  forwarding: ["mech-step", "link-return", "link-credit"],
  omge_cancellation: ["mech-step"],
  buffer_contribution: ["mech-step"],
  buffer_cancellation: ["mech-step"],
  itmo_use: ["a6-use"],
  itmo_cancellation: ["a6-cancel"],
  link_delivery: ["link-deliver"],
};

/**
 * The intents of these steps (by transaction id, or by batch id) and which of the accounts and
 * issued classes they touch are international (the intl accounts, the links' accounts, the intl
 * classes): one statement, since it runs inside the writing transaction.
 */
async function intentsAndManaged(ctx: HookCtx, steps: readonly HookStep[]): Promise<{ intents: Map<string, Intent>; managed: Set<string> }> {
  const ids = [...new Set(steps.flatMap((s) => (s.batchId ? [s.id, s.batchId] : [s.id])))];
  const accounts = [...new Set(steps.flatMap((s) => s.legs.flatMap((l) => (l.from === null ? [l.to] : [l.from, l.to]))))];
  const issued = [...new Set(steps.flatMap((s) => (s.kind === "issuance" ? s.legs.map((l) => l.classCode) : [])))];
  const r = await ctx.sql.query<{ id: string; kind: IntentKind | null; body: Record<string, unknown> | null }>(
    `SELECT tx_id AS id, kind, body FROM intl_intents WHERE tx_id = ANY($1::text[])
     UNION ALL SELECT account_id, NULL, NULL FROM intl_accounts WHERE account_id = ANY($2::text[])
     UNION ALL SELECT account_id, NULL, NULL FROM intl_link_accounts WHERE account_id = ANY($2::text[])
     UNION ALL SELECT class_code, NULL, NULL FROM intl_classes WHERE class_code = ANY($3::text[])`,
    [ids, accounts, issued],
  );
  const intents = new Map<string, Intent>();
  const managed = new Set<string>();
  for (const x of r.rows) {
    if (x.kind === null) managed.add(x.id);
    else intents.set(x.id, { kind: x.kind, body: x.body ?? {} });
  }
  return { intents, managed };
}

function needsIntent(step: HookStep, managed: ReadonlySet<string>): boolean {
  if ((INTERNATIONAL_KINDS as readonly string[]).includes(step.kind)) return true;
  return step.legs.some((l) => (l.from !== null && managed.has(l.from)) || managed.has(l.to) || (step.kind === "issuance" && managed.has(l.classCode)));
}

async function dispatch(ctx: HookCtx, step: HookStep, intent: Intent): Promise<Refusal | null> {
  switch (intent.kind) {
    case "a6-issue":
      return a6Issue(ctx, step, intent);
    case "a6-use":
    case "a6-cancel":
      return a6UseOrCancel(ctx, step, intent);
    case "a6-transfer":
      return a6Transfer(ctx, step, intent);
    case "mech-step":
      return null;
    case "link-escrow":
      return linkEscrow(ctx, step, intent);
    case "link-deliver":
    case "link-return":
      return linkSettle(ctx, [{ step, intent }]);
    case "link-receive":
      return linkReceive(ctx, step, intent);
    case "link-credit":
      return linkCredit(ctx, [{ step, intent }]);
  }
}

function stepsHook(book: Book): KindHook {
  return async (sql, steps, now) => {
    const ctx: HookCtx = { sql, now, book };
    const { intents, managed } = await intentsAndManaged(ctx, steps);
    // A link's settlements and credits are handled together after the loop: a few statements for the plan, not per transfer.
    const settles: LinkMove[] = [];
    const credits: LinkMove[] = [];
    for (const step of steps) {
      const intent = intents.get(step.id) ?? (step.batchId ? intents.get(step.batchId) : undefined);
      if (!intent) {
        if (needsIntent(step, managed)) return intlRefusal("INTENT_MISSING", `${step.kind} ${step.id} touches international units or accounts; it is made by the international operations only`, { transactionId: step.id, kind: step.kind });
        // A transfer to another registry that is not an Article 6 transfer may not take active ITMOs.
        if (step.kind === "external_transfer") {
          const r = await guardExit(ctx, step);
          if (r) return r;
        }
        continue;
      }
      if (!(ACCEPTS[step.kind] ?? []).includes(intent.kind)) return intlRefusal("INTENT_MISSING", `transaction ${step.id} (${step.kind}) does not carry out a ${intent.kind}`, { transactionId: step.id, kind: step.kind });
      if (intent.kind === "link-deliver" || intent.kind === "link-return") settles.push({ step, intent });
      else if (intent.kind === "link-credit") credits.push({ step, intent });
      else {
        const r = await dispatch(ctx, step, intent);
        if (r) return r;
      }
    }
    return (await linkSettle(ctx, settles)) ?? (await linkCredit(ctx, credits));
  };
}

function exitHook(book: Book): KindHook {
  return async (sql, steps, now) => {
    for (const step of steps) {
      const r = await guardExit({ sql, now, book }, step);
      if (r) return r;
    }
    return null;
  };
}

/** The installer (src/registry/scheme-rules.ts INSTALLERS): the hooks apply whatever the scheme, since any registry may hold international units. */
export function installInternational(ledger: LedgerService, _db: Db, _rulebook: Rulebook | null): void {
  const book = new Book();
  const steps = stepsHook(book);
  for (const kind of [...INTERNATIONAL_KINDS, ...SHARED_KINDS]) ledger.onKind(kind, steps);
  const exit = exitHook(book);
  for (const kind of EXIT_KINDS) ledger.onKind(kind, exit);
}
