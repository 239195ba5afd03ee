// Accounts, unit classes and representatives: open, block, unblock, close, list and show accounts;
// define, list and show classes; add and remove representatives. Writes act as --as USER.
import { ACCOUNT_STATE_CODES } from "../../../domain/ledger/catalog.ts";
import type { AccountView, HoldingView, UnitClassView } from "../../../registry/ledger/index.ts";
import { formatTable, toJson } from "../../io.ts";
import { actingUser, idLine, moreLine, oneOf, type Output, pickId, positiveInt, Refused, refusal, type RegistryContext, unwrap } from "./context.ts";

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
    text: `${idLine(id, generated)}${r.replayed ? "already done: " : ""}opened ${accountText(r.value)}\n`,
  };
}

const VERB = { blocked: "blockAccount", open: "unblockAccount", closed: "closeAccount" } as const;

export async function accountStatus(ctx: RegistryContext, accountId: string, status: keyof typeof VERB, o: { reason?: string | undefined; id?: string | undefined }): Promise<Output> {
  const { id, generated } = pickId(o);
  const r = unwrap(await ctx.registry[VERB[status]](actingUser(ctx), { commandId: id, accountId, ...(o.reason ? { reason: o.reason } : {}) }));
  return { json: { id, replayed: r.replayed, account: r.value }, text: `${idLine(id, generated)}${r.replayed ? "already done: " : ""}${accountText(r.value)}\n` };
}

export async function accountList(ctx: RegistryContext, o: { type?: string; holder?: string; status?: string; after?: string; limit?: string }): Promise<Output> {
  const status = o.status === undefined ? undefined : oneOf("--status", o.status, ACCOUNT_STATE_CODES);
  const page = await ctx.registry.ledger.listAccounts({
    ...(o.type ? { type: o.type } : {}), ...(o.holder ? { holder: o.holder } : {}), ...(status ? { status } : {}), ...(o.after ? { after: o.after } : {}),
    ...(o.limit ? { limit: positiveInt("--limit", o.limit) } : {}),
  });
  return {
    json: { items: page.items, nextCursor: page.next },
    text: `${formatTable(["id", "type", "status", "holder", "name", "installation"], page.items.map((a) => [a.id, a.type, a.status, a.holder, a.name, a.installation]))}\n${moreLine(page.next)}`,
  };
}

export async function accountShow(ctx: RegistryContext, accountId: string): Promise<Output> {
  const a = await ctx.registry.ledger.getAccount(accountId);
  if (!a) throw new Refused(refusal(7006, "account-unknown", `no account ${accountId}`, { accountId }));
  const h = (await ctx.registry.ledger.holdings(accountId)) ?? [];
  const why = a.statusReason ? `${a.status} since ${a.statusSince ?? "?"}: ${a.statusReason}\n` : "";
  return { json: { ...a, holdings: h }, text: `${accountText(a)}\nopened ${a.openedAt}\n${why}${holdingsText(h)}` };
}

export function accountText(a: AccountView): string {
  return `${a.id} (${a.type}, ${a.status}) holder ${a.holder}, name ${a.name}${a.installation ? `, installation ${a.installation}` : ""}`;
}

export function holdingsText(h: HoldingView[]): string {
  if (h.length === 0) return "no units held\n";
  const lines = [formatTable(["class", "unit type", "quantity", "earmarked", "available", "blocks"], h.map((x) => [x.classCode, x.unitType, x.quantity, x.earmarked, x.available, x.blockCount]))];
  for (const x of h) {
    if (!x.blocks) continue;
    lines.push(`\n${x.classCode} blocks${x.blocks.length < x.blockCount ? ` (first ${x.blocks.length} of ${x.blockCount})` : ""}:`);
    lines.push(formatTable(["first serial", "last serial", "quantity"], x.blocks.map((b) => [b.start, b.end, b.quantity])));
  }
  return `${lines.join("\n")}\n`;
}

// ---- classes ----------------------------------------------------------------------------------

export interface ClassDefineOpts {
  unitType: string;
  scheme: string;
  vintage?: string;
  commitmentPeriod?: string;
  project?: string;
  hostCountry?: string;
  creditKind?: string;
  methodology?: string;
  a6Authorized?: boolean;
  a6Use?: string;
  a6FirstTransferred?: boolean;
  issuanceLimit?: string;
  serialStart?: string;
  id?: string | undefined;
}

