// Public routes about the scheme the server runs: its rulebook's identity (name, currency, what a
// year means, the registry calendar's time zone) and the dashboard's figures read from the
// ledger (issued, allocated, auctioned, in reserves, banked, surrendered; per month and per scheme
// year; the rulebook's cap and reference prices). Both are published data, like the EU's TNAC.
import { z } from "@hono/zod-openapi";
import { readDashboard } from "../../registry/dashboard.ts";
import { PUBLIC_ACCESS as PUBLIC } from "../access.ts";
import type { AppDeps, HttpConfig } from "../context.ts";
import { op, type Op } from "../route.ts";
import { Amount, Time } from "../schemas.ts";
import { toJson } from "../views.ts";

const Year = z.number().int();
const Flows = z
  .object({ issued: Amount, allocated: Amount, auctioned: Amount, surrendered: Amount, retired: Amount, cancelled: Amount })
  .openapi("DashboardFlows", { description: "Units moved (net of returns and reversals)" });
const Stocks = z
  .object({ undistributed: Amount, reserves: Amount, banked: Amount, surrendered: Amount, retired: Amount, cancelled: Amount })
  .openapi("DashboardStocks", {
    description: "Units by where they are: undistributed (government accounts), reserves, banked (participants' accounts), surrendered, retired, cancelled",
  });

export const Scheme = z
  .object({
    rulebook: z.string().nullable().openapi({ description: "The rulebook (preset or file) the server runs, or null" }),
    id: z.string().nullable(),
    name: z.string().nullable(),
    jurisdiction: z.string().nullable(),
    currency: z.string().nullable(),
    unit: z.string(),
    yearBasis: z.object({ kind: z.enum(["calendar", "fiscal"]), startMonth: z.number().int() }),
    periods: z.array(z.object({ id: z.string(), name: z.string().nullable(), from: Year, to: Year })),
    timeZone: z.string().openapi({ description: "The registry calendar's time zone (trusted-list activation, business hours)" }),
    transferDelayHours: z.number(),
    demo: z.boolean().openapi({ description: "True on a demo server (published demo credentials)" }),
    features: z
      .object({
        exPostIssuance: z.boolean().openapi({ description: "The rulebook issues excess reductions ex post (Tokyo's credits below a facility cap; issueExPost)" }),
        ceilingPayments: z.boolean().openapi({ description: "The rulebook keeps its price ceiling by payment in lieu of allowances (GX-ETS; payCeilingPrice)" }),
        ceilingSales: z.boolean().openapi({ description: "The rulebook keeps its price ceiling by fixed-price sales beyond the cap (sellAtCeiling)" }),
      })
      .openapi({ description: "Workflows the rulebook has, for clients that offer only what the scheme does" }),
  })
  .openapi("Scheme");

export const DashboardView = z
  .object({
    asOf: Time,
    unitType: z.string(),
    totals: Flows.extend({ stocks: Stocks }),
    months: z.array(z.object({ month: z.string().openapi({ examples: ["2026-04"] }), flows: Flows, stocks: Stocks })),
    years: z.array(z.object({ year: Year, cap: Amount.nullable(), flows: Flows, stocks: Stocks, priceFloor: z.number().nullable(), priceCeiling: z.number().nullable() })),
    byUnitType: z.array(z.object({ unitType: z.string(), issued: Amount, stocks: Stocks })),
    cap: z.object({ year: Year, value: Amount.nullable(), basis: z.enum(["rulebook", "bottom-up", "none"]) }),
    price: z.object({
      value: z.number().nullable().openapi({ description: "The market or auction price; null until a price source (auctions) records one" }),
      source: z.enum(["none"]),
      floor: z.number().nullable(),
      ceiling: z.number().nullable(),
      currency: z.string().nullable(),
    }),
  })
  .openapi("Dashboard");

export function schemeOps(deps: AppDeps, _config: HttpConfig): Op[] {
  const rb = deps.rulebook?.rulebook;
  return [
    op({
      method: "get",
      path: "/v1/public/scheme",
      operationId: "publicScheme",
      summary: "The scheme the server runs",
      description: "The rulebook the server runs on, its currency, what a scheme year means, and the registry calendar's time zone.",
      tag: "public",
      access: PUBLIC,
      responses: { 200: { description: "The scheme", schema: Scheme } },
      handler: async ({ c }) => {
        const cfg = deps.registry.config;
        return c.json({
          rulebook: deps.rulebook?.name ?? null,
          id: rb?.scheme.id ?? null,
          name: rb?.scheme.name ?? null,
          jurisdiction: rb?.scheme.jurisdiction ?? null,
          currency: rb?.currency ?? null,
          unit: rb?.unit ?? "t-CO2e",
          yearBasis: rb ? { kind: rb.yearBasis.kind, startMonth: rb.yearBasis.startMonth } : { kind: "calendar" as const, startMonth: 1 },
          periods: (rb?.periods ?? []).map((p) => ({ id: p.id, name: p.name ?? null, from: p.from, to: p.to })),
          timeZone: cfg.trustedList.timeZone,
          transferDelayHours: cfg.transferDelayHours,
          demo: cfg.demoMode,
          // A valid rulebook has exPostIssuance only beside an excess-over-cap obligation (complianceIssues).
          features: {
            exPostIssuance: rb?.compliance?.exPostIssuance !== undefined,
            ceilingPayments: rb?.stability?.priceCeiling?.mechanism === "payment-in-lieu",
            ceilingSales: rb?.stability?.priceCeiling?.mechanism === "fixed-price-sale",
          },
        });
      },
    }),
    op({
      method: "get",
      path: "/v1/public/dashboard",
      operationId: "publicDashboard",
      summary: "The scheme dashboard",
      description: "Issued, allocated, auctioned, in reserves, banked and surrendered units per month and scheme year, with the cap and the reference prices.",
      tag: "public",
      access: PUBLIC,
      query: z.object({ unitType: z.string().regex(/^[A-Za-z0-9.-]{1,32}$/).optional().openapi({ description: "Unit type of the series (default allowance)" }) }),
      responses: { 200: { description: "The figures", schema: DashboardView } },
      handler: async ({ c, query }) => {
        const cfg = deps.registry.config;
        const d = await readDashboard(deps.ledger.db, { now: deps.clock.now(), timeZone: cfg.trustedList.timeZone, rulebook: rb, ...(query.unitType ? { unitType: query.unitType } : {}) });
        return c.json(toJson(d) as never);
      },
    }),
  ];
}
