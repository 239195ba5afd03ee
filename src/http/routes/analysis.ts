// Allocation analyses over HTTP for signed-in users (the console's allocation pages): the
// rulebook presets and server datasets to choose from, a year's allocation per installation with
// its explanation (the engine of `ets allocate`), and grandfathering baselines (the steadiest run
// of base years, as `ets baseline`). Inputs are names of the server's own presets and datasets,
// never paths; results are kept in a small cache since they are pure functions of the names.
import { z } from "@hono/zod-openapi";
import { allocate, computeBaseline, RulesMappingError, rulesFromRulebook, show, toNumber } from "../../domain/allocation/index.ts";
import { AllocationInputError } from "../../domain/allocation/methods.ts";
import type { YearValue } from "../../domain/allocation/index.ts";
import type { Rulebook } from "../../domain/rulebook/index.ts";
import type { Dataset } from "../../io/dataset.ts";
import { AnalysisData } from "../analysis-data.ts";
import { roles } from "../access.ts";
import type { AppDeps, HttpConfig } from "../context.ts";
import { fail, jsonSafe } from "../problem.ts";
import { op, type Op } from "../route.ts";

/** Anyone signed in with a role may run analyses; they change nothing. */
export const ANALYSTS = roles(["national-admin", "authority", "representative", "verifier"], "read");

const Id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, "a preset or dataset name (lower-case letters, digits, -)");
const YearParam = z.coerce.number().int().min(1990).max(2200);

/** A text of the allocation engine (src/domain/allocation/texts.ts): a key and its parameters (strings, Texts or lists of Texts). */
const TextSchema = z
  .object({ key: z.string(), params: z.record(z.string(), z.unknown()) })
  .openapi("AllocationText", { description: "A key of the allocation texts and its parameters; the console renders it in the reader's language" });
const Explanation = z.object({
  method: z.string(),
  lines: z.array(z.string()).openapi({ description: "The steps in English" }),
  steps: z.array(TextSchema).openapi({ description: "The same steps as texts, one per line" }),
  factors: z.array(z.object({ name: z.string(), value: z.string(), label: TextSchema.nullable().openapi({ description: "null: the name is the rulebook's own" }) })),
  roundings: z.array(z.object({ step: z.string(), exact: z.string(), rounded: z.string(), rule: z.string(), stepText: TextSchema, ruleText: TextSchema })),
});
const AllocationRunView = z
  .object({
    rulebook: z.string(),
    dataset: z.string(),
    year: z.number().int(),
    scheme: z.string(),
    period: z.string().nullable(),
    results: z.array(
      z.object({
        installation: z.string(),
        name: z.string().nullable(),
        company: z.string().nullable(),
        sector: z.string(),
        method: z.string(),
        entitlement: z.string(),
        auctionShare: z.string(),
        auctioned: z.string(),
        free: z.string(),
        newEntrant: z.boolean(),
        unmet: z.string().optional(),
        trueUp: z.string().optional(),
        explanation: Explanation,
      }),
    ),
    skipped: z.array(z.object({ installation: z.string(), sector: z.string(), reason: z.string(), reasonText: TextSchema })),
    derived: z.array(z.object({ sector: z.string(), product: z.string().optional(), value: z.string(), how: z.string(), howText: TextSchema })),
    totals: z.object({ entitlement: z.string(), free: z.string(), auctioned: z.string() }),
    correction: z.record(z.string(), z.unknown()).nullable(),
    reserve: z.record(z.string(), z.unknown()).nullable(),
    gateway: z.record(z.string(), z.unknown()).nullable(),
  })
  .openapi("AllocationRun");

const BaselineRows = z
  .object({
    dataset: z.string(),
    rulebook: z.string().nullable(),
    rows: z.array(
      z.object({
        installation: z.string(),
        name: z.string(),
        company: z.string(),
        sector: z.string(),
        series: z.array(z.object({ year: z.number().int(), emissions: z.number() })),
        window: z.array(z.number().int()).min(2).max(2).nullable().openapi({ description: "The base years chosen: [first, last]" }),
        excluded: z.number().int().nullable(),
        baseline: z.number().nullable().openapi({ description: "Mean of the chosen years, t (the exact value is baselineExact)" }),
        baselineExact: z.string().nullable(),
        variationAll: z.number().nullable(),
        variationWindow: z.number().nullable(),
        problem: z.enum(["no-window", "missing-year", "bad-exclusion"]).nullable(),
      }),
    ),
  })
  .openapi("Baselines");

