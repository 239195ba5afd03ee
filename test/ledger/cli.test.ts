// Goal: the registry CLI does what docs/reference/cli.md says. Spawned `./bin/ets` runs a
// registry walk-through on a PGlite directory and on the PostgreSQL server (DATABASE_URL), with
// the documented exit codes (0 ok, 1 refused or verify failed, 2 usage) and `verify --json` in the
// issue's exact shape; a second process is kept off a PGlite directory in use. Bad input to every
// command (unknown account, negative, fractional or huge quantity, unknown class, closed account,
// malformed id, ...) is tested in-process through the very handlers the commands call: each gets
// its check code and changes nothing. (Spawning tsx costs about a second per call.)
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as cli from "../../src/cli/commands/registry.ts";
import { toJson, UsageError } from "../../src/cli/io.ts";
import { LedgerService } from "../../src/registry/ledger.ts";
import type { Db } from "../../src/store/db.ts";
import { lockDirectory } from "../../src/store/lock.ts";
import { openStore } from "../../src/store/open.ts";
import { openPglite } from "../../src/store/pglite.ts";
import { migrate } from "../../src/store/migrate.ts";
import { createServerDatabase } from "../support/stores.ts";

const ETS = join(import.meta.dirname, "../../bin/ets");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function ets(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const clean = { ...process.env, ...env };
    if (!("DATABASE_URL" in env)) delete clean.DATABASE_URL;
    execFile(ETS, args, { env: clean, timeout: 180_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const json = (r: Run) => JSON.parse(r.stdout) as Record<string, unknown>;

/** The registry walk-through through the command handlers, on a store opened as the CLI opens it. */
async function walkThrough(database: string): Promise<void> {
  const run = (fn: (l: LedgerService) => Promise<cli.Output>) => cli.withLedger({ database }, fn).then((o) => JSON.parse(toJson(o.json)) as Record<string, unknown>);
  await run((l) => cli.classDefine(l, "JP-GX-2026", { unitType: "allowance", scheme: "JP-GX", vintage: "2026", issuanceLimit: "1000000", id: "w-c1" }));
  for (const [id, type] of [["JP-NHA", "national_issuance"], ["JP-TRA-1", "trading"], ["JP-TRA-2", "trading"], ["JP-RET", "retirement"]] as const) {
    await run((l) => cli.accountOpen(l, id, { type, holder: "MOE", id: `w-open-${id}` }));
  }
  expect(await run((l) => cli.move(l, "issuance", "JP-GX-2026", "1000", { to: "JP-NHA", id: "w-t1" }))).toMatchObject({ id: "w-t1", status: "completed", replayed: false });
  const t2 = await run((l) => cli.move(l, "correction", "JP-GX-2026", "300", { from: "JP-NHA", to: "JP-TRA-1", id: "w-t2" }));
  expect(t2.movements).toEqual([{ legNo: 1, classCode: "JP-GX-2026", from: "JP-NHA", to: "JP-TRA-1", start: "1", end: "300", quantity: "300" }]);
  const t3 = await run((l) => cli.move(l, "transfer", "JP-GX-2026", "120", { from: "JP-TRA-1", to: "JP-TRA-2", id: "w-t3" }));
  expect(t3.movements).toEqual([{ legNo: 1, classCode: "JP-GX-2026", from: "JP-TRA-1", to: "JP-TRA-2", start: "1", end: "120", quantity: "120" }]);
  // The same command again with the same id: replayed, nothing moves twice.
  expect(await run((l) => cli.move(l, "transfer", "JP-GX-2026", "120", { from: "JP-TRA-1", to: "JP-TRA-2", id: "w-t3" }))).toMatchObject({ replayed: true });
  await run((l) => cli.move(l, "retirement", "JP-GX-2026", "20", { from: "JP-TRA-2", to: "JP-RET", purpose: "offset FY2026 travel", beneficiary: "ACME KK", id: "w-t4" }));
  // Serials 1-20 of w-t3 went on to retirement: w-t3 cannot be reversed (6005).
  await expect(run((l) => cli.reverse(l, "w-t3", { id: "w-r3" }))).rejects.toMatchObject({ refusal: { code: 6005 } });
  await run((l) => cli.move(l, "transfer", "JP-GX-2026", "50", { from: "JP-TRA-1", to: "JP-TRA-2", id: "w-t5" }));
  expect(await run((l) => cli.reverse(l, "w-t5", { reason: "wrong account", id: "w-r5" }))).toMatchObject({ reverses: "w-t5", status: "completed" });
  // TRA-1 got 1-300, sent 1-120 and 121-170, got 121-170 back: one block 121-300.
  expect(await run((l) => cli.holdings(l, "JP-TRA-1", { blocks: true }))).toEqual({
    account: "JP-TRA-1",
    holdings: [{ classCode: "JP-GX-2026", unitType: "allowance", quantity: "180", blockCount: 1, blocks: [{ start: "121", end: "300", quantity: "180" }] }],
  });
}

describe("ets registry commands, spawned", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "ets-cli-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("on a PGlite directory: verify JSON, exit codes 0/1/2, text output, a tamper found by verify", async () => {
    const path = join(dir, "reg");
    await walkThrough(path);
    const db = ["--database", path];
    const v = await ets(["verify", ...db, "--json"]);
    expect(v.code, v.stderr).toBe(0);
    const report = json(v);
    expect(Object.keys(report)).toEqual(["ok", "classes", "accounts", "blocks", "units", "violations"]);
    expect(report).toEqual({ ok: true, classes: 1, accounts: 4, blocks: 4, units: "1000", violations: [] });

    // A refusal: exit 1, the check code and message on stderr, the refusal as JSON on stdout.
    const neg = await ets(["transfer", "JP-GX-2026", "-5", "--from", "JP-TRA-1", "--to", "JP-TRA-2", ...db, "--json"]);
    expect(neg.code).toBe(1);
    expect(neg.stderr).toMatch(/check 3001 \(quantity-not-positive-whole\)/);
    expect(json(neg)).toMatchObject({ ok: false, code: 3001 });
    // A usage error (missing --from): exit 2.
    const usage = await ets(["transfer", "JP-GX-2026", "5", "--to", "JP-TRA-2", ...db]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/required option '--from <account>'/);
    // Text output.
    const show = await ets(["tx", "show", "w-t2", ...db]);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/transaction w-t2 \(correction\) completed/);
    expect(show.stdout).toMatch(/1\s+JP-GX-2026\s+JP-NHA\s+JP-TRA-1\s+1\s+300\s+300/);

    // Someone edits a ledger record behind the ledger's back: verify exits 1 and names it.
    const pg = await openPglite(path);
    await pg.exec(`ALTER TABLE transactions DISABLE TRIGGER transactions_append_only;
      UPDATE transactions SET request = jsonb_set(request, '{note}', '"edited"') WHERE id = 'w-t2';
      ALTER TABLE transactions ENABLE TRIGGER transactions_append_only;`);
    await pg.close();
    const bad = await ets(["verify", ...db, "--json"]);
    expect(bad.code).toBe(1);
    const broken = json(bad);
    expect(broken.ok).toBe(false);
    expect((broken.violations as Array<{ invariant: string }>).some((x) => x.invariant === "chain-hash")).toBe(true);
  }, 400_000);

  it("keeps a second process off a PGlite directory in use", async () => {
    const d = join(dir, "locked");
    mkdirSync(d, { recursive: true });
    const release = lockDirectory(d);
    try {
      const r = await ets(["account", "list", "--database", d]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`database directory ${d} is in use by process ${process.pid}`);
    } finally {
      release();
    }
    // Released: the directory opens. A lock file left by a process that is gone is taken over.
    writeFileSync(join(d, "ets.lock"), "999999999\n");
    const db = await openStore({ database: d });
    await db.close();
    expect(existsSync(join(d, "ets.lock"))).toBe(false);
  }, 200_000);

  it("on the PostgreSQL server through DATABASE_URL", async () => {
    const env = { DATABASE_URL: await createServerDatabase() };
    const run = async (args: string[]) => {
      const r = await ets([...args, "--json"], env);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
      return json(r);
    };
    await run(["class", "define", "JP-GX-2026", "--unit-type", "allowance", "--scheme", "JP-GX", "--id", "s-c1"]);
    await run(["account", "open", "JP-NHA", "--type", "national_issuance", "--holder", "MOE", "--id", "s-a1"]);
    expect(await run(["issue", "JP-GX-2026", "1000", "--to", "JP-NHA", "--id", "s-t1"])).toMatchObject({ id: "s-t1", status: "completed" });
    expect(await run(["verify"])).toEqual({ ok: true, classes: 1, accounts: 1, blocks: 1, units: "1000", violations: [] });
  }, 400_000);
});

