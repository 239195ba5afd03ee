// `ets link ...`: linked registries from the command line, through the same link service and rules
// as the API (src/registry/international/links): this registry's identity (registry id and Ed25519
// public key), links to peer registries (a change waits for a second administrator under four
// eyes), transfers to a linked registry and their state on both sides, and the recovery step.
// Writes act as --as USER and take --id (the idempotency key, generated and printed when absent);
// refusals exit 1 with their check code, bad usage exits 2 naming the flag.
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { systemPrincipal } from "../../domain/security/roles.ts";
import { inboundView, LinkService, outboundView } from "../../registry/international/links/service.ts";
import { listInbound, listLinks, listOutbound } from "../../registry/international/links/store.ts";
import { linkFeedKey, parseLinkFeedKey, rowsPage } from "../../registry/page-key.ts";
import { action, CommandFailure, formatTable, groupDigits, printJson, UsageError } from "../io.ts";
import { actingUser, type Common, type ListOpts, type Output, pageFooter, pageOptions, pages, type RegistryContext, withRegistry } from "./registry/index.ts";
import { parsedAfter } from "./registry/args.ts";
import { idLine, pickId, unwrap } from "./registry/context.ts";

const service = (ctx: RegistryContext) => new LinkService(ctx.registry, ctx.db, ctx.clock);

export async function identity(ctx: RegistryContext, o: { registryId?: string }): Promise<Output> {
  if (o.registryId === undefined) {
    const id = await service(ctx).config.identity();
    return { json: { identity: id }, text: id ? `registry ${id.registryId}\n${id.publicKey}` : "no link identity yet (ets link identity --registry-id ID)\n" };
  }
  const r = unwrap(await service(ctx).config.setIdentity(actingUser(ctx), { registryId: o.registryId }));
  return { json: { ...r.value, replayed: r.replayed }, text: `registry ${r.value.registryId}${r.replayed ? " (made before)" : ""}\n${r.value.publicKey}` };
}

export async function configure(ctx: RegistryContext, o: { id?: string; link: string; peerUrl: string; peerRegistry: string; peerKeyFile: string; peerParty?: string }): Promise<Output> {
  let key: string;
  try {
    key = readFileSync(o.peerKeyFile, "utf8");
  } catch (err) {
    throw new UsageError(`option --peer-key-file: ${(err as Error).message}`);
  }
  const { id, generated } = pickId(o);
  const r = unwrap(await service(ctx).config.configure(actingUser(ctx), { commandId: id, linkId: o.link, peerUrl: o.peerUrl, peerRegistry: o.peerRegistry, peerPublicKey: key, peerParty: o.peerParty ?? null }));
  return { json: { ...r.value, replayed: r.replayed }, text: `${idLine(id, generated)}link change ${r.value.changeId} for ${r.value.linkId}: ${r.value.status}\n` };
}

export async function approve(ctx: RegistryContext, changeId: string): Promise<Output> {
  const r = unwrap(await service(ctx).config.approve(actingUser(ctx), { changeId }));
  return { json: r.value, text: `link change ${r.value.changeId} for ${r.value.linkId}: ${r.value.status}\n` };
}

export async function list(ctx: RegistryContext, o: ListOpts = {}): Promise<Output> {
  // a handful of links, read whole and paged in id order as the API pages them
  const all = await listLinks(ctx.db);
  const page = await pages(o, async (after, limit) => rowsPage(all.filter((l) => after === undefined || l.linkId > after).slice(0, limit + 1), limit, (l) => l.linkId));
  const rows = page.items.map((l) => [l.linkId, l.peerRegistry, l.peerParty ?? "", l.peerUrl, l.version, l.approvedBy ?? l.configuredBy]);
  return { json: page, text: `${formatTable(["link", "peer registry", "peer Party", "peer URL", "version", "approved by"], rows)}\n${pageFooter(page.items.length, page.nextCursor)}` };
}