export function analysisOps(deps: AppDeps, _config: HttpConfig): Op[] {
  const data = deps.analysis ?? new AnalysisData();
  const rulebookOr404 = (id: string): Rulebook => data.rulebook(id) ?? fail(404, "preset-unknown", `no rulebook preset ${id}`, { facts: { rulebook: id } });
  const datasetOr404 = async (id: string): Promise<Dataset> => {
    const d = data.dataset(id);
    if (!d) fail(404, "dataset-unknown", `no dataset ${id} on the server`, { facts: { dataset: id } });
    return d;
  };
  return [
    op({
      method: "get",
      path: "/v1/analysis/options",
      operationId: "analysisOptions",
      summary: "The presets, datasets and example scenarios on offer",
      description: "The rulebook presets, the server's datasets and the example scenarios the analysis routes accept, each with the fields a form needs to offer it.",
      tag: "analysis",
      access: ANALYSTS,
      responses: {
        200: {
          description: "What can be chosen",
          schema: z
            .object({
              rulebooks: z.array(z.object({ id: z.string(), name: z.string(), currency: z.string(), yearBasis: z.object({ kind: z.string(), startMonth: z.number() }), periods: z.array(z.object({ id: z.string(), from: z.number(), to: z.number() })) })),
              datasets: z.array(z.object({ id: z.string(), name: z.string(), description: z.string().nullable(), currency: z.string(), year: z.number() })),
              scenarios: z.array(z.object({ id: z.string(), name: z.string(), description: z.string().nullable(), rulebook: z.string().nullable() })),
            })
            .openapi("AnalysisOptions"),
        },
      },
      handler: async ({ c }) => {
        const rulebooks = data.presetIds().map((id) => {
          const rb = rulebookOr404(id);
          return { id, name: rb.scheme.name, currency: rb.currency, yearBasis: rb.yearBasis, periods: rb.periods.map((p) => ({ id: p.id, from: p.from, to: p.to })) };
        });
        const scenarios = data.scenarios().map(({ text: _text, ...s }) => s);
        return c.json({ rulebooks, datasets: data.datasetInfos(), scenarios } as never, 200);
      },
    }),
    op({
      method: "get",
      path: "/v1/analysis/allocation",
      operationId: "allocationRun",
      summary: "A year's free allocation of a server dataset",
      description: "A year's free allocation per installation of a server dataset under a rulebook preset, with each figure's explanation, as `ets allocate --explain` gives it.",
      tag: "analysis",
      access: ANALYSTS,
      query: z.object({ rulebook: Id, dataset: Id, year: YearParam }),
      responses: { 200: { description: "The run", schema: AllocationRunView } },
      handler: async ({ c, query }) => {
        const key = `alloc:${query.rulebook}:${query.dataset}:${query.year}`;
        const hit = data.results.get(key);
        if (hit) return c.json(hit as never, 200);
        const rb = rulebookOr404(query.rulebook);
        const d = await datasetOr404(query.dataset);
        let rules;
        try {
          rules = rulesFromRulebook(rb, query.year);
        } catch (err) {
          if (err instanceof RulesMappingError) fail(422, "rulebook-unsupported", err.message, { facts: { reason: err.message, path: err.path } });
          throw err;
        }
        let run;
        try {
          run = allocate(rules, d.installations, d.activity, { explain: true });
        } catch (err) {
          if (err instanceof AllocationInputError || err instanceof RangeError) fail(422, "rulebook-unsupported", err.message, { facts: { reason: err.message } });
          throw err;
        }
        const byId = new Map(d.installations.map((i) => [i.installation, i]));
        const view = jsonSafe({
          rulebook: query.rulebook,
          dataset: query.dataset,
          year: query.year,
          scheme: run.scheme,
          period: rules.period ?? null,
          results: run.results.map((r) => ({ ...r, name: byId.get(r.installation)?.name ?? null, company: byId.get(r.installation)?.company ?? null })),
          skipped: run.skipped,
          derived: run.derived,
          totals: run.totals,
          correction: run.correction ?? null,
          reserve: run.reserve ?? null,
          gateway: run.gateway ?? null,
        });
        data.results.set(key, view);
        return c.json(view as never, 200);
      },
    }),
    op({
      method: "get",
      path: "/v1/analysis/baselines",
      operationId: "baselines",
      summary: "Grandfathering baselines of a server dataset",
      description: "Each installation's steadiest run of base years and its mean, as `ets baseline` gives it; with a rulebook, each sector's own base period.",
      tag: "analysis",
      access: ANALYSTS,
      query: z.object({
        dataset: Id,
        rulebook: Id.optional().openapi({ description: "Take each grandfathered sector's base period (years, window) from this preset; other sectors are left out" }),
        years: z.coerce.number().int().min(1).max(10).optional().openapi({ description: "Years in the base period without a rulebook (default 3)" }),
        from: YearParam.optional().openapi({ description: "First year the base period may start (without a rulebook)" }),
        to: YearParam.optional().openapi({ description: "Last year the base period may end (without a rulebook)" }),
        excludeAbnormal: z.enum(["true", "false"]).optional().openapi({ description: "Drop the year farthest from the others (Tokyo)" }),
      }),
      responses: { 200: { description: "One row per installation", schema: BaselineRows } },
      handler: async ({ c, query }) => {
        const rb = query.rulebook ? rulebookOr404(query.rulebook) : undefined;
        const d = await datasetOr404(query.dataset);
        if (query.from !== undefined && query.to !== undefined && query.from > query.to) fail(400, "request-invalid", "from must not be after to", { code: 8020, check: "input-invalid", facts: { field: "to" } });
        const rows = baselineRows(d, rb, { years: query.years ?? 3, from: query.from, to: query.to, excludeAbnormal: query.excludeAbnormal === "true" });
        return c.json({ dataset: query.dataset, rulebook: query.rulebook ?? null, rows } as never, 200);
      },
    }),
  ];
}

