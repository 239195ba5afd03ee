// Goal: the public transaction log keeps the rulebook's publication delay: with
// `publication.transactions.delayYears: 3` (the EU's rule) a completed transaction is not listed
// until three years after it completed, then it is; without the section it is listed at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rulebookValue } from "../../src/io/rulebook.ts";
import type { SecureRegistry } from "../../src/registry/secure/index.ts";
import { recordRulebook } from "../../src/registry/settings.ts";
import { buildFixture, type Fixture } from "../http/fixture.ts";
import { openMigratedPglite } from "../support/stores.ts";

let f: Fixture;

beforeAll(async () => {
  const db = await openMigratedPglite();
  const unused = new Proxy({}, { get: () => () => Promise.reject(new Error("registry not used here")) }) as SecureRegistry;
  f = await buildFixture(db, { registry: unused, start: "2026-04-06T09:00:00Z" });
  await f.ledger.defineClass({ commandId: "c1", code: "JPA-2026", unitType: "allowance", scheme: "JP-GX", vintage: 2026 });
  await f.ledger.openAccount({ commandId: "a1", accountId: "JP-100-0001", type: "national_issuance", holder: "Government of Japan", name: "Issuance" });
  expect((await f.ledger.propose({ transactionId: "iss-1", kind: "issuance", legs: [{ classCode: "JPA-2026", to: "JP-100-0001", quantity: "1000" }] })).ok).toBe(true);
}, 60_000);

afterAll(async () => {
  await f?.db.close();
});

const listed = async () => ((await (await f.request("/v1/public/transactions")).json()) as { items: Array<{ id: string }> }).items.map((t) => t.id);

describe("the public transaction log's publication delay", () => {
  it("lists a transaction at once without a delay, and three years after it completed with the EU's", async () => {
    expect(await listed()).toEqual(["iss-1"]);
    const value = rulebookValue("japan-gx-ets") as Record<string, unknown>;
    value.publication = { transactions: { delayYears: 3 } };
    await recordRulebook(f.db, "delayed", value, "2026-04-06T10:00:00.000Z");
    expect(await listed()).toEqual([]);
    f.clock.set("2029-04-06T08:59:00Z");
    expect(await listed()).toEqual([]);
    f.clock.set("2029-04-06T09:01:00Z");
    expect(await listed()).toEqual(["iss-1"]);
  });
});
