// The registry commands against a running server: each calls the API operation that does the
// same thing (by operationId, through the one generic client) as the user it signed in as, and
// prints what the store door prints (format.ts), with the same JSON. The server applies every
// rule, so nothing here decides anything; a refusal comes back as the API's problem and leaves
// with its check code (client.ts, problemError).
import type { ApiClient, Request } from "../../remote/client.ts";
import { t } from "../../io.ts";
import type { AccountOpenOpts, ListOpts } from "./accounts.ts";
import { ACCOUNT_STATUSES, type ClassDefineOpts, classCommand, oneOf, pageLimit, pickId, positiveInt, TX_STATUSES } from "./args.ts";
import type { Output } from "./context.ts";
import type { MoveOpts } from "./transactions.ts";
import {
  type AccountLike, accountsTable, accountText, type ClassLike, classesTable, classText, type HoldingLike, holdingsText, idLine, nextStep, pageFooter, releaseText, replayedPrefix,
  repsTable, rightsText, type TxLike, txDetail, txTable, txText,
  stateReasonLine,
} from "./format.ts";

type Page<T> = { items: T[]; nextCursor: string | null };

/** One page as asked (--after, --limit), or every page with --all. */
async function listPages<T>(api: ApiClient, operationId: string, req: Request, o: ListOpts): Promise<Page<T>> {
  if (o.all) return { items: await api.all<T>(operationId, req), nextCursor: null };
  const r = await api.call<Page<T>>(operationId, { ...req, query: { ...(req.query ?? {}), limit: pageLimit(o.limit), ...(o.after ? { cursor: o.after } : {}) } });
  return r.body;
}

// ---- accounts and classes ---------------------------------------------------------------------

export async function accountOpen(api: ApiClient, accountId: string, o: AccountOpenOpts): Promise<Output> {
  const { id, generated } = pickId(o);
  const r = await api.call<AccountLike>("openAccount", { body: { commandId: id, accountId, type: o.type, holder: o.holder, name: o.name ?? accountId, ...(o.installation ? { installation: o.installation } : {}) } });
  const replayed = r.status === 200;
  return { json: { id, replayed, account: r.body }, text: `${idLine(id, generated)}${replayedPrefix(replayed)}${t("cli.reg.opened", { account: accountText(r.body) })}\n` };
}

const STATUS_OP = { blocked: "blockAccount", open: "unblockAccount", closed: "closeAccount" } as const;

export async function accountStatus(api: ApiClient, accountId: string, status: keyof typeof STATUS_OP, o: { reason?: string | undefined; id?: string | undefined }): Promise<Output> {
  const { id, generated } = pickId(o);
  const r = await api.call<AccountLike>(STATUS_OP[status], { params: { accountId }, body: { commandId: id, ...(o.reason ? { reason: o.reason } : {}) } });
  const replayed = r.status === 200;
  return { json: { id, replayed, account: r.body }, text: `${idLine(id, generated)}${replayedPrefix(replayed)}${accountText(r.body)}\n` };
}

export async function accountList(api: ApiClient, o: ListOpts & { type?: string; holder?: string; status?: string }): Promise<Output> {
  const status = o.status === undefined ? undefined : oneOf("--status", o.status, ACCOUNT_STATUSES);
  const page = await listPages<AccountLike>(api, "listAccounts", { query: { type: o.type, holder: o.holder, status } }, o);
  return { json: page, text: `${accountsTable(page.items)}\n${pageFooter(page.items.length, page.nextCursor)}` };
}

export async function accountShow(api: ApiClient, accountId: string): Promise<Output> {
  const a = (await api.call<AccountLike>("getAccount", { params: { accountId } })).body;
  const h = (await api.call<{ holdings: HoldingLike[] }>("getHoldings", { params: { accountId } })).body.holdings;
  return { json: { ...a, holdings: h }, text: `${accountText(a)}\n${t("cli.reg.openedAt", { at: a.openedAt ?? "" })}\n${stateReasonLine(a)}${holdingsText(h)}` };
}

export async function classDefine(api: ApiClient, code: string, o: ClassDefineOpts): Promise<Output> {
  const { id, generated } = pickId(o);
  const r = await api.call<ClassLike>("defineClass", { body: { commandId: id, ...classCommand(code, o) } });
  const replayed = r.status === 200;
  return { json: { id, replayed, class: r.body }, text: `${idLine(id, generated)}${replayedPrefix(replayed)}${t("cli.reg.defined", { class: classText(r.body) })}\n` };
}

export async function classList(api: ApiClient, o: ListOpts): Promise<Output> {
  const page = await listPages<ClassLike>(api, "listClasses", {}, o);
  return { json: page, text: `${classesTable(page.items)}\n${pageFooter(page.items.length, page.nextCursor)}` };
}

export async function classShow(api: ApiClient, code: string): Promise<Output> {
  const c = (await api.call<ClassLike>("getClass", { params: { classCode: code } })).body;
  return { json: c, text: `${classText(c)}\n${JSON.stringify(c, null, 2)}\n` };
}

// ---- representatives --------------------------------------------------------------------------

