// Goal: every rule that decides whether units may move holds with two server processes on one
// PostgreSQL database (issue 10, defect 2). Two `npm start` servers (src/main.ts, production mode,
// a rulebook whose security section sets a holding limit of 1,000 per holder and a 3-second
// transfer delay) receive racing requests, one of each pair through each server:
//   - two allocations to two accounts of one holder, each within its holding limit but not together;
//   - two approvals that would complete such a pair;
//   - two approvals of the same held transfer (one wins);
//   - two held transfers that each fit the units available but not together (earmarks), and a
//     cancellation racing a transfer that needs the units it frees;
//   - the release of due transactions run by both servers at once (each completed once; a pair
//     that would pass a holding limit together is completed once and rejected once);
//   - an account-limit approval racing a new proposal (the approval names the version; it never
//     approves the new one).
// Each race runs ROUNDS times (ETS_TWO_SERVERS_ROUNDS, default 6). So that the two requests of a
// round really meet inside the database, a trigger installed only in this test's database stalls
// the writes of the transactions (and account limits) a round races over for 250 ms while they
// hold their locks: the other request arrives while the first is mid-write, and a rule kept only
// outside the database transaction would be broken (removing the holders lock of ledger_apply
// makes the first race fail). A round counts as overlapped when both requests were in flight
// together for most of the stall; most rounds must be. Afterwards verify is clean and no holder is
// above its limit. The world is set up through the services in this process; only the races go
// through the servers.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditLog } from "../../src/audit/index.ts";
import { AuthService } from "../../src/auth/index.ts";
import { type Caller, systemPrincipal } from "../../src/domain/security/roles.ts";
import { parseDocument } from "yaml";
import { PRESETS_DIR, securityConfigOf } from "../../src/io/rulebook.ts";
import { systemClock } from "../../src/platform/clock.ts";
import { txIdFor } from "../../src/registry/ledger/index.ts";
import { SecureRegistry } from "../../src/registry/secure/index.ts";
import { verifyLedger } from "../../src/registry/verify.ts";
import type { Db } from "../../src/store/db.ts";
import { openPostgres } from "../../src/store/postgres.ts";
import { type Call, Racer } from "../support/race.ts";
import { type ServerProcess, startServerProcess } from "../support/server-process.ts";
import { createServerDatabase } from "../support/stores.ts";

const ROUNDS = Number(process.env.ETS_TWO_SERVERS_ROUNDS ?? 6);
const LIMIT = 1000n;
const DELAY_HOURS = 0.0008; // 2.88 s
const CLS = "TS-2026";
const NHA = "TS-NHA";
const ALLOC = "TS-ALLOC";
const ALLOC2 = "TS-ALLOC-2";
const SYSTEM: Caller = { principal: systemPrincipal("two-servers-test"), ip: null };
const GOVERNMENT = ["national_issuance", "allocation", "surrender", "retirement", "voluntary_cancellation"];

const dir = mkdtempSync(join(tmpdir(), "ets-two-servers-"));
let a: ServerProcess;
let b: ServerProcess;
let db: Db;
let R: SecureRegistry;
let racer: Racer;
const token: Record<string, string> = {};

function must<T>(what: string, r: { ok: boolean }): T {
  if (!r.ok) throw new Error(`setup: ${what} refused: ${JSON.stringify(r)}`);
  return (r as unknown as { value: T }).value;
}

function expectOverlap(name: string): void {
  const o = racer.overlap[name];
  expect(o?.rounds, name).toBe(ROUNDS);
  expect(o?.overlapped ?? 0, `${name}: rounds whose two requests were in flight together`).toBeGreaterThanOrEqual(Math.ceil(ROUNDS / 2));
}

async function open(accountId: string, holder: string, type = "trading", installation?: string): Promise<void> {
  must("account", await R.openAccount(SYSTEM, { commandId: `open-${accountId}`, accountId, type, holder, name: accountId, ...(installation ? { installation } : {}) }));
}

