// The receiver's side of "what travels with an ITMO" (src/domain/international/article6/travel.ts):
// in the transaction that issues a linked transfer's units into the link's inbound account (the
// receipt, links/hooks.ts linkReceive), the Article 6 facts the signed proposal carried become
// records of this registry's book, on the serials it issued: the units are held by this Party as
// acquired, under the host's authorization, first transferred as the host made it. A refusal
// (10761 malformed, 10762 not fitting this registry's book or Party) refuses the receipt, so the
// transfer is refused and the sender returns the units: nothing is half imported.
import { importRecords } from "../../domain/international/article6/travel.ts";
import type { Refusal } from "../../domain/international/codes.ts";
import { recordedInternational } from "./config.ts";
import { dateOf, type HookCtx } from "./hooks-article6.ts";
import { getLink } from "./links/store.ts";

export interface CreditedRun {
  /** The receipt's ledger transaction. */
  txId: string;
  linkId: string;
  transferId: string;
  /** The class code (the book's series) and the run this registry issued. */
  series: string;
  localStart: bigint;
  localEnd: bigint;
  /** The sender's serial runs, in the order of the local run. */
  originSerials: ReadonlyArray<{ start: string; end: string }>;
}

/** The Article 6 book's id of records imported with a linked transfer. */
export const importRecordId = (linkId: string, transferId: string) => `in:${linkId}:${transferId}`;

/** Imports the payload's records for the credited run (nothing when the proposal carried none). */
export async function importArticle6(ctx: HookCtx, payload: unknown, run: CreditedRun): Promise<Refusal | null> {
  if (payload === undefined || payload === null) return null;
  const party = (await recordedInternational(ctx.sql)).rules?.article6?.party ?? null;
  const link = await getLink(ctx.sql, run.linkId);
  await ctx.book.lock(ctx.sql);
  const view = await ctx.book.load(ctx.sql);
  const made = importRecords({
    state: view.state, records: view.records, party, peerParty: link?.peerParty ?? null, baseId: importRecordId(run.linkId, run.transferId),
    series: run.series, localStart: run.localStart, localEnd: run.localEnd, originSerials: run.originSerials, date: dateOf(ctx.now), payload,
  });
  if (!made.ok) return made;
  await ctx.book.append(ctx.sql, made.value, { txId: run.txId, origin: `link:${run.linkId}`, at: ctx.now });
  return null;
}
