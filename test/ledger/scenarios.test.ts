// Goal: the ledger's behaviour as a scenario table (one row per event with its expected result
// code), run on PGlite and on the real PostgreSQL server; after the table, `verify` holds and
// holdings are exactly as the rows imply. A second table shows the registry rules of a rulebook's
// `ledger` section (issue 17): graded account states, government routes, account numbers with
// check digits, one live account per installation, one pending surrender, the surrender's
// reversal window, returns of excess allocation, the freeze and the closure preconditions.
import { beforeAll, describe, expect, it } from "vitest";
import { formatAccountNumber } from "../../src/domain/ledger/rules.ts";
import { ledgerRules, type LedgerSection } from "../../src/domain/rulebook/ledger.ts";
import { ManualClock } from "../../src/platform/clock.ts";
import { LedgerService } from "../../src/registry/ledger/index.ts";
import { verifyLedger } from "../../src/registry/verify.ts";
import { forEachStore } from "../support/stores.ts";

type Op = "class" | "open" | "status" | "propose" | "approve" | "cancel" | "reject" | "release" | "reverse" | "advance" | "entitle" | "freeze";
interface Row {
  note: string;
  op: Op;
  cmd: Record<string, unknown> | number;
  expect: "ok" | "replay" | number;
  status?: string;
}

const leg = (classCode: string, from: string | null, to: string, quantity: string) => ({ classCode, from, to, quantity });

const SETUP: Row[] = [
  { note: "define the FY2026 allowance vintage with its cap", op: "class", cmd: { commandId: "c1", code: "JP-GX-2026", unitType: "allowance", scheme: "JP-GX", vintage: 2026, issuanceLimit: "1000000" }, expect: "ok" },
  { note: "define a JCM credit class", op: "class", cmd: { commandId: "c2", code: "JCM-TH-001-2025", unitType: "JCM", scheme: "JCM", vintage: 2025, project: "TH-001", hostCountry: "TH", creditKind: "reduction" }, expect: "ok" },
  { note: "same class command replayed", op: "class", cmd: { commandId: "c1", code: "JP-GX-2026", unitType: "allowance", scheme: "JP-GX", vintage: 2026, issuanceLimit: "1000000" }, expect: "replay" },
  { note: "same command id, different cap", op: "class", cmd: { commandId: "c1", code: "JP-GX-2026", unitType: "allowance", scheme: "JP-GX", vintage: 2026, issuanceLimit: "2000000" }, expect: 5002 },
  { note: "class code taken by another command", op: "class", cmd: { commandId: "c3", code: "JP-GX-2026", unitType: "allowance", scheme: "JP-GX" }, expect: 4004 },
  { note: "unknown unit type", op: "class", cmd: { commandId: "c4", code: "X-1", unitType: "gold", scheme: "X" }, expect: 4003 },
  { note: "national issuance account", op: "open", cmd: { commandId: "a1", accountId: "JP-NHA", type: "national_issuance", holder: "MOE", name: "National issuance" }, expect: "ok" },
  { note: "allocation account", op: "open", cmd: { commandId: "a2", accountId: "JP-ALLOC", type: "allocation", holder: "MOE", name: "Allocation" }, expect: "ok" },
  { note: "steel plant operator", op: "open", cmd: { commandId: "a3", accountId: "JP-OHA-1", type: "operator_holding", holder: "Steel Co", name: "Kimitsu works", installation: "INS-1" }, expect: "ok" },
  { note: "cement plant operator", op: "open", cmd: { commandId: "a4", accountId: "JP-OHA-2", type: "operator_holding", holder: "Cement Co", name: "Ube plant", installation: "INS-2" }, expect: "ok" },
  { note: "trader", op: "open", cmd: { commandId: "a5", accountId: "JP-TRA-1", type: "trading", holder: "Broker KK", name: "Broker" }, expect: "ok" },
  { note: "surrender account", op: "open", cmd: { commandId: "a6", accountId: "JP-SUR", type: "surrender", holder: "MOE", name: "Surrender" }, expect: "ok" },
  { note: "retirement account", op: "open", cmd: { commandId: "a7", accountId: "JP-RET", type: "retirement", holder: "MOE", name: "Retirement" }, expect: "ok" },
  { note: "operator account without installation", op: "open", cmd: { commandId: "a8", accountId: "JP-OHA-9", type: "operator_holding", holder: "X", name: "X" }, expect: 7003 },
  { note: "unknown account type", op: "open", cmd: { commandId: "a9", accountId: "JP-Z-1", type: "vault", holder: "X", name: "X" }, expect: 7002 },
  { note: "account id taken", op: "open", cmd: { commandId: "a10", accountId: "JP-NHA", type: "trading", holder: "X", name: "X" }, expect: 7001 },
  { note: "malformed account id", op: "open", cmd: { commandId: "a11", accountId: "jp lower", type: "trading", holder: "X", name: "X" }, expect: 5001 },
  { note: "the FY2027 vintage, for the rows on closed accounts, earmarks and times", op: "class", cmd: { commandId: "c5", code: "JP-GX-2027", unitType: "allowance", scheme: "JP-GX", vintage: 2027 }, expect: "ok" },
  { note: "a third trader", op: "open", cmd: { commandId: "a12", accountId: "JP-TRA-3", type: "trading", holder: "Trader Three", name: "Three" }, expect: "ok" },
  { note: "a fourth trader", op: "open", cmd: { commandId: "a13", accountId: "JP-TRA-4", type: "trading", holder: "Trader Four", name: "Four" }, expect: "ok" },
  { note: "a status command reusing an account-opening id is refused (one namespace of command ids)", op: "status", cmd: { commandId: "a13", accountId: "JP-TRA-4", status: "blocked" }, expect: 5002 },
  { note: "a status command reusing a class-definition id is refused too", op: "status", cmd: { commandId: "c5", accountId: "JP-TRA-4", status: "blocked" }, expect: 5002 },
];

