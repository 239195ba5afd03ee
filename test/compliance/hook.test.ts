// Goal: the compliance rules hold on every surrender the ledger writes, inside the writing
// transaction (the hook installed from the recorded rulebook by src/registry/scheme-rules.ts): units that do not count are refused with
// their 92xx code and nothing moves; what counted is recorded per leg and in the position row;
// credits get no room while the period's emissions are not determined; a surrender stays final (the
// ledger refuses its reversal) and keeps counting; the tables of record refuse UPDATE and DELETE. PGlite and PostgreSQL.
import { expect, it } from "vitest";
import { rulebookValue } from "../../src/io/rulebook.ts";
import { LedgerService } from "../../src/registry/ledger/index.ts";
import { installSchemeRules } from "../../src/registry/scheme-rules.ts";
import { recordedRulebook, recordRulebook } from "../../src/registry/settings.ts";
import { ManualClock } from "../../src/platform/clock.ts";
import { forEachStore } from "../support/stores.ts";

const leg = (classCode: string, from: string | null, to: string, quantity: string) => ({ classCode, from, to, quantity });

function ok<T extends { ok: boolean }>(r: T): T {
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r)}`);
  return r;
}

forEachStore("compliance hook on surrender", (get) => {
  let l: LedgerService;
  const clock = new ManualClock("2027-05-01T00:00:00Z");
  const held = async (accountId: string, code: string) => (await l.holdings(accountId))?.find((h) => h.classCode === code)?.quantity ?? 0n;
  const lines = async () => (await get().query<{ tx_id: string; period: string; category: string; value: string }>("SELECT tx_id, period, category, value::text AS value FROM surrender_lines ORDER BY tx_id, leg_no")).rows;

  it("sets up a GX-ETS registry with the rules installed from the recorded rulebook", async () => {
    await recordRulebook(get(), "japan-gx-ets", rulebookValue("japan-gx-ets"), "2026-04-01T00:00:00.000Z");
    l = await LedgerService.open(get(), clock);
    installSchemeRules(l, get(), (await recordedRulebook(get()))?.rulebook ?? null);
    ok(await l.defineClass({ commandId: "c1", code: "GX-2026", unitType: "allowance", scheme: "JP-GX", vintage: 2026 }));
    ok(await l.defineClass({ commandId: "c2", code: "EUA-2026", unitType: "allowance", scheme: "EU", vintage: 2026 }));
    ok(await l.defineClass({ commandId: "c3", code: "JCR-2026", unitType: "J-Credit", scheme: "JP", vintage: 2026 }));
    ok(await l.openAccount({ commandId: "o1", accountId: "NHA", type: "national_issuance", holder: "state", name: "NHA" }));
    ok(await l.openAccount({ commandId: "o2", accountId: "SUR", type: "surrender", holder: "state", name: "SUR" }));
    ok(await l.openAccount({ commandId: "o3", accountId: "OP-1", type: "operator_holding", holder: "op", name: "OP-1", installation: "INST-1" }));
    for (const code of ["GX-2026", "EUA-2026", "JCR-2026"]) ok(await l.propose({ transactionId: `i-${code}`, kind: "issuance", legs: [leg(code, null, "NHA", "1000")] }));
    ok(await l.batch({ batchId: "alloc", kind: "allocation", transfers: [{ classCode: "GX-2026", from: "NHA", to: "OP-1", quantity: "500" }] }));
    ok(await l.propose({ transactionId: "t1", kind: "correction", legs: [leg("EUA-2026", "NHA", "OP-1", "50"), leg("JCR-2026", "NHA", "OP-1", "50")] }));
  });

  it("counts allowances of the scheme and records each leg and the position", async () => {
    ok(await l.propose({ transactionId: "s1", kind: "surrender", purpose: "period:2026", legs: [leg("GX-2026", "OP-1", "SUR", "120")] }));
    expect(await lines()).toEqual([{ tx_id: "s1", period: "2026", category: "allowance", value: "120" }]);
    const pos = await get().query<{ covered: string }>("SELECT covered::text AS covered FROM compliance_positions WHERE installation = 'INST-1' AND period = '2026'");
    expect(pos.rows[0]?.covered).toBe("120");
    expect(await held("OP-1", "GX-2026")).toBe(380n);
  });

  it("refuses allowances of another scheme (9214) and, while emissions are not determined, credits (no room under their limit)", async () => {
    const r = await l.propose({ transactionId: "s3", kind: "surrender", purpose: "period:2026", legs: [leg("EUA-2026", "OP-1", "SUR", "10")] });
    expect(r).toMatchObject({ ok: false, code: 9214, facts: { installation: "INST-1", period: "2026" } });
    const c = await l.propose({ transactionId: "s4", kind: "surrender", purpose: "period:2026", legs: [leg("JCR-2026", "OP-1", "SUR", "10")] });
    expect(c.ok).toBe(false);
    expect(Math.floor(((c as { code: number }).code) / 100)).toBe(92);
    expect(await l.getTransaction("s3")).toBeUndefined();
    expect(await lines()).toHaveLength(1);
  });

  it("refuses an unknown period named in the purpose (9301)", async () => {
    const r = await l.propose({ transactionId: "s5", kind: "surrender", purpose: "period:20x9", legs: [leg("GX-2026", "OP-1", "SUR", "1")] });
    expect(r).toMatchObject({ ok: false, code: 9301 });
  });

  it("keeps a surrender final: the ledger refuses its reversal (1004) and its lines keep counting", async () => {
    expect(await l.reverse({ transactionId: "r1", reverses: "s1" })).toMatchObject({ ok: false, code: 1004 });
    const pos = await get().query<{ covered: string }>("SELECT covered::text AS covered FROM compliance_positions WHERE installation = 'INST-1' AND period = '2026'");
    expect(pos.rows[0]?.covered).toBe("120");
  });

  it("keeps the tables of record append-only", async () => {
    await expect(get().query("UPDATE surrender_lines SET value = 0")).rejects.toThrow();
    await expect(get().query("DELETE FROM surrender_lines")).rejects.toThrow();
  });
});

forEachStore("compliance hook: late surrender where the rulebook refuses it", (get) => {
  it("refuses a surrender for a period past its deadline (9212) and accepts one for the open period", async () => {
    const value = rulebookValue("japan-gx-ets") as { compliance: Record<string, unknown> };
    value.compliance.lateSurrender = "refused";
    await recordRulebook(get(), "gx-late-refused", value, "2026-04-01T00:00:00.000Z");
    // FY2026's deadline is 2028-01-31 (the fiscal year ends in March 2027); FY2027's 2029-01-31.
    const l = await LedgerService.open(get(), new ManualClock("2028-02-05T00:00:00Z"));
    installSchemeRules(l, get(), (await recordedRulebook(get()))?.rulebook ?? null);
    ok(await l.defineClass({ commandId: "c1", code: "GX-2026", unitType: "allowance", scheme: "JP-GX", vintage: 2026 }));
    ok(await l.openAccount({ commandId: "o1", accountId: "NHA", type: "national_issuance", holder: "state", name: "NHA" }));
    ok(await l.openAccount({ commandId: "o2", accountId: "SUR", type: "surrender", holder: "state", name: "SUR" }));
    ok(await l.openAccount({ commandId: "o3", accountId: "OP-1", type: "operator_holding", holder: "op", name: "OP-1", installation: "INST-1" }));
    ok(await l.propose({ transactionId: "i1", kind: "issuance", legs: [leg("GX-2026", null, "NHA", "100")] }));
    ok(await l.batch({ batchId: "alloc", kind: "allocation", transfers: [{ classCode: "GX-2026", from: "NHA", to: "OP-1", quantity: "100" }] }));
    const late = await l.propose({ transactionId: "s1", kind: "surrender", purpose: "period:2026", legs: [leg("GX-2026", "OP-1", "SUR", "10")] });
    expect(late).toMatchObject({ ok: false, code: 9212, facts: { installation: "INST-1", period: "2026" } });
    expect(await l.getTransaction("s1")).toBeUndefined();
    ok(await l.propose({ transactionId: "s2", kind: "surrender", purpose: "period:2027", legs: [leg("GX-2026", "OP-1", "SUR", "10")] }));
  });
});