/** Units for an account, straight through the ledger (the setup is not under test). */
async function fund(accountId: string, quantity: bigint): Promise<void> {
  must("fund", await R.ledger.propose({ transactionId: `fund-${accountId}`, kind: "correction", legs: [{ classCode: CLS, from: NHA, to: accountId, quantity: quantity.toString() }] }));
}

async function reps(accountId: string, rights: Record<string, { initiate: boolean; approve: boolean }>): Promise<void> {
  for (const [userId, r] of Object.entries(rights)) must("representative", await R.addRepresentative(SYSTEM, { accountId, userId, ...r }));
}

async function events(txId: string): Promise<Array<{ status: string; actor: string | null; detail: Record<string, unknown>; lseq: bigint }>> {
  return (await db.query<{ status: string; actor: string | null; detail: Record<string, unknown>; lseq: bigint }>(
    "SELECT status, actor, detail, lseq FROM transaction_events WHERE tx_id = $1 ORDER BY seq", [txId],
  )).rows;
}

async function heldBy(holder: string): Promise<bigint> {
  const r = await db.query<{ q: bigint | null }>(
    `SELECT sum(b.quantity)::int8 AS q FROM balances b JOIN accounts a ON a.id = b.account_id WHERE a.holder = $1 AND NOT (a.type = ANY($2::text[]))`, [holder, GOVERNMENT],
  );
  return r.rows[0]?.q ?? 0n;
}

async function earmarked(accountId: string): Promise<bigint> {
  return (await db.query<{ e: bigint | null }>("SELECT sum(earmarked)::int8 AS e FROM balances WHERE account_id = $1", [accountId])).rows[0]?.e ?? 0n;
}