export async function classDefine(ctx: RegistryContext, code: string, o: ClassDefineOpts): Promise<Output> {
  const { id, generated } = pickId(o);
  const cmd: Record<string, unknown> = { commandId: id, code, unitType: o.unitType, scheme: o.scheme };
  // Numbers are passed on as given when they are not plain digits, so the ledger names the field.
  if (o.vintage !== undefined) cmd.vintage = /^\d{1,9}$/.test(o.vintage) ? Number(o.vintage) : o.vintage;
  for (const [k, v] of [["commitmentPeriod", o.commitmentPeriod], ["project", o.project], ["hostCountry", o.hostCountry], ["creditKind", o.creditKind], ["methodology", o.methodology], ["issuanceLimit", o.issuanceLimit], ["serialStart", o.serialStart]] as const) {
    if (v !== undefined) cmd[k] = v;
  }
  if (o.a6Authorized !== undefined || o.a6Use !== undefined || o.a6FirstTransferred !== undefined) {
    cmd.article6 = { authorized: o.a6Authorized === true, ...(o.a6Use ? { use: o.a6Use } : {}), firstTransferred: o.a6FirstTransferred === true };
  }
  const r = unwrap(await ctx.registry.defineClass(actingUser(ctx), cmd));
  return { json: { id, replayed: r.replayed, class: r.value }, text: `${idLine(id, generated)}${r.replayed ? "already done: " : ""}defined ${classText(r.value)}\n` };
}

export async function classList(ctx: RegistryContext, o: { after?: string; limit?: string }): Promise<Output> {
  const page = await ctx.registry.ledger.listClasses({ ...(o.after ? { after: o.after } : {}), ...(o.limit ? { limit: positiveInt("--limit", o.limit) } : {}) });
  return {
    json: { items: page.items, nextCursor: page.next },
    text: `${formatTable(["code", "unit type", "scheme", "vintage", "issued", "limit"], page.items.map((c) => [c.code, c.unitType, c.scheme, c.vintage ?? c.commitmentPeriod ?? "", c.issued, c.issuanceLimit ?? ""]))}\n${moreLine(page.next)}`,
  };
}

export async function classShow(ctx: RegistryContext, code: string): Promise<Output> {
  const c = await ctx.registry.ledger.getClass(code);
  if (!c) throw new Refused(refusal(4001, "class-unknown", `no unit class ${code}`, { classCode: code }));
  return { json: c, text: `${classText(c)}\n${toJson(c)}\n` };
}

function classText(c: UnitClassView): string {
  return `${c.code} (${c.unitType}, ${c.scheme}${c.vintage !== null ? ` ${c.vintage}` : ""}) issued ${c.issued}${c.issuanceLimit !== null ? ` of ${c.issuanceLimit}` : ""}`;
}

// ---- representatives --------------------------------------------------------------------------

export async function repAdd(ctx: RegistryContext, accountId: string, userId: string, o: { initiate?: boolean; approve?: boolean }): Promise<Output> {
  const r = unwrap(await ctx.registry.addRepresentative(actingUser(ctx), { accountId, userId, initiate: o.initiate === true, approve: o.approve === true }));
  const rights = [r.value.initiate ? "initiate" : "", r.value.approve ? "approve" : ""].filter(Boolean).join(" and ");
  return { json: r.value, text: `${userId} represents ${accountId} (${rights})\n` };
}

export async function repRemove(ctx: RegistryContext, accountId: string, userId: string): Promise<Output> {
  const r = unwrap(await ctx.registry.removeRepresentative(actingUser(ctx), { accountId, userId }));
  return { json: r.value, text: `${userId} no longer represents ${accountId}\n` };
}

export async function repList(ctx: RegistryContext, accountId: string): Promise<Output> {
  const r = unwrap(await ctx.registry.listRepresentatives(ctx.caller ?? { principal: { userId: "system:cli", roles: ["national-admin", "authority"], via: "cli", scopes: "all" }, ip: null }, accountId));
  return { json: { items: r.value }, text: `${formatTable(["user", "initiate", "approve", "added"], r.value.map((x) => [x.userId, x.initiate ? "yes" : "no", x.approve ? "yes" : "no", x.addedAt]))}\n` };
}
