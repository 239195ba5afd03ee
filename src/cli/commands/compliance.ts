// `ets compliance`: the compliance cycle in the registry, through the same service and rules as
// the API (src/registry/compliance): register an installation, submit its monitoring plan and
// emission report (a correction with --corrects and --reason), record a verifier's accreditation,
// appoint a verifier, give an opinion (verify), list a verifier's assignments, set an estimate,
// surrender for a period (four-eyes: approve with `ets approve`), the status of a period, close
// a period, book a true-up after verification, issue excess reductions ex post (compliance-ex-post.ts), and an installation's records. Writes act as --as USER and take --id, the command's
// idempotency key (generated and printed when absent). Refusals exit 1 with their 9xxx code.
import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { parse as parseYaml } from "yaml";
import { type Caller, systemPrincipal } from "../../domain/security/roles.ts";
import { ComplianceService } from "../../registry/compliance/index.ts";
import { localDay } from "../../registry/compliance/hook.ts";
import { publication } from "../../registry/compliance/publish.ts";
import { toCsv } from "../../io/csv.ts";
import { action, CommandFailure, formatTable, printJson, UsageError } from "../io.ts";
import { actingUser, type Common, type ListOpts, type Output, pageFooter, pageOptions, pages, Refused, type RegistryContext, withRegistry } from "./registry/index.ts";
import { parsedAfter } from "./registry/args.ts";
import { assignmentKey, parseAssignmentKey, rowsPage } from "../../registry/page-key.ts";
import { idLine, pickId, unwrap } from "./registry/context.ts";
import { registerExPost } from "./compliance-ex-post.ts";

type Opts = Common & { id?: string | undefined; [k: string]: unknown };

function runner<A extends unknown[]>(fn: (svc: ComplianceService, ctx: RegistryContext, ...args: A) => Promise<Output>) {
  return action(async (...args: unknown[]) => {
    const opts = args[args.length - 2] as Common;
    const positional = args.slice(0, args.length - 2) as unknown[];
    try {
      const out = await withRegistry(opts, (ctx) => fn(new ComplianceService(ctx.registry), ctx, ...([...positional, opts] as unknown as A)));
      if (opts.json) printJson(out.json);
      else process.stdout.write(out.text);
    } catch (err) {
      throw err;
    }
  });
}

/** Reads act as --as when given, else with the whole registry's view (whoever holds the store). */
const reader = (ctx: RegistryContext): Caller => ctx.caller ?? { principal: systemPrincipal("cli"), ip: null };

function year(flag: string, v: unknown): number {
  if (typeof v !== "string" || !/^\d{4}$/.test(v)) throw new UsageError(`option ${flag}: a year such as 2026, not ${JSON.stringify(v)}`);
  return Number(v);
}

/** "a=1,b=2" -> [[a, "1"], [b, "2"]]. */
function pairs(flag: string, v: string): Array<[string, string]> {
  return v.split(",").map((p) => {
    const m = /^\s*([^=\s]+)\s*=\s*([^=\s]+)\s*$/.exec(p);
    if (!m) throw new UsageError(`option ${flag}: expected NAME=QUANTITY[,NAME=QUANTITY...], got ${JSON.stringify(p)}`);
    return [m[1] as string, m[2] as string];
  });
}

function readPlan(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new UsageError(`option --file: cannot read ${file}`);
  }
  try {
    const v = parseYaml(text) as unknown;
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("not a mapping");
    return v as Record<string, unknown>;
  } catch (err) {
    throw new UsageError(`option --file: ${file} is not a YAML or JSON monitoring plan (${(err as Error).message})`);
  }
}

const done = (id: string, generated: boolean, replayed: boolean, json: unknown, line: string): Output => ({ json: { ...(json as object), replayed }, text: `${idLine(id, generated)}${replayed ? "already done: " : ""}${line}\n` });

function writes(c: Command): Command {
  return c
    .option("--database <dir|url>", "PGlite data directory or postgres:// URL (default: DATABASE_URL, else .data/pglite)")
    .option("--json", "print JSON")
    .option("--as <user>", "the registry user this write acts as (default: ETS_AS); the same rules apply as through the API")
    .option("--id <id>", "idempotency key of this command (generated and printed when absent)");
}

function reads(c: Command): Command {
  return c.option("--database <dir|url>", "PGlite data directory or postgres:// URL (default: DATABASE_URL, else .data/pglite)").option("--json", "print JSON").option("--as <user>", "read as this registry user (default: the whole registry)");
}

