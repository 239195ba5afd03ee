// Goal: linked registries' protocol between two registries on two stores, in one process (the
// sender's messages go to the receiver's service as the HTTP route would hand them over; the kill
// test, link-kill.test.ts, runs it between two real servers): links configured with Ed25519 keys
// under four eyes; a transfer escrowed, proposed, accepted, credited and delivered, exactly once
// on both ledgers with the same serials; a refused transfer returned; repeats, replays and forged
// or altered messages refused with their codes and nothing changed; a sender that lost the answer
// recovers; ITMOs crossing the link get the Article 6 transfer and first transfer recorded once,
// at delivery. Conservation: units at A + units at B = units before. PGlite.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SECURITY_CONFIG, type SecurityConfig } from "../../src/domain/security/config.ts";
import { loadInternationalRules } from "../../src/io/international.ts";
import { seal } from "../../src/registry/international/links/crypto.ts";
import { LinkService } from "../../src/registry/international/links/service.ts";
import { getOutbound } from "../../src/registry/international/links/store.ts";
import { InternationalService } from "../../src/registry/international/service.ts";
import { verifyLedger } from "../../src/registry/verify.ts";
import type { Db } from "../../src/store/db.ts";
import { createUsers, type Fixture, setUp } from "../security/fixture.ts";
import { openTestDb } from "../support/stores.ts";
import { heldUnits, ok } from "../support/link.ts";

const SECURITY: SecurityConfig = { ...DEFAULT_SECURITY_CONFIG, fourEyes: true, transferDelayHours: 0 };
const fixtures = join(import.meta.dirname, "fixtures");
const { id: _i, name: _n, sources: _s, ...unfccc } = loadInternationalRules("unfccc") as unknown as Record<string, unknown>;
const json = (v: unknown) => JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x)));
const THA_RULES = json({ ...unfccc, article6: loadInternationalRules(join(fixtures, "thailand.yaml")).article6 });
const CHE_RULES = json({ ...unfccc, article6: loadInternationalRules(join(fixtures, "switzerland.yaml")).article6 });
const ITMO = { mechanism: "A6.2", unitType: "ITMO", creditKind: "reduction", host: "THA", vintage: 2022, cooperativeApproach: "CA0001", gwp: "AR5", project: "BKK-EBUS" };
const LINK = "THA-CHE";

interface Side {
  db: Db;
  f: Fixture;
  links: LinkService;
  intl: InternationalService;
  admin: Awaited<ReturnType<Fixture["as"]>>;
  admin2: Awaited<ReturnType<Fixture["as"]>>;
}

const held = async (s: Side, account: string, cls: string) => (await s.f.reg.ledger.holdings(account))?.find((h) => h.classCode === cls)?.quantity ?? 0n;
const serialsOf = async (s: Side, account: string, cls: string) =>
  (await s.db.query<{ start: string; end: string }>("SELECT k.serial_start::text AS start, k.serial_end::text AS end FROM blocks k JOIN unit_classes c ON c.id = k.class_id WHERE k.account_id = $1 AND c.code = $2 ORDER BY k.serial_start", [account, cls])).rows;

