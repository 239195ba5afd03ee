// Accounts, unit classes and representatives on the store: open, block, unblock, close, list and
// show accounts; define, list and show classes; add, remove and list representatives. Writes act
// as --as USER. The JSON of each is the API operation's answer (src/cli/commands/registry/remote.ts
// prints the same from a server).
import { toJson } from "../../io.ts";
import { ACCOUNT_STATUSES, afterKey, type ClassDefineOpts, classCommand, oneOf, pageLimit, pickId } from "./args.ts";
import { actingUser, type Output, Refused, refusal, type ReadContext, type RegistryContext, unwrap } from "./context.ts";
import { accountsTable, accountText, stateReasonLine, classesTable, classText, encodeCursor, holdingsText, idLine, pageFooter, replayedPrefix, repsTable, rightsText } from "./format.ts";
import { t } from "../../io.ts";

export { accountText, holdingsText, rightsText } from "./format.ts";
export { classCommand, type ClassDefineOpts } from "./args.ts";

export interface AccountOpenOpts {
  type: string;
  holder: string;
  name?: string | undefined;
  installation?: string | undefined;
  id?: string | undefined;
}

export async function accountOpen(ctx: RegistryContext, accountId: string, o: AccountOpenOpts): Promise<Output> {
  const { id, generated } = pickId(o);
  const r = unwrap(
    await ctx.registry.openAccount(actingUser(ctx), { commandId: id, accountId, type: o.type, holder: o.holder, name: o.name ?? accountId, ...(o.installation ? { installation: o.installation } : {}) }),
  );
  return {
    json: { id, replayed: r.replayed, account: r.value },
    text: `${idLine(id, generated)}${replayedPrefix(r.replayed)}${t("cli.reg.opened", { account: accountText(r.value) })}\n`,
  };
}

const VERB = { blocked: "blockAccount", open: "unblockAccount", closed: "closeAccount" } as const;

export async function accountStatus(ctx: RegistryContext, accountId: string, status: keyof typeof VERB, o: { reason?: string | undefined; id?: string | undefined }): Promise<Output> {
  const { id, generated } = pickId(o);
  const r = unwrap(await ctx.registry[VERB[status]](actingUser(ctx), { commandId: id, accountId, ...(o.reason ? { reason: o.reason } : {}) }));
  return { json: { id, replayed: r.replayed, account: r.value }, text: `${idLine(id, generated)}${replayedPrefix(r.replayed)}${accountText(r.value)}\n` };
}

export interface ListOpts {
  after?: string | undefined;
  limit?: string | undefined;
  all?: boolean | undefined;
}

/**
 * Every page of a list when `all`, else the one page asked for; the cursor of the next page
 * (as the API writes it) when more exist.
 */
export async function pages<T>(o: ListOpts, fetch: (after: string | undefined, limit: number) => Promise<{ items: T[]; next: string | null }>): Promise<{ items: T[]; nextCursor: string | null }> {
  const limit = o.all ? 500 : pageLimit(o.limit);
  let after = afterKey(o.after);
  const items: T[] = [];
  for (;;) {
    const p = await fetch(after, limit);
    items.push(...p.items);
    if (!o.all || p.next === null) return { items, nextCursor: p.next === null ? null : encodeCursor(p.next) };
    after = p.next;
  }
}

export async function accountList(ctx: ReadContext, o: ListOpts & { type?: string; holder?: string; status?: string }): Promise<Output> {
  const status = o.status === undefined ? undefined : oneOf("--status", o.status, ACCOUNT_STATUSES);
  const page = await pages(o, (after, limit) =>
    ctx.registry.ledger.listAccounts({ ...(o.type ? { type: o.type } : {}), ...(o.holder ? { holder: o.holder } : {}), ...(status ? { status } : {}), ...(after ? { after } : {}), limit }),
  );
  return { json: page, text: `${accountsTable(page.items)}\n${pageFooter(page.items.length, page.nextCursor)}` };
}

export async function accountShow(ctx: ReadContext, accountId: string): Promise<Output> {
  const a = await ctx.registry.ledger.getAccount(accountId);
  if (!a) throw new Refused(refusal(7006, "account-unknown", `no account ${accountId}`, { accountId }));
  const h = (await ctx.registry.ledger.holdings(accountId)) ?? [];
  return { json: { ...a, holdings: h }, text: `${accountText(a)}\n${t("cli.reg.openedAt", { at: a.openedAt })}\n${stateReasonLine(a)}${holdingsText(h)}` };
}

// ---- classes ----------------------------------------------------------------------------------


export async function classDefine(ctx: RegistryContext, code: string, o: ClassDefineOpts): Promise<Output> {
  const { id, generated } = pickId(o);
  const r = unwrap(await ctx.registry.defineClass(actingUser(ctx), { commandId: id, ...classCommand(code, o) }));
  return { json: { id, replayed: r.replayed, class: r.value }, text: `${idLine(id, generated)}${replayedPrefix(r.replayed)}${t("cli.reg.defined", { class: classText(r.value) })}\n` };
}

export async function classList(ctx: ReadContext, o: ListOpts): Promise<Output> {
  const page = await pages(o, (after, limit) => ctx.registry.ledger.listClasses({ ...(after ? { after } : {}), limit }));
  return { json: page, text: `${classesTable(page.items)}\n${pageFooter(page.items.length, page.nextCursor)}` };
}

export async function classShow(ctx: ReadContext, code: string): Promise<Output> {
  const c = await ctx.registry.ledger.getClass(code);
  if (!c) throw new Refused(refusal(4001, "class-unknown", `no unit class ${code}`, { classCode: code }));
  return { json: c, text: `${classText(c)}\n${toJson(c)}\n` };
}

// ---- representatives --------------------------------------------------------------------------

export async function repAdd(ctx: RegistryContext, accountId: string, userId: string, o: { initiate?: boolean; approve?: boolean }): Promise<Output> {
  const r = unwrap(await ctx.registry.addRepresentative(actingUser(ctx), { accountId, userId, initiate: o.initiate === true, approve: o.approve === true }));
  return { json: r.value, text: `${t("cli.reg.represents", { user: userId, account: accountId, rights: rightsText(r.value) })}\n` };
}

export async function repRemove(ctx: RegistryContext, accountId: string, userId: string): Promise<Output> {
  const r = unwrap(await ctx.registry.removeRepresentative(actingUser(ctx), { accountId, userId }));
  return { json: r.value, text: `${t("cli.reg.noLongerRepresents", { user: userId, account: accountId })}\n` };
}

export async function repList(ctx: ReadContext, accountId: string, o: ListOpts = {}): Promise<Output> {
  const caller = ctx.caller ?? { principal: { userId: "system:cli", roles: ["national-admin", "authority"], via: "cli", scopes: "all" }, ip: null };
  const all = unwrap(await ctx.registry.listRepresentatives(caller as never, accountId)).value;
  // The service answers the whole (short) list; pages are cut here by user id, as the API does.
  const page = await pages(o, async (after, limit) => {
    const rest = all.filter((x) => after === undefined || x.userId > after).sort((a, b) => (a.userId < b.userId ? -1 : 1));
    const items = rest.slice(0, limit);
    return { items, next: rest.length > limit ? (items[items.length - 1]?.userId ?? null) : null };
  });
  return { json: page, text: `${repsTable(page.items)}\n${pageFooter(page.items.length, page.nextCursor)}` };
}
