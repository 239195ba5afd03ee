// Tokyo's excess reductions issued ex post (src/registry/compliance/ex-post.ts): a national
// administrator issues an installation's excess reductions of a compliance period once every year
// is verified; the issuance is four-eyes (9319 until a second national administrator approves the
// issuance with approveTransaction, then the same commandId completes it), and happens once per
// installation and period (9318). The list shows what was issued per installation: all of it to
// administrators and the authority, their own installations' to representatives.
import { z } from "@hono/zod-openapi";
import { roles } from "../access.ts";
import type { AppDeps, HttpConfig } from "../context.ts";
import { created, jsonSafe, unwrap } from "../problem.ts";
import { op, type Op } from "../route.ts";
import { page, PageQuery } from "../schemas.ts";
import { pageOf, pageRequest } from "../views.ts";
import { ComplianceService } from "../../registry/compliance/index.ts";

const Id = z.string().min(1).max(64);
const periodParam = z.object({ period: Id.openapi({ param: { name: "period", in: "path" }, description: "Compliance period id (the rulebook's, e.g. P1)" }) });
const ExPostBody = z
  .object({
    commandId: z.string().min(1).max(128).openapi({ description: "The caller's idempotency key: the same key answers the first result; sent again after the approval it completes the issuance", examples: ["xp-p1-bldg-a"] }),
    installation: Id.openapi({ description: "The installation whose excess reductions are issued" }),
  })
  .strict()
  .openapi("ExPostIssuanceBody");
const ExPostView = z.object({}).catchall(z.unknown()).openapi("ExPostIssuance", {
  description: "Excess reductions issued ex post: period, installation, operator account, class (unit type, vintage), verified emissions, facility cap, surplus, the rulebook's ceiling, the credits issued, the issuance and transfer transactions, the explanation",
});

export function complianceExPostOps(deps: AppDeps, _config: HttpConfig): Op[] {
  // Built on first use: the document generator lists the operations without a registry.
  let service: ComplianceService | undefined;
  const svc = new Proxy({} as ComplianceService, { get: (_t, k) => (service ??= new ComplianceService(deps.registry))[k as keyof ComplianceService] });
  const tag = "compliance";
  return [
    op({
      method: "post", path: "/v1/compliance/periods/{period}/ex-post-issuances", operationId: "issueExPost", tag, errors: [409, 422],
      summary: "Issue excess reductions ex post",
      description:
        "Where the rulebook issues excess reductions ex post (Tokyo): once the installation's emissions of every year of the period are verified (9316 names the years missing), what they stay below its facility cap (at most the rulebook's share of the baseline) is issued as credits of the period's class into the national issuance account (transaction ex-post.<period>.<installation>.issue) and moved to the installation's operator account (ex_post_issuance, ex-post.<period>.<installation>). The issuance waits for a second national administrator (9319 until approveTransaction; the initiator's own approval is refused, 8004); the same commandId then completes it. Refused without a surplus (9317), on a rulebook without ex-post issuance (9306), and once issued (9318) (national administrator).",
      access: roles(["national-admin"], "admin"), params: periodParam, body: ExPostBody,
      responses: { 201: { description: "The credits issued", schema: ExPostView }, 200: { description: "A repeat of an earlier command with the same commandId: its first result", schema: ExPostView } },
      handler: async ({ c, caller, params, body }) => created(c, await svc.issueExPost(caller, { ...body, period: params.period })),
    }),
    op({
      method: "get", path: "/v1/compliance/periods/{period}/ex-post-issuances", operationId: "listExPostIssuances", tag, errors: [422],
      summary: "Excess reductions issued for a period",
      description: "The excess reductions issued ex post for a period, per installation in id order: all of them for administrators and the authority, their installations' for representatives; a page at a time with a cursor.",
      access: roles(["national-admin", "authority", "representative"], "read", "representatives: their installations"), params: periodParam,
      query: PageQuery.extend({ installation: Id.optional().openapi({ description: "Only this installation" }) }),
      responses: { 200: { description: "A page of issuances", schema: page(ExPostView, "ExPostIssuances") } },
      handler: async ({ c, caller, params, query }) => {
        const p = pageRequest(query);
        const rows = unwrap(await svc.exPostIssuances(caller, { period: params.period, installation: query.installation, after: p.after === undefined ? undefined : { period: params.period, installation: p.after }, take: p.take }));
        return c.json(jsonSafe(pageOf(rows, p.limit, (x) => String(x.installation))) as never, 200 as never);
      },
    }),
  ];
}
