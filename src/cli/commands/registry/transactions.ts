// Transactions on the store: issue, transfer, retire, cancel (through the same security rules as
// the API: who may initiate, four-eyes, the trusted list and delay, limits), approve, reject and
// cancel held ones, reverse, release due ones; list and show transactions; holdings and
// `ets verify` (with --checkpoint, a checkpoint recorded for publication after a clean verify).
import type { TransactionStatus } from "../../../registry/ledger/index.ts";
import { groupDigits } from "../../io.ts";
import { oneOf, pickId, positiveInt, TX_STATUSES } from "./args.ts";
import { type ListOpts, pages } from "./accounts.ts";
import { actingUser, type Output, Refused, refusal, type ReadContext, type RegistryContext, unwrap } from "./context.ts";
import { holdingsText, idLine, nextStep, pageFooter, releaseText, replayedPrefix, txDetail, txTable, txText } from "./format.ts";

export interface MoveOpts {
  from?: string;
  to: string;
  kind?: string;
  purpose?: string;
  beneficiary?: string;
  note?: string;
  id?: string | undefined;
}

/**
 * Every unit-moving command: issue, transfer, retire, cancel. The kind fixes the rules; the
 * registry decides whether it waits for a second person or for the transfer delay.
 */
export async function move(ctx: RegistryContext, kind: string, classCode: string, quantity: string, o: MoveOpts): Promise<Output> {
  const { id, generated } = pickId(o);
  const r = unwrap(
    await ctx.registry.initiate(actingUser(ctx), {
      transactionId: id,
      kind,
      legs: [{ classCode, from: o.from ?? null, to: o.to, quantity }],
      ...(o.purpose ? { purpose: o.purpose } : {}),
      ...(o.beneficiary ? { beneficiary: o.beneficiary } : {}),
      ...(o.note ? { note: o.note } : {}),
    }),
  );
  return { json: { ...r.value, replayed: r.replayed }, text: `${idLine(id, generated)}${replayedPrefix(r.replayed)}${txText(r.value)}${nextStep(r.value)}` };
}

export async function reverse(ctx: RegistryContext, target: string, o: { reason?: string; id?: string | undefined }): Promise<Output> {
  const { id, generated } = pickId(o);
  const r = unwrap(await ctx.registry.reverse(actingUser(ctx), { transactionId: id, reverses: target, ...(o.reason ? { reason: o.reason } : {}) }));
  return { json: { ...r.value, replayed: r.replayed }, text: `${idLine(id, generated)}${replayedPrefix(r.replayed)}${txText(r.value)}` };
}

export async function decide(ctx: RegistryContext, which: "approve" | "reject" | "cancel", txId: string, o: { reason?: string }): Promise<Output> {
  const input = { transactionId: txId, ...(o.reason ? { reason: o.reason } : {}) };
  const caller = actingUser(ctx);
  const r = unwrap(which === "approve" ? await ctx.registry.approve(caller, input) : which === "reject" ? await ctx.registry.reject(caller, input) : await ctx.registry.cancel(caller, input));
  return { json: { ...r.value, replayed: r.replayed }, text: `${replayedPrefix(r.replayed)}${txText(r.value)}${nextStep(r.value)}` };
}

/** Completes the due delayed transactions; JSON as the API's releaseDue: {items: [{transactionId, ok, status, code}]}. */
export async function release(ctx: RegistryContext): Promise<Output> {
  const all = unwrap(await ctx.registry.releaseDue(actingUser(ctx))).value;
  const items = all.map((x) => ({
    transactionId: x.transactionId,
    ok: x.result.ok,
    status: x.result.ok ? x.result.value.status : null,
    code: x.result.ok ? null : x.result.code,
    ...(x.result.ok ? {} : { message: x.result.message }),
  }));
  return { json: { items }, text: releaseText(items) };
}

export async function txShow(ctx: ReadContext, id: string): Promise<Output> {
  const x = await ctx.registry.ledger.getTransaction(id);
  if (!x) throw new Refused(refusal(6001, "transaction-unknown", `no transaction ${id}`, { transactionId: id }));
  return { json: x, text: txDetail(x) };
}