const EVENTS: Row[] = [
  { note: "issue 600,000 allowances", op: "propose", cmd: { transactionId: "t1", kind: "issuance", legs: [leg("JP-GX-2026", null, "JP-NHA", "600000")] }, expect: "ok", status: "completed" },
  { note: "issuance beyond the vintage cap", op: "propose", cmd: { transactionId: "t2", kind: "issuance", legs: [leg("JP-GX-2026", null, "JP-NHA", "400001")] }, expect: 3004 },
  { note: "issuance with a source account", op: "propose", cmd: { transactionId: "t2b", kind: "issuance", legs: [leg("JP-GX-2026", "JP-NHA", "JP-ALLOC", "1")] }, expect: 1005 },
  { note: "move to the allocation account", op: "propose", cmd: { transactionId: "t3", kind: "internal_transfer", legs: [leg("JP-GX-2026", "JP-NHA", "JP-ALLOC", "500000")] }, expect: "ok" },
  { note: "allocate to the steel plant", op: "propose", cmd: { transactionId: "t4", kind: "allocation", legs: [leg("JP-GX-2026", "JP-ALLOC", "JP-OHA-1", "300000")] }, expect: "ok" },
  { note: "allocate to the cement plant", op: "propose", cmd: { transactionId: "t5", kind: "allocation", legs: [leg("JP-GX-2026", "JP-ALLOC", "JP-OHA-2", "150000")] }, expect: "ok" },
  { note: "replay of t5 returns the first result", op: "propose", cmd: { transactionId: "t5", kind: "allocation", legs: [leg("JP-GX-2026", "JP-ALLOC", "JP-OHA-2", "150000")] }, expect: "replay" },
  { note: "replay of t5 with another quantity", op: "propose", cmd: { transactionId: "t5", kind: "allocation", legs: [leg("JP-GX-2026", "JP-ALLOC", "JP-OHA-2", "150001")] }, expect: 5002 },
  { note: "allocation to a trading account", op: "propose", cmd: { transactionId: "t6", kind: "allocation", legs: [leg("JP-GX-2026", "JP-ALLOC", "JP-TRA-1", "1")] }, expect: 2003 },
  { note: "allocation of JCM credits", op: "propose", cmd: { transactionId: "t7", kind: "allocation", legs: [leg("JCM-TH-001-2025", "JP-ALLOC", "JP-OHA-1", "1")] }, expect: 4002 },
  { note: "transfer from an unknown account", op: "propose", cmd: { transactionId: "t8", kind: "transfer", legs: [leg("JP-GX-2026", "JP-NOPE", "JP-TRA-1", "1")] }, expect: 1001 },
  { note: "transfer to an unknown account", op: "propose", cmd: { transactionId: "t9", kind: "transfer", legs: [leg("JP-GX-2026", "JP-OHA-1", "JP-NOPE", "1")] }, expect: 2001 },
  { note: "transfer of an unknown class", op: "propose", cmd: { transactionId: "t10", kind: "transfer", legs: [leg("JP-GX-2099", "JP-OHA-1", "JP-TRA-1", "1")] }, expect: 4001 },
  { note: "negative quantity", op: "propose", cmd: { transactionId: "t11", kind: "transfer", legs: [leg("JP-GX-2026", "JP-OHA-1", "JP-TRA-1", "-5")] }, expect: 3001 },
  { note: "fractional quantity", op: "propose", cmd: { transactionId: "t12", kind: "transfer", legs: [leg("JP-GX-2026", "JP-OHA-1", "JP-TRA-1", "1.5")] }, expect: 3001 },
  { note: "huge quantity", op: "propose", cmd: { transactionId: "t13", kind: "transfer", legs: [leg("JP-GX-2026", "JP-OHA-1", "JP-TRA-1", "99999999999999999999")] }, expect: 3002 },
  { note: "more than held", op: "propose", cmd: { transactionId: "t14", kind: "transfer", legs: [leg("JP-GX-2026", "JP-OHA-1", "JP-TRA-1", "300001")] }, expect: 3003 },
  { note: "to itself", op: "propose", cmd: { transactionId: "t15", kind: "transfer", legs: [leg("JP-GX-2026", "JP-OHA-1", "JP-OHA-1", "1")] }, expect: 2004 },
  { note: "unknown kind", op: "propose", cmd: { transactionId: "t16", kind: "gift", legs: [leg("JP-GX-2026", "JP-OHA-1", "JP-TRA-1", "1")] }, expect: 4006 },
  { note: "malformed transaction id", op: "propose", cmd: { transactionId: "bad id!", kind: "transfer", legs: [leg("JP-GX-2026", "JP-OHA-1", "JP-TRA-1", "1")] }, expect: 5001 },
  { note: "no legs", op: "propose", cmd: { transactionId: "t17", kind: "transfer", legs: [] }, expect: 3005 },
  { note: "transfer held for approval", op: "propose", cmd: { transactionId: "t18", kind: "transfer", legs: [leg("JP-GX-2026", "JP-OHA-1", "JP-TRA-1", "1000")], hold: { approval: true, delayUntil: "2026-04-02T02:00:00Z" } }, expect: "ok", status: "awaiting_approval" },
  { note: "approval starts the delay", op: "approve", cmd: { transactionId: "t18", actor: "rep-2" }, expect: "ok", status: "delayed" },
  { note: "release before the delay passes does nothing", op: "release", cmd: {}, expect: "ok" },
  { note: "26 hours later", op: "advance", cmd: 26, expect: "ok" },
  { note: "release completes t18", op: "release", cmd: {}, expect: "ok" },
  { note: "approve a completed transaction", op: "approve", cmd: { transactionId: "t18", actor: "rep-3" }, expect: 6002 },
  { note: "a held transfer cancelled", op: "propose", cmd: { transactionId: "t19", kind: "transfer", legs: [leg("JP-GX-2026", "JP-OHA-2", "JP-TRA-1", "10")], hold: { approval: true } }, expect: "ok", status: "awaiting_approval" },
  { note: "cancel it", op: "cancel", cmd: { transactionId: "t19", actor: "rep-1" }, expect: "ok", status: "cancelled" },
  { note: "cannot approve a cancelled one", op: "approve", cmd: { transactionId: "t19", actor: "rep-2" }, expect: 6002 },
  { note: "surrender by the steel plant", op: "propose", cmd: { transactionId: "t20", kind: "surrender", legs: [leg("JP-GX-2026", "JP-OHA-1", "JP-SUR", "250000")] }, expect: "ok" },
  { note: "surrender account never sends", op: "propose", cmd: { transactionId: "t21", kind: "transfer", legs: [leg("JP-GX-2026", "JP-SUR", "JP-TRA-1", "1")] }, expect: 1004 },
  { note: "retirement needs a purpose", op: "propose", cmd: { transactionId: "t22", kind: "retirement", legs: [leg("JP-GX-2026", "JP-TRA-1", "JP-RET", "10")] }, expect: 4005 },
  { note: "retirement with purpose and beneficiary", op: "propose", cmd: { transactionId: "t23", kind: "retirement", purpose: "voluntary offsetting", beneficiary: "Broker KK FY2026", legs: [leg("JP-GX-2026", "JP-TRA-1", "JP-RET", "10")] }, expect: "ok" },
  { note: "transfer from the cement plant to the trader", op: "propose", cmd: { transactionId: "t24", kind: "transfer", legs: [leg("JP-GX-2026", "JP-OHA-2", "JP-TRA-1", "50000")] }, expect: "ok" },
  { note: "reverse it", op: "reverse", cmd: { transactionId: "r24", reverses: "t24", actor: "admin" }, expect: "ok" },
  { note: "reverse it twice", op: "reverse", cmd: { transactionId: "r24b", reverses: "t24", actor: "admin" }, expect: 6004 },
  { note: "reversal of an issuance", op: "reverse", cmd: { transactionId: "r1", reverses: "t1", actor: "admin" }, expect: 6006 },
  { note: "reversal of a surrender (units are final)", op: "reverse", cmd: { transactionId: "r20", reverses: "t20", actor: "admin" }, expect: 1004 },
  { note: "reversal of a cancelled transaction", op: "reverse", cmd: { transactionId: "r19", reverses: "t19", actor: "admin" }, expect: 6003 },
  { note: "reversal of an unknown one", op: "reverse", cmd: { transactionId: "r99", reverses: "t99", actor: "admin" }, expect: 6001 },
  { note: "transfer on, then the reversal cannot find the serials", op: "propose", cmd: { transactionId: "t25", kind: "transfer", legs: [leg("JP-GX-2026", "JP-OHA-2", "JP-TRA-1", "100")] }, expect: "ok" },
  { note: "the trader sends them on", op: "propose", cmd: { transactionId: "t26", kind: "transfer", legs: [leg("JP-GX-2026", "JP-TRA-1", "JP-OHA-1", "1090")] }, expect: "ok" },
  { note: "now t25 cannot be reversed", op: "reverse", cmd: { transactionId: "r25", reverses: "t25", actor: "admin" }, expect: 6005 },
  // Regression (FC_SEED=211255): a refused reversal once committed its transaction row, so a second try said 6004.
  { note: "a second try is still refused as moved on, not as already reversed", op: "reverse", cmd: { transactionId: "r25b", reverses: "t25", actor: "admin" }, expect: 6005 },
  { note: "the refused reversal id left nothing: reusing it for a transfer works", op: "propose", cmd: { transactionId: "r25", kind: "transfer", legs: [leg("JP-GX-2026", "JP-OHA-1", "JP-TRA-1", "1")] }, expect: "ok" },
  { note: "and the unit goes back", op: "propose", cmd: { transactionId: "r25-back", kind: "transfer", legs: [leg("JP-GX-2026", "JP-TRA-1", "JP-OHA-1", "1")] }, expect: "ok" },
  { note: "a transfer to the cement plant waits for approval", op: "propose", cmd: { transactionId: "t29", kind: "transfer", legs: [leg("JP-GX-2026", "JP-OHA-1", "JP-OHA-2", "5")], hold: { approval: true } }, expect: "ok", status: "awaiting_approval" },
  { note: "block the cement plant", op: "status", cmd: { commandId: "s1", accountId: "JP-OHA-2", status: "blocked", reason: "investigation" }, expect: "ok" },
  { note: "a blocked account cannot send", op: "propose", cmd: { transactionId: "t27", kind: "transfer", legs: [leg("JP-GX-2026", "JP-OHA-2", "JP-TRA-1", "1")] }, expect: 1002 },
  { note: "a blocked account cannot receive a transfer", op: "propose", cmd: { transactionId: "t28", kind: "transfer", legs: [leg("JP-GX-2026", "JP-TRA-1", "JP-OHA-2", "1")] }, expect: 2002 },
  { note: "approved after the destination was blocked: the locked re-check refuses it", op: "approve", cmd: { transactionId: "t29", actor: "rep-2" }, expect: 2002 },
  { note: "and it is recorded as rejected, so it cannot be cancelled", op: "cancel", cmd: { transactionId: "t29", actor: "rep-1" }, expect: 6002 },
  { note: "closing an account with units is refused", op: "status", cmd: { commandId: "s2", accountId: "JP-OHA-2", status: "closed" }, expect: 7004 },
  { note: "unknown status", op: "status", cmd: { commandId: "s3", accountId: "JP-OHA-2", status: "frozen" }, expect: 7005 },
  { note: "status of an unknown account", op: "status", cmd: { commandId: "s4", accountId: "JP-NOPE", status: "blocked" }, expect: 7006 },
  // A closed account holds nothing, also after a reversal (issue 10, defect 1).
  { note: "issue 1,000 of the 2027 vintage", op: "propose", cmd: { transactionId: "t40", kind: "issuance", legs: [leg("JP-GX-2027", null, "JP-NHA", "1000")] }, expect: "ok" },
  { note: "100 to the third trader", op: "propose", cmd: { transactionId: "t41", kind: "correction", legs: [leg("JP-GX-2027", "JP-NHA", "JP-TRA-3", "100")] }, expect: "ok" },
  { note: "it sends 10 to the fourth", op: "propose", cmd: { transactionId: "t42", kind: "transfer", legs: [leg("JP-GX-2027", "JP-TRA-3", "JP-TRA-4", "10")] }, expect: "ok" },
  { note: "and the other 90", op: "propose", cmd: { transactionId: "t43", kind: "transfer", legs: [leg("JP-GX-2027", "JP-TRA-3", "JP-TRA-4", "90")] }, expect: "ok" },
  { note: "the empty third trader's account is closed", op: "status", cmd: { commandId: "s5", accountId: "JP-TRA-3", status: "closed" }, expect: "ok" },
  { note: "reversing t42 would put 10 units into the closed account: refused", op: "reverse", cmd: { transactionId: "r42", reverses: "t42", actor: "admin" }, expect: 2002 },
  // Units of held transactions are earmarked (defect 3).
  { note: "a transfer of 40 delayed until 3 April", op: "propose", cmd: { transactionId: "t44", kind: "transfer", legs: [leg("JP-GX-2027", "JP-TRA-4", "JP-TRA-1", "40")], hold: { delayUntil: "2026-04-03T00:00:00Z" } }, expect: "ok", status: "delayed" },
  { note: "a transfer of 30 awaiting approval", op: "propose", cmd: { transactionId: "t45", kind: "transfer", legs: [leg("JP-GX-2027", "JP-TRA-4", "JP-TRA-1", "30")], hold: { approval: true } }, expect: "ok", status: "awaiting_approval" },
  { note: "of 100 held, 70 are earmarked: 31 cannot move", op: "propose", cmd: { transactionId: "t46", kind: "transfer", legs: [leg("JP-GX-2027", "JP-TRA-4", "JP-OHA-1", "31")] }, expect: 3003 },
  { note: "a third held transfer cannot earmark units already earmarked either", op: "propose", cmd: { transactionId: "t46b", kind: "transfer", legs: [leg("JP-GX-2027", "JP-TRA-4", "JP-OHA-1", "31")], hold: { approval: true } }, expect: 3003 },
  { note: "the 30 available can", op: "propose", cmd: { transactionId: "t47", kind: "transfer", legs: [leg("JP-GX-2027", "JP-TRA-4", "JP-OHA-1", "30")] }, expect: "ok" },
  { note: "cancelling t45 frees its 30", op: "cancel", cmd: { transactionId: "t45", actor: "rep-1" }, expect: "ok", status: "cancelled" },
  { note: "so they move now", op: "propose", cmd: { transactionId: "t48", kind: "transfer", legs: [leg("JP-GX-2027", "JP-TRA-4", "JP-OHA-1", "30")] }, expect: "ok" },
  { note: "a day later", op: "advance", cmd: 24, expect: "ok" },
  { note: "release completes t44 with its earmarked units", op: "release", cmd: {}, expect: "ok" },
  // Times are RFC 3339 with an offset, compared as times (defect 6).
  { note: "a delay until the year 10000", op: "propose", cmd: { transactionId: "t50", kind: "transfer", legs: [leg("JP-GX-2027", "JP-TRA-1", "JP-OHA-1", "1")], hold: { delayUntil: "10000-01-01T00:00:00Z" } }, expect: 7007 },
  { note: "a date in words", op: "propose", cmd: { transactionId: "t51", kind: "transfer", legs: [leg("JP-GX-2027", "JP-TRA-1", "JP-OHA-1", "1")], hold: { delayUntil: "March 7, 2030" } }, expect: 7007 },
  { note: "30 February", op: "propose", cmd: { transactionId: "t52", kind: "transfer", legs: [leg("JP-GX-2027", "JP-TRA-1", "JP-OHA-1", "1")], hold: { delayUntil: "2030-02-30T00:00:00Z" } }, expect: 7007 },
  { note: "a local time without an offset", op: "propose", cmd: { transactionId: "t53", kind: "transfer", legs: [leg("JP-GX-2027", "JP-TRA-1", "JP-OHA-1", "1")], hold: { delayUntil: "2030-03-07T09:00:00" } }, expect: 7007 },
  { note: "9:00 in Tokyo is midnight UTC", op: "propose", cmd: { transactionId: "t54", kind: "transfer", legs: [leg("JP-GX-2027", "JP-TRA-1", "JP-OHA-1", "1")], hold: { delayUntil: "2030-03-07T09:00:00+09:00" } }, expect: "ok", status: "delayed" },
];

