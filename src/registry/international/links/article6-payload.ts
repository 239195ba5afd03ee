// The sender's side of "what travels with an ITMO" (src/domain/international/article6/travel.ts):
// when the escrow of a linked transfer completes, the Article 6 facts of the units its book holds
// go into the proposal, which is signed with the rest of the body. Called once, from the escrow's
// hook (hooks.ts linkEscrow), inside the transaction that escrows the units, after the book allowed
// the transfer; the book's lock is held, so the facts are those the delivery will record.
import { exportPayload, type Article6Payload } from "../../../domain/international/article6/travel.ts";
import type { HookStep } from "../../ledger/index.ts";
import { bookBlocks } from "../book-moves.ts";
import { recordedInternational } from "../config.ts";
import { dateOf, type HookCtx } from "../hooks-article6.ts";
import { getLink } from "./store.ts";

/** The Article 6 payload of a linked transfer's escrow, or null when it moves no units of the book. */
export async function exportArticle6(ctx: HookCtx, transfer: { linkId: string; step: HookStep }): Promise<Article6Payload | null> {
  const rules = (await recordedInternational(ctx.sql)).rules?.article6;
  const link = await getLink(ctx.sql, transfer.linkId);
  if (!rules || !link?.peerParty) return null; // no ITMOs cross such a link (the escrow's book check refused them)
  await ctx.book.lock(ctx.sql);
  const view = await ctx.book.load(ctx.sql);
  const blocks = bookBlocks(view.state, transfer.step.moves).tracked;
  return exportPayload({ state: view.state, records: view.records, blocks, from: rules.party, to: link.peerParty, date: dateOf(ctx.now), firstTransferYear: rules.adjustments.firstTransferYear });
}