export async function repAdd(api: ApiClient, accountId: string, userId: string, o: { initiate?: boolean; approve?: boolean }): Promise<Output> {
  const r = await api.call<{ initiate: boolean; approve: boolean }>("addRepresentative", { params: { accountId }, body: { userId, initiate: o.initiate === true, approve: o.approve === true } });
  return { json: r.body, text: `${t("cli.reg.represents", { user: userId, account: accountId, rights: rightsText(r.body) })}\n` };
}

export async function repRemove(api: ApiClient, accountId: string, userId: string): Promise<Output> {
  const r = await api.call("removeRepresentative", { params: { accountId, userId } });
  return { json: r.body, text: `${t("cli.reg.noLongerRepresents", { user: userId, account: accountId })}\n` };
}

export async function repList(api: ApiClient, accountId: string, o: ListOpts): Promise<Output> {
  const page = await listPages<{ userId: string; initiate: boolean; approve: boolean; addedAt: string }>(api, "listRepresentatives", { params: { accountId } }, o);
  return { json: page, text: `${repsTable(page.items)}\n${pageFooter(page.items.length, page.nextCursor)}` };
}

// ---- transactions -----------------------------------------------------------------------------

/** The operation that initiates a kind, and its body (the API has one per door a person uses; administrative kinds share one). */
function moveRequest(kind: string, commandId: string, classCode: string, quantity: string, o: MoveOpts): { op: string; body: Record<string, unknown> } {
  const note = o.note ? { note: o.note } : {};
  switch (kind) {
    case "issuance":
      return { op: "issue", body: { commandId, classCode, to: o.to, quantity, ...note } };
    case "transfer":
      return { op: "transfer", body: { commandId, from: o.from, to: o.to, classCode, quantity, ...note } };
    case "surrender":
      return { op: "surrender", body: { commandId, from: o.from, to: o.to, classCode, quantity, ...note } };
    case "voluntary_cancellation":
      return { op: "cancelUnits", body: { commandId, from: o.from, to: o.to, classCode, quantity, ...note } };
    case "retirement":
      return { op: "retire", body: { commandId, from: o.from, to: o.to, classCode, quantity, purpose: o.purpose, beneficiary: o.beneficiary, ...note } };
    default:
      return { op: "administrativeTransaction", body: { commandId, kind, legs: [{ classCode, from: o.from, to: o.to, quantity }], ...note } };
  }
}

export async function move(api: ApiClient, kind: string, classCode: string, quantity: string, o: MoveOpts): Promise<Output> {
  const { id, generated } = pickId(o);
  const { op, body } = moveRequest(kind, id, classCode, quantity, o);
  const r = await api.call<TxLike>(op, { body });
  const replayed = r.status === 200;
  return { json: { ...r.body, replayed }, text: `${idLine(id, generated)}${replayedPrefix(replayed)}${txText(r.body)}${nextStep(r.body)}` };
}

export async function reverse(api: ApiClient, target: string, o: { reason?: string; id?: string | undefined }): Promise<Output> {
  const { id, generated } = pickId(o);
  const r = await api.call<TxLike>("reverseTransaction", { params: { transactionId: target }, body: { commandId: id, ...(o.reason ? { reason: o.reason } : {}) } });
  const replayed = r.status === 200;
  return { json: { ...r.body, replayed }, text: `${idLine(id, generated)}${replayedPrefix(replayed)}${txText(r.body)}` };
}

export async function decide(api: ApiClient, which: "approve" | "reject" | "cancel", txId: string, o: { reason?: string }): Promise<Output> {
  const r = await api.call<TxLike>(`${which}Transaction`, { params: { transactionId: txId }, body: o.reason ? { reason: o.reason } : {} });
  return { json: { ...r.body, replayed: false }, text: `${txText(r.body)}${nextStep(r.body)}` };
}

export async function release(api: ApiClient): Promise<Output> {
  const r = await api.call<{ items: Array<{ transactionId: string; ok: boolean; status: string | null; code: number | null }> }>("releaseDue", {});
  return { json: r.body, text: releaseText(r.body.items) };
}

export async function txShow(api: ApiClient, id: string): Promise<Output> {
  const x = (await api.call<TxLike>("getTransaction", { params: { transactionId: id } })).body;
  return { json: x, text: txDetail(x) };
}

export async function txList(api: ApiClient, o: ListOpts & { account?: string; status?: string; kind?: string }): Promise<Output> {
  const status = o.status === undefined ? undefined : oneOf("--status", o.status, TX_STATUSES);
  const page = await listPages<TxLike>(api, "listTransactions", { query: { accountId: o.account, status, kind: o.kind } }, o);
  return { json: page, text: `${txTable(page.items)}\n${pageFooter(page.items.length, page.nextCursor)}` };
}

export async function holdings(api: ApiClient, accountId: string, o: { blocks?: boolean; blockLimit?: string }): Promise<Output> {
  const query = { ...(o.blocks ? { blocks: true } : {}), ...(o.blockLimit ? { blockLimit: positiveInt("--block-limit", o.blockLimit, 10_000) } : {}) };
  const r = await api.call<{ accountId: string; holdings: HoldingLike[] }>("getHoldings", { params: { accountId }, query });
  return { json: r.body, text: holdingsText(r.body.holdings) };
}