/** Runs one row on a ledger (the clock is advanced by `advance` rows). */
async function runRow(ledger: LedgerService, clock: ManualClock, row: Row) {
  const c = row.cmd;
  switch (row.op) {
    case "class":
      return ledger.defineClass(c);
    case "open":
      return ledger.openAccount(c);
    case "status":
      return ledger.setAccountStatus(c);
    case "propose":
      return ledger.propose(c);
    case "approve":
      return ledger.approve(c);
    case "cancel":
      return ledger.cancel(c);
    case "reject":
      return ledger.reject(c);
    case "reverse":
      return ledger.reverse(c);
    case "release": {
      const all = await ledger.releaseDue();
      return { ok: true as const, value: all, replayed: false };
    }
    case "advance":
      clock.advanceHours(c as number);
      return { ok: true as const, value: null, replayed: false };
    case "entitle":
      return ledger.setEntitlement(c);
    case "freeze":
      return ledger.setFreeze(c);
  }
}

function expectRow(row: Row, res: Awaited<ReturnType<typeof runRow>>) {
  if (row.expect === "ok" || row.expect === "replay") {
    expect(res, JSON.stringify(res, (_k, v) => (typeof v === "bigint" ? v.toString() : v))).toMatchObject({ ok: true, replayed: row.expect === "replay" });
    if (row.status && res.ok) expect((res.value as { status: string }).status).toBe(row.status);
  } else {
    expect(res.ok, JSON.stringify(res, (_k, v) => (typeof v === "bigint" ? v.toString() : v))).toBe(false);
    if (!res.ok) expect(res.code, res.message).toBe(row.expect);
  }
}

