// Goal: the linked transfer is exactly-once between two real server processes (issue 13 item 6):
// two `npm start` servers on loopback, each on its own PostgreSQL database, linked with Ed25519
// keys. For every named step of the protocol (src/registry/international/links/service.ts
// FAULT_STEPS) a transfer is sent while the side that owns the step runs with the test-only
// fault point OPENETS_LINK_FAULT armed for that transfer: the process kills itself (SIGKILL) at
// that step. The side is restarted (the peer's link re-pointed to its new port), recovery runs, and
// the transfer must end delivered (or, for a destination the receiver refuses, returned); a send
// that does not wait (wait: false) answers escrowed, then A dies in its flight after saving B's
// answer, and the transfer still ends delivered; and a
// message of three transfers (one refused) is decided by B in one database transaction, B killed
// right after it: each transfer ends as decided; and 51 transfers go as two messages in flight at
// once (50 and 1), B killed while deciding them: each ends delivered once. Always:
// units at A + units at B = units before; B credited each accepted transfer once; the serials B
// records for a transfer are the ones that left A's source, and A's sent account holds exactly
// the delivered serials; nothing left in escrow. The world is set up through the services in this
// process; the transfers go through the servers' API.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditLog } from "../../src/audit/index.ts";
import { AuthService } from "../../src/auth/index.ts";
import { type Caller, systemPrincipal } from "../../src/domain/security/roles.ts";
import { PRESETS_DIR, securityConfigOf } from "../../src/io/rulebook.ts";
import { systemClock } from "../../src/platform/clock.ts";
import { LinkConfig } from "../../src/registry/international/links/config.ts";
import { type FaultStep } from "../../src/registry/international/links/service.ts";
import { txIdFor } from "../../src/registry/ledger/index.ts";
import { SecureRegistry } from "../../src/registry/secure/index.ts";
import { verifyLedger } from "../../src/registry/verify.ts";
import type { Db } from "../../src/store/db.ts";
import { migrate } from "../../src/store/migrate.ts";
import { openPostgres } from "../../src/store/postgres.ts";
import { type ServerProcess, startServerProcess } from "../support/server-process.ts";
import { createServerDatabase } from "../support/stores.ts";

const SYSTEM: Caller = { principal: systemPrincipal("link-kill-test"), ip: null };
const LINK = "THA-CHE";
const CLS = "JCM-TH-KILL";
const TOTAL = 100_000n;
const dir = mkdtempSync(join(tmpdir(), "ets-link-kill-"));

interface Side {
  name: "A" | "B";
  db: Db;
  reg: SecureRegistry;
  config: LinkConfig;
  env: Record<string, string>;
  server?: ServerProcess;
  token: Record<string, string>;
}

/** Each case: the step, the side that dies there, whether the receiver refuses the transfer, and whether the send answers without waiting (wait: false). */
const CASES: Array<{ step: FaultStep; side: "A" | "B"; refused?: boolean; noWait?: boolean }> = [
  { step: "sender-after-escrow", side: "A" },
  { step: "sender-after-answer", side: "A" },
  { step: "sender-after-answer", side: "A", refused: true },
  { step: "sender-after-answer-saved", side: "A" },
  { step: "sender-after-settle", side: "A" },
  { step: "receiver-after-verify", side: "B" },
  { step: "receiver-after-receipt", side: "B" },
  { step: "receiver-after-answer", side: "B" },
  { step: "receiver-after-credit", side: "B" },
  // A pipelined send: A answers once the units are escrowed and queued, then dies in the flight after it, with B's answer saved.
  { step: "sender-after-answer-saved", side: "A", noWait: true },
];
const keyOf = (i: number) => `K${i}`;
const transferOf = (i: number) => txIdFor("user:rep", keyOf(i));
const QTY = (i: number) => BigInt(100 + i);

function must<T>(what: string, r: { ok: boolean }): T {
  if (!r.ok) throw new Error(`setup: ${what} refused: ${JSON.stringify(r)}`);
  return (r as unknown as { value: T }).value;
}

let A: Side;
let B: Side;

async function call(s: Side, user: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${s.server?.url}${path}`, {
    method, headers: { authorization: `Bearer ${s.token[user]}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {} };
}

