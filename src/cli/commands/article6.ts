// `ets article6 ...`: international units in the registry from the command line, through the same
// international service and rules as the API (src/registry/international): the registry's rules
// (configure), classes defined from credit attributes, authorizations, revocations, ITMO
// issuance, transfers to another Party, uses and cancellations, CDM and Article 6.4 issuances with
// their shares, the Article 6.2 book (its summary, and its records, authorizations and first
// transfers a page at a time), and the AEF workbook of a year written from the registry's
// records (`ets article6 aef --party P --year Y --out FILE.xlsx`). Writes act as --as USER and
// take --id (the idempotency key, generated and printed when absent); refusals exit 1 with their
// check code, bad usage exits 2 naming the flag.
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { InternationalService } from "../../registry/international/service.ts";
import { aefOf, bookView, listIntlClasses } from "../../registry/international/views.ts";
import { loadInternationalRules } from "../../io/international.ts";
import { writeAefWorkbook } from "../../io/aef.ts";
import { action, CommandFailure, formatTable, printJson, UsageError } from "../io.ts";
import { actingUser, type Common, type ListOpts, type Output, pageFooter, pageOptions, pages, Refused, type RegistryContext, withRegistry } from "./registry/index.ts";
import { parseSeqKey, rowsPage } from "../../registry/page-key.ts";
import { bookAuthorizations, bookFirstTransfers, type BookItem, bookRecords, type SeqPage } from "../../registry/international/book-pages.ts";
import { parsedAfter } from "./registry/args.ts";
import { idLine, pickId, unwrap } from "./registry/context.ts";

const service = (ctx: RegistryContext) => new InternationalService(ctx.registry, ctx.db, ctx.clock);
const list = (v: string | undefined) => (v === undefined ? [] : v.split(",").map((x) => x.trim()).filter((x) => x.length > 0));

function year(flag: string, v: string): number {
  if (!/^\d{4}$/.test(v)) throw new UsageError(`option ${flag}: not a year: ${JSON.stringify(v)}`);
  return Number(v);
}

function units(flag: string, v: string): string {
  if (!/^[1-9]\d{0,17}$/.test(v)) throw new UsageError(`option ${flag}: not a positive whole number of units: ${JSON.stringify(v)}`);
  return v;
}

function txOut(id: string, generated: boolean, r: { value: { id: string; status: string; kind: string }; replayed: boolean }): Output {
  return { json: { ...r.value, replayed: r.replayed }, text: `${idLine(id, generated)}${r.replayed ? "already done: " : ""}${r.value.kind} ${r.value.id}: ${r.value.status}\n` };
}

export async function configure(ctx: RegistryContext, file: string): Promise<Output> {
  let rules: Record<string, unknown>;
  try {
    const { id: _i, name: _n, sources: _s, ...rest } = loadInternationalRules(file) as unknown as Record<string, unknown>;
    rules = JSON.parse(JSON.stringify(rest, (_k, v) => (typeof v === "bigint" ? v.toString() : v))) as Record<string, unknown>;
  } catch (err) {
    throw new UsageError(`option --file: ${err instanceof Error ? err.message : String(err)}`);
  }
  const r = unwrap(await service(ctx).configure(actingUser(ctx), rules));
  const party = (r.value.article6 as { party?: string } | undefined)?.party;
  return { json: r.value, text: `international rules recorded${party ? ` (Article 6.2 Party ${party})` : ""}\n` };
}

export async function defineClass(ctx: RegistryContext, o: { attributes: string; id?: string }): Promise<Output> {
  let attributes: unknown;
  try {
    attributes = JSON.parse(o.attributes);
  } catch {
    throw new UsageError("option --attributes: not JSON (e.g. '{\"mechanism\":\"A6.2\",\"unitType\":\"ITMO\",\"creditKind\":\"reduction\",\"host\":\"THA\",\"vintage\":2022}')");
  }
  const { id, generated } = pickId(o);
  const r = unwrap(await service(ctx).defineClass(actingUser(ctx), { commandId: id, attributes }));
  return { json: { ...r.value, replayed: r.replayed }, text: `${idLine(id, generated)}class ${r.value.code}${r.replayed ? " (already defined)" : ""}\n` };
}

