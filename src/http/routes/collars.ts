// Price collars over the API (src/registry/auction/ceiling-payments.ts): a national administrator
// records an operator's payment of the reference upper price in place of allowances (GX-ETS), for
// tonnes of an installation's obligation in a compliance period; compliance counts them toward the
// obligation in the period's status and close. And where a hard ceiling is kept by fixed-price
// sales, sales at the ceiling issued beyond the cap (src/registry/auction/ceiling-sales.ts).
// Administrators and the authority read them.
import { z } from "@hono/zod-openapi";
import { auctionStatusOf } from "../../domain/auction/checks.ts";
import { AuctionService, PENDING_STATES } from "../../registry/auction/index.ts";
import { roles } from "../access.ts";
import type { AppDeps, HttpConfig } from "../context.ts";
import { jsonSafe, ProblemError, type RefusalLike, refusalProblem, refusalStatus } from "../problem.ts";
import { op, type Op } from "../route.ts";
import { Amount, page, PageQuery, Time, TransactionId } from "../schemas.ts";
import { pageOf, pageRequest } from "../views.ts";
import { complianceEmissions } from "../../registry/compliance/emissions.ts";

const TAG = "collars";

const Money = z.string().openapi({ description: "An amount of money as a decimal string, exact to the currency's minor unit", examples: ["43000000"] });
const CeilingPayment = z
  .object({
    id: z.string(),
    installation: z.string(),
    period: z.string(),
    priceYear: z.number().int().openapi({ description: "The year whose ceiling price applies: the last year of the compliance period" }),
    quantity: Amount,
    price: Money,
    amount: Money,
    currency: z.string(),
    reference: z.string().nullable(),
    recordedBy: z.string(),
    recordedAt: Time,
  })
  .openapi("CeilingPayment");

const CeilingSale = z
  .object({
    id: z.string().openapi({ description: "The sale's commandId" }),
    transactionId: z.string().openapi({ description: "The ceiling_sale transfer to the buyer: ceiling-sale.<commandId>" }),
    issuanceId: z.string().openapi({ description: "The issuance beyond the cap the sale delivers: ceiling-sale.<commandId>.issue" }),
    account: z.string(),
    installation: z.string(),
    classCode: z.string(),
    year: z.number().int().openapi({ description: "The year whose ceiling price applies: the scheme year of the sale (a fiscal year where the rulebook counts them) in the registry's time zone" }),
    quantity: Amount,
    price: Money,
    amount: Money,
    currency: z.string(),
    beyondCap: z.literal(true).openapi({ description: "Every allowance sold at the ceiling is issued beyond the cap" }),
    soldBy: z.string().nullable(),
    recordedAt: Time,
  })
  .openapi("CeilingSale");

const PendingCeilingSale = z
  .object({
    commandId: z.string().openapi({ description: "The sale's commandId: the one id that completes it" }),
    transactionId: z.string().openapi({ description: "The ceiling_sale transfer the completion writes: ceiling-sale.<commandId>" }),
    issuanceId: z.string().openapi({ description: "The issuance beyond the cap: ceiling-sale.<commandId>.issue" }),
    issuanceStatus: z.enum(["awaiting_approval", "delayed", "completed", "rejected", "cancelled"]).nullable().openapi({ description: "Where the issuance stands in the ledger; null when it was never written (completing the sale issues it). Completed: the sale can be completed now; rejected or cancelled: it cannot complete" }),
    account: z.string().openapi({ description: "The buyer's operator holding account" }),
    installation: z.string(),
    classCode: z.string(),
    quantity: Amount,
    issuanceAccount: z.string(),
    year: z.number().int().openapi({ description: "The scheme year whose ceiling price was asked; the sale is priced in the year it completes" }),
    price: Money,
    amount: Money,
    currency: z.string(),
    requestedBy: z.string(),
    requestedAt: Time,
  })
  .openapi("PendingCeilingSale");

const SaleKey = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/);

function must<T>(r: { ok: true; value: T } | RefusalLike): T {
  if (!r.ok) throw new ProblemError(refusalProblem(r, auctionStatusOf(r.code) ?? refusalStatus(r)), {}, true);
  return r.value;
}
const json = (c: { json: (b: never, s?: never) => Response }, v: unknown, status = 200) => c.json(jsonSafe(v) as never, status as never);