/** Starts (or restarts) a side with these faults armed, and points the peer's link at it. */
async function start(s: Side, faults: string[]): Promise<void> {
  s.server = await startServerProcess({ ...s.env, ...(faults.length > 0 ? { OPENETS_LINK_FAULT: faults.join(",") } : {}) });
  const peer = s === A ? B : A;
  const self = must<{ registryId: string; publicKey: string }>("identity", await s.config.setIdentity(SYSTEM, { registryId: s.name === "A" ? "THA01" : "CHE01" }));
  must("link", await peer.config.configure(SYSTEM, {
    commandId: `link-${s.name}-${Date.now()}`, linkId: LINK, peerUrl: s.server.url, peerRegistry: self.registryId, peerPublicKey: self.publicKey, peerParty: s.name === "A" ? "THA" : "CHE",
  }));
}

/** Waits for the process to be gone (it killed itself at its fault). */
async function died(s: Side): Promise<string | null> {
  const child = s.server?.child;
  if (!child) throw new Error("no server");
  if (child.exitCode === null && child.signalCode === null) await new Promise<void>((r) => child.once("exit", () => r()));
  return child.signalCode;
}

async function units(db: Db, where: string): Promise<bigint> {
  const r = await db.query<{ q: bigint | null }>(
    `SELECT sum(b.quantity)::int8 AS q FROM balances b JOIN accounts a ON a.id = b.account_id JOIN account_types t ON t.code = a.type
     JOIN unit_classes c ON c.id = b.class_id WHERE c.code = $1 AND ${where}`, [CLS],
  );
  return r.rows[0]?.q ?? 0n;
}
const heldUnits = (db: Db) => units(db, "NOT coalesce((t.definition->>'terminal')::boolean, false)");
const blocksOf = async (db: Db, account: string) =>
  (await db.query<{ s: bigint; e: bigint }>("SELECT k.serial_start AS s, k.serial_end AS e FROM blocks k JOIN unit_classes c ON c.id = k.class_id WHERE c.code = $1 AND k.account_id = $2 ORDER BY k.serial_start", [CLS, account])).rows;
/** Runs as a set of serials, merged. */
function merged(runs: Array<{ s: bigint; e: bigint }>): string {
  const out: Array<{ s: bigint; e: bigint }> = [];
  for (const r of [...runs].sort((x, y) => (x.s < y.s ? -1 : 1))) {
    const last = out.at(-1);
    if (last && last.e + 1n === r.s) last.e = r.e;
    else out.push({ ...r });
  }
  return out.map((r) => `${r.s}-${r.e}`).join(",");
}

async function side(name: "A" | "B", rulebook: string): Promise<Side> {
  const url = await createServerDatabase();
  const env = { DATABASE_URL: url, OPENETS_MODE: "production", OPENETS_ADMIN_USER: "registrar", OPENETS_ADMIN_PASSWORD: "a-long-registrar-password", OPENETS_RULEBOOK: rulebook, OPENETS_LINK_RECOVERY_SECONDS: "1", NODE_ENV: "test" };
  const db = openPostgres(url, { max: 3 });
  const s = { name, db, env, token: {} } as unknown as Side;
  // The world is set up in this process on the migrated store; the servers start afterwards (the first creates its administrator).
  await migrate(db);
  const config = securityConfigOf(rulebook);
  const audit = new AuditLog(db, systemClock);
  const auth = await AuthService.open(db, systemClock, config, audit);
  s.reg = await SecureRegistry.open(db, systemClock, config, { audit });
  s.config = new LinkConfig(s.reg, db, systemClock);
  for (const [userId, roles] of [["admin-2", ["national-admin"]], ["rep", []]] as const) {
    must("user", await auth.createUser(SYSTEM, { userId, displayName: userId, password: `${userId}-long-password`, roles: [...roles] }));
    const scopes = roles.length > 0 ? (["read", "admin"] as const) : (["read", "transfer:initiate", "transfer:approve"] as const);
    s.token[userId] = must<{ token: string }>("token", await auth.createApiToken(SYSTEM, { userId, name: "kill", scopes: [...scopes] })).token;
  }
  const gov = name === "A" ? "THA-GOV" : "CHE-GOV";
  must("account", await s.reg.openAccount(SYSTEM, { commandId: `o-${gov}`, accountId: gov, type: "party_holding", holder: gov, name: gov }));
  must("rep", await s.reg.addRepresentative(SYSTEM, { accountId: gov, userId: "rep", initiate: true, approve: true }));
  return s;
}

