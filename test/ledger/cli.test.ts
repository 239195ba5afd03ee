// Goal: the registry CLI does what docs/reference/cli.md says, through the same secure registry
// and rules as the API. Writes act as a named registry user (--as): a write without one is
// refused, an issuance waits for a second administrator, a representative's transfer for a second
// representative, and nobody approves what they initiated (issue 10, defect 10). Spawned
// `./bin/ets` runs on a PGlite directory and on the PostgreSQL server (DATABASE_URL), with the
// documented exit codes (0 ok, 1 refused or verify failed, 2 usage) and `verify --json` in the
// documented shape; a second process is kept off a PGlite directory in use. Bad input to every
// command is tested in-process through the very handlers the commands call: each gets its check
// code and changes nothing. (Spawning tsx costs about a second per call.)
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditLog } from "../../src/audit/index.ts";
import { AuthService } from "../../src/auth/index.ts";
import * as cli from "../../src/cli/commands/registry/index.ts";
import { toJson, UsageError } from "../../src/cli/io.ts";
import { DEFAULT_SECURITY_CONFIG } from "../../src/domain/security/config.ts";
import { systemPrincipal } from "../../src/domain/security/roles.ts";
import { systemClock } from "../../src/platform/clock.ts";
import type { Db } from "../../src/store/db.ts";
import { lockDirectory } from "../../src/store/lock.ts";
import { openStore } from "../../src/store/open.ts";
import { openPglite } from "../../src/store/pglite.ts";
import { type EtsRun, runEts } from "../support/ets.ts";
import { createServerDatabase, openMigratedPglite } from "../support/stores.ts";
import { FAST_ARGON2, PASSWORD } from "../security/fixture.ts";

const json = (r: EtsRun) => JSON.parse(r.stdout) as Record<string, unknown>;

/** Registry users on a store: two administrators and two representatives (test setup, as the system). */
async function createUsers(db: Db): Promise<void> {
  const auth = await AuthService.open(db, systemClock, DEFAULT_SECURITY_CONFIG, new AuditLog(db, systemClock), { argon2: FAST_ARGON2 });
  const system = { principal: systemPrincipal("test-setup"), ip: null };
  for (const [id, roles] of [["admin1", ["national-admin"]], ["admin2", ["national-admin"]], ["rep1", []], ["rep2", []]] as const) {
    const r = await auth.createUser(system, { userId: id, displayName: id, password: PASSWORD, roles: [...roles] });
    if (!r.ok) throw new Error(`${id}: ${r.message}`);
  }
}

async function setUpStore(database: string): Promise<void> {
  const db = await openStore({ database });
  try {
    await createUsers(db);
  } finally {
    await db.close();
  }
}

