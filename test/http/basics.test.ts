// Goal: the app's skeleton holds: the OpenAPI 3.1 document and the docs page are served, public
// views answer with decimal-string amounts and cursor pagination, unknown routes are 404 problems,
// and security headers are on every response.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SecureRegistry } from "../../src/registry/secure/index.ts";
import { buildFixture, type Fixture } from "./fixture.ts";
import { openMigratedPglite } from "../support/stores.ts";

let f: Fixture;

beforeAll(async () => {
  const db = await openMigratedPglite();
  const unused = new Proxy({}, { get: () => () => Promise.reject(new Error("registry not used here")) }) as SecureRegistry;
  f = await buildFixture(db, { registry: unused });
  const L = f.ledger;
  await L.defineClass({ commandId: "c1", code: "JPA-2026", unitType: "allowance", scheme: "JP-GX", vintage: 2026 });
  await L.openAccount({ commandId: "a1", accountId: "JP-100-0001", type: "national_issuance", holder: "Government of Japan", name: "Issuance" });
  await L.openAccount({ commandId: "a2", accountId: "JP-200-0001", type: "operator_holding", holder: "Example Steel", name: "Example Steel Works", installation: "INST-1" });
  await L.openAccount({ commandId: "a3", accountId: "JP-200-0002", type: "operator_holding", holder: "Example Cement", name: "Example Cement Plant", installation: "INST-2" });
  const issued = await L.propose({ transactionId: "iss-1", kind: "issuance", legs: [{ classCode: "JPA-2026", to: "JP-100-0001", quantity: "1000000" }] });
  expect(issued.ok).toBe(true);
  const alloc = await L.propose({ transactionId: "alloc-1", kind: "allocation", legs: [{ classCode: "JPA-2026", from: "JP-100-0001", to: "JP-200-0001", quantity: "12345" }] });
  expect(alloc.ok).toBe(true);
}, 60_000);

afterAll(async () => {
  await f?.db.close();
});

describe("HTTP basics", () => {
  it("serves an OpenAPI 3.1 document with every operation", async () => {
    const res = await f.request("/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, { operationId: string; "x-openets-access": unknown }>> };
    expect(doc.openapi).toBe("3.1.0");
    const ids = Object.values(doc.paths).flatMap((m) => Object.values(m).map((o) => o.operationId));
    expect(ids.sort()).toEqual(f.api.ops.map((o) => o.operationId).sort());
    expect(doc.paths["/v1/accounts/{accountId}/holdings"]?.get?.["x-openets-access"]).toMatchObject({ roles: ["national-admin", "authority", "representative"], scope: "read" });
  });

  it("serves a self-contained docs page listing the operations", async () => {
    const res = await f.request("/docs");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("/v1/accounts/{accountId}/holdings");
    expect(html).not.toMatch(/<script|https?:\/\/(?!openets\.dev)[a-z]/i);
  });

  it("answers /health", async () => {
    const res = await f.request("/health");
    expect(await res.json()).toEqual({ ok: true, store: "pglite" });
  });

  it("pages the public account list with a cursor", async () => {
    const p1 = (await (await f.request("/v1/public/accounts?limit=2")).json()) as { items: Array<{ id: string }>; nextCursor: string | null };
    expect(p1.items.map((a) => a.id)).toEqual(["JP-100-0001", "JP-200-0001"]);
    expect(p1.nextCursor).not.toBeNull();
    const p2 = (await (await f.request(`/v1/public/accounts?limit=2&cursor=${p1.nextCursor}`)).json()) as typeof p1;
    expect(p2.items.map((a) => a.id)).toEqual(["JP-200-0002"]);
    expect(p2.nextCursor).toBeNull();
  });

  it("publishes allocations and the transaction log with amounts as decimal strings", async () => {
    const a = (await (await f.request("/v1/public/allocations")).json()) as { items: unknown[] };
    expect(a.items).toEqual([expect.objectContaining({ transactionId: "alloc-1", accountId: "JP-200-0001", holder: "Example Steel", quantity: "12345", classCode: "JPA-2026" })]);
    const log = (await (await f.request("/v1/public/transactions?kind=issuance")).json()) as { items: Array<{ legs: Array<{ quantity: unknown }> }> };
    expect(log.items[0]?.legs[0]?.quantity).toBe("1000000");
    const comp = (await (await f.request("/v1/public/compliance")).json()) as { items: Array<{ accountId: string; status: string; surrendered: string }> };
    expect(comp.items.map((x) => [x.accountId, x.surrendered, x.status])).toEqual([
      ["JP-200-0001", "0", "not-determined"],
      ["JP-200-0002", "0", "not-determined"],
    ]);
  });

  it("answers unknown routes, bad cursors and bad query values with problem+json", async () => {
    for (const [path, status] of [
      ["/nope", 404],
      ["/v1/public/accounts?cursor=%00%01", 400],
      ["/v1/public/accounts?cursor=@@@", 400],
      ["/v1/public/accounts?limit=-5", 400],
      ["/v1/public/accounts?limit=1e400", 400],
      ["/v1/public/accounts?limit=abc", 400],
    ] as const) {
      const res = await f.request(path);
      expect(res.status, path).toBe(status);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      const body = (await res.json()) as { status: number; type: string };
      expect(body.status).toBe(status);
    }
  });

  it("refuses protected routes without credentials (401) and forged bearer tokens", async () => {
    expect((await f.request("/v1/accounts")).status).toBe(401);
    expect((await f.request("/v1/accounts", { headers: { authorization: "Basic abc" } })).status).toBe(401);
  });

  it("sets security headers on every response", async () => {
    for (const path of ["/health", "/nope", "/docs"]) {
      const res = await f.request(path);
      expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("strict-transport-security")).toBeNull();
    }
  });
});