/** The classes in code order, a page at a time (or every page with --all), as the API pages them. */
export async function classes(ctx: RegistryContext, o: ListOpts = {}): Promise<Output> {
  const page = await pages(o, async (after, limit) => rowsPage(await listIntlClasses(ctx.db, { after, take: limit + 1 }), limit, (c) => c.code));
  const items = page.items;
  const rows = items.map((c) => [c.code, c.attributes.mechanism, c.attributes.unitType, c.attributes.host, c.attributes.vintage, c.attributes.cooperativeApproach ?? "", c.attributes.labels.join(" "), c.issued]);
  return { json: page, text: `${formatTable(["class", "mechanism", "unit type", "host", "vintage", "cooperative approach", "labels", "issued"], rows)}\n${pageFooter(page.items.length, page.nextCursor)}` };
}

export interface AuthorizeOpts {
  id?: string;
  cooperativeApproach: string;
  purposes: string;
  parties: string;
  entities?: string;
  quantity: string;
  gwp: string;
  sectors: string;
  activityTypes: string;
  fromYear?: string;
  toYear?: string;
  firstTransfer?: string;
  oimpPurposes?: string;
  terms: string;
}

export async function authorize(ctx: RegistryContext, o: AuthorizeOpts): Promise<Output> {
  const { id, generated } = pickId(o);
  if ((o.fromYear === undefined) !== (o.toYear === undefined)) throw new UsageError("options --from-year and --to-year: give both or neither");
  const body: Record<string, unknown> = {
    commandId: id, cooperativeApproach: o.cooperativeApproach, purposes: o.purposes, authorizedParties: list(o.parties), authorizedEntities: list(o.entities), quantity: units("--quantity", o.quantity),
    gwp: o.gwp, sectors: list(o.sectors), activityTypes: list(o.activityTypes), terms: o.terms, oimpPurposes: list(o.oimpPurposes),
    ...(o.fromYear !== undefined && o.toYear !== undefined ? { timeframe: { from: year("--from-year", o.fromYear), to: year("--to-year", o.toYear) } } : {}),
    ...(o.firstTransfer ? { firstTransferDefinition: o.firstTransfer } : {}),
  };
  const r = unwrap(await service(ctx).decideBook(actingUser(ctx), "authorize", body));
  return { json: r.value, text: `${idLine(id, generated)}${r.replayed ? "already done: " : ""}authorization ${id} recorded\n` };
}

export async function revoke(ctx: RegistryContext, authorization: string, o: { id?: string }): Promise<Output> {
  const { id, generated } = pickId(o);
  const r = unwrap(await service(ctx).decideBook(actingUser(ctx), "revoke", { commandId: id, authorization }));
  return { json: r.value, text: `${idLine(id, generated)}${r.replayed ? "already done: " : ""}authorization ${authorization} revoked (${r.value.map((x) => x.kind).join(", ")})\n` };
}

export async function issue(ctx: RegistryContext, o: { id?: string; class: string; account: string; quantity: string; authorization?: string; sector?: string; activityType?: string }): Promise<Output> {
  const { id, generated } = pickId(o);
  const r = unwrap(await service(ctx).issue(actingUser(ctx), {
    commandId: id, classCode: o.class, account: o.account, quantity: units("--quantity", o.quantity),
    ...(o.authorization ? { authorization: o.authorization } : {}), ...(o.sector ? { sector: o.sector } : {}), ...(o.activityType ? { activityType: o.activityType } : {}),
  }));
  return txOut(id, generated, r);
}

export async function issueMechanism(ctx: RegistryContext, o: { id?: string; class: string; quantity: string; to: string; riskRating?: string }): Promise<Output> {
  const { id, generated } = pickId(o);
  const r = unwrap(await service(ctx).issueWithShares(actingUser(ctx), { commandId: id, classCode: o.class, quantity: units("--quantity", o.quantity), to: o.to, ...(o.riskRating ? { riskRating: o.riskRating } : {}) }));
  const rows = r.value.steps.map((s) => [s.step, s.kind, s.to, s.quantity, s.transaction.status]);
  return { json: { ...r.value, replayed: r.replayed }, text: `${idLine(id, generated)}${formatTable(["step", "kind", "to", "quantity", "status"], rows)}\n${r.value.state === "awaiting-approval" ? "the issuance awaits a second administrator's approval; run the command again after it\n" : ""}` };
}

export async function transfer(ctx: RegistryContext, o: { id?: string; from: string; to: string; class: string; quantity: string }): Promise<Output> {
  const { id, generated } = pickId(o);
  return txOut(id, generated, unwrap(await service(ctx).transfer(actingUser(ctx), { commandId: id, from: o.from, to: o.to, classCode: o.class, quantity: units("--quantity", o.quantity) })));
}