/** The registry walk-through through the command handlers, on a store opened as the CLI opens it. */
async function walkThrough(database: string): Promise<void> {
  const run = (as: string, fn: (c: cli.RegistryContext) => Promise<cli.Output>) =>
    cli.withRegistry({ database, as }, fn).then((o) => JSON.parse(toJson(o.json)) as Record<string, unknown>);
  await run("admin1", (c) => cli.classDefine(c, "JP-GX-2026", { unitType: "allowance", scheme: "JP-GX", vintage: "2026", issuanceLimit: "1000000", id: "w-c1" }));
  for (const [id, type] of [["JP-NHA", "national_issuance"], ["JP-TRA-1", "trading"], ["JP-TRA-2", "trading"], ["JP-RET", "retirement"]] as const) {
    await run("admin1", (c) => cli.accountOpen(c, id, { type, holder: "MOE", id: `w-open-${id}` }));
  }
  for (const rep of ["rep1", "rep2"]) for (const acc of ["JP-TRA-1", "JP-TRA-2"]) await run("admin1", (c) => cli.repAdd(c, acc, rep, { initiate: true, approve: true }));
  // Issuance: one administrator proposes, another approves (four-eyes); the first cannot.
  expect(await run("admin1", (c) => cli.move(c, "issuance", "JP-GX-2026", "1000", { to: "JP-NHA", id: "w-t1" }))).toMatchObject({ id: "w-t1", status: "awaiting_approval" });
  await expect(run("admin1", (c) => cli.decide(c, "approve", "w-t1", {}))).rejects.toMatchObject({ refusal: { code: 8004 } });
  expect(await run("admin2", (c) => cli.decide(c, "approve", "w-t1", {}))).toMatchObject({ id: "w-t1", status: "completed" });
  await run("admin1", (c) => cli.move(c, "correction", "JP-GX-2026", "300", { from: "JP-NHA", to: "JP-TRA-1", id: "w-t2" }));
  const t2 = await run("admin2", (c) => cli.decide(c, "approve", "w-t2", {}));
  expect(t2.movements).toEqual([{ legNo: 1, classCode: "JP-GX-2026", from: "JP-NHA", to: "JP-TRA-1", start: "1", end: "300", quantity: "300" }]);
  // A representative's transfer (same holder: trusted, no delay) waits for the other representative.
  const t3 = await run("rep1", (c) => cli.move(c, "transfer", "JP-GX-2026", "120", { from: "JP-TRA-1", to: "JP-TRA-2", id: "w-t3" }));
  expect(t3).toMatchObject({ key: "w-t3", status: "awaiting_approval" });
  const t3id = t3.id as string;
  expect(await run("rep2", (c) => cli.decide(c, "approve", t3id, {}))).toMatchObject({ status: "completed", movements: [{ start: "1", end: "120" }] });
  // The same command again with the same id: replayed, nothing moves twice.
  expect(await run("rep1", (c) => cli.move(c, "transfer", "JP-GX-2026", "120", { from: "JP-TRA-1", to: "JP-TRA-2", id: "w-t3" }))).toMatchObject({ id: t3id, replayed: true });
  const t4 = await run("rep1", (c) => cli.move(c, "retirement", "JP-GX-2026", "20", { from: "JP-TRA-2", to: "JP-RET", purpose: "offset FY2026 travel", beneficiary: "ACME KK", id: "w-t4" }));
  await run("rep2", (c) => cli.decide(c, "approve", t4.id as string, {}));
  // Serials 1-20 of w-t3 went on to retirement: w-t3 cannot be reversed (6005).
  await expect(run("admin1", (c) => cli.reverse(c, t3id, { id: "w-r3" }))).rejects.toMatchObject({ refusal: { code: 6005 } });
  const t5 = await run("rep2", (c) => cli.move(c, "transfer", "JP-GX-2026", "50", { from: "JP-TRA-1", to: "JP-TRA-2", id: "w-t5" }));
  await run("rep1", (c) => cli.decide(c, "approve", t5.id as string, {}));
  // A reversal waits for a second administrator (four-eyes), like every kind needing approval.
  expect(await run("admin1", (c) => cli.reverse(c, t5.id as string, { reason: "wrong account", id: "w-r5" }))).toMatchObject({ reverses: t5.id, status: "awaiting_approval" });
  await expect(run("admin1", (c) => cli.decide(c, "approve", "w-r5", {}))).rejects.toMatchObject({ refusal: { code: 8004 } });
  expect(await run("admin2", (c) => cli.decide(c, "approve", "w-r5", {}))).toMatchObject({ reverses: t5.id, status: "completed" });
  // TRA-1 got 1-300, sent 1-120 and 121-170, got 121-170 back: one block 121-300.
  expect(await run("rep1", (c) => cli.holdings(c, "JP-TRA-1", { blocks: true }))).toEqual({
    accountId: "JP-TRA-1",
    holdings: [{ classCode: "JP-GX-2026", unitType: "allowance", quantity: "180", earmarked: "0", available: "180", blockCount: 1, attributes: null, blocks: [{ start: "121", end: "300", quantity: "180" }] }],
  });
}

