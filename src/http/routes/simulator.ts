// The policy simulator over HTTP for signed-in users (the console's simulator pages): run one of
// the server's example scenarios or an uploaded one (YAML or JSON text; rulebooks by preset name
// only) with the cap scaled and the price ceiling and floor replaced, and compare two runs on the
// study's criteria. Every run is bounded (text size, years, facilities, clusters, MSR iterations;
// Monte Carlo is left to `ets simulate`) and runs on a worker thread with a time limit, at most a
// few at once, so no request can exhaust the server; every failure is a 4xx or 503 problem.
import { z } from "@hono/zod-openapi";
import { AnalysisData } from "../analysis-data.ts";
import type { AppDeps, HttpConfig } from "../context.ts";
import { fail, ProblemError, problem } from "../problem.ts";
import { op, type Op } from "../route.ts";
import { type Overrides, SIMULATION_LIMITS, type SimulationJob, type SimulationOutput } from "../simulation-job.ts";
import { type RunResult, SimulationRunner } from "../simulation-runner.ts";
import { ANALYSTS } from "./analysis.ts";

const PriceOverride = z.union([
  z.object({ kind: z.enum(["keep", "none"]) }).strict(),
  z.object({ kind: z.literal("value"), value: z.number().min(0).max(1e9) }).strict(),
]);

export const SimulationRequest = z
  .object({
    preset: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/).optional().openapi({ description: "An example scenario of the server (see /v1/analysis/options)" }),
    text: z.string().min(1).max(SIMULATION_LIMITS.textBytes).optional().openapi({ description: "A scenario file's text (docs/reference/scenario.md)" }),
    format: z.enum(["yaml", "json"]).optional().openapi({ description: "Format of `text` (default yaml, which also reads JSON)" }),
    name: z.string().min(1).max(100).optional().openapi({ description: "Name shown for an uploaded scenario without one" }),
    overrides: z
      .object({
        capFactor: z.number().min(0.1).max(10).optional().openapi({ description: "Multiplies every year's cap" }),
        priceCeiling: PriceOverride.optional(),
        priceFloor: PriceOverride.optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((r) => (r.preset === undefined) !== (r.text === undefined), { message: "give either preset or text", path: ["preset"] })
  .openapi("SimulationRequest");

const Criteria = z.record(z.string(), z.unknown()).openapi({ description: "The comparison criteria (environmental integrity, efficiency, fairness, revenue, price stability)" });
export const SimulationResultView = z
  .object({
    name: z.string(),
    rulebook: z.string().nullable(),
    currency: z.string().nullable(),
    facilities: z.number().int(),
    monteCarloIgnored: z.boolean(),
    parameters: z.object({ years: z.array(z.number().int()), cap: z.array(z.number()), priceCeiling: z.array(z.number().nullable()), priceFloor: z.array(z.number().nullable()) }),
    years: z.array(z.record(z.string(), z.number())),
    msr: z.object({ converged: z.boolean(), iterations: z.number().int() }).nullable(),
    warnings: z.number().int(),
    criteria: Criteria,
  })
  .openapi("SimulationResult");

type Request = z.output<typeof SimulationRequest>;

export function simulatorOps(deps: AppDeps, _config: HttpConfig): Op[] {
  const data = deps.analysis ?? new AnalysisData();
  const runner = deps.simulations ?? new SimulationRunner();

  function jobOf(r: Request): SimulationJob {
    const overrides: Overrides = {};
    if (r.overrides?.capFactor !== undefined) overrides.capFactor = r.overrides.capFactor;
    if (r.overrides?.priceCeiling) overrides.priceCeiling = r.overrides.priceCeiling;
    if (r.overrides?.priceFloor) overrides.priceFloor = r.overrides.priceFloor;
    if (r.preset !== undefined) {
      const p = data.scenarios().find((s) => s.id === r.preset);
      if (!p) fail(404, "preset-unknown", `no example scenario ${r.preset}`, { facts: { preset: r.preset } });
      return { text: p.text, format: "yaml", name: p.id, overrides };
    }
    return { text: r.text as string, format: r.format ?? "yaml", name: r.name ?? "uploaded", overrides };
  }

  async function run(r: Request): Promise<SimulationOutput> {
    const result = await runner.run(jobOf(r));
    if (!result.ok && result.code === "simulation-failed") deps.logger?.error({ err: { message: result.reason } }, "simulation failed");
    return outcome(result);
  }

  return [
    op({
      method: "post",
      path: "/v1/analysis/simulations",
      operationId: "simulate",
      summary: "Run a scenario",
      description: "Runs a scenario (one of the server's examples, or uploaded text) with the cap scaled and the price ceiling and floor replaced. Bounded in size and time: a run past either limit is refused.",
      tag: "analysis",
      access: ANALYSTS,
      body: SimulationRequest,
      responses: { 200: { description: "Prices, emissions, the bank and the criteria per year", schema: SimulationResultView } },
      handler: async ({ c, body }) => c.json((await run(body)) as never, 200),
    }),
    op({
      method: "post",
      path: "/v1/analysis/simulations/compare",
      operationId: "compareSimulations",
      summary: "Compare two scenarios",
      description: "Runs two scenarios and sets them side by side on the comparison criteria.",
      tag: "analysis",
      access: ANALYSTS,
      body: z.object({ runs: z.array(SimulationRequest).length(2) }).strict().openapi("SimulationComparisonRequest"),
      responses: { 200: { description: "Both results", schema: z.object({ results: z.array(SimulationResultView) }).openapi("SimulationComparison") } },
      handler: async ({ c, body }) => {
        const results = [];
        // One after the other: a comparison takes one worker, like any other run.
        for (const r of body.runs) results.push(await run(r));
        return c.json({ results } as never, 200);
      },
    }),
  ];
}

/** A run's result, or its failure as the problem the client reads. */
function outcome(r: RunResult): SimulationOutput {
  if (r.ok) return r.value;
  switch (r.code) {
    case "scenario-invalid":
      throw new ProblemError(problem(400, "scenario-invalid", `${r.field ? `${r.field}: ` : ""}${r.reason}`, { facts: { field: r.field || "(scenario)", reason: r.reason } }));
    case "scenario-too-large":
      throw new ProblemError(problem(422, "scenario-too-large", r.reason, { facts: { reason: r.reason, limits: SIMULATION_LIMITS } }));
    case "scenario-infeasible":
      throw new ProblemError(problem(422, "scenario-infeasible", r.reason, { facts: { reason: r.reason } }));
    // Overload is the caller's to retry (429 with Retry-After), a run past its time limit the
    // scenario's size (422): no simulation request answers 5xx.
    case "simulation-busy":
      throw new ProblemError(problem(429, "simulation-busy", "the simulator is busy with other runs; try again shortly", { facts: { seconds: 2 } }), { "retry-after": "2" });
    case "simulation-timeout":
      throw new ProblemError(problem(422, "simulation-timeout", `the simulation took longer than ${r.seconds} s and was stopped`, { facts: { seconds: r.seconds } }));
    case "simulation-failed":
      // A bug in the simulator, not the caller's input: said plainly, never a 500 for a request.
      throw new ProblemError(problem(422, "scenario-infeasible", "the simulator could not solve this scenario", { facts: { reason: r.reason } }));
  }
}