export async function use(ctx: RegistryContext, o: { id?: string; from: string; class: string; quantity: string; purpose: string; forYear?: string; oimpPurpose?: string; entity?: string }): Promise<Output> {
  const { id, generated } = pickId(o);
  const body: Record<string, unknown> = { commandId: id, from: o.from, classCode: o.class, quantity: units("--quantity", o.quantity), purpose: o.purpose };
  if (o.forYear !== undefined) body.forYear = year("--for-year", o.forYear);
  if (o.oimpPurpose) body.oimpPurpose = o.oimpPurpose;
  if (o.entity) body.entity = o.entity;
  return txOut(id, generated, unwrap(await service(ctx).useOrCancel(actingUser(ctx), "use", body)));
}

export async function cancel(ctx: RegistryContext, o: { id?: string; from: string; class: string; quantity: string; reason: string }): Promise<Output> {
  const { id, generated } = pickId(o);
  return txOut(id, generated, unwrap(await service(ctx).useOrCancel(actingUser(ctx), "cancel", { commandId: id, from: o.from, classCode: o.class, quantity: units("--quantity", o.quantity), reason: o.reason })));
}

/** Units in a record's blocks (a record of units carries them; others none). */
function blockUnits(r: Record<string, unknown>): string {
  const blocks = r.blocks as Array<{ start: string; end: string }> | undefined;
  return blocks === undefined ? "" : blocks.reduce((n, b) => n + BigInt(b.end) - BigInt(b.start) + 1n, 0n).toString();
}

const authRows = (xs: BookItem[]) => xs.map((a) => [a.seq, a.id, a.version, a.purposes, (a.authorizedParties as string[]).join(" "), a.quantity, a.covered]);
const AUTH_COLUMNS = ["seq", "authorization", "version", "purposes", "parties", "quantity", "covered"];

/** A list of the book cut at its first page: how many of how many, and the command that goes on. */
function cutLine(shown: number, total: number, what: string, command: string, next: string | null): string {
  return next === null ? "" : `showing ${shown} of ${total} ${what}: more with ets article6 ${command} --after '${next}' (or --all)\n`;
}

export async function book(ctx: RegistryContext): Promise<Output> {
  const b = await bookView(ctx.db, service(ctx).book);
  if (!b.ok) throw new Refused(b);
  const v = b.value;
  const adj = formatTable(["party", "year", "first transferred", "used", "adjustment"], v.adjustments.map((a) => [a.party, a.year, a.firstTransferred, a.used, a.quantity]));
  const cuts = cutLine(v.authorizations.length, v.counts.authorizations, "authorizations", "book-authorizations", v.more.authorizations) +
    cutLine(v.firstTransfers.length, v.counts.firstTransfers, "first transfers", "book-first-transfers", v.more.firstTransfers) + cutLine(v.records.length, v.counts.records, "records", "book-records", v.more.records);
  return {
    json: v,
    text: `Party: ${v.party ?? "(not configured)"}\n\nAuthorizations\n${formatTable(AUTH_COLUMNS, authRows(v.authorizations))}\n\nCorresponding adjustments\n${adj}\n\n${v.counts.records} records, ${v.counts.firstTransfers} first transfers, ${v.counts.authorizations} authorizations\n${cuts}`,
  };
}

/** One of the book's growing lists a page at a time (or every page with --all), as its API route answers it. */
async function bookList(o: ListOpts, read: (page: SeqPage) => Promise<BookItem[]>): Promise<{ items: BookItem[]; nextCursor: string | null }> {
  return pages(o, async (after, limit) => rowsPage(await read({ after: after === undefined ? undefined : parsedAfter(after, parseSeqKey), take: limit + 1 }), limit, (x) => x.seq));
}

export async function bookRecordList(ctx: RegistryContext, o: ListOpts): Promise<Output> {
  const page = await bookList(o, (p) => bookRecords(ctx.db, p));
  const rows = page.items.map((r) => [r.seq, r.kind, r.id, r.date, blockUnits(r)]);
  return { json: page, text: `${formatTable(["seq", "kind", "record", "date", "units"], rows)}\n${pageFooter(page.items.length, page.nextCursor)}` };
}

export async function bookAuthorizationList(ctx: RegistryContext, o: ListOpts): Promise<Output> {
  const page = await bookList(o, (p) => bookAuthorizations(ctx.db, service(ctx).book, p));
  return { json: page, text: `${formatTable(AUTH_COLUMNS, authRows(page.items))}\n${pageFooter(page.items.length, page.nextCursor)}` };
}