describe("ets registry commands, spawned", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "ets-cli-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("on a PGlite directory: verify JSON, exit codes 0/1/2, --as required, text output, a tamper found by verify", async () => {
    const path = join(dir, "reg");
    await setUpStore(path);
    await walkThrough(path);
    const db = ["--database", path];
    const v = await runEts(["verify", ...db, "--json"], { env: { DATABASE_URL: undefined } });
    expect(v.code, v.stderr).toBe(0);
    const report = json(v);
    // Every count the text shows (issue 15, item 5), in the order the help lists them.
    expect(Object.keys(report)).toEqual(["ok", "classes", "accounts", "blocks", "units", "byFate", "transactions", "movements", "chains", "links", "checkpoints", "checkpointLeaves", "violations"]);
    expect(report).toMatchObject({ ok: true, classes: 1, accounts: 4, blocks: 4, units: "1000", violations: [] });
    const text = await runEts(["verify", ...db], { env: { DATABASE_URL: undefined } });
    for (const k of ["transactions", "movements", "chains", "links", "checkpoints", "leaves"] as const) {
      const n = (report as Record<string, unknown>)[k === "leaves" ? "checkpointLeaves" : k];
      expect(text.stdout).toContain(`${Number(n).toLocaleString("en-US")} ${k === "chains" ? "hash chains" : k === "checkpoints" ? "checkpoints proven" : k}`);
    }

    // A refusal: exit 1, the check code and message on stderr, the refusal as JSON on stdout.
    const neg = await runEts(["transfer", "JP-GX-2026", "-5", "--from", "JP-TRA-1", "--to", "JP-TRA-2", "--as", "rep1", ...db, "--json"], { env: { DATABASE_URL: undefined } });
    expect(neg.code).toBe(1);
    expect(neg.stderr).toMatch(/check 3001 \(quantity-not-positive-whole\)/);
    expect(json(neg)).toMatchObject({ error: { code: 3001, check: "quantity-not-positive-whole" } });
    // A write without a named user: exit 2, nothing written.
    const anon = await runEts(["transfer", "JP-GX-2026", "5", "--from", "JP-TRA-1", "--to", "JP-TRA-2", ...db], { env: { DATABASE_URL: undefined, ETS_AS: undefined } });
    expect(anon.code).toBe(2);
    expect(anon.stderr).toMatch(/--as USER is required/);
    // A usage error (missing --from): exit 2.
    const usage = await runEts(["transfer", "JP-GX-2026", "5", "--to", "JP-TRA-2", "--as", "rep1", ...db], { env: { DATABASE_URL: undefined } });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/required option '--from <account>'/);
    // Text output.
    const show = await runEts(["tx", "show", "w-t2", ...db], { env: { DATABASE_URL: undefined } });
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/transaction w-t2 \(correction\) completed/);
    expect(show.stdout).toMatch(/1\s+JP-GX-2026\s+JP-NHA\s+JP-TRA-1\s+1\s+300\s+300/);

    // Someone edits a ledger record behind the ledger's back: verify exits 1 and names it.
    const pg = await openPglite(path);
    await pg.exec(`ALTER TABLE transactions DISABLE TRIGGER transactions_append_only;
      UPDATE transactions SET request = jsonb_set(request, '{note}', '"edited"') WHERE id = 'w-t2';
      ALTER TABLE transactions ENABLE TRIGGER transactions_append_only;`);
    await pg.close();
    const bad = await runEts(["verify", ...db, "--json"], { env: { DATABASE_URL: undefined } });
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
      const r = await runEts(["account", "list", "--database", d], { env: { DATABASE_URL: undefined } });
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

  it("on the PostgreSQL server through DATABASE_URL: the issuance waits for the second administrator", async () => {
    const url = await createServerDatabase();
    await setUpStore(url);
    const env = { DATABASE_URL: url };
    const run = async (args: string[]) => {
      const r = await runEts([...args, "--json"], { env });
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
      return json(r);
    };
    await run(["class", "define", "JP-GX-2026", "--unit-type", "allowance", "--scheme", "JP-GX", "--id", "s-c1", "--as", "admin1"]);
    await run(["account", "open", "JP-NHA", "--type", "national_issuance", "--holder", "MOE", "--id", "s-a1", "--as", "admin1"]);
    expect(await run(["issue", "JP-GX-2026", "1000", "--to", "JP-NHA", "--id", "s-t1", "--as", "admin1"])).toMatchObject({ id: "s-t1", status: "awaiting_approval" });
    expect(await run(["approve", "s-t1", "--as", "admin2"])).toMatchObject({ id: "s-t1", status: "completed" });
    expect(await run(["verify"])).toMatchObject({ ok: true, classes: 1, accounts: 1, blocks: 1, units: "1000", violations: [] });
  }, 400_000);
});

// ---- in-process: bad input to every command ----------------------------------------------------

