// Goal: `ets auction run` against the registry, spawned as a user runs it on a PGlite directory:
// an RGGI auction from the calendar to settlement with bidders and bids from CSV files, a bid the
// rules refuse reported by file, line and column while the others stand, the result and one
// settlement batch with its payment records; running it again replays (nothing moves twice);
// writes need --as (exit 2), a representative may not settle (exit 1, check 8001); the reserve's
// TNAC from the registry. Documented exit codes: 0 ok, 1 refused, 2 usage.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditLog } from "../../src/audit/index.ts";
import { AuthService } from "../../src/auth/index.ts";
import { DEFAULT_SECURITY_CONFIG } from "../../src/domain/security/config.ts";
import { systemPrincipal } from "../../src/domain/security/roles.ts";
import { rulebookValue } from "../../src/io/rulebook.ts";
import { systemClock } from "../../src/platform/clock.ts";
import { SecureRegistry } from "../../src/registry/secure/index.ts";
import { recordRulebook } from "../../src/registry/settings.ts";
import { openStore } from "../../src/store/open.ts";
import { FAST_ARGON2, PASSWORD } from "../security/fixture.ts";
import { runEts } from "../support/ets.ts";

let dir = "";
let database = "";
const CLS = "RGA-2025";

async function holdings(): Promise<Record<string, bigint>> {
  const db = await openStore({ database });
  try {
    const r = await db.query<{ account_id: string; quantity: bigint }>("SELECT account_id, quantity FROM balances b JOIN unit_classes u ON u.id = b.class_id WHERE u.code = $1", [CLS]);
    return Object.fromEntries(r.rows.map((x) => [x.account_id, BigInt(x.quantity)]));
  } finally {
    await db.close();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ets-auction-cli-"));
  database = join(dir, "db");
  const db = await openStore({ database });
  try {
    await recordRulebook(db, "rggi", rulebookValue("rggi"), "2025-01-01T00:00:00Z");
    const system = { principal: systemPrincipal("test-setup"), ip: null };
    const auth = await AuthService.open(db, systemClock, DEFAULT_SECURITY_CONFIG, new AuditLog(db, systemClock), { argon2: FAST_ARGON2 });
    for (const [id, roles] of [["admin1", ["national-admin"]], ["rep1", []]] as const) {
      const r = await auth.createUser(system, { userId: id, displayName: id, password: PASSWORD, roles: [...roles] });
      if (!r.ok) throw new Error(r.message);
    }
    const reg = await SecureRegistry.open(db, systemClock, DEFAULT_SECURITY_CONFIG);
    const must = (r: { ok: boolean; message?: string }) => {
      if (!r.ok) throw new Error(r.message);
    };
    must(await reg.defineClass(system, { commandId: "c", code: CLS, unitType: "allowance", scheme: "RGGI", vintage: 2025 }));
    for (const [id, type] of [["NAT", "national_issuance"], ["AUC", "auction"], ["CCR", "cost_containment_reserve"], ["ECR", "cost_containment_reserve"], ["A-1", "trading"], ["B-1", "trading"], ["C-1", "trading"], ["D-1", "trading"], ["E-1", "trading"]] as const) {
      must(await reg.openAccount(system, { commandId: `o-${id}`, accountId: id, type, holder: id, name: id }));
    }
    must(await reg.ledger.propose({ transactionId: "iss", kind: "issuance", legs: [{ classCode: CLS, to: "NAT", quantity: 100_000n }] }));
    must(await reg.ledger.propose({ transactionId: "auc", kind: "internal_transfer", legs: [{ classCode: CLS, from: "NAT", to: "AUC", quantity: 80_000n }] }));
  } finally {
    await db.close();
  }
  writeFileSync(join(dir, "bidders.csv"), "bidder,account,guarantee\nA,A-1,100000.00\nB,B-1,100000.00\nC,C-1,100000.00\nD,D-1,100000.00\nE,E-1,100000.00\n");
  // line 7: not a whole number of lots (refused, the others stand)
  writeFileSync(join(dir, "bids.csv"), "bidder,quantity,price\nA,5000,10.00\nB,5000,9.50\nC,5000,9.00\nD,3000,8.50\nE,3000,8.50\nE,500,12.00\n");
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const runArgs = () => [
  "auction", "run", "--database", database, "--year", "2025", "--volume", "80000", "--class", CLS, "--auction-account", "AUC",
  "--reserve-account", "ccr=CCR", "--reserve-account", "ecr=ECR", "--bidders", join(dir, "bidders.csv"), "--bids", join(dir, "bids.csv"), "--seed", "cli",
];

describe("ets auction run against the registry", () => {
  it("refuses a write without --as, and a missing flag, as usage (exit 2), changing nothing", async () => {
    const noAs = await runEts([...runArgs()], { env: { ETS_AS: undefined } });
    expect(noAs.code).toBe(2);
    expect(noAs.stderr).toMatch(/--as/);
    const noClass = await runEts(["auction", "run", "--database", database, "--as", "admin1", "--year", "2025"]);
    expect(noClass.code).toBe(2);
    expect(noClass.stderr).toMatch(/--class/);
    expect((await holdings()).AUC).toBe(80_000n);
  }, 60_000);

  it("runs an auction from the calendar to settlement, reporting the refused bid by line and column", async () => {
    const r = await runEts([...runArgs(), "--as", "admin1", "--json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.calendarWritten).toBe(true);
    expect(j.auction).toMatchObject({ id: "2025-1", status: "settled", offered: "20000" });
    expect(j.bids.accepted).toHaveLength(5);
    expect(j.bids.refused).toEqual([expect.objectContaining({ line: 7, column: "quantity", code: 11302, check: "bid-not-whole-lots" })]);
    expect(j.results).toMatchObject({ status: "cleared", clearingPrice: "8.50", sold: "20000", proceeds: "170000.00" });
    expect(j.settlement.batchId).toBe("auction-settle.2025-1");
    expect(j.settlement.payments.map((p: { bidder: string }) => p.bidder)).toEqual(["A", "B", "C", "D", "E"]);
    expect(j.settlement.payments.reduce((s: bigint, p: { amountMinor: string }) => s + BigInt(p.amountMinor), 0n)).toBe(17_000_000n);
    const h = await holdings();
    expect(h.AUC).toBe(60_000n);
    expect(h["A-1"]).toBe(5_000n);
    expect((h["D-1"] ?? 0n) + (h["E-1"] ?? 0n)).toBe(5_000n);
  }, 60_000);

  it("replays the same run: nothing moves twice", async () => {
    const before = await holdings();
    const r = await runEts([...runArgs(), "--as", "admin1", "--number", "1", "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).settlement.payments).toHaveLength(5);
    expect(await holdings()).toEqual(before);
  }, 60_000);

  it("refuses a representative's settlement with its check (exit 1); shows the results; the TNAC from the registry", async () => {
    const r = await runEts(["auction", "settle", "2025-1", "--database", database, "--as", "rep1", "--json"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 8001 } });
    const show = await runEts(["auction", "show", "2025-1", "--database", database]);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/settled/);
    expect(show.stdout).toMatch(/clearing price USD 8\.50/);
    const t = await runEts(["auction", "msr", "tnac", "2026", "--database", database, "--emissions", "1000", "--json"]);
    expect(t.code).toBe(0);
    expect(JSON.parse(t.stdout)).toMatchObject({ issuedSince2008: "20000", verifiedEmissions: "1000", tnac: "19000" });
  }, 60_000);
});