describe("linked registries, in one process", () => {
  let A: Side;
  let B: Side;
  let cut = false; // drops the receiver's answer on the way back (the sender sees a timeout)
  let down = false; // the receiver is unreachable (the message never arrives)
  const messages: Array<{ linkId: string; body: { transfers: Array<Record<string, unknown>> } }> = []; // every proposal that reached the receiver
  let cls: string;

  async function side(start: string, rules: unknown, fetchTo: () => Side): Promise<Side> {
    const db = await openTestDb("pglite");
    const f = await setUp(db, SECURITY, start);
    await createUsers(f, [["admin", ["national-admin"]], ["admin-2", ["national-admin"]], ["rep", []]]);
    const admin = await f.as("admin");
    const links = new LinkService(f.reg, db, f.clock, {
      fetch: async (_url, init) => {
        const peer = fetchTo();
        if (down) throw new Error("connection refused");
        messages.push(JSON.parse(init.body));
        const r = await peer.links.receive(JSON.parse(init.body));
        if (cut) throw new Error("connection reset");
        return r.ok ? new Response(JSON.stringify(r.value), { status: 200 }) : new Response(JSON.stringify({ code: r.code, detail: r.message }), { status: 400 });
      },
    });
    const intl = new InternationalService(f.reg, db, f.clock);
    ok(await intl.configure(admin, rules));
    return { db, f, links, intl, admin, admin2: await f.as("admin-2") };
  }

  beforeAll(async () => {
    A = await side("2023-12-15T09:00:00Z", THA_RULES, () => B);
    B = await side("2023-12-15T09:00:00Z", CHE_RULES, () => A);
  });
  afterAll(async () => {
    await A?.db.close();
    await B?.db.close();
  });

  it("configures the link on both sides with each other's public key, under four eyes", async () => {
    const ka = ok(await A.links.config.setIdentity(A.admin, { registryId: "THA01" })).value;
    const kb = ok(await B.links.config.setIdentity(B.admin, { registryId: "CHE01" })).value;
    expect(ka.publicKey).toMatch(/BEGIN PUBLIC KEY/);
    // The same id again: the same key; another id: refused.
    expect(ok(await A.links.config.setIdentity(A.admin, { registryId: "THA01" })).value.publicKey).toBe(ka.publicKey);
    expect(await A.links.config.setIdentity(A.admin, { registryId: "OTHER" })).toMatchObject({ ok: false, code: 10752 });
    // A bad key is named.
    expect(await A.links.config.configure(A.admin, { commandId: "l-bad", linkId: LINK, peerUrl: "http://b.test", peerRegistry: "CHE01", peerPublicKey: "not a key" })).toMatchObject({ ok: false, code: 10752, facts: { field: "peerPublicKey" } });
    const ch = ok(await A.links.config.configure(A.admin, { commandId: "l-1", linkId: LINK, peerUrl: "http://b.test/", peerRegistry: "CHE01", peerPublicKey: kb.publicKey, peerParty: "CHE" })).value;
    expect(ch).toMatchObject({ status: "awaiting_approval", link: null });
    // Not by the proposer; by a second administrator.
    expect(await A.links.config.approve(A.admin, { changeId: "l-1" })).toMatchObject({ ok: false, code: 8004 });
    const applied = ok(await A.links.config.approve(A.admin2, { changeId: "l-1" })).value;
    expect(applied).toMatchObject({ status: "applied", link: { linkId: LINK, peerUrl: "http://b.test", peerRegistry: "CHE01", peerParty: "CHE", version: 1, approvedBy: "admin-2" } });
    ok(await B.links.config.configure(B.admin, { commandId: "l-1", linkId: LINK, peerUrl: "http://a.test", peerRegistry: "THA01", peerPublicKey: ka.publicKey, peerParty: "THA" }));
    ok(await B.links.config.approve(B.admin2, { changeId: "l-1" }));
  });

  it("sets up the units: Thailand's ITMOs under its authorization, plain credits, accounts on both sides", async () => {
    for (const s of [A, B]) {
      const gov = s === A ? "THA-GOV" : "CHE-GOV";
      ok(await s.f.reg.openAccount(s.admin, { commandId: `o-${gov}`, accountId: gov, type: "party_holding", holder: gov, name: gov }));
      ok(await s.f.reg.addRepresentative(s.admin, { accountId: gov, userId: "rep", initiate: true, approve: true }));
    }
    cls = ok(await A.intl.defineClass(A.admin, { commandId: "c-itmo", attributes: ITMO })).value.code;
    ok(await A.intl.decideBook(A.admin, "authorize", {
      commandId: "TH-LOA-BKK-EBUS", cooperativeApproach: "CA0001", purposes: "NDC", authorizedParties: ["CHE"], quantity: "500000", gwp: "AR5",
      sectors: ["Transport"], activityTypes: ["Electric buses"], timeframe: { from: 2022, to: 2030 }, terms: "Authorized for use towards Switzerland's NDC.",
    }));
    const iss = ok(await A.intl.issue(A.admin, { commandId: "TH-ISS-2022-Q4", classCode: cls, account: "THA-GOV", quantity: "1916", authorization: "TH-LOA-BKK-EBUS", sector: "Transport", activityType: "Electric buses" }));
    expect(iss.value.status).toBe("awaiting_approval"); // four eyes on issuance
    ok(await A.f.reg.approve(A.admin2, { transactionId: "TH-ISS-2022-Q4" }));
    expect(await held(A, "THA-GOV", cls)).toBe(1916n);
  });

  it("transfers the 1,916 ITMOs: escrow under four eyes, accepted by Switzerland, credited once, delivered once; the first transfer recorded at delivery", async () => {
    const rep = await A.f.as("rep");
    const s = ok(await A.links.send(rep, { commandId: "TH-CH-1", linkId: LINK, from: "THA-GOV", classCode: cls, quantity: "1916", destination: "CHE-GOV" })).value;
    expect(s.transaction.status).toBe("awaiting_approval");
    expect(s.transfer).toBeNull();
    // Nothing has gone over the link yet: read by id, the transfer is its escrow awaiting approval (10763), told only to those who may see it.
    expect(await A.links.transfer(rep, LINK, s.transaction.id)).toMatchObject({ ok: false, code: 10763, facts: { transactionId: s.transaction.id, status: "awaiting_approval" } });
    await createUsers(A.f, [["rep-none", []]]);
    expect(await A.links.transfer(await A.f.as("rep-none"), LINK, s.transaction.id)).toMatchObject({ ok: false, code: 10751 });
    // A second representative approves the escrow (four eyes); the scheduler's recovery sends it.
    await createUsers(A.f, [["rep-2", []]]);
    ok(await A.f.reg.addRepresentative(A.admin, { accountId: "THA-GOV", userId: "rep-2", initiate: true, approve: true }));
    ok(await A.f.reg.approve(await A.f.as("rep-2"), { transactionId: s.transaction.id }));
    const tid = s.transaction.id;
    const escrowed = await getOutbound(A.db, LINK, tid);
    expect(escrowed?.status).toBe("escrowed");
    expect(escrowed?.serials).toEqual([{ start: "1", end: "1916" }]);
    // Nothing recorded in the book yet: the transfer happens at delivery.
    const bookKinds = async () => (await A.db.query<{ kind: string }>("SELECT kind FROM intl_book ORDER BY seq")).rows.map((r) => r.kind);
    expect(await bookKinds()).toEqual(["authorization", "issuance", "cover"]);
    const r = await A.links.recover();
    expect(r.outbound).toMatchObject([{ transferId: tid, status: "delivered", decision: "accepted" }]);
    expect(await held(A, "THA-GOV", cls)).toBe(0n);
    expect(await held(A, `LNK-${LINK}-SENT`, cls)).toBe(1916n);
    await B.links.idle(); // B credits after its answer
    expect(await held(B, "CHE-GOV", cls)).toBe(1916n);
    expect(await bookKinds()).toEqual(["authorization", "issuance", "cover", "first-transfer", "transfer"]);
    // Switzerland keeps the sender's serials beside its own.
    const inbound = (await B.db.query<{ origin_serials: unknown; local_start: bigint; local_end: bigint }>("SELECT origin_serials, local_start, local_end FROM intl_link_inbound")).rows;
    expect(inbound).toEqual([{ origin_serials: [{ start: "1", end: "1916" }], local_start: 1n, local_end: 1916n }]);
    // Where the transfer stands, read by id (what a sender that did not wait asks): its representatives and the
    // administrators see it; someone who represents nothing it touches learns nothing (10751, as for no such transfer).
    expect(ok(await A.links.transfer(rep, LINK, tid)).value).toMatchObject({ transferId: tid, status: "delivered", decision: "accepted", source: "THA-GOV", quantity: "1916" });
    expect(ok(await A.links.transfer(A.admin, LINK, tid)).value.status).toBe("delivered");
    expect(await A.links.transfer(await A.f.as("rep-none"), LINK, tid)).toMatchObject({ ok: false, code: 10751 });
    expect(await A.links.transfer(A.admin, LINK, "TX-NO-SUCH")).toMatchObject({ ok: false, code: 10751 });
    expect(await A.links.transfer(A.admin, "NO-LINK", tid)).toMatchObject({ ok: false, code: 10751 });
    expect(await A.links.transfer(A.admin, LINK, "not an id")).toMatchObject({ ok: false, code: 10001 });
    // Running recovery again, or the command again, changes nothing.
    await A.links.recover();
    await B.links.recover();
    const again = ok(await A.links.send(rep, { commandId: "TH-CH-1", linkId: LINK, from: "THA-GOV", classCode: cls, quantity: "1916", destination: "CHE-GOV" }));
    expect(again.replayed).toBe(true);
    expect(again.value.transfer?.status).toBe("delivered");
    expect(await bookKinds()).toEqual(["authorization", "issuance", "cover", "first-transfer", "transfer"]);
    expect(await heldUnits(A.db, cls) + (await heldUnits(B.db, cls))).toBe(1916n);
    await B.links.idle(); // B credits after its answer
    expect(await held(B, "CHE-GOV", cls)).toBe(1916n);
  });

  it("returns units the receiver refuses (a destination it does not have): the refusal is its one decision", async () => {
    // JCM credits as a plain class of the ledger (no credit attributes): they cross the link all the same.
    ok(await A.f.reg.defineClass(A.admin, { commandId: "c-jcm", code: "JCM-TH-1", unitType: "JCM", scheme: "JCM", vintage: 2022, hostCountry: "THA" }));
    const i = ok(await A.f.reg.initiate(A.admin, { transactionId: "iss-jcm", kind: "issuance", legs: [{ classCode: "JCM-TH-1", from: null, to: "THA-GOV", quantity: "500" }] }));
    ok(await A.f.reg.approve(A.admin2, { transactionId: i.value.id }));
    // Only a representative of the source sends (an administrator is refused, nothing left behind).
    expect(await A.links.send(A.admin, { commandId: "JCM-0", linkId: LINK, from: "THA-GOV", classCode: "JCM-TH-1", quantity: "200", destination: "CHE-GOV" })).toMatchObject({ ok: false, code: 8002 });
    // `wait` is true or false, nothing else (refused naming the field, nothing left behind).
    expect(await A.links.send(await A.f.as("rep"), { commandId: "JCM-0", linkId: LINK, from: "THA-GOV", classCode: "JCM-TH-1", quantity: "200", destination: "CHE-GOV", wait: "no" })).toMatchObject({ ok: false, code: 10001 });
    const s = ok(await A.links.send(await A.f.as("rep"), { commandId: "JCM-1", linkId: LINK, from: "THA-GOV", classCode: "JCM-TH-1", quantity: "200", destination: "CHE-NOWHERE" })).value;
    expect(s.transaction.status).toBe("awaiting_approval");
    ok(await A.f.reg.approve(await A.f.as("rep-2"), { transactionId: s.transaction.id }));
    const out = (await A.links.recover()).outbound.find((o) => o.transferId === s.transaction.id);
    expect(out).toMatchObject({ status: "returned", decision: "refused", refusal: { code: 10757, check: "link-destination-invalid" } });
    expect(await held(A, "THA-GOV", "JCM-TH-1")).toBe(500n);
    expect(await serialsOf(A, "THA-GOV", "JCM-TH-1")).toEqual([{ start: "1", end: "500" }]);
    expect(await held(A, (await getOutbound(A.db, LINK, s.transaction.id))!.escrowAccount, "JCM-TH-1")).toBe(0n);
    expect(await heldUnits(B.db, "JCM-TH-1")).toBe(0n);
  });

  it("recovers a transfer whose answer was lost: resent with the same id, the receiver's decision stands, nothing is credited twice", async () => {
    const rep = await A.f.as("rep-2");
    const s = ok(await A.links.send(await A.f.as("rep"), { commandId: "JCM-2", linkId: LINK, from: "THA-GOV", classCode: "JCM-TH-1", quantity: "120", destination: "CHE-GOV" })).value;
    ok(await A.f.reg.approve(rep, { transactionId: s.transaction.id }));
    cut = true;
    const lost = (await A.links.recover()).outbound.find((o) => o.transferId === s.transaction.id);
    cut = false;
    expect(lost).toMatchObject({ status: "escrowed", decision: null, attempts: 1 });
    expect(lost?.lastError).toMatch(/connection reset/);
    // Switzerland decided and credited already.
    await B.links.idle(); // B credits after its answer
    expect(await held(B, "CHE-GOV", "JCM-TH-1")).toBe(120n);
    const done = (await A.links.recover()).outbound.find((o) => o.transferId === s.transaction.id);
    expect(done).toMatchObject({ status: "delivered", decision: "accepted", attempts: 2 });
    await B.links.idle(); // B credits after its answer
    expect(await held(B, "CHE-GOV", "JCM-TH-1")).toBe(120n);
    expect(await heldUnits(A.db, "JCM-TH-1") + (await heldUnits(B.db, "JCM-TH-1"))).toBe(500n);
  });

  it("coalesces the ready transfers of a link into one message: each decided once (two accepted in one receipt, one refused), credited and delivered as batches, the escrow slots reused", async () => {
    const rep = await A.f.as("rep");
    const rep2 = await A.f.as("rep-2");
    const slots = async () => (await A.db.query<{ n: bigint }>("SELECT count(*) AS n FROM intl_link_slots")).rows[0]!.n;
    const slotsBefore = await slots();
    // The receiver is down while three transfers are escrowed: they wait, unanswered.
    down = true;
    const ids: string[] = [];
    for (const [key, qty, dest] of [["M-1", "30", "CHE-GOV"], ["M-2", "20", "CHE-NOWHERE"], ["M-3", "10", "CHE-GOV"]] as const) {
      const s = ok(await A.links.send(rep, { commandId: key, linkId: LINK, from: "THA-GOV", classCode: "JCM-TH-1", quantity: qty, destination: dest })).value;
      ok(await A.f.reg.approve(rep2, { transactionId: s.transaction.id }));
      ids.push(s.transaction.id);
    }
    const r0 = await A.links.recover();
    expect(r0.outbound.filter((o) => ids.includes(o.transferId)).map((o) => o.status)).toEqual(["escrowed", "escrowed", "escrowed"]);
    // Each holds its own slot: a slot holds one transfer's units at a time.
    const escrows = await Promise.all(ids.map(async (id) => (await getOutbound(A.db, LINK, id))!.escrowAccount));
    expect(new Set(escrows).size).toBe(3);
    down = false;
    const n0 = messages.length;
    const r = await A.links.recover();
    await B.links.idle();
    // One message carried the three.
    expect(messages.length).toBe(n0 + 1);
    expect(messages.at(-1)!.body.transfers.map((t) => t.transferId).sort()).toEqual([...ids].sort());
    const outcome = new Map(r.outbound.map((o) => [o.transferId, [o.status, o.decision]]));
    expect(ids.map((id) => outcome.get(id))).toEqual([["delivered", "accepted"], ["returned", "refused"], ["delivered", "accepted"]]);
    // B decided the three in one database transaction: the accepted ones share one receipt (one leg each, the sender's serials beside B's).
    const inb = (await B.db.query<{ transfer_id: string; decision: string; receipt_tx: string | null; credit_tx: string | null; quantity: bigint; local_start: bigint | null; local_end: bigint | null }>(
      "SELECT transfer_id, decision, receipt_tx, credit_tx, quantity, local_start, local_end FROM intl_link_inbound WHERE transfer_id = ANY($1::text[])", [ids])).rows;
    const byId = new Map(inb.map((x) => [x.transfer_id, x]));
    expect(ids.map((id) => byId.get(id)?.decision)).toEqual(["accepted", "refused", "accepted"]);
    expect(byId.get(ids[0]!)?.receipt_tx).toBe(byId.get(ids[2]!)?.receipt_tx);
    for (const id of [ids[0]!, ids[2]!]) {
      const x = byId.get(id)!;
      expect(x.local_end! - x.local_start! + 1n).toBe(x.quantity);
    }
    // The credits went as one batch at B, the deliveries as one batch at A.
    const batchOf = async (db: Db, txs: Array<string | null>) => (await db.query<{ batch_id: string | null }>("SELECT DISTINCT batch_id FROM transactions WHERE id = ANY($1::text[])", [txs])).rows.map((x) => x.batch_id);
    const credits = await batchOf(B.db, [byId.get(ids[0]!)!.credit_tx, byId.get(ids[2]!)!.credit_tx]);
    expect(credits).toHaveLength(1);
    expect(credits[0]).not.toBeNull();
    const settles = await Promise.all(ids.map(async (id) => (await getOutbound(A.db, LINK, id))!.settleTx));
    const deliveries = await batchOf(A.db, [settles[0]!, settles[2]!]);
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).not.toBeNull();
    // Each settled transfer has its own audit row: the delivered two written together, the returned one alone.
    const audited = (await A.db.query<{ action: string; target: string; detail: { linkId: string; quantity: string } }>(
      "SELECT action, target, detail FROM audit_log WHERE action IN ('link.deliver', 'link.return') AND target = ANY($1::text[]) ORDER BY seq", [ids])).rows;
    expect(audited.map((a) => [a.target, a.action, a.detail.linkId, a.detail.quantity]).sort()).toEqual(
      [[ids[0], "link.deliver", LINK, "30"], [ids[1], "link.return", LINK, "20"], [ids[2], "link.deliver", LINK, "10"]].sort());
    await B.links.idle(); // B credits after its answer
    expect(await held(B, "CHE-GOV", "JCM-TH-1")).toBe(120n + 40n);
    expect(await heldUnits(A.db, "JCM-TH-1") + (await heldUnits(B.db, "JCM-TH-1"))).toBe(500n);
    for (const e of escrows) expect(await held(A, e, "JCM-TH-1")).toBe(0n);
    // The same message again (a fresh nonce): the same decisions, nothing issued or credited again.
    const selfKey = (await A.db.query<{ private_key: string }>("SELECT private_key FROM intl_link_self")).rows[0]!.private_key;
    const again = await B.links.receive(seal(selfKey, LINK, "propose", messages.at(-1)!.body, B.f.clock.now().toISOString()));
    expect(again.ok).toBe(true);
    const answers = (again as unknown as { value: { body: { answers: Array<{ transferId: string; decision: string; receiptTx: string | null }> } } }).value.body.answers;
    const sent = messages.at(-1)!.body.transfers.map((t) => t.transferId as string);
    expect(answers.map((a) => [a.transferId, a.decision, a.receiptTx])).toEqual(sent.map((id) => [id, byId.get(id)!.decision, byId.get(id)!.receipt_tx]));
    await B.links.idle(); // B credits after its answer
    expect(await held(B, "CHE-GOV", "JCM-TH-1")).toBe(160n);
    // The slots are free again and the next transfer reuses one: no account opened per transfer.
    const s4 = ok(await A.links.send(rep, { commandId: "M-4", linkId: LINK, from: "THA-GOV", classCode: "JCM-TH-1", quantity: "5", destination: "CHE-GOV" })).value;
    ok(await A.f.reg.approve(rep2, { transactionId: s4.transaction.id }));
    expect(escrows).toContain((await getOutbound(A.db, LINK, s4.transaction.id))!.escrowAccount);
    await A.links.recover();
    expect((await getOutbound(A.db, LINK, s4.transaction.id))!.status).toBe("delivered");
    // The earlier transfers of this store went one at a time, through one slot; three at once needed three, and no more were opened.
    expect(slotsBefore).toBe(1n);
    expect(await slots()).toBe(3n);
    expect(await heldUnits(A.db, "JCM-TH-1") + (await heldUnits(B.db, "JCM-TH-1"))).toBe(500n);
  });

  it("refuses forged, replayed, stale and altered messages with their codes, deciding nothing", async () => {
    const row = await getOutbound(A.db, LINK, (await A.db.query<{ transfer_id: string }>("SELECT transfer_id FROM intl_link_outbound WHERE status = 'delivered' ORDER BY created_at LIMIT 1")).rows[0]!.transfer_id);
    const selfKey = (await A.db.query<{ private_key: string }>("SELECT private_key FROM intl_link_self")).rows[0]!.private_key;
    const otherKey = (await B.db.query<{ private_key: string }>("SELECT private_key FROM intl_link_self")).rows[0]!.private_key;
    const one = { ...(row!.message as unknown as Record<string, unknown>), transferId: "FORGED-1" };
    const body = { transfers: [one] };
    const decided = async () => (await B.db.query<{ n: bigint }>("SELECT count(*) AS n FROM intl_link_inbound")).rows[0]!.n;
    const n0 = await decided();
    // Signed with another key.
    expect(await B.links.receive(seal(otherKey, LINK, "propose", body, B.f.clock.now().toISOString()))).toMatchObject({ ok: false, code: 10753 });
    // A body changed after signing.
    const env = seal(selfKey, LINK, "propose", body, B.f.clock.now().toISOString());
    expect(await B.links.receive({ ...env, body: { transfers: [{ ...one, quantity: "9999" }] } })).toMatchObject({ ok: false, code: 10753 });
    // Too old.
    expect(await B.links.receive(seal(selfKey, LINK, "propose", body, "2023-12-15T08:00:00.000Z"))).toMatchObject({ ok: false, code: 10754 });
    // An unknown link.
    expect(await B.links.receive(seal(selfKey, "NO-LINK", "propose", body, B.f.clock.now().toISOString()))).toMatchObject({ ok: false, code: 10751 });
    expect(await decided()).toBe(n0);
    // A genuine message is answered once per nonce: the same envelope again is a replay.
    const first = await B.links.receive(env);
    expect(first.ok).toBe(true);
    expect(await B.links.receive(env)).toMatchObject({ ok: false, code: 10754 });
    // The same transfer id with another content (a fresh, genuine signature) is refused.
    const other = seal(selfKey, LINK, "propose", { transfers: [{ ...one, destination: "THA-ELSE" }] }, B.f.clock.now().toISOString());
    expect(await B.links.receive(other)).toMatchObject({ ok: false, code: 10756 });
  });

  it("a service shutting down gives up on an answer still awaited at once: the transfer stays escrowed with the attempt noted, and recovery delivers it", async () => {
    const signals: AbortSignal[] = [];
    // A peer that never answers, and a timeout far beyond the test's: only the shutdown can end the wait.
    const stalled = new LinkService(A.f.reg, A.db, A.f.clock, {
      timeoutMs: 3_600_000,
      fetch: (_url, init) => new Promise<Response>((_resolve, reject) => {
        const signal = init.signal as AbortSignal;
        signals.push(signal);
        signal.addEventListener("abort", () => reject(signal.reason));
      }),
    });
    const s = ok(await stalled.send(await A.f.as("rep"), { commandId: "STOP-1", linkId: LINK, from: "THA-GOV", classCode: "JCM-TH-1", quantity: "7", destination: "CHE-GOV" })).value;
    ok(await A.f.reg.approve(await A.f.as("rep-2"), { transactionId: s.transaction.id }));
    const recovering = stalled.recover();
    while (signals.length === 0) await new Promise((r) => setTimeout(r, 10));
    expect(signals[0]?.aborted).toBe(false);
    await stalled.shutdown();
    await recovering;
    expect(signals.map((x) => x.aborted)).toEqual([true]);
    const left = await getOutbound(A.db, LINK, s.transaction.id);
    expect(left).toMatchObject({ status: "escrowed", answer: null });
    expect(left?.lastError).toMatch(/^no answer from /);
    const before = await held(B, "CHE-GOV", "JCM-TH-1");
    const r = await A.links.recover();
    await B.links.idle();
    expect(r.outbound.find((o) => o.transferId === s.transaction.id)?.status).toBe("delivered");
    expect(await held(B, "CHE-GOV", "JCM-TH-1")).toBe(before + 7n);
  });

  it("keeps both ledgers whole (verify) and the delivered units terminal at the sender", async () => {
    for (const s of [A, B]) {
      const v = await verifyLedger(s.db);
      expect(v.ok, JSON.stringify(v)).toBe(true);
    }
    const v = await verifyLedger(A.db);
    expect(v.byFate.transferred).toBe((1916n + 120n + 40n + 5n + 7n).toString()); // + the 7 delivered after the shutdown
  });
});