export function register(program: Command): void {
  const cmd = program.command("compliance").description("the compliance cycle in the registry: installations, reports, verification, surrender, status, close");

  writes(cmd.command("register <installation>").description("register an installation for compliance (national administrator)"))
    .requiredOption("--account <id>", "its open operator holding account (carrying the installation id)")
    .option("--sector <id>", "allocation sector").option("--product <id>", "product (benchmark)").option("--tags <list>", "comma-separated tags")
    .action(runner(async (svc, ctx, inst: string, o: Opts) => {
      const { id, generated } = pickId(o);
      const r = unwrap(await svc.registerInstallation(actingUser(ctx), {
        commandId: id, installation: inst, accountId: String(o.account), ...(o.sector ? { sector: String(o.sector) } : {}), ...(o.product ? { product: String(o.product) } : {}),
        ...(o.tags ? { tags: String(o.tags).split(",").map((t) => t.trim()) } : {}),
      }));
      return done(id, generated, r.replayed, r.value, `registered ${inst} (account ${r.value.accountId}, operator ${r.value.operator})`);
    }));

  writes(cmd.command("plan <installation>").description("submit a monitoring plan version (the installation's representative)"))
    .requiredOption("--file <file>", "the plan as YAML or JSON: validFrom, validTo, sources")
    .action(runner(async (svc, ctx, inst: string, o: Opts) => {
      const plan = readPlan(String(o.file));
      const { id, generated } = pickId(o);
      const r = unwrap(await svc.submitPlan(actingUser(ctx), { commandId: id, installation: inst, plan: plan as never }));
      return done(id, generated, r.replayed, r.value, `plan version ${r.value.version} of ${inst}, in force from ${r.value.validFrom}${r.value.validTo === null ? "" : ` to ${r.value.validTo}`}`);
    }));

  writes(cmd.command("report <installation>").description("submit the year's emission report, or a correction (the installation's representative)"))
    .requiredOption("--year <year>", "reporting year")
    .requiredOption("--activity <list>", "activity per source: SOURCE=QUANTITY[,SOURCE=QUANTITY...]")
    .option("--corrects <version>", "the version this corrects").option("--reason <text...>", "why (a correction needs at least one)")
    .action(runner(async (svc, ctx, inst: string, o: Opts) => {
      const y = year("--year", o.year);
      const activity = pairs("--activity", String(o.activity)).map(([source, quantity]) => ({ source, quantity }));
      if (o.corrects !== undefined && !/^\d{1,4}$/.test(String(o.corrects))) throw new UsageError("option --corrects: a version number");
      const { id, generated } = pickId(o);
      const r = unwrap(await svc.submitReport(actingUser(ctx), {
        commandId: id, installation: inst, year: y, activity,
        ...(o.corrects === undefined ? {} : { corrects: Number(o.corrects), reasons: (o.reason as string[] | undefined) ?? [] }),
      }));
      return done(id, generated, r.replayed, r.value, `${inst} ${y} version ${r.value.version}: ${r.value.total} t CO2e (exact ${r.value.totalExact}); awaits verification`);
    }));

  writes(cmd.command("accredit <verifier>").description("record a verifier's accreditation (administrator or authority)"))
    .requiredOption("--accreditation <id>", "accreditation id").requiredOption("--body <name>", "accreditation body").option("--standard <name>", "standard", "ISO 14065")
    .option("--scopes <list>", "comma-separated sectors, or *", "*").requiredOption("--valid-from <date>", "YYYY-MM-DD").requiredOption("--expires <date>", "YYYY-MM-DD")
    .option("--status <status>", "active, suspended or withdrawn", "active")
    .action(runner(async (svc, ctx, verifier: string, o: Opts) => {
      const { id, generated } = pickId(o);
      const r = unwrap(await svc.recordAccreditation(actingUser(ctx), {
        commandId: id, verifier, accreditationId: String(o.accreditation), body: String(o.body), standard: String(o.standard), scopes: String(o.scopes).split(","),
        validFrom: String(o.validFrom), expires: String(o.expires), status: String(o.status) as never,
      }));
      return done(id, generated, r.replayed, r.value, `${verifier}: accreditation ${r.value.accreditationId} (${r.value.status}, ${r.value.validFrom} to ${r.value.expires})`);
    }));

  writes(cmd.command("appoint <installation>").description("appoint the verifier of a year (the installation's representative)"))
    .requiredOption("--year <year>", "reporting year").requiredOption("--verifier <user>", "the verifier's registry user")
    .action(runner(async (svc, ctx, inst: string, o: Opts) => {
      const { id, generated } = pickId(o);
      const r = unwrap(await svc.appointVerifier(actingUser(ctx), { commandId: id, installation: inst, year: year("--year", o.year), verifier: String(o.verifier) }));
      return done(id, generated, r.replayed, r.value, `${r.value.verifier} appointed for ${inst} ${r.value.year}`);
    }));

  writes(cmd.command("verify <installation>").description("give the appointed verifier's opinion on a report version"))
    .requiredOption("--year <year>", "reporting year").requiredOption("--report-version <n>", "the report version verified").requiredOption("--opinion <opinion>", "positive, qualified or negative")
    .option("--misstatements <t>", "uncorrected misstatements, t CO2e", "0").option("--comments <text>", "the verifier's comments")
    .action(runner(async (svc, ctx, inst: string, o: Opts) => {
      if (!/^\d{1,4}$/.test(String(o.reportVersion))) throw new UsageError("option --report-version: a report version number");
      const { id, generated } = pickId(o);
      const r = unwrap(await svc.submitVerification(actingUser(ctx), {
        commandId: id, installation: inst, year: year("--year", o.year), version: Number(o.reportVersion), opinion: String(o.opinion) as never, misstatements: String(o.misstatements),
        ...(o.comments ? { comments: String(o.comments) } : {}),
      }));
      const v = r.value.verification;
      return done(id, generated, r.replayed, r.value, `${inst} ${r.value.year} version ${r.value.version}: ${v?.opinion}${v?.locked ? `, locked at ${v.verifiedTotal} t` : ", not locked"}`);
    }));

  pageOptions(reads(cmd.command("assignments").description("the installations and years the verifier (--as) is appointed for, by installation then year, a page at a time")))
    .action(runner(async (svc, ctx, o: Opts & ListOpts) => {
      const page = await pages(o, async (after, limit) =>
        rowsPage(unwrap(await svc.assignments(actingUser(ctx), { after: after === undefined ? undefined : parsedAfter(after, parseAssignmentKey), take: limit + 1 })).value, limit, assignmentKey));
      const rows = page.items.flatMap((a) => a.reports.map((r) => [a.installation, a.year, r.version, r.total, r.verification?.opinion ?? "awaiting"]));
      return { json: page, text: `${formatTable(["installation", "year", "version", "total", "opinion"], rows)}\n${pageFooter(page.items.length, page.nextCursor)}` };
    }));

  writes(cmd.command("estimate <installation>").description("set a conservative estimate for a year without a verified report (administrator or authority)"))
    .requiredOption("--year <year>", "reporting year").option("--tonnes <t>", "the figure (default: the rulebook's conservative method)").requiredOption("--reason <text>", "why")
    .action(runner(async (svc, ctx, inst: string, o: Opts) => {
      const { id, generated } = pickId(o);
      const r = unwrap(await svc.setEstimate(actingUser(ctx), { commandId: id, installation: inst, year: year("--year", o.year), reason: String(o.reason), ...(o.tonnes ? { tonnes: String(o.tonnes) } : {}) }));
      return done(id, generated, r.replayed, r.value, `${inst} ${r.value.year}: estimated ${r.value.tonnes} t (${r.value.method})`);
    }));

  writes(cmd.command("surrender <installation>").description("surrender units for a period (the installation's representative; a second one approves)"))
    .requiredOption("--period <id>", "compliance period").requiredOption("--units <list>", "CLASS=QUANTITY[,CLASS=QUANTITY...]")
    .action(runner(async (svc, ctx, inst: string, o: Opts) => {
      const lines = pairs("--units", String(o.units)).map(([classCode, quantity]) => ({ classCode, quantity }));
      const { id, generated } = pickId(o);
      const r = unwrap(await svc.surrender(actingUser(ctx), { commandId: id, installation: inst, period: String(o.period), lines }));
      const next = r.value.status === "awaiting_approval" ? `\nawaits a second representative's approval: ets approve ${r.value.id} --as <another user>` : "";
      return done(id, generated, r.replayed, r.value, `surrender ${r.value.id} for ${inst} ${o.period}: ${r.value.status}${next}`);
    }));

  reads(cmd.command("status").description("obligation, units counted and status per installation for a period"))
    .requiredOption("--period <id>", "compliance period").option("--installation <id>", "one installation")
    .action(runner(async (svc, ctx, o: Opts) => {
      const period = String(o.period);
      const items = o.installation ? [unwrap(await svc.installationStatus(reader(ctx), String(o.installation), period)).value] : unwrap(await svc.status(reader(ctx), period, { limit: 500 })).value.items;
      const rows = items.map((p) => [p.installation, p.status, p.due ?? "", p.surrendered, p.shortfall, p.closed ? "yes" : "", p.reason]);
      return { json: { period, items }, text: `${formatTable(["installation", "status", "due", "surrendered", "shortfall", "closed", "why"], rows)}\n` };
    }));

  writes(cmd.command("close").description("close a period after its deadline: status, penalty and carry-over of every installation (national administrator)"))
    .requiredOption("--period <id>", "compliance period").option("--price <decimal>", "market price, for penalties tied to it")
    .action(runner(async (svc, ctx, o: Opts) => {
      const { id, generated } = pickId(o);
      const r = unwrap(await svc.close(actingUser(ctx), { commandId: id, period: String(o.period), ...(o.price ? { price: String(o.price) } : {}) }));
      const table = formatTable(["installation", "status", "due", "surrendered", "shortfall", "penalty", "carry-over"], r.value.results.map((x) => [x.installation, x.status, x.due ?? "", x.surrendered, x.shortfall, `${x.amount} ${r.value.currency}`, x.carryOver]));
      return { json: { ...r.value, replayed: r.replayed }, text: `${idLine(id, generated)}${r.replayed ? "already closed: " : ""}${r.value.period} closed as of ${r.value.asOf} (deadline ${r.value.deadline})\n${table}\n` };
    }));

  writes(cmd.command("true-up <installation>").description("book the year's true-up after verification: the final amount on verified output less the pre-allocation delivered (national administrator)"))
    .requiredOption("--year <year>", "allocation year").requiredOption("--output <decimal>", "the year's verified output (MWh for power)")
    .option("--class <code>", "allowance class (default: the pre-allocation's)").option("--source <account>", "allocation account (default: the one that delivered the pre-allocation)")
    .action(runner(async (svc, ctx, inst: string, o: Opts) => {
      const y = year("--year", o.year);
      if (!/^(0|[1-9]\d{0,14})(\.\d{1,9})?$/.test(String(o.output))) throw new UsageError(`option --output: the verified output, a decimal >= 0, not ${JSON.stringify(o.output)}`);
      const { id, generated } = pickId(o);
      const r = unwrap(await svc.bookTrueUp(actingUser(ctx), {
        commandId: id, installation: inst, year: y, verifiedOutput: String(o.output), ...(o.class ? { classCode: String(o.class) } : {}), ...(o.source ? { source: String(o.source) } : {}),
      }));
      const v = r.value;
      const moved = v.transactionId === null ? "nothing moves" : BigInt(v.trueUp) > 0n ? `${v.trueUp} ${v.classCode} delivered from ${v.source} (${v.transactionId})` : `${-BigInt(v.trueUp)} ${v.classCode} returned to ${v.source} (${v.transactionId})`;
      return done(id, generated, r.replayed, v, `${inst} ${y}: final ${v.final} - pre-allocation ${v.preAllocation} = true-up ${v.trueUp}; ${moved}`);
    }));

  reads(cmd.command("publish").description("the published compliance rows of a year as CSV: allocation, verified emissions, units surrendered, status"))
    .requiredOption("--year <year>", "compliance year").requiredOption("--out <file>", "the CSV file to write")
    .action(runner(async (svc, ctx, o: Opts) => {
      const y = year("--year", o.year);
      const rb = await svc.ctx.rules();
      if ("ok" in rb) throw new Refused(rb);
      const pub = await publication(ctx.db, rb, y, localDay(rb, ctx.clock.now()));
      if (!pub.published) throw new CommandFailure(`${y} is not published yet: its rows appear from ${pub.publishedFrom ?? "(no deadline in the rulebook)"} (deadline ${pub.deadline ?? "none"} plus the rulebook's publication delay)`);
      const headers = ["installation", "account", "operator", "year", "period", "allocation", "verified_emissions", "emissions", "surrendered", "status"];
      writeFileSync(String(o.out), toCsv(headers, pub.rows.map((r) => [r.installation, r.accountId, r.operator, r.year, r.period, r.allocation, r.verifiedEmissions ?? "", r.emissions, r.surrendered, r.status])));
      return { json: pub, text: `${pub.rows.length} installation(s) of ${y} written to ${String(o.out)} (published from ${pub.publishedFrom})\n` };
    }));

  reads(cmd.command("records <installation>").description("an installation's plans, report versions with verifications, and estimates"))
    .option("--year <year>", "one year")
    .action(runner(async (svc, ctx, inst: string, o: Opts) => {
      const r = unwrap(await svc.records(reader(ctx), inst, o.year === undefined ? undefined : year("--year", o.year))).value;
      const rows = r.reports.map((x) => [x.year, x.version, x.total, x.corrects ?? "", x.verification?.opinion ?? "awaiting", x.verification?.locked ? "yes" : ""]);
      return { json: r, text: `${inst}: ${r.plans.length} plan version(s)\n${formatTable(["year", "version", "total", "corrects", "opinion", "locked"], rows)}\n` };
    }));

  registerExPost(cmd, { writes, reads, runner: (fn) => runner(async (svc, ctx, o: Opts) => fn(svc, ctx, o)), done, reader });
}