beforeAll(async () => {
  const rulebook = join(dir, "link-kill.yaml");
  const doc = parseDocument(readFileSync(join(PRESETS_DIR, "japan-gx-ets.yaml"), "utf8"));
  doc.setIn(["security", "fourEyes"], false); // four eyes on links and escrows: test/international/link.test.ts
  doc.setIn(["security", "transferDelayHours"], 0);
  doc.setIn(["security", "transactionLimitOutsideTrusted"], null);
  doc.setIn(["security", "signIn", "secondFactorRoles"], doc.createNode([]));
  writeFileSync(rulebook, doc.toString());
  [A, B] = await Promise.all([side("A", rulebook), side("B", rulebook)]);
  must("class", await A.reg.defineClass(SYSTEM, { commandId: "class", code: CLS, unitType: "JCM", scheme: "JCM", vintage: 2022, hostCountry: "THA" }));
  must("issue", await A.reg.ledger.propose({ transactionId: "issue", kind: "issuance", legs: [{ classCode: CLS, from: null, to: "THA-GOV", quantity: TOTAL.toString() }] }));
  // Start both with the faults armed (A's steps and B's), each for its own transfer.
  const armed = (s: "A" | "B") => CASES.flatMap((c, i) => (c.side === s ? [`${c.step}@${transferOf(i)}`] : []));
  await start(A, armed("A"));
  await start(B, armed("B"));
}, 300_000);