export async function bookFirstTransferList(ctx: RegistryContext, o: ListOpts): Promise<Output> {
  const page = await bookList(o, (p) => bookFirstTransfers(ctx.db, p));
  const rows = page.items.map((r) => [r.seq, r.id, r.date, r.party, r.to, r.authorization, blockUnits(r)]);
  return { json: page, text: `${formatTable(["seq", "first transfer", "date", "party", "to", "authorization", "units"], rows)}\n${pageFooter(page.items.length, page.nextCursor)}` };
}

export async function aef(ctx: RegistryContext, o: { party: string; year: string; out: string; submissionVersion?: string; partyName?: string; submitted?: string }): Promise<Output> {
  if (!/^[A-Z]{3}$/.test(o.party)) throw new UsageError(`option --party: not a Party code (ISO 3166 alpha-3): ${JSON.stringify(o.party)}`);
  if (o.submissionVersion !== undefined && !/^\d+\.\d+$/.test(o.submissionVersion)) throw new UsageError(`option --submission-version: expected X.Y, not ${JSON.stringify(o.submissionVersion)}`);
  const r = await aefOf(ctx.db, service(ctx).book, { party: o.party, year: year("--year", o.year), ...(o.submissionVersion ? { version: o.submissionVersion } : {}), ...(o.partyName ? { partyName: o.partyName } : {}), submittedOn: o.submitted ?? null });
  if (!r.ok) throw new Refused(r);
  writeFileSync(o.out, await writeAefWorkbook(r.value));
  const counts = { authorizations: r.value.authorizations.rows.length, actions: r.value.actions.rows.length, holdings: r.value.holdings.rows.length, entities: r.value.entities.rows.length };
  return { json: { file: o.out, party: o.party, year: Number(o.year), ...counts }, text: `wrote ${o.out}: ${counts.authorizations} authorizations, ${counts.actions} actions, ${counts.holdings} holdings, ${counts.entities} entities\n` };
}

function runner<A extends unknown[]>(fn: (ctx: RegistryContext, ...args: A) => Promise<Output>) {
  return action(async (...args: unknown[]) => {
    const opts = args[args.length - 2] as Common;
    const positional = args.slice(0, args.length - 2) as unknown[];
    try {
      const out = await withRegistry(opts, (ctx) => fn(ctx, ...([...positional, opts] as unknown as A)));
      if (opts.json) printJson(out.json);
      else process.stdout.write(out.text);
      if (out.failed) throw new CommandFailure(out.failed);
    } catch (err) {
      throw err;
    }
  });
}

const common = (c: Command) => c.option("--database <dir|url>", "PGlite data directory or postgres:// URL (default: DATABASE_URL, else .data/pglite)").option("--json", "print JSON");
const writes = (c: Command) =>
  common(c).option("--as <user>", "the registry user this write acts as (default: ETS_AS)").option("--id <id>", "idempotency key of this command (generated and printed when absent)");