forEachStore("ledger scenario table", (get) => {
  let ledger: LedgerService;
  const clock = new ManualClock("2026-04-01T00:00:00Z");
  beforeAll(async () => {
    ledger = await LedgerService.open(get(), clock);
  });

  describe.each([["setup", SETUP], ["events", EVENTS]] as const)("%s", (_name, rows) => {
    it.each(rows.map((r, i) => [`${i + 1}. ${r.note}`, r] as const))("%s", async (_label, row) => {
      expectRow(row, await runRow(ledger, clock, row));
    });
  });

  it("ends with the holdings the table implies", async () => {
    const q = async (acct: string) => (await ledger.holdings(acct))?.find((h) => h.classCode === "JP-GX-2026")?.quantity ?? 0n;
    // steel: 300,000 allocated - 1,000 (t18) - 250,000 surrendered + 1,090 (t26)
    expect(await q("JP-OHA-1")).toBe(50_090n);
    // cement: 150,000 - 50,000 (t24) + 50,000 (reversal) - 100 (t25)
    expect(await q("JP-OHA-2")).toBe(149_900n);
    // trader: 1,000 (t18) - 10 retired + 50,000 - 50,000 + 100 - 1,090
    expect(await q("JP-TRA-1")).toBe(0n);
    expect(await q("JP-SUR")).toBe(250_000n);
    expect(await q("JP-RET")).toBe(10n);
    expect(await q("JP-NHA")).toBe(100_000n);
    expect(await q("JP-ALLOC")).toBe(50_000n);
  });

  it("keeps every invariant (verify)", async () => {
    const report = await verifyLedger(get());
    expect(report.violations).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.units).toBe("601000");
    expect(report.byFate).toMatchObject({ surrendered: "250000", retired: "10", held: "350990" });
  });

  it("keeps the 2027 rows' units where they went: nothing in the closed account, t54 delayed until midnight UTC", async () => {
    const q = async (acct: string) => (await ledger.holdings(acct))?.find((h) => h.classCode === "JP-GX-2027");
    expect((await q("JP-TRA-3"))?.quantity ?? 0n).toBe(0n);
    expect(await q("JP-TRA-4")).toBeUndefined();
    expect((await q("JP-OHA-1"))?.quantity).toBe(60n);
    expect(await q("JP-TRA-1")).toMatchObject({ quantity: 40n, earmarked: 1n, available: 39n });
    expect((await ledger.getTransaction("t44"))?.status).toBe("completed");
    expect((await ledger.getTransaction("t54"))?.delayUntil).toBe("2030-03-07T00:00:00.000Z");
    expect(await ledger.getTransaction("r42")).toBeUndefined();
  });

  it("reversal puts back exactly the serials moved", async () => {
    const t24 = await ledger.getTransaction("t24");
    const r24 = await ledger.getTransaction("r24");
    expect(t24?.reversedBy).toBe("r24");
    expect(r24?.movements.map((m) => [m.start, m.end, m.from, m.to])).toEqual(t24?.movements.map((m) => [m.start, m.end, m.to, m.from]));
  });

  it("refuses UPDATE and DELETE on ledger records at the database", async () => {
    await expect(get().query("UPDATE movements SET serial_end = serial_end + 1")).rejects.toThrow(/immutable/);
    await expect(get().query("DELETE FROM transactions WHERE id = 't1'")).rejects.toThrow(/immutable/);
    await expect(get().query("UPDATE transaction_events SET status = 'completed'")).rejects.toThrow(/immutable/);
  });

  it("refuses overlapping serials at the database", async () => {
    const db = get();
    await expect(
      db.query("INSERT INTO blocks (class_id, account_id, serial_start, serial_end) SELECT class_id, 'JP-TRA-1', serial_start, serial_start FROM blocks LIMIT 1"),
    ).rejects.toThrow();
  });

  it("detects a tampered movement through the hash chain", async () => {
    const db = get();
    const report = await db.transaction(async (tx) => {
      await tx.query("ALTER TABLE transactions DISABLE TRIGGER transactions_append_only");
      await tx.query(`UPDATE transactions SET request = jsonb_set(request, '{note}', '"edited"') WHERE id = 't23'`);
      const r = await verifyLedger(tx);
      throw Object.assign(new Error("rollback"), { report: r });
    }).catch((e: { report?: Awaited<ReturnType<typeof verifyLedger>> }) => e.report);
    expect(report?.ok).toBe(false);
    expect(report?.violations.some((v) => v.invariant === "chain-hash" && v.facts.transactionId === "t23")).toBe(true);
    expect((await verifyLedger(db)).ok).toBe(true);
  });
});