// ---- in-process: bad input to every command ----------------------------------------------------

describe("ets registry commands, bad input in-process", () => {
  let db: Db;
  let ledger: LedgerService;

  beforeAll(async () => {
    db = await openPglite();
    await migrate(db);
    ledger = await LedgerService.open(db);
    await cli.classDefine(ledger, "JP-GX-2026", { unitType: "allowance", scheme: "JP-GX", vintage: "2026", issuanceLimit: "5000", id: "b-c1" });
    await cli.classDefine(ledger, "JCM-1", { unitType: "JCM", scheme: "JCM", id: "b-c2" });
    for (const [id, type, inst] of [["JP-NHA", "national_issuance"], ["JP-TRA-1", "trading"], ["JP-TRA-2", "trading"], ["JP-OLD", "trading"], ["JP-RET", "retirement"], ["JP-VC", "voluntary_cancellation"], ["JP-OHA-1", "operator_holding", "I1"]] as const) {
      await cli.accountOpen(ledger, id, { type, holder: "h", id: `b-open-${id}`, ...(inst ? { installation: inst } : {}) });
    }
    await cli.move(ledger, "issuance", "JP-GX-2026", "1000", { to: "JP-NHA", id: "b-t1" });
    await cli.move(ledger, "correction", "JP-GX-2026", "400", { from: "JP-NHA", to: "JP-TRA-1", id: "b-t2" });
    await cli.accountStatus(ledger, "JP-OLD", "closed", { id: "b-close" });
    await cli.move(ledger, "transfer", "JP-GX-2026", "10", { from: "JP-TRA-1", to: "JP-TRA-2", approval: true, id: "b-held" });
  });
  afterAll(async () => db.close());

  /** Everything a command could change, as one string. */
  async function state(): Promise<string> {
    const tables = ["unit_classes", "accounts", "account_events", "transactions", "transaction_legs", "transaction_events", "movements", "blocks", "balances", "chain_links"];
    const counts = await db.query(`SELECT ${tables.map((t) => `(SELECT count(*) FROM ${t}) AS ${t}`).join(", ")}`);
    const acc = await db.query("SELECT id, status FROM accounts ORDER BY id");
    const bal = await db.query("SELECT account_id, class_id, quantity FROM balances ORDER BY 1, 2");
    return JSON.stringify([counts.rows, acc.rows, bal.rows], (_k, v) => (typeof v === "bigint" ? v.toString() : v));
  }

  const T = (from: string, to: string, q: string, extra: Partial<cli.MoveOpts> = {}) => (l: LedgerService) => cli.move(l, "transfer", "JP-GX-2026", q, { from, to, ...extra });
  const CASES: Array<[string, (l: LedgerService) => Promise<unknown>, number | "usage"]> = [
    ["account open: malformed account id", (l) => cli.accountOpen(l, "jp lower", { type: "trading", holder: "h" }), 5001],
    ["account open: malformed --id", (l) => cli.accountOpen(l, "JP-NEW", { type: "trading", holder: "h", id: "bad id!" }), 5001],
    ["account open: unknown type", (l) => cli.accountOpen(l, "JP-NEW", { type: "vault", holder: "h" }), 7002],
    ["account open: id taken", (l) => cli.accountOpen(l, "JP-TRA-1", { type: "trading", holder: "h" }), 7001],
    ["account open: operator without installation", (l) => cli.accountOpen(l, "JP-OHA-9", { type: "operator_holding", holder: "h" }), 7003],
    ["account block: unknown account", (l) => cli.accountStatus(l, "JP-NOPE", "blocked", {}), 7006],
    ["account close: holds units", (l) => cli.accountStatus(l, "JP-TRA-1", "closed", {}), 7004],
    ["account unblock: closed account", (l) => cli.accountStatus(l, "JP-OLD", "open", {}), 7005],
    ["account show: unknown account", (l) => cli.accountShow(l, "JP-NOPE"), 7006],
    ["account list: bad --limit", (l) => cli.accountList(l, { limit: "-3" }), "usage"],
    ["class define: unknown unit type", (l) => cli.classDefine(l, "X-1", { unitType: "gold", scheme: "X" }), 4003],
    ["class define: code taken", (l) => cli.classDefine(l, "JP-GX-2026", { unitType: "allowance", scheme: "JP-GX" }), 4004],
    ["class define: malformed code", (l) => cli.classDefine(l, "bad code", { unitType: "allowance", scheme: "X" }), 5001],
    ["class define: vintage not a year", (l) => cli.classDefine(l, "X-2", { unitType: "allowance", scheme: "X", vintage: "twenty" }), 7007],
    ["class define: negative issuance limit", (l) => cli.classDefine(l, "X-3", { unitType: "allowance", scheme: "X", issuanceLimit: "-1" }), 3001],
    ["class show: unknown class", (l) => cli.classShow(l, "JP-GX-2099"), 4001],
    ["issue: beyond the issuance limit", (l) => cli.move(l, "issuance", "JP-GX-2026", "4001", { to: "JP-NHA" }), 3004],
    ["issue: into a trading account", (l) => cli.move(l, "issuance", "JP-GX-2026", "1", { to: "JP-TRA-1" }), 2003],
    ["issue: unknown class", (l) => cli.move(l, "issuance", "JP-GX-2099", "1", { to: "JP-NHA" }), 4001],
    ["issue: fractional quantity", (l) => cli.move(l, "issuance", "JP-GX-2026", "2.5", { to: "JP-NHA" }), 3001],
    ["transfer: unknown source", T("JP-NOPE", "JP-TRA-2", "1"), 1001],
    ["transfer: unknown destination", T("JP-TRA-1", "JP-NOPE", "1"), 2001],
    ["transfer: negative quantity", T("JP-TRA-1", "JP-TRA-2", "-5"), 3001],
    ["transfer: fractional quantity", T("JP-TRA-1", "JP-TRA-2", "1.5"), 3001],
    ["transfer: zero", T("JP-TRA-1", "JP-TRA-2", "0"), 3001],
    ["transfer: not a number", T("JP-TRA-1", "JP-TRA-2", "ten"), 3001],
    ["transfer: huge quantity", T("JP-TRA-1", "JP-TRA-2", "99999999999999999999"), 3002],
    ["transfer: more than held", T("JP-TRA-1", "JP-TRA-2", "401"), 3003],
    ["transfer: unknown class", (l) => cli.move(l, "transfer", "JP-GX-2099", "1", { from: "JP-TRA-1", to: "JP-TRA-2" }), 4001],
    ["transfer: to a closed account", T("JP-TRA-1", "JP-OLD", "1"), 2002],
    ["transfer: from a closed account", T("JP-OLD", "JP-TRA-2", "1"), 1002],
    ["transfer: malformed --id", T("JP-TRA-1", "JP-TRA-2", "1", { id: "no spaces allowed" }), 5001],
    ["transfer: unknown kind", (l) => cli.move(l, "gift", "JP-GX-2026", "1", { from: "JP-TRA-1", to: "JP-TRA-2" }), 4006],
    ["transfer: same id, other content", T("JP-TRA-1", "JP-TRA-2", "11", { id: "b-held" }), 5002],
    ["retire: without a purpose", (l) => cli.move(l, "retirement", "JP-GX-2026", "1", { from: "JP-TRA-1", to: "JP-RET", beneficiary: "b" }), 4005],
    ["retire: into a trading account", (l) => cli.move(l, "retirement", "JP-GX-2026", "1", { from: "JP-TRA-1", to: "JP-TRA-2", purpose: "p", beneficiary: "b" }), 2003],
    ["retire: from a retirement account", (l) => cli.move(l, "retirement", "JP-GX-2026", "1", { from: "JP-RET", to: "JP-RET", purpose: "p", beneficiary: "b" }), 1004],
    ["cancel: from an unknown account", (l) => cli.move(l, "voluntary_cancellation", "JP-GX-2026", "1", { from: "JP-NOPE", to: "JP-VC" }), 1001],
    ["cancel: huge quantity", (l) => cli.move(l, "voluntary_cancellation", "JP-GX-2026", "1000000000000001", { from: "JP-TRA-1", to: "JP-VC" }), 3002],
    ["reverse: unknown transaction", (l) => cli.reverse(l, "b-nope", {}), 6001],
    ["reverse: an issuance", (l) => cli.reverse(l, "b-t1", {}), 6006],
    ["reverse: malformed target", (l) => cli.reverse(l, "no such id!", {}), 5001],
    ["reverse: a held transaction", (l) => cli.reverse(l, "b-held", {}), 6003],
    ["approve: unknown transaction", (l) => cli.decide(l, "approve", "b-nope", {}), 6001],
    ["approve: a completed transaction", (l) => cli.decide(l, "approve", "b-t2", {}), 6002],
    ["approve: malformed actor", (l) => cli.decide(l, "approve", "b-held", { actor: "two words" }), 5001],
    ["reject: a completed transaction", (l) => cli.decide(l, "reject", "b-t2", {}), 6002],
    ["tx cancel: a completed transaction", (l) => cli.decide(l, "cancel", "b-t2", {}), 6002],
    ["tx show: unknown transaction", (l) => cli.txShow(l, "b-nope"), 6001],
    ["tx list: unknown status", (l) => cli.txList(l, { status: "done" }), "usage"],
    ["holdings: unknown account", (l) => cli.holdings(l, "JP-NOPE", {}), 7006],
  ];

  it.each(CASES.map((c) => [c[0], c] as const))("%s: refused with its code, nothing changed", async (_name, [, run, code]) => {
    const before = await state();
    let error: unknown;
    try {
      await run(ledger);
    } catch (err) {
      error = err;
    }
    if (code === "usage") expect(error).toBeInstanceOf(UsageError);
    else {
      expect(error, "expected a refusal").toBeInstanceOf(cli.Refused);
      expect((error as cli.Refused).refusal.code, (error as Error).message).toBe(code);
      expect((error as cli.Refused).exitCode).toBe(1);
    }
    expect(await state()).toBe(before);
  });

  it("the same handlers succeed on good input, and verify reports the issue's JSON", async () => {
    const out = await cli.move(ledger, "transfer", "JP-GX-2026", "25", { from: "JP-TRA-1", to: "JP-TRA-2", id: "b-ok" });
    expect(out.json).toMatchObject({ id: "b-ok", status: "completed" });
    const h = await cli.holdings(ledger, "JP-TRA-2", { blocks: true });
    expect(h.text).toMatch(/JP-GX-2026\s+allowance\s+25\s+1/);
    const approved = await cli.decide(ledger, "approve", "b-held", { actor: "second-rep" });
    expect(approved.json).toMatchObject({ status: "completed" });
    const gen = await cli.accountOpen(ledger, "JP-GEN", { type: "trading", holder: "h" });
    expect(gen.text).toMatch(/^id cli-[a-z0-9]+-[0-9a-f]{8} \(generated/);
    const v = await cli.verify(ledger);
    expect(v.failed).toBeUndefined();
    expect(v.json).toEqual({ ok: true, classes: 2, accounts: 8, blocks: expect.any(Number), units: "1000", violations: [] });
  });
});