/** Baselines per installation: the rulebook's grandfathered sectors with their base periods, or every installation with the given window. */
export function baselineRows(d: Dataset, rb: Rulebook | undefined, o: { years: number; from: number | undefined; to: number | undefined; excludeAbnormal: boolean }) {
  const series = new Map<string, YearValue[]>();
  for (const a of d.activity) {
    const list = series.get(a.installation);
    if (list) list.push({ year: a.year, value: a.emissions });
    else series.set(a.installation, [{ year: a.year, value: a.emissions }]);
  }
  const out = [];
  for (const inst of d.installations) {
    let length = o.years;
    let within = o.from !== undefined || o.to !== undefined ? { from: o.from ?? 1800, to: o.to ?? 3000 } : undefined;
    if (rb) {
      const rule = rb.allocation.sectors[inst.sector];
      if (!rule || rule.method !== "grandfathering") continue;
      length = rule.basePeriod.years;
      within = { from: rule.basePeriod.window.from, to: rule.basePeriod.window.to };
    }
    const points = (series.get(inst.installation) ?? []).sort((a, b) => a.year - b.year);
    const base = { installation: inst.installation, name: inst.name, company: inst.company, sector: inst.sector, series: points.map((p) => ({ year: p.year, emissions: p.value })) };
    const r = points.length === 0 ? ({ code: "no-window" } as const) : computeBaseline(points, { length, ...(within ? { within } : {}), ...(o.excludeAbnormal ? { exclude: "auto" as const } : {}) });
    if ("code" in r) {
      out.push({ ...base, window: null, excluded: null, baseline: null, baselineExact: null, variationAll: null, variationWindow: null, problem: r.code });
      continue;
    }
    out.push({
      ...base, window: [r.from, r.to] as [number, number], excluded: r.excluded ?? null, baseline: toNumber(r.baseline), baselineExact: show(r.baseline, 6),
      variationAll: Number.isFinite(r.variationAll) ? r.variationAll : null, variationWindow: Number.isFinite(r.variationWindow) ? r.variationWindow : null, problem: null,
    });
  }
  return out;
}