// ---- the registry rules of a rulebook's `ledger` section (issue 17) ------------------------------

const TYPE_CODES = {
  national_issuance: "100", allocation: "110", new_entrants_reserve: "111", auction: "105", market_stability_reserve: "106",
  operator_holding: "120", trading: "121", surrender: "130", voluntary_cancellation: "131",
} as const;
const SECTION: LedgerSection = {
  governmentRoutes: { auction: ["national_issuance"] },
  reversalWindows: { surrender: 14 },
  onePendingPerAccount: ["surrender"],
  accountNumbers: { prefix: "GB", typeCodes: TYPE_CODES },
};
const N = (type: keyof typeof TYPE_CODES, seq: number) => formatAccountNumber({ prefix: "GB", typeCodes: TYPE_CODES }, TYPE_CODES[type], BigInt(seq));
/** The same number with wrong check digits (a typo the digits catch). */
const typo = (id: string) => id.replace(/-(\d\d)$/, (_m, cc: string) => `-${String((Number(cc) + 1) % 100).padStart(2, "0")}`);
const [NHA, ALLOC, AUC, MSR, OP1, OP2, TR1, TR2, SUR, DEL] = [
  N("national_issuance", 1), N("allocation", 2), N("auction", 3), N("market_stability_reserve", 4), N("operator_holding", 10), N("operator_holding", 11),
  N("trading", 20), N("trading", 21), N("surrender", 30), N("voluntary_cancellation", 31),
];
const TR3 = N("trading", 23);
const A = "GB-2026";
const open = (commandId: string, accountId: string, type: string, extra: Record<string, unknown> = {}) => ({ commandId, accountId, type, holder: "h", name: commandId, ...extra });
const tx = (transactionId: string, kind: string, from: string | null, to: string, quantity: string, extra: Record<string, unknown> = {}) => ({
  transactionId, kind, legs: [leg(A, from, to, quantity)], ...extra,
});
const HELD = { hold: { approval: true } };

