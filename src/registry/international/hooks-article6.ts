// The Article 6 book's side of the ledger's writes (hooks.ts installs them): an Article 6 issuance
// records the issuance (under its authorization, when it names one) for the serials the ledger
// handed out; an international transfer records itself (and the first transfer, once, when the
// authorization's definition makes it one) for the serials that left; a use or cancellation
// records itself for the serials that left the holding, after
// the book's checks (authorized for the purpose, first transferred, held, active); and the plain
// retirements and cancellations refuse units the book still holds as active ITMOs, which leave only
// by a use or cancellation that records it. All inside the transaction that moves the units, under
// the book's lock, so the book and the ledger never disagree.
import { decide } from "../../domain/international/article6/book.ts";
import type { A6Command, A6Record, A6State } from "../../domain/international/article6/types.ts";
import { intlRefusal, type Refusal } from "../../domain/international/codes.ts";
import type { Sql } from "../../store/db.ts";
import type { HookStep } from "../ledger/index.ts";
import type { Book } from "./book.ts";
import { anyActive, bookBlocks } from "./book-moves.ts";
import { rulesByParty, recordedInternational } from "./config.ts";
import type { Intent } from "./intents.ts";

export interface HookCtx {
  sql: Sql;
  now: string;
  book: Book;
}

/**
 * Whether the book tracks units of any of these classes: an `issuance` record names the class as
 * its series. One probe of the partial index intl_book_issuance_series (migration
 * international-002); every plain exit and every link transfer asks it.
 */
export const BOOK_TRACKS_SQL = "SELECT 1 FROM intl_book WHERE kind = 'issuance' AND record->>'series' = ANY($1::text[]) LIMIT 1";

export async function bookTracksAny(sql: Sql, classes: readonly string[]): Promise<boolean> {
  return (await sql.query(BOOK_TRACKS_SQL, [classes])).rows.length > 0;
}

/** The civil (UTC) date of a time: the day an action took effect in the book. */
export const dateOf = (now: string) => now.slice(0, 10);

async function decideAppend(ctx: HookCtx, txId: string, make: (state: A6State, party: string | null) => A6Command | Refusal): Promise<Refusal | null> {
  await ctx.book.lock(ctx.sql);
  const view = await ctx.book.load(ctx.sql);
  const recorded = (await recordedInternational(ctx.sql)).rules;
  const cmd = make(view.state, recorded?.article6?.party ?? null);
  if ("ok" in cmd) return cmd;
  const rules = rulesByParty(recorded);
  const d = decide(view.state, cmd, rules);
  if (!d.ok) return d;
  await ctx.book.append(ctx.sql, d.value, { txId, origin: "local", at: ctx.now });
  return null;
}

/** An Article 6 issuance, at completion: the book's issuance of exactly the serials the ledger issued. */
export async function a6Issue(ctx: HookCtx, step: HookStep, intent: Intent): Promise<Refusal | null> {
  if (step.status !== "completed") return null;
  const [leg, ...more] = step.moves;
  if (!leg || more.length > 0) return intlRefusal("FIELD_INVALID", "an Article 6 issuance issues one run of one class", { field: "legs" });
  const classCode = leg[2];
  const rec = intent.body.record as Record<string, unknown>;
  return decideAppend(ctx, step.id, () => ({ ...(rec as object), type: "issue", date: dateOf(ctx.now), series: classCode, start: BigInt(leg[5]), end: BigInt(leg[6]) }) as A6Command);
}

/** A use towards an NDC or for OIMP, or a cancellation, at completion: the book's record for the serials that left. */
export async function a6UseOrCancel(ctx: HookCtx, step: HookStep, intent: Intent): Promise<Refusal | null> {
  if (step.status !== "completed") return null;
  const b = intent.body;
  return decideAppend(ctx, step.id, (state) => {
    const blocks = bookBlocks(state, step.moves);
    const u = blocks.untracked[0];
    if (u) return intlRefusal("A6_BLOCK_UNKNOWN", `serials ${u.start}-${u.end} of ${u.series} were never issued into the Article 6 book: they are not ITMOs`, { series: u.series, start: String(u.start), end: String(u.end) });
    const common = { id: b.recordId as string, date: dateOf(ctx.now), party: b.party as string, blocks: blocks.tracked };
    if (intent.kind === "a6-cancel") return { type: "cancel", ...common, reason: b.reason as "omge" | "voluntary" };
    return {
      type: "use",
      ...common,
      purpose: b.purpose as "NDC" | "OIMP",
      ...(typeof b.oimpPurpose === "string" ? { oimpPurpose: b.oimpPurpose } : {}),
      ...(typeof b.entity === "string" ? { entity: b.entity } : {}),
      ...(typeof b.forYear === "number" ? { forYear: b.forYear } : {}),
    };
  });
}

/** An international transfer to another Party (units to the outbound account), at completion: the book's transfer, and the first transfer when it is one. */
export async function a6Transfer(ctx: HookCtx, step: HookStep, intent: Intent): Promise<Refusal | null> {
  if (step.status !== "completed") return null;
  const b = intent.body;
  return decideAppend(ctx, step.id, (state, party) => {
    if (party === null) return intlRefusal("RULES_MISSING", "the registry has no Article 6 configuration (international.article6): it does not know its own Party", { rule: "international.article6.party" });
    const blocks = bookBlocks(state, step.moves);
    const u = blocks.untracked[0];
    if (u) return intlRefusal("A6_BLOCK_UNKNOWN", `serials ${u.start}-${u.end} of ${u.series} were never issued into the Article 6 book: they are not ITMOs`, { series: u.series, start: String(u.start), end: String(u.end) });
    return { type: "transfer", id: b.recordId as string, date: dateOf(ctx.now), from: party, to: b.to as string, blocks: blocks.tracked };
  });
}

/** A plain retirement or cancellation: refused when it takes units the book holds as active ITMOs (10711). */
export async function guardExit(ctx: HookCtx, step: HookStep): Promise<Refusal | null> {
  if (step.status !== "completed" || step.moves.length === 0) return null;
  const classes = [...new Set(step.moves.map((m) => m[2]))];
  if (!(await bookTracksAny(ctx.sql, classes))) return null;
  await ctx.book.lock(ctx.sql);
  const view = await ctx.book.load(ctx.sql);
  const blocks = bookBlocks(view.state, step.moves);
  if (!anyActive(view.state, blocks.tracked)) return null;
  return intlRefusal("A6_UNTRACKED_EXIT", `transaction ${step.id} takes units the Article 6 book holds as ITMOs; use them or cancel them through the Article 6 operations, which record it`, { transactionId: step.id, kind: step.kind });
}

export type { A6Record };