export async function send(ctx: RegistryContext, o: { id?: string; link: string; from: string; class: string; quantity: string; to: string }): Promise<Output> {
  if (!/^[1-9]\d{0,17}$/.test(o.quantity)) throw new UsageError(`option --quantity: not a positive whole number of units: ${JSON.stringify(o.quantity)}`);
  const { id, generated } = pickId(o);
  const r = unwrap(await service(ctx).send(actingUser(ctx), { commandId: id, linkId: o.link, from: o.from, classCode: o.class, quantity: o.quantity, destination: o.to }));
  const t = r.value.transfer;
  const state = t ? `${t.status}${t.decision ? ` (${t.decision}${t.refusal ? `: ${t.refusal.code} ${t.refusal.check}` : ""})` : t.lastError ? ` (retrying: ${t.lastError})` : ""}` : `escrow ${r.value.transaction.status}`;
  return { json: { ...r.value, replayed: r.replayed }, text: `${idLine(id, generated)}transfer ${r.value.transaction.id} over ${o.link}: ${state}\n` };
}

/** A link feed a page at a time (or every page with --all), in the API's order and with its cursors. */
export async function transfers(ctx: RegistryContext, o: ListOpts & { link?: string; inbound?: boolean }): Promise<Output> {
  const feed = (after: string | undefined, limit: number) => ({ linkId: o.link, from: after === undefined ? undefined : parsedAfter(after, parseLinkFeedKey), limit: limit + 1 });
  if (o.inbound) {
    const page = await pages(o, async (after, limit) => rowsPage((await listInbound(ctx.db, feed(after, limit))).map(inboundView), limit, linkFeedKey));
    const rows = page.items.map((t) => [t.linkId, t.transferId, t.decision, t.classCode, t.quantity, t.destination, t.creditTx ? "yes" : "no", t.refusal ? `${t.refusal.code} ${t.refusal.check}` : ""]);
    return { json: page, text: `${formatTable(["link", "transfer", "decision", "class", "quantity", "destination", "credited", "refusal"], rows)}\n${pageFooter(page.items.length, page.nextCursor)}` };
  }
  const page = await pages(o, async (after, limit) => rowsPage((await listOutbound(ctx.db, feed(after, limit))).map(outboundView), limit, linkFeedKey));
  const rows = page.items.map((t) => [t.linkId, t.transferId, t.status, t.classCode, t.quantity, t.destination, t.attempts, t.lastError ?? ""]);
  return { json: page, text: `${formatTable(["link", "transfer", "status", "class", "quantity", "destination", "attempts", "last error"], rows)}\n${pageFooter(page.items.length, page.nextCursor)}` };
}

/**
 * One transfer sent over a link, where it stands. With --as, read as that registry user (the API's
 * rule: a representative sees transfers from the accounts it represents); without, as the operator
 * who holds the store, who sees every transfer, as `ets link transfers` does.
 */