beforeAll(async () => {
  const url = await createServerDatabase();
  const rulebook = join(dir, "two-servers.yaml");
  // The GX-ETS preset (a registry can run on it: its calendar is complete) with the race's rules.
  const doc = parseDocument(readFileSync(join(PRESETS_DIR, "japan-gx-ets.yaml"), "utf8"));
  doc.setIn(["security", "transferDelayHours"], DELAY_HOURS);
  doc.setIn(["security", "transactionLimitOutsideTrusted"], null);
  doc.setIn(["security", "holdingLimits"], doc.createNode({ defaultLimit: LIMIT, exemptAccountTypes: [...GOVERNMENT] }));
  doc.setIn(["security", "signIn", "secondFactorRoles"], doc.createNode([]));
  writeFileSync(rulebook, doc.toString());
  const env = { DATABASE_URL: url, OPENETS_MODE: "production", OPENETS_ADMIN_USER: "registrar", OPENETS_ADMIN_PASSWORD: "a-long-registrar-password", OPENETS_RULEBOOK: rulebook };
  // One after the other: the first creates the first administrator, the second finds it.
  a = await startServerProcess(env);
  b = await startServerProcess(env);
  db = openPostgres(url, { max: 4 });
  const config = securityConfigOf(rulebook);
  const audit = new AuditLog(db, systemClock);
  const auth = await AuthService.open(db, systemClock, config, audit);
  R = await SecureRegistry.open(db, systemClock, config, { audit });
  for (const [userId, roles] of [["admin-2", ["national-admin"]], ["admin-3", ["national-admin"]], ["rep-1", []], ["rep-2", []], ["rep-3", []]] as const) {
    must("user", await auth.createUser(SYSTEM, { userId, displayName: userId, password: `${userId}-long-password`, roles: [...roles] }));
    const scopes = roles.length > 0 ? ["read", "admin", "transfer:initiate", "transfer:approve"] as const : ["read", "transfer:initiate", "transfer:approve"] as const;
    token[userId] = must<{ token: string }>("token", await auth.createApiToken(SYSTEM, { userId, name: "two-servers", scopes: [...scopes] })).token;
  }
  racer = await Racer.install(db, token);
  must("class", await R.defineClass(SYSTEM, { commandId: "class", code: CLS, unitType: "allowance", scheme: "TS" }));
  await open(NHA, "state", "national_issuance");
  await open(ALLOC, "state", "allocation");
  await open(ALLOC2, "state", "allocation");
  must("issue", await R.ledger.propose({ transactionId: "issue", kind: "issuance", legs: [{ classCode: CLS, from: null, to: NHA, quantity: "10000000" }] }));
  for (const pool of [ALLOC, ALLOC2]) {
    must("pool", await R.ledger.propose({ transactionId: `pool-${pool}`, kind: "internal_transfer", legs: [{ classCode: CLS, from: NHA, to: pool, quantity: "1000000" }] }));
  }
}, 300_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("two server processes on one PostgreSQL database", () => {
  it("two allocations to two accounts of one holder, each within its holding limit but not together: one completes, one is refused (8007)", async () => {
    for (let r = 0; r < ROUNDS; r++) {
      const [x, y] = [`TS-OPA-${r}`, `TS-OPB-${r}`];
      await open(x, `cap1-${r}`, "operator_holding", `I-A-${r}`);
      await open(y, `cap1-${r}`, "operator_holding", `I-B-${r}`);
      // From two different pools: no account in common, so only the holder's lock orders them.
      const alloc = (from: string, to: string, id: string) => ({ commandId: id, kind: "allocation", legs: [{ classCode: CLS, from, to, quantity: "600" }] });
      await racer.stall(`r1a-${r}`, `r1b-${r}`);
      const [p, q] = await racer.race(
        "allocations",
        () => racer.call(a, "admin-2", "POST", "/v1/administrative-transactions", alloc(ALLOC, x, `r1a-${r}`)),
        () => racer.call(b, "admin-3", "POST", "/v1/administrative-transactions", alloc(ALLOC2, y, `r1b-${r}`)),
      );
      const won = [p, q].filter((c) => c.status === 201);
      const lost = [p, q].filter((c) => c.status !== 201);
      expect(won.length, `round ${r}: ${JSON.stringify([p.body, q.body])}`).toBe(1);
      expect(won[0]?.body.status).toBe("completed");
      expect([lost[0]?.status, lost[0]?.body.code]).toEqual([422, 8007]);
      expect(await heldBy(`cap1-${r}`)).toBe(600n);
    }
    expectOverlap("allocations");
  });

  it("two approvals that would together pass a holding limit: one completes, the other is rejected with 8007", async () => {
    for (let r = 0; r < ROUNDS; r++) {
      const [x, y] = [`TS-CA-${r}`, `TS-CB-${r}`];
      await open(x, `cap2-${r}`);
      await open(y, `cap2-${r}`);
      // From two different accounts again, so that nothing but the holder's lock orders the completions.
      for (const [id, from, to] of [[`r2a-${r}`, NHA, x], [`r2b-${r}`, ALLOC, y]] as const) {
        const c = await racer.call(a, "admin-2", "POST", "/v1/administrative-transactions", { commandId: id, kind: "correction", legs: [{ classCode: CLS, from, to, quantity: "600" }] });
        expect([c.status, c.body.status], JSON.stringify(c.body)).toEqual([201, "awaiting_approval"]);
      }
      await racer.stall(`r2a-${r}`, `r2b-${r}`);
      const [p, q] = await racer.race("completing approvals", () => racer.call(a, "admin-3", "POST", `/v1/transactions/r2a-${r}/approve`, {}), () => racer.call(b, "admin-3", "POST", `/v1/transactions/r2b-${r}/approve`, {}));
      const won = [p, q].filter((c) => c.status === 200);
      const lost = [p, q].filter((c) => c.status !== 200);
      expect(won.length, `round ${r}: ${JSON.stringify([p.body, q.body])}`).toBe(1);
      expect(won[0]?.body.status).toBe("completed");
      expect([lost[0]?.status, lost[0]?.body.code]).toEqual([422, 8007]);
      const ends = await Promise.all([`r2a-${r}`, `r2b-${r}`].map(async (id) => (await events(id)).at(-1)));
      expect(ends.map((e) => e?.status).sort()).toEqual(["completed", "rejected"]);
      expect(ends.find((e) => e?.status === "rejected")?.detail.code).toBe(8007);
      expect(await heldBy(`cap2-${r}`)).toBe(600n);
    }
    expectOverlap("completing approvals");
  });

  const delayed: string[] = [];
  it("two approvals of the same held transfer: one wins, the other is refused (6002); one approval recorded", async () => {
    await open("TS-D3", "dest3");
    for (let r = 0; r < ROUNDS; r++) {
      const s = `TS-S3-${r}`;
      await open(s, `h3-${r}`);
      await fund(s, 100n);
      await reps(s, { "rep-1": { initiate: true, approve: false }, "rep-2": { initiate: false, approve: true }, "rep-3": { initiate: false, approve: true } });
      const t = await racer.call(a, "rep-1", "POST", "/v1/transfers", { commandId: `r3-${r}`, from: s, to: "TS-D3", classCode: CLS, quantity: "10" });
      expect([t.status, t.body.status]).toEqual([201, "awaiting_approval"]);
      const id = t.body.id as string;
      await racer.stall(id);
      const [p, q] = await racer.race("approvals of one transfer", () => racer.call(a, "rep-2", "POST", `/v1/transactions/${id}/approve`, {}), () => racer.call(b, "rep-3", "POST", `/v1/transactions/${id}/approve`, {}));
      const won = [p, q].filter((c) => c.status === 200);
      const lost = [p, q].filter((c) => c.status !== 200);
      expect(won.length, `round ${r}: ${JSON.stringify([p.body, q.body])}`).toBe(1);
      // Outside the trusted list: approved, it waits for the transfer delay.
      expect(won[0]?.body.status).toBe("delayed");
      expect([lost[0]?.status, lost[0]?.body.code]).toEqual([409, 6002]);
      const approvals = (await events(id)).filter((e) => e.status === "delayed");
      expect(approvals.length).toBe(1);
      expect(["rep-2", "rep-3"]).toContain(approvals[0]?.actor);
      delayed.push(id);
    }
    expectOverlap("approvals of one transfer");
  });

  it("release of due transactions by both servers at once: each completed once; a pair that would pass a holding limit together, once completed and once rejected (8007)", async () => {
    // The pair: two delayed transfers from two holders to two accounts of one capped holder.
    await open("TS-CC", "cap4");
    await open("TS-CD", "cap4");
    const pair: string[] = [];
    for (const [s, to] of [["TS-S4A", "TS-CC"], ["TS-S4B", "TS-CD"]] as const) {
      await open(s, `h-${s}`);
      await fund(s, 600n);
      await reps(s, { "rep-1": { initiate: true, approve: false }, "rep-2": { initiate: false, approve: true } });
      const t = await racer.call(a, "rep-1", "POST", "/v1/transfers", { commandId: `r4-${s}`, from: s, to, classCode: CLS, quantity: "600" });
      expect(t.status, JSON.stringify(t.body)).toBe(201);
      const ap = await racer.call(b, "rep-2", "POST", `/v1/transactions/${t.body.id}/approve`, {});
      expect(ap.body.status).toBe("delayed");
      pair.push(t.body.id as string);
    }
    const all = [...delayed, ...pair];
    await racer.stall(...all);
    const due = (await db.query<{ d: string }>("SELECT max(delay_until) AS d FROM tx_state WHERE tx_id = ANY($1::text[])", [all])).rows[0]?.d as string;
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(due) - Date.now()) + 300));
    const releasedOk = new Map<string, number>();
    for (let i = 0; i < 3; i++) {
      const [p, q] = await racer.race("releases", () => racer.call(a, "admin-2", "POST", "/v1/release-due"), () => racer.call(b, "admin-3", "POST", "/v1/release-due"));
      for (const c of [p, q]) {
        expect(c.status, JSON.stringify(c.body)).toBe(200);
        for (const item of c.body.items as Array<{ transactionId: string; ok: boolean }>) if (item.ok) releasedOk.set(item.transactionId, (releasedOk.get(item.transactionId) ?? 0) + 1);
      }
    }
    // No transaction reported released by both servers; each completed exactly once.
    expect([...releasedOk.values()].every((n) => n === 1), JSON.stringify([...releasedOk])).toBe(true);
    for (const id of delayed) {
      const ev = await events(id);
      expect(ev.filter((e) => e.status === "completed").length, id).toBe(1);
      expect(ev.at(-1)?.status).toBe("completed");
    }
    const ends = await Promise.all(pair.map(async (id) => (await events(id)).at(-1)));
    expect(ends.map((e) => e?.status).sort()).toEqual(["completed", "rejected"]);
    expect(ends.find((e) => e?.status === "rejected")?.detail.code).toBe(8007);
    expect(await heldBy("cap4")).toBe(600n);
    expect(await heldBy("dest3")).toBe(10n * BigInt(ROUNDS));
    // The first round of releases had every due transaction to complete, each stalled: the two servers met.
    expect(racer.overlap.releases?.overlapped ?? 0).toBeGreaterThanOrEqual(1);
  });

  it("two held transfers that each fit the available units but not together: one earmarks, the other is refused (3003); a cancellation frees them for a racing transfer", async () => {
    await open("TS-D5", "dest5");
    const freed = { taken: 0, refused: 0 };
    for (let r = 0; r < ROUNDS; r++) {
      const s = `TS-S5-${r}`;
      await open(s, `h5-${r}`);
      await fund(s, 1000n);
      await reps(s, { "rep-1": { initiate: true, approve: false }, "rep-2": { initiate: true, approve: false } });
      await racer.stall(txIdFor("user:rep-1", `r5a-${r}`), txIdFor("user:rep-2", `r5b-${r}`), txIdFor("user:rep-1", `r5c-${r}`), txIdFor("user:rep-2", `r5c-${r}`));
      const transfer = (user: string, id: string, q: string) => () => racer.call(user === "rep-1" ? a : b, user, "POST", "/v1/transfers", { commandId: id, from: s, to: "TS-D5", classCode: CLS, quantity: q });
      const [p, q] = await racer.race("earmarks", transfer("rep-1", `r5a-${r}`, "700"), transfer("rep-2", `r5b-${r}`, "600"));
      const won = [p, q].filter((c) => c.status === 201);
      const lost = [p, q].filter((c) => c.status !== 201);
      expect(won.length, `round ${r}: ${JSON.stringify([p.body, q.body])}`).toBe(1);
      expect([lost[0]?.status, lost[0]?.body.code]).toEqual([422, 3003]);
      const winner = won[0] as Call;
      const winnerUser = winner === p ? "rep-1" : "rep-2";
      const other = winnerUser === "rep-1" ? "rep-2" : "rep-1";
      expect(await earmarked(s)).toBe(winner === p ? 700n : 600n);
      // 500 more needs the winner's units. Even rounds: the cancellation is mid-write (holding the
      // account) when the transfer arrives, which then takes the freed units; odd rounds: the
      // transfer is mid-write first and finds them still earmarked (3003).
      const cancel = () => racer.call(winnerUser === "rep-1" ? a : b, winnerUser, "POST", `/v1/transactions/${winner.body.id}/cancel`, {});
      const take = () => racer.call(other === "rep-1" ? a : b, other, "POST", "/v1/transfers", { commandId: `r5c-${r}`, from: s, to: "TS-D5", classCode: CLS, quantity: "500" });
      const [cx, t] = r % 2 === 0
        ? await racer.meet("cancel against a transfer", "SELECT ledger_write(", cancel, take)
        : ((await racer.meet("cancel against a transfer", "SELECT ledger_write(", take, cancel)).reverse() as [Call, Call]);
      expect([cx.status, cx.body.status]).toEqual([200, "cancelled"]);
      if (r % 2 === 0) {
        freed.taken++;
        expect(t.status, JSON.stringify(t.body)).toBe(201);
        expect(await earmarked(s)).toBe(500n);
        const cancelled = (await events(winner.body.id as string)).at(-1)?.lseq as bigint;
        const created = (await events(t.body.id as string))[0]?.lseq as bigint;
        expect(cancelled < created, "the transfer took units only freed by the cancellation, so it committed after it").toBe(true);
      } else {
        freed.refused++;
        expect([t.status, t.body.code], JSON.stringify(t.body)).toEqual([422, 3003]);
        expect(await earmarked(s)).toBe(0n);
      }
    }
    process.stderr.write(`[two-servers] cancel against a transfer: ${JSON.stringify(freed)}\n`);
    expectOverlap("earmarks");
    expectOverlap("cancel against a transfer");
  });

  it("an account-limit approval racing a new proposal approves the version it names, never the new one (8024)", async () => {
    const outcomes = { approvedFirst: 0, proposedFirst: 0 };
    for (let r = 0; r < ROUNDS; r++) {
      // Even rounds: the approval's write is under way when the new proposal arrives; odd rounds: the other way round.
      const approvalFirst = r % 2 === 0;
      const acc = `TS-L-${r}`;
      await open(acc, `hl-${r}`);
      await reps(acc, { "rep-1": { initiate: true, approve: true }, "rep-2": { initiate: false, approve: true } });
      must("limit", await R.setAccountLimit(SYSTEM, { accountId: acc, limit: "100" }));
      const raise = await racer.call(a, "rep-1", "PUT", `/v1/accounts/${acc}/limit`, { limit: "500" });
      expect(raise.status).toBe(200);
      const version = (raise.body.pending as { version: number }).version;
      await racer.stall(acc);
      const approve = () => racer.call(b, "rep-2", "POST", `/v1/accounts/${acc}/limit/approve`, { version });
      const propose = () => racer.call(a, "rep-1", "PUT", `/v1/accounts/${acc}/limit`, { limit: "900" });
      const name = "limit approval against a new proposal";
      const [ap, re] = approvalFirst
        ? await racer.meet(name, "UPDATE account_limits", approve, propose)
        : (await racer.meet(name, "INSERT INTO account_limits", propose, approve)).reverse() as [Call, Call];
      expect(re.status).toBe(200);
      const now = (await racer.call(a, "rep-2", "GET", `/v1/accounts/${acc}/limit`)).body as { limit: string; pending: { limit: string; version: number } | null; version: number };
      expect(now.limit, "the new value is never in effect without its own approval").not.toBe("900");
      expect(now.pending?.limit).toBe("900");
      if (approvalFirst) {
        outcomes.approvedFirst++;
        expect([ap.status, ap.body.limit], JSON.stringify(ap.body)).toEqual([200, "500"]);
        expect([now.limit, now.pending?.version]).toEqual(["500", version + 2]);
      } else {
        // The approver read version `version` before the new proposal committed, and still approves nothing.
        outcomes.proposedFirst++;
        expect([ap.status, ap.body.code], JSON.stringify(ap.body)).toEqual([409, 8024]);
        expect([now.limit, now.pending?.version]).toEqual(["100", version + 1]);
      }
    }
    process.stderr.write(`[two-servers] limit approval against a new proposal: ${JSON.stringify(outcomes)}\n`);
    expectOverlap("limit approval against a new proposal");
  });

  it("leaves a ledger that verifies, with no holder above its holding limit and every earmark matching a held transaction", async () => {
    const report = await verifyLedger(db);
    expect(report.violations).toEqual([]);
    const over = await db.query<{ holder: string; q: bigint }>(
      `SELECT a.holder, sum(b.quantity)::int8 AS q FROM balances b JOIN accounts a ON a.id = b.account_id
       WHERE NOT (a.type = ANY($1::text[])) GROUP BY a.holder HAVING sum(b.quantity) > $2`, [GOVERNMENT, LIMIT],
    );
    expect(over.rows).toEqual([]);
    // Both servers are still up: no request brought one down.
    for (const s of [a, b]) expect((await fetch(`${s.url}/health`)).status).toBe(200);
  });
});