export function register(program: Command): void {
  const a6 = program.command("article6").description("international units: rules, classes, Article 6.2 authorizations, ITMO issuance, transfers, uses, cancellations, CDM/A6.4 issuance, the book and the AEF");
  writes(a6.command("configure").description("record the registry's international rules (an international YAML file: article6, cdm, a64, ...)"))
    .requiredOption("--file <file>", "the rules (presets/international/NAME or a path)")
    .action(runner((c, o: { file: string }) => configure(c, o.file)));
  writes(a6.command("define-class").description("define the class of units with these credit attributes (its code derives from them)"))
    .requiredOption("--attributes <json>", "credit attributes as JSON")
    .action(runner((c, o: { attributes: string; id?: string }) => defineClass(c, o)));
  pageOptions(common(a6.command("classes").description("international classes with their attributes, in code order, a page at a time"))).action(runner((c, o: ListOpts) => classes(c, o)));
  writes(a6.command("authorize").description("record an authorization of this registry's Party"))
    .requiredOption("--cooperative-approach <id>", "cooperative approach id (CA followed by four digits)")
    .requiredOption("--purposes <p>", "NDC, OIMP or 'NDC and OIMP'")
    .requiredOption("--parties <list>", "authorized Parties, comma-separated alpha-3 codes")
    .requiredOption("--quantity <n>", "authorized quantity")
    .requiredOption("--gwp <gwp>", "GWP values, e.g. AR5")
    .requiredOption("--sectors <list>", "sectors, comma-separated")
    .requiredOption("--activity-types <list>", "activity types, comma-separated")
    .requiredOption("--terms <text>", "terms and conditions")
    .option("--entities <list>", "authorized entities, comma-separated")
    .option("--from-year <y>", "first year of the authorized timeframe")
    .option("--to-year <y>", "last year of the authorized timeframe")
    .option("--first-transfer <definition>", "first transfer definition for OIMP")
    .option("--oimp-purposes <list>", "OIMP purposes, comma-separated (e.g. CORSIA)")
    .action(runner((c, o: AuthorizeOpts) => authorize(c, o)));
  writes(a6.command("revoke <authorization>").description("revoke an authorization within the Party's revocation rules")).action(runner((c, auth: string, o: { id?: string }) => revoke(c, auth, o)));
  writes(a6.command("issue").description("issue ITMOs of an international class into a holding account (under an authorization when named)"))
    .requiredOption("--class <code>", "the international class")
    .requiredOption("--account <account>", "the holding account")
    .requiredOption("--quantity <n>", "units")
    .option("--authorization <id>", "the authorization the units are issued under")
    .option("--sector <s>", "sector (default: the class's)")
    .option("--activity-type <t>", "activity type (default: the class's)")
    .action(runner((c, o: { id?: string; class: string; account: string; quantity: string; authorization?: string; sector?: string; activityType?: string }) => issue(c, o)));
  writes(a6.command("issue-mechanism").description("a CDM or Article 6.4 issuance: pending account, shares (share of proceeds, OMGE, buffer), the rest forwarded"))
    .requiredOption("--class <code>", "a CDM or A6.4 class")
    .requiredOption("--quantity <n>", "gross units issued")
    .requiredOption("--to <account>", "the account the rest is forwarded to")
    .option("--risk-rating <r>", "reversal risk rating of a removal activity (Article 6.4)")
    .action(runner((c, o: { id?: string; class: string; quantity: string; to: string; riskRating?: string }) => issueMechanism(c, o)));
  writes(a6.command("transfer").description("transfer ITMOs to another Party (records the first transfer when it is one)"))
    .requiredOption("--from <account>", "source account")
    .requiredOption("--to <party>", "acquiring Party (alpha-3)")
    .requiredOption("--class <code>", "class")
    .requiredOption("--quantity <n>", "units")
    .action(runner((c, o: { id?: string; from: string; to: string; class: string; quantity: string }) => transfer(c, o)));
  writes(a6.command("use").description("use ITMOs towards the NDC or for other international mitigation purposes"))
    .requiredOption("--from <account>", "source account")
    .requiredOption("--class <code>", "class")
    .requiredOption("--quantity <n>", "units")
    .requiredOption("--purpose <p>", "NDC or OIMP")
    .option("--for-year <y>", "the calendar year the units are used for (NDC)")
    .option("--oimp-purpose <p>", "the OIMP purpose (e.g. CORSIA)")
    .option("--entity <id>", "the using authorized entity")
    .action(runner((c, o: { id?: string; from: string; class: string; quantity: string; purpose: string; forYear?: string; oimpPurpose?: string; entity?: string }) => use(c, o)));
  writes(a6.command("cancel").description("cancel ITMOs (voluntary, or for OMGE)"))
    .requiredOption("--from <account>", "source account")
    .requiredOption("--class <code>", "class")
    .requiredOption("--quantity <n>", "units")
    .requiredOption("--reason <r>", "voluntary or omge")
    .action(runner((c, o: { id?: string; from: string; class: string; quantity: string; reason: string }) => cancel(c, o)));
  common(a6.command("book").description("the Article 6.2 book: corresponding adjustments per year, and the first page of its authorizations, first transfers and records")).action(runner((c) => book(c)));
  pageOptions(common(a6.command("book-records").description("every record of the Article 6.2 book in the order made, a page at a time"))).action(runner((c, o: ListOpts) => bookRecordList(c, o)));
  pageOptions(common(a6.command("book-authorizations").description("the book's authorizations at their latest version, in the order made, a page at a time"))).action(runner((c, o: ListOpts) => bookAuthorizationList(c, o)));
  pageOptions(common(a6.command("book-first-transfers").description("the book's first transfers in the order made, a page at a time"))).action(runner((c, o: ListOpts) => bookFirstTransferList(c, o)));
  common(a6.command("aef").description("write the AEF workbook of this registry's Party for a year, from the registry's records"))
    .requiredOption("--party <party>", "the Party (alpha-3; this registry's)")
    .requiredOption("--year <y>", "the reported year")
    .requiredOption("--out <file>", "the .xlsx file to write")
    .option("--submission-version <x.y>", "version of the submission (default 1.0)")
    .option("--party-name <name>", "the Party's name as the template shows it")
    .option("--submitted <date>", "date of submission, YYYY-MM-DD")
    .action(runner((c, o: { party: string; year: string; out: string; submissionVersion?: string; partyName?: string; submitted?: string }) => aef(c, o)));
}

