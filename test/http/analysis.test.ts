// Goal: the analysis routes the console uses answer like the CLI and refuse what they must. The
// options list the server's presets, datasets and example scenarios; a year's allocation over
// HTTP equals `ets allocate`'s (same engine, same totals) with every result explained; baselines
// follow the rulebook's base period; simulations of an example or uploaded scenario apply the
// cap, ceiling and floor overrides; bad input is a 4xx problem naming the field; a scenario over
// the bounds, a rulebook path instead of a preset, an infeasible scenario, a run past its time
// limit and a run beyond the worker limit are refused with their own problem, never a 500.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/http/app.ts";
import { SimulationRunner } from "../../src/http/simulation-runner.ts";
import { openTestDb } from "../support/stores.ts";
import { buildFixture, type Fixture } from "./fixture.ts";
import { as, seedWorld, type Session, signIn } from "./world.ts";

let f: Fixture;
let s: Session;
const LOOSE = { rateLimit: { ip: { max: 1e9, windowMs: 60_000 }, user: { max: 1e9, windowMs: 60_000 }, signIn: { max: 1e9, windowMs: 60_000 } } };

beforeAll(async () => {
  f = await buildFixture(await openTestDb("pglite"), {
    http: LOOSE,
    security: { signIn: { secondFactorRoles: [], maxFailures: 5, maxFailuresPerUser: 5, lockoutMinutes: 15, backoffBaseSeconds: 1, backoffMaxSeconds: 60, minPasswordLength: 12 } },
  });
  await seedWorld(f);
  s = await signIn(f, "auditor");
}, 120_000);
afterAll(async () => {
  await f?.db.close();
});

const json = async (r: Response) => (await r.json()) as Record<string, any>;
const get = (path: string) => as(f, s, "GET", path);
const post = (path: string, body: unknown) => as(f, s, "POST", path, body);

describe("allocation analyses", () => {
  it("lists what can be chosen", async () => {
    const o = await json(await get("/v1/analysis/options"));
    expect(o.rulebooks.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining(["japan-gx-ets", "eu-ets-phase3", "tokyo"]));
    expect(o.datasets.map((d: { id: string }) => d.id)).toEqual(expect.arrayContaining(["demo-japan", "steel-cement"]));
    const ids = o.scenarios.map((x: { id: string }) => x.id);
    expect(ids).toEqual(expect.arrayContaining(["collar", "gx-ets", "msr"]));
    expect(ids).not.toContain("compare");
  });

  it("allocates a year as the CLI does, every result explained", async () => {
    const res = await get("/v1/analysis/allocation?rulebook=japan-gx-ets&dataset=demo-japan&year=2026");
    expect(res.status).toBe(200);
    const run = await json(res);
    expect(run.results).toHaveLength(34);
    // `./bin/ets allocate --rulebook japan-gx-ets --dataset data/demo-japan --year 2026`: total free 72307202
    expect(run.totals).toEqual({ entitlement: "72307202", free: "72307202", auctioned: "0" });
    const steel = run.results.find((r: { installation: string }) => r.installation === "JP-INST-001");
    expect(steel).toMatchObject({ name: "Muroran works", company: "Hokkai Steel", sector: "steel", method: "benchmark", free: "9927532" });
    expect(run.results.every((r: { explanation: { lines: string[] } }) => r.explanation.lines.length > 0)).toBe(true);
    expect(run.derived.map((d: { sector: string }) => d.sector)).toEqual(["steel", "cement", "refining", "chemicals", "paper"]);
  });

  it("refuses unknown names and bad years with problems", async () => {
    const a = await get("/v1/analysis/allocation?rulebook=nope&dataset=demo-japan&year=2026");
    expect(a.status).toBe(404);
    expect((await json(a)).type).toMatch(/preset-unknown$/);
    const b = await get("/v1/analysis/allocation?rulebook=japan-gx-ets&dataset=..%2F..%2Fetc&year=2026");
    expect(b.status).toBe(400);
    const c = await get("/v1/analysis/allocation?rulebook=japan-gx-ets&dataset=demo-japan&year=twenty");
    expect(c.status).toBe(400);
    expect((await json(c)).check).toBe("input-invalid");
    const d = await get("/v1/analysis/allocation?rulebook=japan-gx-ets&dataset=missing&year=2026");
    expect(d.status).toBe(404);
    expect((await json(d)).type).toMatch(/dataset-unknown$/);
  });

  it("baselines take the rulebook's base period for its grandfathered sectors", async () => {
    const b = await json(await get("/v1/analysis/baselines?dataset=demo-japan&rulebook=japan-gx-ets"));
    expect(b.rows).toHaveLength(7);
    for (const r of b.rows) {
      expect(r.sector).toBe("other");
      expect(r.window).toEqual([2022, 2024]);
      const mean = r.series.filter((p: { year: number }) => p.year >= 2022 && p.year <= 2024).reduce((a: number, p: { emissions: number }) => a + p.emissions, 0) / 3;
      expect(r.baseline).toBeCloseTo(mean, 6);
    }
    const free = await json(await get("/v1/analysis/baselines?dataset=demo-japan&years=2&from=2019&to=2021&excludeAbnormal=false"));
    expect(free.rows).toHaveLength(34);
    for (const r of free.rows) expect(r.window[0]).toBeGreaterThanOrEqual(2019);
    const bad = await get("/v1/analysis/baselines?dataset=demo-japan&from=2024&to=2020");
    expect(bad.status).toBe(400);
  });
});