export async function txList(ctx: ReadContext, o: ListOpts & { account?: string; status?: string; kind?: string }): Promise<Output> {
  const status = o.status === undefined ? undefined : oneOf("--status", o.status, TX_STATUSES);
  const page = await pages(o, (after, limit) =>
    ctx.registry.ledger.listTransactions({
      ...(o.account ? { accounts: [o.account] } : {}), ...(status ? { status: status as TransactionStatus } : {}), ...(o.kind ? { kind: o.kind } : {}),
      ...(after ? { after } : {}), limit,
    }),
  );
  return { json: page, text: `${txTable(page.items)}\n${pageFooter(page.items.length, page.nextCursor)}` };
}

export async function holdings(ctx: ReadContext, accountId: string, o: { blocks?: boolean; blockLimit?: string }): Promise<Output> {
  const h = await ctx.registry.ledger.holdings(accountId, { blocks: o.blocks === true, ...(o.blockLimit ? { blockLimit: positiveInt("--block-limit", o.blockLimit, 10_000) } : {}) });
  if (!h) throw new Refused(refusal(7006, "account-unknown", `no account ${accountId}`, { accountId }));
  return { json: { accountId, holdings: h }, text: holdingsText(h) };
}

/**
 * Verifies the ledger; with `checkpoint`, then records a checkpoint (only when verify found
 * nothing: a checkpoint anchors a ledger that verifies) and prints it for publication. The JSON
 * has every count the text shows.
 */
export async function verify(ctx: RegistryContext, o: { checkpoint?: boolean } = {}): Promise<Output> {
  // Loaded by `ets verify` alone (a start of any other registry command does not pay for them).
  const [{ verifyLedger }, { recordCheckpoint }] = await Promise.all([import("../../../registry/verify.ts"), import("../../../registry/checkpoints/index.ts")]);
  const r = await verifyLedger(ctx.db);
  const json = {
    ok: r.ok, classes: r.classes, accounts: r.accounts, blocks: r.blocks, units: r.units, byFate: r.byFate,
    transactions: r.transactions, movements: r.movements, chains: r.chains, links: r.links, checkpoints: r.checkpoints, checkpointLeaves: r.checkpointLeaves, violations: r.violations,
  };
  const fates = Object.entries(r.byFate).filter(([k]) => k !== "issued").map(([k, v]) => `${groupDigits(String(v))} ${k}`).join(", ") || "none";
  const head = `${r.ok ? "ok" : "FAILED"}: ${groupDigits(String(r.classes))} classes, ${groupDigits(String(r.accounts))} accounts, ${groupDigits(String(r.blocks))} blocks, ${groupDigits(String(r.units))} units issued (${fates}), ${groupDigits(String(r.transactions))} transactions, ${groupDigits(String(r.movements))} movements, ${groupDigits(String(r.chains))} hash chains (${groupDigits(String(r.links))} links), ${groupDigits(String(r.checkpoints))} checkpoints proven (${groupDigits(String(r.checkpointLeaves))} leaves)`;
  const viol = r.violations.map((v) => `  ${v.invariant}: ${v.message}`).join("\n");
  const text = `${head}\n${viol ? `${viol}\n` : ""}`;
  if (!r.ok) return { json, text, failed: `verify found ${r.violations.length} violation(s)${o.checkpoint ? "; no checkpoint recorded" : ""}` };
  if (!o.checkpoint) return { json, text };
  const cp = await recordCheckpoint(ctx.db, { clock: ctx.clock, by: ctx.caller?.principal.userId ?? "cli" });
  if (!cp) throw new Error("a checkpoint on demand is always recorded");
  return {
    json: { root: cp.root, at: cp.at, count: cp.count, id: cp.id },
    text: `${text}checkpoint ${cp.id} at ${cp.at}: root ${cp.root} over ${cp.count} leaves\n`,
  };
}