const RULE_ROWS: Row[] = [
  { note: "the 2026 allowances", op: "class", cmd: { commandId: "k1", code: A, unitType: "allowance", scheme: "UK", vintage: 2026 }, expect: "ok" },
  ...([[NHA, "national_issuance"], [ALLOC, "allocation"], [AUC, "auction"], [MSR, "market_stability_reserve"], [TR1, "trading"], [TR2, "trading"], [SUR, "surrender"], [DEL, "voluntary_cancellation"]] as const).map(
    ([id, type], i): Row => ({ note: `open ${type} ${id}`, op: "open", cmd: open(`o${i}`, id, type), expect: "ok" }),
  ),
  { note: "an operator account with its installation, permit and monitoring plan", op: "open", cmd: open("o10", OP1, "operator_holding", { installation: "INS-1", permitId: "PERMIT-1", monitoringPlanId: "MP-1" }), expect: "ok" },
  { note: "a second operator", op: "open", cmd: open("o11", OP2, "operator_holding", { installation: "INS-2" }), expect: "ok" },
  // 7: account numbers with check digits, validated before any lookup
  { note: "a mistyped account number is refused, naming it", op: "open", cmd: open("o12", typo(N("trading", 22)), "trading"), expect: 5003 },
  { note: "an id that is not a number of this registry", op: "open", cmd: open("o13", "JP-TRA-1", "trading"), expect: 5003 },
  { note: "a number of another account type", op: "open", cmd: open("o14", N("operator_holding", 22), "trading"), expect: 5003 },
  { note: "no account id: the registry assigns the next number", op: "open", cmd: { commandId: "o15", type: "trading", holder: "h", name: "assigned" }, expect: "ok" },
  { note: "a transfer from a mistyped number: 5003 before the account is looked up", op: "propose", cmd: tx("x1", "transfer", typo(OP1), TR1, "1"), expect: 5003 },
  // 5: one live account per installation; unique permit and monitoring plan ids
  { note: "a second live account for installation INS-1", op: "open", cmd: open("o16", N("operator_holding", 12), "operator_holding", { installation: "INS-1" }), expect: 7011 },
  { note: "a permit id already in use", op: "open", cmd: open("o17", N("operator_holding", 12), "operator_holding", { installation: "INS-3", permitId: "PERMIT-1" }), expect: 7012 },
  { note: "a monitoring plan id already in use", op: "open", cmd: open("o18", N("operator_holding", 12), "operator_holding", { installation: "INS-3", monitoringPlanId: "MP-1" }), expect: 7012 },
  // 4: government routes
  { note: "issue 100,000", op: "propose", cmd: tx("g1", "issuance", null, NHA, "100000"), expect: "ok" },
  { note: "total quantity to the allocation account", op: "propose", cmd: tx("g2", "internal_transfer", NHA, ALLOC, "50000"), expect: "ok" },
  { note: "total quantity to the auction account", op: "propose", cmd: tx("g3", "internal_transfer", NHA, AUC, "10000"), expect: "ok" },
  { note: "total quantity to the market stability reserve", op: "propose", cmd: tx("g4", "internal_transfer", NHA, MSR, "5000"), expect: "ok" },
  { note: "the MSR never sends straight to an auction account", op: "propose", cmd: tx("g5", "internal_transfer", MSR, AUC, "1"), expect: 2005 },
  { note: "this rulebook: the auction account sends only back to total quantity (UK check 2017)", op: "propose", cmd: tx("g6", "internal_transfer", AUC, MSR, "1"), expect: 2005 },
  { note: "which it may", op: "propose", cmd: tx("g7", "internal_transfer", AUC, NHA, "1"), expect: "ok" },
  { note: "allocate 30,000 to the first operator", op: "propose", cmd: tx("g8", "allocation", ALLOC, OP1, "30000"), expect: "ok" },
  { note: "allocate 10,000 to the second", op: "propose", cmd: tx("g9", "allocation", ALLOC, OP2, "10000"), expect: "ok" },
  // 1: graded restrictions
  { note: "restrict the second operator (reason recorded)", op: "status", cmd: { commandId: "st1", accountId: OP2, status: "restricted", reason: "compliance investigation" }, expect: "ok" },
  { note: "a restricted account cannot trade", op: "propose", cmd: tx("h1", "transfer", OP2, TR1, "1"), expect: 1002 },
  { note: "but it still surrenders", op: "propose", cmd: tx("h2", "surrender", OP2, SUR, "100"), expect: "ok" },
  { note: "and still receives", op: "propose", cmd: tx("h3", "allocation", ALLOC, OP2, "1"), expect: "ok" },
  { note: "suspend it", op: "status", cmd: { commandId: "st2", accountId: OP2, status: "suspended", reason: "court order" }, expect: "ok" },
  { note: "a suspended account surrenders no more", op: "propose", cmd: tx("h4", "surrender", OP2, SUR, "1"), expect: 1002 },
  { note: "nothing arrives in a suspended account, not even allocation (UK check 2004)", op: "propose", cmd: tx("h5", "allocation", ALLOC, OP2, "1"), expect: 2002 },
  { note: "but an administrator may take units out of it (a correction)", op: "propose", cmd: tx("h5b", "correction", OP2, NHA, "1"), expect: "ok" },
  { note: "its installation is being transferred", op: "status", cmd: { commandId: "st3", accountId: OP2, status: "transfer_pending", reason: "sale of the plant" }, expect: "ok" },
  { note: "nothing arrives while the transfer is pending", op: "propose", cmd: tx("h6", "allocation", ALLOC, OP2, "1"), expect: 2002 },
  // 3: closure preconditions
  { note: "an account in transfer cannot close", op: "status", cmd: { commandId: "st4", accountId: OP2, status: "closed" }, expect: 7010 },
  { note: "open again", op: "status", cmd: { commandId: "st5", accountId: OP2, status: "open", reason: "transfer settled" }, expect: "ok" },
  { note: "a government account is never closed", op: "status", cmd: { commandId: "st6", accountId: NHA, status: "closed" }, expect: 7009 },
  { note: "a transfer to an empty trading account waits for approval", op: "propose", cmd: tx("c1", "transfer", OP1, TR2, "5", HELD), expect: "ok", status: "awaiting_approval" },
  { note: "an account with a transaction awaiting approval cannot close", op: "status", cmd: { commandId: "st7", accountId: TR2, status: "closed" }, expect: 7008 },
  { note: "cancel it", op: "cancel", cmd: { transactionId: "c1", actor: "rep-1" }, expect: "ok", status: "cancelled" },
  { note: "now it closes", op: "status", cmd: { commandId: "st8", accountId: TR2, status: "closed" }, expect: "ok" },
  // 6: one pending surrender per account
  { note: "a surrender awaiting approval", op: "propose", cmd: tx("p1", "surrender", OP1, SUR, "1000", HELD), expect: "ok", status: "awaiting_approval" },
  { note: "a second surrender from the account while it waits", op: "propose", cmd: tx("p2", "surrender", OP1, SUR, "1", HELD), expect: 6010 },
  { note: "the first is approved", op: "approve", cmd: { transactionId: "p1", actor: "rep-2" }, expect: "ok", status: "completed" },
  { note: "then another may go", op: "propose", cmd: tx("p3", "surrender", OP1, SUR, "500"), expect: "ok", status: "completed" },
  // 2: reversal of a surrender within the window, with destination checks
  { note: "the surrender is reversed within 14 days", op: "reverse", cmd: { transactionId: "rv1", reverses: "p1", actor: "admin" }, expect: "ok" },
  { note: "a deletion has no window: its units are final", op: "propose", cmd: tx("d1", "voluntary_cancellation", OP1, DEL, "10"), expect: "ok" },
  { note: "so it is not reversed", op: "reverse", cmd: { transactionId: "rv2", reverses: "d1", actor: "admin" }, expect: 1004 },
  { note: "15 days later", op: "advance", cmd: 15 * 24, expect: "ok" },
  { note: "the window of the second surrender has passed", op: "reverse", cmd: { transactionId: "rv3", reverses: "p3", actor: "admin" }, expect: 6011 },
  // 5: returns of excess allocation
  { note: "a return of excess with no entitlement recorded (nothing over-allocated)", op: "propose", cmd: tx("e1", "excess_allocation_return", OP1, ALLOC, "100"), expect: 3007 },
  { note: "the regulator records 29,000 as the 2026 entitlement: 1,000 over-allocated", op: "entitle", cmd: { commandId: "en1", accountId: OP1, year: 2026, table: "NAT", quantity: "29000" }, expect: "ok" },
  { note: "a return of 600 awaits approval", op: "propose", cmd: tx("e2", "excess_allocation_return", OP1, ALLOC, "600", HELD), expect: "ok", status: "awaiting_approval" },
  { note: "a second return for 2026 while it waits", op: "propose", cmd: tx("e3", "excess_allocation_return", OP1, ALLOC, "100", HELD), expect: 6009 },
  { note: "approved", op: "approve", cmd: { transactionId: "e2", actor: "rep-2" }, expect: "ok", status: "completed" },
  { note: "401 more would exceed the 1,000", op: "propose", cmd: tx("e4", "excess_allocation_return", OP1, ALLOC, "401"), expect: 3007 },
  { note: "400 is the rest", op: "propose", cmd: tx("e5", "excess_allocation_return", OP1, ALLOC, "400"), expect: "ok" },
  // 6: the freeze while a reconciliation runs
  { note: "a transfer awaiting approval", op: "propose", cmd: tx("f1", "transfer", OP1, TR1, "5", HELD), expect: "ok", status: "awaiting_approval" },
  { note: "an administrator freezes the registry for a reconciliation", op: "freeze", cmd: { commandId: "fz1", frozen: true, reason: "reconciliation with the transaction log" }, expect: "ok" },
  { note: "no transaction is proposed", op: "propose", cmd: tx("f2", "transfer", OP1, TR1, "1"), expect: 6008 },
  { note: "nor approved", op: "approve", cmd: { transactionId: "f1", actor: "rep-2" }, expect: 6008 },
  { note: "nor reversed", op: "reverse", cmd: { transactionId: "rv4", reverses: "e5", actor: "admin" }, expect: 6008 },
  { note: "the freeze is lifted", op: "freeze", cmd: { commandId: "fz2", frozen: false, reason: "reconciled" }, expect: "ok" },
  { note: "and the approval goes through", op: "approve", cmd: { transactionId: "f1", actor: "rep-2" }, expect: "ok", status: "completed" },
];