describe("ets registry commands, bad input in-process", () => {
  let db: Db;
  const ctx: Record<string, cli.RegistryContext> = {};
  let anon: cli.RegistryContext;
  let held: string;

  beforeAll(async () => {
    db = await openMigratedPglite();
    await createUsers(db);
    for (const u of ["admin1", "admin2"]) ctx[u] = await cli.registryContext(db, u);
    anon = await cli.registryContext(db, undefined);
    const a1 = ctx.admin1 as cli.RegistryContext;
    const a2 = ctx.admin2 as cli.RegistryContext;
    await cli.classDefine(a1, "JP-GX-2026", { unitType: "allowance", scheme: "JP-GX", vintage: "2026", issuanceLimit: "5000", id: "b-c1" });
    await cli.classDefine(a1, "JCM-1", { unitType: "JCM", scheme: "JCM", id: "b-c2" });
    for (const [id, type, inst] of [["JP-NHA", "national_issuance"], ["JP-TRA-1", "trading"], ["JP-TRA-2", "trading"], ["JP-OLD", "trading"], ["JP-RET", "retirement"], ["JP-VC", "voluntary_cancellation"], ["JP-OHA-1", "operator_holding", "I1"]] as const) {
      await cli.accountOpen(a1, id, { type, holder: "h", id: `b-open-${id}`, ...(inst ? { installation: inst } : {}) });
    }
    for (const acc of ["JP-TRA-1", "JP-TRA-2", "JP-OLD"]) await cli.repAdd(a1, acc, "rep1", { initiate: true, approve: true });
    await cli.repAdd(a1, "JP-TRA-1", "rep2", { initiate: true, approve: true });
    // a representative's roles follow from the accounts they represent: the contexts come after
    for (const u of ["rep1", "rep2"]) ctx[u] = await cli.registryContext(db, u);
    await cli.move(a1, "issuance", "JP-GX-2026", "1000", { to: "JP-NHA", id: "b-t1" });
    await cli.decide(a2, "approve", "b-t1", {});
    await cli.move(a1, "correction", "JP-GX-2026", "400", { from: "JP-NHA", to: "JP-TRA-1", id: "b-t2" });
    await cli.decide(a2, "approve", "b-t2", {});
    await cli.accountStatus(a1, "JP-OLD", "closed", { id: "b-close" });
    held = ((await cli.move(ctx.rep1 as cli.RegistryContext, "transfer", "JP-GX-2026", "10", { from: "JP-TRA-1", to: "JP-TRA-2", id: "b-held" })).json as { id: string }).id;
  });
  afterAll(async () => db.close());

  /** Everything a command could change, as one string. */
  async function state(): Promise<string> {
    const tables = ["unit_classes", "accounts", "account_events", "transactions", "transaction_legs", "transaction_events", "movements", "blocks", "balances", "chain_links", "representatives"];
    const counts = await db.query(`SELECT ${tables.map((t) => `(SELECT count(*) FROM ${t}) AS ${t}`).join(", ")}`);
    const acc = await db.query("SELECT id, status FROM accounts ORDER BY id");
    const bal = await db.query("SELECT account_id, class_id, quantity, earmarked FROM balances ORDER BY 1, 2");
    return JSON.stringify([counts.rows, acc.rows, bal.rows], (_k, v) => (typeof v === "bigint" ? v.toString() : v));
  }

  type Case = [string, (c: Record<string, cli.RegistryContext>) => Promise<unknown>, number | "usage"];
  const A = (fn: (c: cli.RegistryContext) => Promise<unknown>) => (c: Record<string, cli.RegistryContext>) => fn(c.admin1 as cli.RegistryContext);
  const R = (fn: (c: cli.RegistryContext) => Promise<unknown>) => (c: Record<string, cli.RegistryContext>) => fn(c.rep1 as cli.RegistryContext);
  const T = (from: string, to: string, q: string, extra: Partial<cli.MoveOpts> = {}) => R((c) => cli.move(c, "transfer", "JP-GX-2026", q, { from, to, ...extra }));
  const CASES: Case[] = [
    ["account open: malformed account id", A((c) => cli.accountOpen(c, "jp lower", { type: "trading", holder: "h" })), 5001],
    ["account open: malformed --id", A((c) => cli.accountOpen(c, "JP-NEW", { type: "trading", holder: "h", id: "bad id!" })), 5001],
    ["account open: unknown type", A((c) => cli.accountOpen(c, "JP-NEW", { type: "vault", holder: "h" })), 7002],
    ["account open: id taken", A((c) => cli.accountOpen(c, "JP-TRA-1", { type: "trading", holder: "h" })), 7001],
    ["account open: operator without installation", A((c) => cli.accountOpen(c, "JP-OHA-9", { type: "operator_holding", holder: "h" })), 7003],
    ["account open: as a representative", R((c) => cli.accountOpen(c, "JP-NEW", { type: "trading", holder: "h" })), 8001],
    ["account open: without --as", () => cli.accountOpen(anon, "JP-NEW", { type: "trading", holder: "h" }), "usage"],
    ["account block: unknown account", A((c) => cli.accountStatus(c, "JP-NOPE", "blocked", {})), 7006],
    ["account close: holds units", A((c) => cli.accountStatus(c, "JP-TRA-1", "closed", {})), 7004],
    ["account unblock: closed account", A((c) => cli.accountStatus(c, "JP-OLD", "open", {})), 7005],
    ["account show: unknown account", A((c) => cli.accountShow(c, "JP-NOPE")), 7006],
    ["account list: bad --limit", A((c) => cli.accountList(c, { limit: "-3" })), "usage"],
    ["account rep add: unknown user", A((c) => cli.repAdd(c, "JP-TRA-1", "nobody", { initiate: true })), 8013],
    ["account rep add: no right given", A((c) => cli.repAdd(c, "JP-TRA-1", "rep2", {})), 8020],
    ["class define: unknown unit type", A((c) => cli.classDefine(c, "X-1", { unitType: "gold", scheme: "X" })), 4003],
    ["class define: code taken", A((c) => cli.classDefine(c, "JP-GX-2026", { unitType: "allowance", scheme: "JP-GX" })), 4004],
    ["class define: malformed code", A((c) => cli.classDefine(c, "bad code", { unitType: "allowance", scheme: "X" })), 5001],
    ["class define: vintage not a year", A((c) => cli.classDefine(c, "X-2", { unitType: "allowance", scheme: "X", vintage: "twenty" })), 7007],
    ["class define: negative issuance limit", A((c) => cli.classDefine(c, "X-3", { unitType: "allowance", scheme: "X", issuanceLimit: "-1" })), 3001],
    ["class show: unknown class", A((c) => cli.classShow(c, "JP-GX-2099")), 4001],
    ["issue: beyond the issuance limit", A((c) => cli.move(c, "issuance", "JP-GX-2026", "4001", { to: "JP-NHA" })), 3004],
    ["issue: into a trading account", A((c) => cli.move(c, "issuance", "JP-GX-2026", "1", { to: "JP-TRA-1" })), 2003],
    ["issue: unknown class", A((c) => cli.move(c, "issuance", "JP-GX-2099", "1", { to: "JP-NHA" })), 4001],
    ["issue: fractional quantity", A((c) => cli.move(c, "issuance", "JP-GX-2026", "2.5", { to: "JP-NHA" })), 3001],
    ["issue: by a representative", R((c) => cli.move(c, "issuance", "JP-GX-2026", "1", { to: "JP-NHA" })), 8015],
    ["transfer: unknown source", T("JP-NOPE", "JP-TRA-2", "1"), 8002],
    ["transfer: from an account the user does not represent", R((c) => cli.move(c, "transfer", "JP-GX-2026", "1", { from: "JP-NHA", to: "JP-TRA-2" })), 8002],
    ["transfer: unknown destination", T("JP-TRA-1", "JP-NOPE", "1"), 2001],
    ["transfer: negative quantity", T("JP-TRA-1", "JP-TRA-2", "-5"), 3001],
    ["transfer: fractional quantity", T("JP-TRA-1", "JP-TRA-2", "1.5"), 3001],
    ["transfer: zero", T("JP-TRA-1", "JP-TRA-2", "0"), 3001],
    ["transfer: not a number", T("JP-TRA-1", "JP-TRA-2", "ten"), 3001],
    ["transfer: huge quantity", T("JP-TRA-1", "JP-TRA-2", "99999999999999999999"), 3002],
    ["transfer: more than available (10 are earmarked for the held transfer)", T("JP-TRA-1", "JP-TRA-2", "391"), 3003],
    ["transfer: unknown class", R((c) => cli.move(c, "transfer", "JP-GX-2099", "1", { from: "JP-TRA-1", to: "JP-TRA-2" })), 4001],
    ["transfer: to a closed account", T("JP-TRA-1", "JP-OLD", "1"), 2002],
    ["transfer: from a closed account", T("JP-OLD", "JP-TRA-2", "1"), 1002],
    ["transfer: malformed --id", T("JP-TRA-1", "JP-TRA-2", "1", { id: "no spaces allowed" }), 5001],
    ["transfer: unknown kind", R((c) => cli.move(c, "gift", "JP-GX-2026", "1", { from: "JP-TRA-1", to: "JP-TRA-2" })), 4006],
    ["transfer: same id, other content", T("JP-TRA-1", "JP-TRA-2", "11", { id: "b-held" }), 5002],
    ["transfer: without --as", () => cli.move(anon, "transfer", "JP-GX-2026", "1", { from: "JP-TRA-1", to: "JP-TRA-2" }), "usage"],
    ["retire: without a purpose", R((c) => cli.move(c, "retirement", "JP-GX-2026", "1", { from: "JP-TRA-1", to: "JP-RET", beneficiary: "b" })), 4005],
    ["retire: into a trading account", R((c) => cli.move(c, "retirement", "JP-GX-2026", "1", { from: "JP-TRA-1", to: "JP-TRA-2", purpose: "p", beneficiary: "b" })), 2003],
    ["cancel: from an account the user does not represent", R((c) => cli.move(c, "voluntary_cancellation", "JP-GX-2026", "1", { from: "JP-NOPE", to: "JP-VC" })), 8002],
    ["cancel: huge quantity", R((c) => cli.move(c, "voluntary_cancellation", "JP-GX-2026", "1000000000000001", { from: "JP-TRA-1", to: "JP-VC" })), 3002],
    ["reverse: unknown transaction", A((c) => cli.reverse(c, "b-nope", {})), 6001],
    ["reverse: an issuance", A((c) => cli.reverse(c, "b-t1", {})), 6006],
    ["reverse: malformed target", A((c) => cli.reverse(c, "no such id!", {})), 5001],
    ["reverse: a held transaction", (c) => cli.reverse(c.admin1 as cli.RegistryContext, held, {}), 6003],
    ["reverse: by a representative", R((c) => cli.reverse(c, "b-t2", {})), 8001],
    ["approve: unknown transaction", A((c) => cli.decide(c, "approve", "b-nope", {})), 6001],
    ["approve: a completed transaction", A((c) => cli.decide(c, "approve", "b-t2", {})), 6002],
    ["approve: by its own initiator (four-eyes)", (c) => cli.decide(c.rep1 as cli.RegistryContext, "approve", held, {}), 8004],
    ["approve: without --as", () => cli.decide(anon, "approve", held, {}), "usage"],
    ["reject: a completed transaction", A((c) => cli.decide(c, "reject", "b-t2", {})), 6002],
    ["tx cancel: a completed transaction", A((c) => cli.decide(c, "cancel", "b-t2", {})), 6002],
    ["tx cancel: someone else's transaction", (c) => cli.decide(c.rep2 as cli.RegistryContext, "cancel", held, {}), 8005],
    ["tx release: by a representative", R((c) => cli.release(c)), 8001],
    ["tx show: unknown transaction", A((c) => cli.txShow(c, "b-nope")), 6001],
    ["tx list: unknown status", A((c) => cli.txList(c, { status: "done" })), "usage"],
    ["holdings: unknown account", A((c) => cli.holdings(c, "JP-NOPE", {})), 7006],
  ];

  it.each(CASES.map((c) => [c[0], c] as const))("%s: refused with its code, nothing changed", async (_name, [, run, code]) => {
    const before = await state();
    let error: unknown;
    try {
      await run(ctx);
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

  it("the same handlers succeed on good input, and verify reports the documented JSON", async () => {
    const rep1 = ctx.rep1 as cli.RegistryContext;
    const out = await cli.move(rep1, "transfer", "JP-GX-2026", "25", { from: "JP-TRA-1", to: "JP-TRA-2", id: "b-ok" });
    expect(out.json).toMatchObject({ key: "b-ok", status: "awaiting_approval" });
    expect(out.text).toMatch(/awaits a second person's approval: ets approve TX-/);
    await cli.decide(ctx.rep2 as cli.RegistryContext, "approve", (out.json as { id: string }).id, {});
    const h = await cli.holdings(rep1, "JP-TRA-2", { blocks: true });
    expect(h.text).toMatch(/JP-GX-2026\s+allowance\s+25\s+0\s+25\s+1/);
    const approved = await cli.decide(ctx.rep2 as cli.RegistryContext, "approve", held, {});
    expect(approved.json).toMatchObject({ status: "completed" });
    const gen = await cli.accountOpen(ctx.admin1 as cli.RegistryContext, "JP-GEN", { type: "trading", holder: "h" });
    expect(gen.text).toMatch(/^id cli-[a-z0-9]+-[0-9a-f]{8} \(generated/);
    const v = await cli.verify(anon);
    expect(v.failed).toBeUndefined();
    expect(v.json).toMatchObject({ ok: true, classes: 2, accounts: 8, blocks: expect.any(Number), units: "1000", violations: [] });
  });
});