describe("simulations", () => {
  it("runs an example and applies the overrides", async () => {
    const base = await json(await post("/v1/analysis/simulations", { preset: "collar" }));
    expect(base.name).toBe("collar");
    expect(base.years).toHaveLength(10);
    expect(base.monteCarloIgnored).toBe(true);
    expect(base.parameters.priceCeiling.every((v: number) => v === 90)).toBe(true);
    const tight = await json(await post("/v1/analysis/simulations", { preset: "collar", overrides: { capFactor: 0.6, priceCeiling: { kind: "none" }, priceFloor: { kind: "value", value: 20 } } }));
    expect(tight.parameters.cap[0]).toBeCloseTo(600, 9);
    expect(tight.parameters.priceCeiling.every((v: unknown) => v === null)).toBe(true);
    expect(tight.parameters.priceFloor.every((v: number) => v === 20)).toBe(true);
    // A tighter cap without a ceiling: higher prices, less emitted.
    const sum = (r: Record<string, any>) => (r.years as Array<{ emissions: number }>).reduce((a, y) => a + y.emissions, 0);
    expect(tight.years[0].price).toBeGreaterThan(base.years[0].price);
    expect(sum(tight)).toBeLessThan(sum(base));
    expect(tight.years.every((y: { price: number }) => y.price >= 20 - 1e-9)).toBe(true);
    expect(tight.criteria.environmentalIntegrity.totalCap).toBeCloseTo(0.6 * base.criteria.environmentalIntegrity.totalCap, 6);
  }, 60_000);

  it("runs an uploaded scenario with a preset rulebook, and compares two", async () => {
    const text = "name: up\nrulebook: japan-gx-ets\ncap: [560, 545, 530, 515, 500]\nfacilities:\n  - { id: a, bau: 600, mac: { linear: { slope: 40 } }, freeAllocation: 300 }\n";
    const r = await json(await post("/v1/analysis/simulations", { text }));
    expect(r).toMatchObject({ name: "up", rulebook: "japan-gx-ets", currency: "JPY", facilities: 1 });
    expect(r.parameters.years).toEqual([2026, 2027, 2028, 2029, 2030]);
    const c = await post("/v1/analysis/simulations/compare", { runs: [{ preset: "collar" }, { preset: "collar", overrides: { capFactor: 0.8 } }] });
    expect(c.status).toBe(200);
    const both = await json(c);
    expect(both.results).toHaveLength(2);
    expect(both.results[1].criteria.priceStability.meanPrice).toBeGreaterThan(both.results[0].criteria.priceStability.meanPrice);
  }, 60_000);

  it("refuses bad scenarios with problems that name the field", async () => {
    const cases: Array<[unknown, number, RegExp, string?]> = [
      [{ text: "years: [2026]\ncap: 1\nfacilities: []\n" }, 400, /scenario-invalid$/, "facilities"],
      [{ text: "rulebook: /etc/passwd\nyears: [2026]\ncap: 10\nfacilities: [{ id: a, bau: 5, mac: { linear: { slope: 1 } } }]\n" }, 400, /scenario-invalid$/, "rulebook"],
      [{ text: "{ not yaml: [" }, 400, /scenario-invalid$/],
      [{ preset: "collar", overrides: { capFactor: 0.3 } }, 400, /scenario-invalid$/, "overrides.capFactor"],
      [{ preset: "collar", overrides: { priceFloor: { kind: "value", value: 100 } } }, 400, /scenario-invalid$/, "overrides.priceFloor"],
      [{ preset: "collar", text: "x" }, 400, /request-invalid$/],
      [{ preset: "nope" }, 404, /preset-unknown$/],
      [{ preset: "collar", overrides: { capFactor: 1000 } }, 400, /request-invalid$/],
      [{ text: "x".repeat(49 * 1024) }, 400, /request-invalid$/],
      [{ text: `years: { from: 2000, to: 2060 }\ncap: 10\nfacilities: [{ id: a, bau: 5, mac: { linear: { slope: 1 } } }]\n` }, 422, /scenario-too-large$/],
      [{ text: `years: [2026]\ncap: 1\nfacilities: [{ id: a, bau: 5, mac: { steps: [{ quantity: 1, cost: 5 }] } }]\n` }, 422, /scenario-infeasible$/],
    ];
    for (const [body, status, type, field] of cases) {
      const res = await post("/v1/analysis/simulations", body);
      const p = await json(res);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      expect(p.type).toMatch(type);
      if (field) expect(p.facts.field).toBe(field);
    }
  }, 60_000);

  it("stops a run past its time limit, and says busy beyond the worker limit", async () => {
    const slow = new SimulationRunner({ workers: 1, timeoutMs: 1 });
    const g = await buildFixture(await openTestDb("pglite"), { http: LOOSE, security: { signIn: { secondFactorRoles: [], maxFailures: 5, maxFailuresPerUser: 5, lockoutMinutes: 15, backoffBaseSeconds: 1, backoffMaxSeconds: 60, minPasswordLength: 12 } } });
    try {
      await seedWorld(g);
      const sess = await signIn(g, "auditor");
      // The same services behind a second app whose simulations run on one worker with a 1 ms limit.
      const app = createApp({ ledger: g.ledger, registry: g.registry, auth: g.auth, audit: g.audit, clock: g.clock, simulations: slow, config: LOOSE });
      const call = (body: unknown) =>
        Promise.resolve(app.app.request("/v1/analysis/simulations", { method: "POST", headers: { cookie: sess.cookie, "x-csrf-token": sess.csrf, "content-type": "application/json" }, body: JSON.stringify(body) }, { incoming: { socket: { remoteAddress: "192.0.2.9" } } }));
      const [a, b] = await Promise.all([call({ preset: "collar" }), call({ preset: "collar" })]);
      const types = [(await a.json()) as { type: string }, (await b.json()) as { type: string }].map((p) => p.type.replace(/^.*\//, "")).sort();
      expect(types).toEqual(["simulation-busy", "simulation-timeout"]);
      expect([a.status, b.status].sort()).toEqual([422, 429]);
    } finally {
      await slow.close();
      await g.db.close();
    }
  }, 60_000);
});