afterAll(async () => {
  await Promise.all([A?.server?.stop(), B?.server?.stop()]);
  await Promise.all([A?.db.close(), B?.db.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe("linked transfers between two servers, each killed at every step", () => {
  const delivered: number[] = [];
  const returned: number[] = [];

  /** What holds after every case: conservation, one decision per transfer, credits once, the serials. */
  async function checkWorld(): Promise<void> {
    // B credits what it accepted once the sender's retry or its own recovery gets there.
    await call(B, "admin-2", "POST", "/v1/links/recover");
    // Conservation across the two ledgers, and nothing left in escrow.
    expect((await heldUnits(A.db)) + (await heldUnits(B.db))).toBe(TOTAL);
    expect(await units(A.db, "a.id LIKE 'LNK-E-%'")).toBe(0n);
    const deliveredQty = delivered.reduce((s, j) => s + QTY(j), 0n);
    expect(await units(A.db, `a.id = 'LNK-${LINK}-SENT'`)).toBe(deliveredQty);
    expect(await units(B.db, "a.id = 'CHE-GOV'")).toBe(deliveredQty);
    expect(await units(A.db, "a.id = 'THA-GOV'")).toBe(TOTAL - deliveredQty);
    // One decision per transfer at B; accepted ones credited once; B issued exactly what it accepted.
    const inbound = (await B.db.query<{ transfer_id: string; decision: string; credit_tx: string | null; origin_serials: Array<{ start: string; end: string }> }>(
      "SELECT transfer_id, decision, credit_tx, origin_serials FROM intl_link_inbound ORDER BY transfer_id",
    )).rows;
    expect(inbound.filter((r) => r.decision === "accepted").map((r) => r.transfer_id).sort()).toEqual(delivered.map(transferOf).sort());
    expect(inbound.filter((r) => r.decision === "refused").map((r) => r.transfer_id).sort()).toEqual(returned.map(transferOf).sort());
    expect(inbound.every((r) => r.decision !== "accepted" || r.credit_tx !== null)).toBe(true);
    const issued = (await B.db.query<{ q: bigint }>("SELECT coalesce(sum(k.serial_end - k.serial_start + 1), 0)::int8 AS q FROM blocks k JOIN unit_classes c ON c.id = k.class_id WHERE c.code = $1", [CLS])).rows[0]?.q;
    expect(issued).toBe(deliveredQty);
    // Serials: what B records as the sender's serials is what left A's source, and A's sent account holds exactly those.
    const outbound = (await A.db.query<{ transfer_id: string; serials: Array<{ start: string; end: string }>; status: string }>("SELECT transfer_id, serials, status FROM intl_link_outbound")).rows;
    for (const r of inbound.filter((x) => x.decision === "accepted")) expect(r.origin_serials).toEqual(outbound.find((o) => o.transfer_id === r.transfer_id)?.serials);
    const deliveredSerials = outbound.filter((o) => o.status === "delivered").flatMap((o) => o.serials.map((x) => ({ s: BigInt(x.start), e: BigInt(x.end) })));
    expect(merged(await blocksOf(A.db, `LNK-${LINK}-SENT`))).toBe(merged(deliveredSerials));
    // A's source and sent account partition the serials issued, with no overlap and no gap.
    expect(merged([...(await blocksOf(A.db, "THA-GOV")), ...(await blocksOf(A.db, `LNK-${LINK}-SENT`))])).toBe(`1-${TOTAL}`);
  }

  for (const [i, c] of CASES.entries()) {
    it(`${c.side} killed at ${c.step}${c.refused ? " (a transfer B refuses)" : ""}${c.noWait ? " (a send that does not wait)" : ""}: ends ${c.refused ? "returned" : "delivered"}, conserved, serials intact`, async () => {
      const victim = c.side === "A" ? A : B;
      const dest = c.refused ? "CHE-NOWHERE" : "CHE-GOV";
      const sent = await call(A, "rep", "POST", `/v1/links/${LINK}/transfers`, { commandId: keyOf(i), from: "THA-GOV", classCode: CLS, quantity: QTY(i).toString(), destination: dest, ...(c.noWait ? { wait: false } : {}) }).catch((e: Error) => ({ status: 0, body: { error: e.message } }));
      // The sender dies inside the request at its own steps; otherwise it answers with the escrowed transfer. A send that
      // does not wait has answered (escrowed, in flight) before its flight gets to the step.
      if (c.side === "A" && !c.noWait) expect(sent.status, JSON.stringify(sent.body)).toBe(0);
      else expect(sent.status, JSON.stringify(sent.body)).toBe(201);
      if (c.noWait) expect(((sent.body as Record<string, unknown>).transfer as Record<string, unknown>).status).toBe("escrowed");
      expect(await died(victim)).toBe("SIGKILL");
      if (c.step === "receiver-after-answer") {
        // B answered, then died before its credit: A had the answer and delivered; B's row is accepted, not credited, until B's recovery.
        expect(((sent.body as Record<string, unknown>).transfer as Record<string, unknown>).status).toBe("delivered");
        const inb = (await B.db.query<{ decision: string; credit_tx: string | null }>("SELECT decision, credit_tx FROM intl_link_inbound WHERE transfer_id = $1", [transferOf(i)])).rows;
        expect(inb).toEqual([{ decision: "accepted", credit_tx: null }]);
      }
      // Restart without this transfer's fault; the others stay armed.
      const armed = CASES.flatMap((x, j) => (x.side === c.side && j > i ? [`${x.step}@${transferOf(j)}`] : []));
      await start(victim, armed);
      // Recovery: at start-up and on the timer; the administrator's operation too, until the transfer settles.
      const deadline = Date.now() + 30_000;
      let row: Record<string, unknown> | undefined;
      for (;;) {
        await call(A, "admin-2", "POST", "/v1/links/recover");
        const list = await call(A, "admin-2", "GET", `/v1/links/transfers/outbound?linkId=${LINK}&limit=500`);
        row = (list.body.items as Array<Record<string, unknown>>).find((t) => t.transferId === transferOf(i));
        if (row && row.status !== "escrowed") break;
        if (Date.now() > deadline) throw new Error(`transfer ${i} still ${JSON.stringify(row)}`);
        await new Promise((r) => setTimeout(r, 300));
      }
      expect(row?.status).toBe(c.refused ? "returned" : "delivered");
      (c.refused ? returned : delivered).push(i);
      expect(row?.serials).toBeDefined();
      await checkWorld();
    }, 90_000);
  }

  it("a message of several transfers (one refused): B killed after deciding them, all in one database transaction; each ends delivered or returned, conserved", async () => {
    const many = [100, 101, 102];
    const refused = new Set([101]);
    // B is down while the three are escrowed: each proposal fails and the transfers wait.
    await B.server?.stop();
    for (const i of many) {
      const sent = await call(A, "rep", "POST", `/v1/links/${LINK}/transfers`, { commandId: keyOf(i), from: "THA-GOV", classCode: CLS, quantity: QTY(i).toString(), destination: refused.has(i) ? "CHE-NOWHERE" : "CHE-GOV" });
      expect(sent.status, JSON.stringify(sent.body)).toBe(201);
      expect((sent.body.transfer as Record<string, unknown>).status).toBe("escrowed");
    }
    // B comes back armed to die right after its receipt for the last of them; A's recovery proposes the three in one message.
    await start(B, [`receiver-after-receipt@${transferOf(102)}`]);
    expect(await died(B)).toBe("SIGKILL");
    // B decided all three before it died, in one transaction: one receipt for the two accepted, the refusal beside them, nothing credited.
    const decided = (await B.db.query<{ transfer_id: string; decision: string; receipt_tx: string | null; credit_tx: string | null }>(
      "SELECT transfer_id, decision, receipt_tx, credit_tx FROM intl_link_inbound WHERE transfer_id = ANY($1::text[])", [many.map(transferOf)],
    )).rows;
    const by = new Map(decided.map((r) => [r.transfer_id, r]));
    expect(many.map((i) => by.get(transferOf(i))?.decision)).toEqual(["accepted", "refused", "accepted"]);
    expect(by.get(transferOf(100))?.receipt_tx).toBe(by.get(transferOf(102))?.receipt_tx);
    expect(decided.every((r) => r.credit_tx === null)).toBe(true);
    await start(B, []);
    const deadline = Date.now() + 30_000;
    for (;;) {
      await call(A, "admin-2", "POST", "/v1/links/recover");
      const list = await call(A, "admin-2", "GET", `/v1/links/transfers/outbound?linkId=${LINK}&limit=500`);
      const rows = (list.body.items as Array<Record<string, unknown>>).filter((t) => many.map(transferOf).includes(t.transferId as string));
      if (rows.length === 3 && rows.every((r) => r.status !== "escrowed")) {
        const status = new Map(rows.map((r) => [r.transferId, r.status]));
        expect(many.map((i) => status.get(transferOf(i)))).toEqual(["delivered", "returned", "delivered"]);
        break;
      }
      if (Date.now() > deadline) throw new Error(`still ${JSON.stringify(rows)}`);
      await new Promise((r) => setTimeout(r, 300));
    }
    for (const i of many) (refused.has(i) ? returned : delivered).push(i);
    await checkWorld();
  }, 120_000);

  it("two messages in flight (51 transfers: 50 and 1), B killed while deciding them; each ends delivered once, conserved", async () => {
    const many = Array.from({ length: 51 }, (_, k) => 200 + k);
    const ids = many.map(transferOf);
    // B is down while the 51 are escrowed; A's recovery then pushes them at once: a message of 50 (MAX_LINK_BATCH) and, beside it, a message of one.
    await B.server?.stop();
    for (const i of many) {
      const sent = await call(A, "rep", "POST", `/v1/links/${LINK}/transfers`, { commandId: keyOf(i), from: "THA-GOV", classCode: CLS, quantity: QTY(i).toString(), destination: "CHE-GOV" });
      expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    }
    await start(B, [`receiver-after-receipt@${transferOf(250)}`]);
    expect(await died(B)).toBe("SIGKILL");
    await start(B, []);
    const deadline = Date.now() + 60_000;
    for (;;) {
      await call(A, "admin-2", "POST", "/v1/links/recover");
      const list = await call(A, "admin-2", "GET", `/v1/links/transfers/outbound?linkId=${LINK}&limit=500`);
      const rows = (list.body.items as Array<Record<string, unknown>>).filter((t) => ids.includes(t.transferId as string));
      if (rows.length === many.length && rows.every((r) => r.status !== "escrowed")) {
        expect(rows.every((r) => r.status === "delivered" && r.decision === "accepted")).toBe(true);
        break;
      }
      if (Date.now() > deadline) throw new Error(`still ${JSON.stringify(rows.filter((r) => r.status === "escrowed").map((r) => r.transferId))}`);
      await new Promise((r) => setTimeout(r, 300));
    }
    // They were answered in more than one message (at most 50 a message), each transfer decided once.
    const nonces = (await A.db.query<{ n: bigint }>("SELECT count(DISTINCT answer->>'message') AS n FROM intl_link_outbound WHERE transfer_id = ANY($1::text[])", [ids])).rows[0]?.n;
    expect(Number(nonces)).toBeGreaterThanOrEqual(2);
    delivered.push(...many);
    await checkWorld();
  }, 180_000);

  it("leaves both ledgers whole (verify)", async () => {
    for (const s of [A, B]) {
      const v = await verifyLedger(s.db);
      expect(v.ok, JSON.stringify(v)).toBe(true);
    }
  });
});