export async function transfer(ctx: RegistryContext, transferId: string, o: { link: string }): Promise<Output> {
  const caller = ctx.caller ?? { principal: systemPrincipal("store-operator"), ip: null };
  const t = unwrap(await service(ctx).transfer(caller, o.link, transferId)).value;
  const decision = t.decision ? `${t.decision}${t.refusal ? ` (${t.refusal.code} ${t.refusal.check}: ${t.refusal.message})` : ""}` : "none yet";
  const rows: Array<[string, string]> = [
    ["status", t.status], ["source", t.source], ["destination", t.destination], ["class", t.classCode], ["quantity", groupDigits(t.quantity)],
    ["serials", t.serials.map((r) => `${r.start}-${r.end}`).join(", ")], ["decision", decision], ["attempts", String(t.attempts)],
    ...(t.lastError ? [["last error", t.lastError] as [string, string]] : []), ["escrow transaction", t.escrowTx], ["settled by", t.settleTx ?? "-"], ["updated", t.updatedAt],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return { json: t, text: `transfer ${t.transferId} over ${t.linkId}\n${rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join("\n")}\n` };
}

export async function recover(ctx: RegistryContext): Promise<Output> {
  const r = await service(ctx).recover();
  const open = r.outbound.filter((t) => t.status === "escrowed").length;
  return { json: r, text: `${r.outbound.length - open} settled, ${open} still in escrow, ${r.credited} credited\n` };
}

function runner<A extends unknown[]>(fn: (ctx: RegistryContext, ...args: A) => Promise<Output>) {
  return action(async (...args: unknown[]) => {
    const opts = args[args.length - 2] as Common;
    const positional = args.slice(0, args.length - 2) as unknown[];
    const out = await withRegistry(opts, (ctx) => fn(ctx, ...([...positional, opts] as unknown as A)));
    if (opts.json) printJson(out.json);
    else process.stdout.write(out.text);
    if (out.failed) throw new CommandFailure(out.failed);
  });
}

const common = (c: Command) => c.option("--database <dir|url>", "PGlite data directory or postgres:// URL (default: DATABASE_URL, else .data/pglite)").option("--json", "print JSON");
const writes = (c: Command) =>
  common(c).option("--as <user>", "the registry user this write acts as (default: ETS_AS)").option("--id <id>", "idempotency key of this command (generated and printed when absent)");

export function register(program: Command): void {
  const link = program.command("link").description("linked registries: this registry's identity, links to peer registries, transfers over a link, recovery");
  writes(link.command("identity").description("show this registry's link identity, or make it (--registry-id) once"))
    .option("--registry-id <id>", "this registry's id in its links (made once)")
    .action(runner((c, o: { registryId?: string }) => identity(c, o)));
  writes(link.command("configure").description("configure a link to a peer registry (waits for a second administrator under four eyes)"))
    .requiredOption("--link <id>", "the link's id, the same on both registries (e.g. THA-CHE)")
    .requiredOption("--peer-url <url>", "the peer registry's base URL")
    .requiredOption("--peer-registry <id>", "the peer's registry id")
    .requiredOption("--peer-key-file <file>", "the peer's Ed25519 public key (PEM), as `ets link identity` prints it there")
    .option("--peer-party <party>", "the peer's Party (alpha-3), for ITMOs crossing the link")
    .action(runner((c, o: { id?: string; link: string; peerUrl: string; peerRegistry: string; peerKeyFile: string; peerParty?: string }) => configure(c, o)));
  writes(link.command("approve <changeId>").description("approve a link change another administrator proposed")).action(runner((c, id: string) => approve(c, id)));
  pageOptions(common(link.command("list").description("configured links, in id order, a page at a time"))).action(runner((c, o: ListOpts) => list(c, o)));
  writes(link.command("send").description("transfer units to a linked registry (escrow, signed proposal, delivery or return)"))
    .requiredOption("--link <id>", "the link")
    .requiredOption("--from <account>", "source account")
    .requiredOption("--class <code>", "class")
    .requiredOption("--quantity <n>", "units")
    .requiredOption("--to <account>", "the receiving account in the peer registry")
    .action(runner((c, o: { id?: string; link: string; from: string; class: string; quantity: string; to: string }) => send(c, o)));
  pageOptions(common(link.command("transfers").description("transfers sent over links (or, with --inbound, the decisions on those received), in transfer id order, a page at a time")))
    .option("--link <id>", "only this link")
    .option("--inbound", "transfers received")
    .action(runner((c, o: ListOpts & { link?: string; inbound?: boolean }) => transfers(c, o)));
  common(link.command("transfer <transferId>").description("one transfer sent over a link: escrowed (in flight), delivered or returned, with the peer's decision"))
    .requiredOption("--link <id>", "the link")
    .option("--as <user>", "read as this registry user, seeing what it may see (default: the store's operator, who sees every transfer)")
    .action(runner((c, id: string, o: { link: string }) => transfer(c, id, o)));
  writes(link.command("recover").description("resend, settle and credit whatever linked transfers are pending")).action(runner((c) => recover(c)));
}