export function collarOps(deps: AppDeps, _config: HttpConfig): Op[] {
  let made: AuctionService | undefined;
  const service = () => (made ??= new AuctionService(deps.registry, { rulebook: deps.rulebook, emissions: complianceEmissions }));
  return [
    op({
      method: "post", path: "/v1/ceiling-payments", operationId: "payCeilingPrice", tag: TAG, access: roles(["national-admin"], "admin"),
      summary: "Record a payment in place of allowances",
      description:
        "Records an operator's payment of the year's ceiling price (GX-ETS: the reference upper price, JPY 4,300 in FY2026, x 1.03 a year, from the rulebook) for tonnes of an installation's obligation in a compliance period, instead of surrendering allowances. The price is the rulebook's for the period's last year; the amount is quantity x price, exact. The tonnes count toward the obligation in the period's status and close. Refused where the rulebook keeps no ceiling by payment in lieu, for an unregistered installation, or once the period is closed. Once per commandId.",
      body: z
        .object({ commandId: TransactionId, installation: z.string().min(1).max(64), period: z.string().min(1).max(32), quantity: z.union([Amount, z.number().int().positive()]), reference: z.string().max(200).optional() })
        .strict()
        .openapi("CeilingPaymentBody"),
      errors: [404, 409, 422],
      responses: { 201: { description: "The payment, recorded", schema: CeilingPayment }, 200: { description: "A repeat of an earlier request with the same commandId: its first result", schema: CeilingPayment } },
      handler: async ({ c, caller, body }) => {
        const r = await service().payInLieu(caller, body);
        const v = must(r);
        return json(c, v, r.ok && r.replayed ? 200 : 201);
      },
    }),
    op({
      method: "get", path: "/v1/ceiling-payments", operationId: "listCeilingPayments", tag: TAG, access: roles(["national-admin", "authority"], "read"),
      summary: "Payments in place of allowances",
      description: "The payments of the ceiling price recorded in place of allowances, oldest first (then by id), optionally for one installation and one compliance period; a page at a time with a cursor.",
      query: PageQuery.extend({ installation: z.string().min(1).max(64).optional(), period: z.string().min(1).max(32).optional() }),
      responses: { 200: { description: "A page of payments", schema: page(CeilingPayment, "CeilingPaymentList") } },
      handler: async ({ c, query }) => {
        const p = pageRequest(query);
        return json(c, pageOf(await service().ceilingPayments({ installation: query.installation, period: query.period, after: p.after, take: p.take }), p.limit, (x) => x.id));
      },
    }),
    op({
      method: "post", path: "/v1/ceiling-sales", operationId: "sellAtCeiling", tag: TAG, access: roles(["national-admin"], "admin"),
      summary: "Sell allowances at the ceiling, issued beyond the cap",
      description:
        "Where the rulebook keeps a hard ceiling by fixed-price sales, sells a covered entity (the operator holding account of an installation registered for compliance) allowances at the year's ceiling price: the quantity is issued beyond the cap into the national issuance account (transaction ceiling-sale.<commandId>.issue) and transferred to the buyer (ceiling_sale, ceiling-sale.<commandId>), the sale recorded beside the transfer with its price, amount and year. Refused where the rulebook has no such ceiling for the year or keeps it otherwise, and for a buyer that is not a covered entity. The request (buyer, class, quantity, issuance account) is recorded under its commandId before the issuance, which waits for a second national administrator (409, 11709); once it is approved, any national administrator completes the sale by its commandId alone (POST /v1/ceiling-sales/{commandId}/complete) or by sending the same sale again. Once per commandId: the same commandId with another account, class or quantity is refused (409, 11003, the field named); after a failure between the issuance and the transfer it completes the sale without issuing again.",
      body: z
        .object({ commandId: SaleKey, account: z.string().min(1).max(64), classCode: z.string().min(1).max(64), quantity: z.union([Amount, z.number().int().positive()]), issuanceAccount: z.string().min(1).max(64).optional() })
        .strict()
        .openapi("CeilingSaleBody"),
      errors: [404, 409, 422],
      responses: { 201: { description: "The sale, recorded", schema: CeilingSale }, 200: { description: "A repeat of an earlier request with the same commandId: its first result", schema: CeilingSale } },
      handler: async ({ c, caller, body }) => {
        const r = await service().sellAtCeiling(caller, body);
        const v = must(r);
        return json(c, v, r.ok && r.replayed ? 200 : 201);
      },
    }),
    op({
      method: "post", path: "/v1/ceiling-sales/{commandId}/complete", operationId: "completeCeilingSale", tag: TAG, access: roles(["national-admin"], "admin"),
      summary: "Complete a sale at the ceiling by its commandId",
      description:
        "Completes a requested sale at the ceiling knowing only its commandId: the buyer, class, quantity and issuance account are those recorded when the sale was first sent. Any national administrator may complete it (also the one who sold or who approved its issuance). A route of its own rather than the sale's body without its fields: the sale's body keeps every field required, and completing never takes figures that could differ from the request. Refused for a commandId under which no sale was requested (404), while the issuance awaits approval or once it was rejected or cancelled (409, its status named), and where the buyer is no longer a covered entity (422). A sale already made answers its first result (200).",
      params: z.object({ commandId: SaleKey }),
      errors: [404, 409, 422],
      responses: { 201: { description: "The sale, recorded", schema: CeilingSale }, 200: { description: "The sale was already made: its first result", schema: CeilingSale } },
      handler: async ({ c, caller, params }) => {
        const r = await service().completeCeilingSale(caller, params.commandId);
        const v = must(r);
        return json(c, v, r.ok && r.replayed ? 200 : 201);
      },
    }),
    op({
      method: "get", path: "/v1/ceiling-sales/pending", operationId: "listPendingCeilingSales", tag: TAG, access: roles(["national-admin", "authority"], "read"),
      summary: "Sales at the ceiling requested and not yet made",
      description:
        "The sales at the ceiling requested and not yet made (no sale row), oldest first by the time of the request (then by commandId), a page at a time with a cursor: each with its buyer, class, quantity, the price and exact amount of the year asked, the issuance beyond the cap and its status, who asked and when. A sale leaves the list once it is made; one whose issuance was rejected or cancelled stays, with that status. `state=open` lists only the requests a completion can still make (issuance not written, awaiting approval or delay, or completed); `state=ended` only those whose issuance was rejected or cancelled.",
      query: PageQuery.extend({ state: z.enum(PENDING_STATES).optional() }),
      responses: { 200: { description: "A page of pending sales", schema: page(PendingCeilingSale, "PendingCeilingSaleList") } },
      handler: async ({ c, query }) => {
        const p = pageRequest(query);
        return json(c, pageOf(await service().pendingCeilingSales({ after: p.after, take: p.take, state: query.state }), p.limit, (x) => x.commandId));
      },
    }),
    op({
      method: "get", path: "/v1/ceiling-sales", operationId: "listCeilingSales", tag: TAG, access: roles(["national-admin", "authority"], "read"),
      summary: "Sales at the ceiling beyond the cap",
      description: "The sales at the ceiling, oldest first (then by id), optionally of one year or to one account, a page at a time with a cursor; and on every page the allowances issued beyond the cap by them per year (`issuedBeyondCap`, of the year asked or all years).",
      query: PageQuery.extend({ year: z.coerce.number().int().min(1990).max(2200).optional(), account: z.string().min(1).max(64).optional() }),
      responses: {
        200: {
          description: "A page of the sales and the yearly totals issued beyond the cap",
          schema: z.object({ items: z.array(CeilingSale), nextCursor: z.string().nullable(), issuedBeyondCap: z.array(z.object({ year: z.number().int(), quantity: Amount })) }).openapi("CeilingSaleList"),
        },
      },
      handler: async ({ c, query }) => {
        const p = pageRequest(query);
        const pg = pageOf(await service().ceilingSales({ year: query.year, account: query.account, after: p.after, take: p.take }), p.limit, (x) => x.id);
        return json(c, { ...pg, issuedBeyondCap: await service().issuedBeyondCap(query.year) });
      },
    }),
  ];
}
