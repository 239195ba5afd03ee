// The checks a transaction went through (src/registry/check-trail.ts), for the console's
// transaction page: visible to whoever may see the transaction itself.
import { z } from "@hono/zod-openapi";
import { DEFAULT_CATALOGUE } from "../../domain/ledger/catalog.ts";
import { checkTrail } from "../../registry/check-trail.ts";
import { EXPIRY_ACTOR } from "../../registry/secure/index.ts";
import { roles } from "../access.ts";
import type { AppDeps, HttpConfig } from "../context.ts";
import { fail, unwrap } from "../problem.ts";
import { op, type Op } from "../route.ts";
import { Time } from "../schemas.ts";
import { txParam } from "./read.ts";

const CheckTrail = z
  .object({
    transactionId: z.string(),
    checks: z.array(
      z.object({
        code: z.number().int(),
        check: z.string(),
        stage: z.enum(["initiation", "approval", "delay", "completion"]),
        outcome: z.enum(["passed", "failed", "pending", "not-reached"]),
      }),
    ),
    decision: z.object({ status: z.enum(["rejected", "cancelled"]), actor: z.string().nullable(), at: Time }).nullable(),
  })
  .openapi("CheckTrail");

export function trailOps(deps: AppDeps, _config: HttpConfig): Op[] {
  return [
    op({
      method: "get",
      path: "/v1/transactions/{transactionId}/checks",
      operationId: "getTransactionChecks",
      summary: "The checks a transaction went through",
      description: "The numbered checks that applied to a transaction at each stage (initiation, approval, delay, completion) and how each came out; derived from its kind, the registry's security rules and its status history.",
      tag: "transactions",
      access: roles(["national-admin", "authority", "representative"], "read", "representatives: only transactions touching accounts they represent"),
      params: txParam,
      responses: { 200: { description: "The checks", schema: CheckTrail } },
      handler: async ({ c, caller, params }) => {
        const t = unwrap(await deps.registry.getTransaction(caller, params.transactionId));
        const kind = DEFAULT_CATALOGUE.kinds.get(t.kind);
        if (!kind) fail(404, "not-found", `transaction kind ${t.kind} is not in the catalogue`);
        const initiatorIsUser = t.initiator !== null && !t.initiator.startsWith("system:") && (await deps.auth.principalOf(t.initiator, "session", "all")) !== undefined;
        return c.json(checkTrail(t, kind, deps.registry.config, { initiatorIsUser, expiryActor: EXPIRY_ACTOR }) as never, 200);
      },
    }),
  ];
}