forEachStore("registry rules scenario table", (get) => {
  let ledger: LedgerService;
  const clock = new ManualClock("2026-04-01T00:00:00Z");
  beforeAll(async () => {
    ledger = await LedgerService.open(get(), clock, undefined, { rules: ledgerRules(SECTION) });
    // The closure slot other parts fill (comp2's verified-emissions rule at merge): a stub that refuses one account.
    ledger.onClose(async (_sql, account) => (account.id === TR3 ? { ok: false, code: 9901, check: "stub-precondition", message: `${account.id} fails the stub`, facts: {} } : null));
  });

  it.each(RULE_ROWS.map((r, i) => [`${i + 1}. ${r.note}`, r] as const))("%s", async (_label, row) => {
    expectRow(row, await runRow(ledger, clock, row));
  });

  it("assigns numbers that pass their own check, and records the administrator's reason with the state", async () => {
    const assigned = (await ledger.listAccounts({ holder: "h", type: "trading" })).items.find((a) => a.name === "assigned");
    expect(assigned?.id).toMatch(/^GB-121-\d+-\d\d$/);
    expect(await ledger.openAccount(open("o19", typo(assigned?.id as string), "trading"))).toMatchObject({ ok: false, code: 5003 });
    expect(await ledger.getAccount(OP2)).toMatchObject({ status: "open", statusReason: "transfer settled", permitId: null });
    expect(await ledger.getAccount(OP1)).toMatchObject({ permitId: "PERMIT-1", monitoringPlanId: "MP-1" });
  });

  it("runs the closure preconditions other parts register inside the closing transaction", async () => {
    expect(await ledger.openAccount(open("o20", TR3, "trading"))).toMatchObject({ ok: true });
    expect(await ledger.setAccountStatus({ commandId: "st9", accountId: TR3, status: "closed" })).toMatchObject({ ok: false, code: 9901 });
    expect((await ledger.getAccount(TR3))?.status).toBe("open");
  });

  it("ends with the holdings the rows imply, and keeps every invariant", async () => {
    const q = async (acct: string) => (await ledger.holdings(acct))?.find((h) => h.classCode === A)?.quantity ?? 0n;
    // 30,000 allocated - 1,000 surrendered + 1,000 back - 500 surrendered - 10 deleted - 1,000 returned - 5 to TR1
    expect(await q(OP1)).toBe(28_485n);
    // 10,000 + 1 delivered - 100 surrendered - 1 corrected
    expect(await q(OP2)).toBe(9_900n);
    expect(await q(SUR)).toBe(600n);
    expect(await q(ALLOC)).toBe(50_000n - 40_001n + 1_000n);
    expect((await verifyLedger(get())).violations).toEqual([]);
  });
});
