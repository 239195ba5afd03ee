// `ets compliance ex-post issue|list`: Tokyo's excess reductions issued ex post, through the same
// service and rules as the API (src/registry/compliance/ex-post.ts). `issue` acts as a national
// administrator (--as); the first run records the issuance, which waits for a second national
// administrator (`ets approve ex-post.<period>.<installation>.issue --as OTHER`), and exits 1 with
// 9319 until then; the same --id run again completes it. `list` shows what was issued for a period.
import type { Command } from "commander";
import type { Caller } from "../../domain/security/roles.ts";
import type { ComplianceService } from "../../registry/compliance/index.ts";
import { formatTable, UsageError } from "../io.ts";
import { actingUser, type Common, type ListOpts, type Output, pageFooter, pageOptions, pages, type RegistryContext } from "./registry/index.ts";
import { rowsPage } from "../../registry/page-key.ts";
import { pickId, unwrap } from "./registry/context.ts";

type Opts = Common & { id?: string | undefined; [k: string]: unknown };

export interface ComplianceCliKit {
  writes: (c: Command) => Command;
  reads: (c: Command) => Command;
  runner: (fn: (svc: ComplianceService, ctx: RegistryContext, o: Opts) => Promise<Output>) => (...args: unknown[]) => Promise<void>;
  done: (id: string, generated: boolean, replayed: boolean, json: unknown, line: string) => Output;
  reader: (ctx: RegistryContext) => Caller;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function idOpt(flag: string, v: unknown): string {
  if (typeof v !== "string" || !ID.test(v)) throw new UsageError(`option ${flag}: an id (letters, digits and . _ -), not ${JSON.stringify(v)}`);
  return v;
}

export function registerExPost(parent: Command, k: ComplianceCliKit): void {
  const cmd = parent.command("ex-post").description("excess reductions issued ex post after verification (Tokyo): issue, list");

  k.writes(cmd.command("issue").description("issue an installation's excess reductions of a period once every year is verified (national administrator; a second one approves the issuance)"))
    .requiredOption("--period <id>", "compliance period (e.g. P1)").requiredOption("--installation <id>", "the installation")
    .action(k.runner(async (svc, ctx, o) => {
      const period = idOpt("--period", o.period);
      const installation = idOpt("--installation", o.installation);
      const { id, generated } = pickId(o);
      const r = unwrap(await svc.issueExPost(actingUser(ctx), { commandId: id, period, installation }));
      const v = r.value;
      return k.done(id, generated, r.replayed, v, `${installation} ${period}: verified ${v.emissions} t, facility cap ${v.facilityCap} t; ${v.issued} ${v.classCode} (${v.unitType}) issued to ${v.account} (${v.transactionId})`);
    }));

  pageOptions(k.reads(cmd.command("list").description("the excess reductions issued for a period, per installation in id order, a page at a time")))
    .requiredOption("--period <id>", "compliance period (e.g. P1)").option("--installation <id>", "only this installation")
    .action(k.runner(async (svc, ctx, o) => {
      const period = idOpt("--period", o.period);
      const installation = o.installation === undefined ? undefined : idOpt("--installation", o.installation);
      const page = await pages(o as ListOpts, async (after, limit) =>
        rowsPage(unwrap(await svc.exPostIssuances(k.reader(ctx), { period, installation, after: after === undefined ? undefined : { period, installation: after }, take: limit + 1 })).value, limit, (x) => String(x.installation)));
      const items = page.items;
      const table = formatTable(["installation", "account", "class", "emissions", "facility cap", "surplus", "issued", "transaction"], items.map((x) => [x.installation, x.account, x.classCode, x.emissions, x.facilityCap, x.surplus, x.issued, x.transactionId]));
      return { json: { period, ...page }, text: items.length === 0 ? `no excess reductions issued for ${period}\n` : `${table}\n${pageFooter(items.length, page.nextCursor)}` };
    }));
}
