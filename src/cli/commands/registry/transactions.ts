// Transactions: issue, transfer, retire, cancel (through the same security rules as the API: who
// may initiate, four-eyes, the trusted list and delay, limits), approve, reject and cancel held
// ones, reverse, release due ones; list and show transactions; holdings and `ets verify` (with
// --checkpoint, a checkpoint recorded for publication after a clean verify).
import { recordCheckpoint } from "../../../registry/checkpoints/index.ts";
import type { TransactionStatus, TransactionView } from "../../../registry/ledger/index.ts";
import { verifyLedger } from "../../../registry/verify.ts";
import { formatTable } from "../../io.ts";
import { holdingsText } from "./accounts.ts";
import { actingUser, idLine, moreLine, oneOf, type Output, pickId, positiveInt, Refused, refusal, type RegistryContext, unwrap } from "./context.ts";

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
  return { json: { ...r.value, replayed: r.replayed }, text: `${idLine(id, generated)}${r.replayed ? "already done: " : ""}${txText(r.value)}${nextStep(r.value)}` };
}

/** What a held transaction waits for, said plainly. */
function nextStep(t: TransactionView): string {
  if (t.status === "awaiting_approval") return `awaits a second person's approval: ets approve ${t.id} --as <another user>\n`;
  if (t.status === "delayed") return `delayed until ${t.delayUntil}; ets tx release completes it then\n`;
  return "";
}

export async function reverse(ctx: RegistryContext, target: string, o: { reason?: string; id?: string | undefined }): Promise<Output> {
  const { id, generated } = pickId(o);
  const r = unwrap(await ctx.registry.reverse(actingUser(ctx), { transactionId: id, reverses: target, ...(o.reason ? { reason: o.reason } : {}) }));
  return { json: { ...r.value, replayed: r.replayed }, text: `${idLine(id, generated)}${r.replayed ? "already done: " : ""}${txText(r.value)}` };
}

export async function decide(ctx: RegistryContext, which: "approve" | "reject" | "cancel", txId: string, o: { reason?: string }): Promise<Output> {
  const input = { transactionId: txId, ...(o.reason ? { reason: o.reason } : {}) };
  const caller = actingUser(ctx);
  const r = unwrap(which === "approve" ? await ctx.registry.approve(caller, input) : which === "reject" ? await ctx.registry.reject(caller, input) : await ctx.registry.cancel(caller, input));
  return { json: { ...r.value, replayed: r.replayed }, text: `${r.replayed ? "already done: " : ""}${txText(r.value)}${nextStep(r.value)}` };
}

export async function release(ctx: RegistryContext): Promise<Output> {
  const all = unwrap(await ctx.registry.releaseDue(actingUser(ctx))).value;
  const json = all.map((x) => (x.result.ok ? { transactionId: x.transactionId, ok: true, status: x.result.value.status } : { transactionId: x.transactionId, ok: false, code: x.result.code, message: x.result.message }));
  const text = all.length === 0 ? "no delayed transaction is due\n" : `${formatTable(["transaction", "result"], json.map((x) => [x.transactionId, x.ok ? (x as { status: string }).status : `refused ${(x as { code: number }).code}`]))}\n`;
  return { json, text };
}

export async function txShow(ctx: RegistryContext, id: string): Promise<Output> {
  const t = await ctx.registry.ledger.getTransaction(id);
  if (!t) throw new Refused(refusal(6001, "transaction-unknown", `no transaction ${id}`, { transactionId: id }));
  const events = formatTable(["status", "at", "actor"], t.events.map((e) => [e.status, e.at, e.actor ?? ""]));
  const moves = formatTable(["leg", "class", "from", "to", "first serial", "last serial", "quantity"], t.movements.map((m) => [m.legNo, m.classCode, m.from ?? "(issued)", m.to, m.start, m.end, m.quantity]));
  return { json: t, text: `${txText(t)}\n${events}\n\n${t.movements.length ? moves : "no units moved yet"}\n` };
}

export async function txList(ctx: RegistryContext, o: { account?: string; status?: string; kind?: string; since?: string; after?: string; limit?: string }): Promise<Output> {
  const status = o.status === undefined ? undefined : oneOf("--status", o.status, ["awaiting_approval", "delayed", "completed", "rejected", "cancelled"] as const);
  const page = await ctx.registry.ledger.listTransactions({
    ...(o.account ? { accounts: [o.account] } : {}), ...(status ? { status: status as TransactionStatus } : {}), ...(o.kind ? { kind: o.kind } : {}),
    ...(o.after ? { after: o.after } : {}), ...(o.limit ? { limit: positiveInt("--limit", o.limit) } : {}),
  });
  const rows = page.items.flatMap((t) => t.legs.map((l, i) => [i === 0 ? t.id : "", i === 0 ? t.kind : "", i === 0 ? t.status : "", l.classCode, l.from ?? "(issued)", l.to, l.quantity]));
  return { json: { items: page.items, nextCursor: page.next }, text: `${formatTable(["id", "kind", "status", "class", "from", "to", "quantity"], rows)}\n${moreLine(page.next)}` };
}

function txText(t: TransactionView): string {
  const legs = t.legs.map((l) => `  ${l.quantity} ${l.classCode} ${l.from ?? "(issued)"} -> ${l.to}`).join("\n");
  return `transaction ${t.id} (${t.kind}) ${t.status}${t.reverses ? `, reverses ${t.reverses}` : ""}${t.reversedBy ? `, reversed by ${t.reversedBy}` : ""}\n${legs}\n`;
}

export async function holdings(ctx: RegistryContext, accountId: string, o: { blocks?: boolean; blockLimit?: string }): Promise<Output> {
  const h = await ctx.registry.ledger.holdings(accountId, { blocks: o.blocks === true, ...(o.blockLimit ? { blockLimit: positiveInt("--block-limit", o.blockLimit) } : {}) });
  if (!h) throw new Refused(refusal(7006, "account-unknown", `no account ${accountId}`, { accountId }));
  return { json: { account: accountId, holdings: h }, text: holdingsText(h) };
}

/**
 * Verifies the ledger; with `checkpoint`, then records a checkpoint (only when verify found
 * nothing: a checkpoint anchors a ledger that verifies) and prints it for publication.
 */
export async function verify(ctx: RegistryContext, o: { checkpoint?: boolean } = {}): Promise<Output> {
  const r = await verifyLedger(ctx.db);
  const json = { ok: r.ok, classes: r.classes, accounts: r.accounts, blocks: r.blocks, units: r.units, violations: r.violations };
  const head = `${r.ok ? "ok" : "FAILED"}: ${r.classes} classes, ${r.accounts} accounts, ${r.blocks} blocks, ${r.units} units issued (${Object.entries(r.byFate).filter(([k]) => k !== "issued").map(([k, v]) => `${v} ${k}`).join(", ") || "none"}), ${r.transactions} transactions, ${r.chains} hash chains, ${r.checkpoints} checkpoints proven`;
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
