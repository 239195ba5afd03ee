// Goal: ITMOs received over a link keep their Article 6 records (issue 13 items 3 and 6). The
// first ITMOs: 1,916 units of Bangkok's e-bus programme (vintage 2022), authorized by Thailand for
// Switzerland's NDC and transferred on 15 December 2023 (KliK Foundation, "First-ever ITMOs for NDC
// use", https://www.klik.ch/en/news/news-article/first-ever-itmos-for-ndc-use). Two registries on
// two stores in one process, as link.test.ts: Thailand's escrow carries the units' Article 6 facts
// in the signed proposal; Switzerland imports them in the receipt's transaction, so its book holds
// the units as acquired (under Thailand's authorization, first transferred by Thailand) and its
// Article 6 operations work on them (use towards its NDC); both AEFs are checked field by field.
// Refusals (malformed facts 10761, facts that contradict Switzerland's book or Party 10762) refuse
// the transfer, the sender returns the units and neither side changes otherwise; a second first
// transfer and an authorization of another host's units are refused at Switzerland. Conservation
// across both ledgers. PGlite. Ids, the cooperative approach id and the registry ids are assumed.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACTION_COLUMNS, type Aef, type Cell, HOLDING_COLUMNS } from "../../src/domain/international/aef.ts";
import { decide } from "../../src/domain/international/article6/book.ts";
import { DEFAULT_SECURITY_CONFIG, type SecurityConfig } from "../../src/domain/security/config.ts";
import { loadInternationalRules } from "../../src/io/international.ts";
import { Book } from "../../src/registry/international/book.ts";
import { recordedInternational, rulesByParty } from "../../src/registry/international/config.ts";
import { seal } from "../../src/registry/international/links/crypto.ts";
import { LinkService } from "../../src/registry/international/links/service.ts";
import { getOutbound } from "../../src/registry/international/links/store.ts";
import { InternationalService } from "../../src/registry/international/service.ts";
import { aefOf } from "../../src/registry/international/views.ts";
import { verifyLedger } from "../../src/registry/verify.ts";
import type { Db } from "../../src/store/db.ts";
import { createUsers, type Fixture, setUp } from "../security/fixture.ts";
import { openTestDb } from "../support/stores.ts";
import { heldUnits, ok } from "../support/link.ts";

const SECURITY: SecurityConfig = { ...DEFAULT_SECURITY_CONFIG, fourEyes: false, transferDelayHours: 0 };
const fixtures = join(import.meta.dirname, "fixtures");
const { id: _i, name: _n, sources: _s, ...unfccc } = loadInternationalRules("unfccc") as unknown as Record<string, unknown>;
const json = (v: unknown) => JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x)));
const THA_RULES = json({ ...unfccc, article6: loadInternationalRules(join(fixtures, "thailand.yaml")).article6 });
const CHE_RULES = json({ ...unfccc, article6: loadInternationalRules(join(fixtures, "switzerland.yaml")).article6 });
const ITMO = { mechanism: "A6.2", unitType: "ITMO", creditKind: "reduction", host: "THA", vintage: 2022, cooperativeApproach: "CA0001", gwp: "AR5", project: "BKK-EBUS" };
const LINK = "THA-CHE";
const LOA = { cooperativeApproach: "CA0001", purposes: "NDC", authorizedParties: ["CHE"], quantity: "500000", gwp: "AR5", sectors: ["Transport"], activityTypes: ["Electric buses"], timeframe: { from: 2022, to: 2030 }, terms: "Authorized for use towards Switzerland's NDC." };

interface Side {
  db: Db;
  f: Fixture;
  links: LinkService;
  intl: InternationalService;
  admin: Awaited<ReturnType<Fixture["as"]>>;
  rep: Awaited<ReturnType<Fixture["as"]>>;
}

const held = async (s: Side, account: string, cls: string) => (await s.f.reg.ledger.holdings(account))?.find((h) => h.classCode === cls)?.quantity ?? 0n;
const bookKinds = async (s: Side) => (await s.db.query<{ kind: string }>("SELECT kind FROM intl_book ORDER BY seq")).rows.map((r) => r.kind);
/** A table's rows as objects keyed by the template's column names. */
const named = (columns: readonly string[], rows: Cell[][]) => rows.map((r) => Object.fromEntries(columns.map((c, k) => [c, r[k]])));

describe("ITMOs over a link keep their Article 6 records", () => {
  let A: Side;
  let B: Side;
  let cls: string;

  async function side(rules: unknown, gov: string, fetchTo: () => Side): Promise<Side> {
    const db = await openTestDb("pglite");
    const f = await setUp(db, SECURITY, "2023-12-15T09:00:00Z");
    await createUsers(f, [["admin", ["national-admin"]], ["rep", []]]);
    const admin = await f.as("admin");
    const links = new LinkService(f.reg, db, f.clock, {
      fetch: async (_url, init) => {
        const r = await fetchTo().links.receive(JSON.parse(init.body));
        return r.ok ? new Response(JSON.stringify(r.value), { status: 200 }) : new Response(JSON.stringify({ code: r.code, detail: r.message }), { status: 400 });
      },
    });
    const intl = new InternationalService(f.reg, db, f.clock);
    ok(await intl.configure(admin, rules));
    ok(await f.reg.openAccount(admin, { commandId: `o-${gov}`, accountId: gov, type: "party_holding", holder: gov, name: gov }));
    ok(await f.reg.addRepresentative(admin, { accountId: gov, userId: "rep", initiate: true, approve: true }));
    return { db, f, links, intl, admin, rep: await f.as("rep") };
  }

  const aef = async (s: Side, party: string, year = 2023): Promise<Aef> => ok(await aefOf(s.db, new Book(), { party, year })).value;
  const send = async (commandId: string, quantity: string, classCode = cls) => {
    const s = ok(await A.links.send(A.rep, { commandId, linkId: LINK, from: "THA-GOV", classCode, quantity, destination: "CHE-GOV" })).value;
    await B.links.idle(); // B credits after its answer
    return s.transfer;
  };

  beforeAll(async () => {
    A = await side(THA_RULES, "THA-GOV", () => B);
    B = await side(CHE_RULES, "CHE-GOV", () => A);
    const ka = ok(await A.links.config.setIdentity(A.admin, { registryId: "THA01" })).value;
    const kb = ok(await B.links.config.setIdentity(B.admin, { registryId: "CHE01" })).value;
    ok(await A.links.config.configure(A.admin, { commandId: "l-1", linkId: LINK, peerUrl: "http://b.test", peerRegistry: "CHE01", peerPublicKey: kb.publicKey, peerParty: "CHE" }));
    ok(await B.links.config.configure(B.admin, { commandId: "l-1", linkId: LINK, peerUrl: "http://a.test", peerRegistry: "THA01", peerPublicKey: ka.publicKey, peerParty: "THA" }));
    cls = ok(await A.intl.defineClass(A.admin, { commandId: "c-itmo", attributes: ITMO })).value.code;
    ok(await A.intl.decideBook(A.admin, "authorize", { commandId: "TH-LOA-BKK-EBUS", ...LOA }));
    ok(await A.intl.issue(A.admin, { commandId: "TH-ISS-2022-Q4", classCode: cls, account: "THA-GOV", quantity: "2116", authorization: "TH-LOA-BKK-EBUS", sector: "Transport", activityType: "Electric buses" }));
  });
  afterAll(async () => {
    await A?.db.close();
    await B?.db.close();
  });

  it("sends the 1,916 ITMOs with their Article 6 facts in the signed proposal", async () => {
    const t = await send("TH-CH-1", "1916");
    expect(t).toMatchObject({ status: "delivered", decision: "accepted" });
    const out = await getOutbound(A.db, LINK, t!.transferId);
    const a6 = (out?.message as unknown as { article6: Record<string, unknown> }).article6;
    expect(a6).toMatchObject({
      version: 1, from: "THA", to: "CHE", date: "2023-12-15",
      authorizations: [{ record: { kind: "authorization", id: "TH-LOA-BKK-EBUS", party: "THA", purposes: "NDC", authorizedParties: ["CHE"], version: 1 }, revisions: [] }],
      blocks: [{ start: "1", end: "1916", authorization: "TH-LOA-BKK-EBUS", issuance: { host: "THA", registry: "THA01", vintage: 2022, sector: "Transport", activityType: "Electric buses", metric: "GHG", gwp: "AR5" },
        firstTransfer: { madeBy: "this-transfer", party: "THA", to: "CHE", date: "2023-12-15", definition: "first-international-transfer", year: 2022 } }],
    });
  });

  it("Switzerland's book holds them as acquired: the host's authorization referenced, first transferred by Thailand", async () => {
    expect(await held(B, "CHE-GOV", cls)).toBe(1916n);
    expect(await bookKinds(B)).toEqual(["issuance", "authorization", "cover", "first-transfer", "transfer"]);
    const view = await new Book().load(B.db);
    const pieces = view.state.blocks.get(cls) ?? [];
    expect(pieces).toHaveLength(1);
    expect(pieces[0]).toMatchObject({ start: 1n, end: 1916n, value: { host: "THA", holder: "CHE", authorization: "TH-LOA-BKK-EBUS", firstTransferred: true, status: "active" } });
    // Thailand's corresponding adjustment travels as Thailand dated it (by vintage), not re-dated by Switzerland.
    const ft = view.records.find((r) => r.kind === "first-transfer");
    expect(ft).toMatchObject({ party: "THA", to: "CHE", year: 2022, definition: "first-international-transfer", authorization: "TH-LOA-BKK-EBUS" });
  });

  it("both AEFs for 2023 show the same ITMOs, field by field: Thailand's first transfer, Switzerland's acquisition and holdings", async () => {
    const ids = { "First ID": "CA0001-THA01-THA-1-2022", "Last ID": "CA0001-THA01-THA-1916-2022" };
    const unit = { "Cooperative approach ID": "CA0001", "Authorization ID": "TH-LOA-BKK-EBUS", "First transferring participating Party ID": "THA", ...ids, Metric: "GHG", "Applicable GWP value(s)": "AR5", "Quantity (t CO2 eq)": 1916, "Mitigation type": "Emission reductions", Vintage: 2022 };
    const tha = named(ACTION_COLUMNS, (await aef(A, "THA")).actions.rows);
    expect(tha).toEqual([expect.objectContaining({ "Action date": "15/12/2023", "Action type": "First transfer", "Action subtype": "First international transfer", "Party ITMO registry ID": "THA01", ...unit, "Transferring participating Party ID": "THA", "Acquiring participating Party ID": "CHE" })]);
    const che = await aef(B, "CHE");
    expect(named(ACTION_COLUMNS, che.actions.rows)).toEqual([
      expect.objectContaining({ "Action date": "15/12/2023", "Action type": "Acquisition", "Action subtype": "NA", "Party ITMO registry ID": "CHE01", ...unit, "Transferring participating Party ID": "THA", "Acquiring participating Party ID": "CHE" }),
    ]);
    expect(named(HOLDING_COLUMNS, che.holdings.rows)).toEqual([expect.objectContaining({ "Party ITMO registry ID": "CHE01", ...unit })]);
    // Switzerland reports no authorization of its own: the authorization is Thailand's.
    expect(che.authorizations.rows).toEqual([]);
  });

  it("refuses at Switzerland a second first transfer and an authorization of Thailand's units, changing nothing", async () => {
    const view = await new Book().load(B.db);
    const rules = rulesByParty((await recordedInternational(B.db)).rules);
    const blocks = [{ series: cls, start: 1n, end: 1916n }];
    expect(decide(view.state, { type: "firstTransfer", id: "CH-FT", date: "2023-12-16", party: "CHE", blocks }, rules)).toMatchObject({ ok: false, code: 10603 });
    expect(decide(view.state, { type: "firstTransfer", id: "TH-FT", date: "2023-12-16", party: "THA", blocks }, rules)).toMatchObject({ ok: false, code: 10601 });
    ok(await B.intl.decideBook(B.admin, "authorize", { commandId: "CH-LOA-1", ...LOA, authorizedParties: ["JPN"], terms: "Swiss authorization." }));
    const after = await new Book().load(B.db);
    expect(decide(after.state, { type: "cover", id: "CH-COVER", date: "2023-12-16", authorization: "CH-LOA-1", blocks }, rules)).toMatchObject({ ok: false, code: 10501 });
    expect(await bookKinds(B)).toEqual(["issuance", "authorization", "cover", "first-transfer", "transfer", "authorization"]);
  });

  it("refuses malformed or contradicting facts at the receipt (10761, 10762): the sender returns the units, Switzerland unchanged", async () => {
    const selfKey = (await A.db.query<{ private_key: string }>("SELECT private_key FROM intl_link_self")).rows[0]!.private_key;
    const row = (await A.db.query<{ message: Record<string, unknown> }>("SELECT message FROM intl_link_outbound ORDER BY created_at LIMIT 1")).rows[0]!.message;
    const a6 = row.article6 as Record<string, unknown>;
    const before = { kinds: await bookKinds(B), held: await heldUnits(B.db, cls), issued: (await B.f.reg.ledger.getClass(cls))?.issued };
    // [transfer id, the facts carried, the code, what the refusal's message names]
    const cases: Array<[string, Record<string, unknown>, number, string]> = [
      ["X-1", { ...a6, to: "Switzerland" }, 10761, "article6.to"],
      ["X-2", { ...a6, blocks: [{ ...(a6.blocks as object[])[0], start: "5000", end: "5001" }] }, 10761, "article6.blocks[0]"],
      ["X-3", { ...a6, to: "JPN" }, 10762, "transferred to JPN"],
      ["X-4", { ...a6, from: "VNM" }, 10762, "come from VNM"],
      ["X-5", { ...a6, blocks: [{ ...(a6.blocks as Array<Record<string, unknown>>)[0], issuance: { ...((a6.blocks as Array<Record<string, unknown>>)[0]!.issuance as object), host: "VNM" } }] }, 10762, "only the host authorizes"],
    ];
    for (const [id, article6, code, field] of cases) {
      const env = seal(selfKey, LINK, "propose", { transfers: [{ ...row, transferId: id, article6 }] }, B.f.clock.now().toISOString());
      const r = ok(await B.links.receive(env)).value;
      const body = (r.body as { answers: Array<{ decision: string; refusal: { code: number; message: string } }> }).answers[0]!;
      expect(body, id).toMatchObject({ decision: "refused", refusal: { code } });
      expect(body.refusal.message, id).toContain(field);
    }
    expect({ kinds: await bookKinds(B), held: await heldUnits(B.db, cls), issued: (await B.f.reg.ledger.getClass(cls))?.issued }).toEqual(before);
  });

  it("a transfer whose authorization contradicts Switzerland's book is refused whole and returned to Thailand", async () => {
    // Thailand authorizes under an id Switzerland's book already uses for its own authorization (CH-LOA-1).
    ok(await A.intl.decideBook(A.admin, "authorize", { commandId: "CH-LOA-1", ...LOA }));
    ok(await A.intl.issue(A.admin, { commandId: "TH-ISS-2", classCode: cls, account: "THA-GOV", quantity: "50", authorization: "CH-LOA-1", sector: "Transport", activityType: "Electric buses" }));
    const aBefore = await held(A, "THA-GOV", cls);
    const bKinds = await bookKinds(B);
    const t = await send("TH-CH-2", "250"); // 200 units of TH-LOA-BKK-EBUS and the 50 of CH-LOA-1
    expect(t).toMatchObject({ status: "returned", decision: "refused", refusal: { code: 10762 } });
    expect(await held(A, "THA-GOV", cls)).toBe(aBefore);
    expect(await bookKinds(B)).toEqual(bKinds);
    expect(await held(B, "CHE-GOV", cls)).toBe(1916n);
    // Thailand's book recorded no transfer for it.
    expect((await bookKinds(A)).filter((k) => k === "transfer")).toHaveLength(1);
  });

  it("Switzerland uses the 1,916 ITMOs towards its NDC; its AEF shows the use, its holdings empty; conservation", async () => {
    const u = ok(await B.intl.useOrCancel(B.rep, "use", { commandId: "CH-USE-1", from: "CHE-GOV", classCode: cls, quantity: "1916", purpose: "NDC", forYear: 2022 })).value;
    expect(u.status).toBe("completed");
    const che = await aef(B, "CHE");
    const use = named(ACTION_COLUMNS, che.actions.rows).find((r) => r["Action type"] === "Use");
    expect(use).toMatchObject({ "Action subtype": "Use towards NDC", "Authorization ID": "TH-LOA-BKK-EBUS", "First transferring participating Party ID": "THA", "First ID": "CA0001-THA01-THA-1-2022", "Last ID": "CA0001-THA01-THA-1916-2022", "Quantity (t CO2 eq)": 1916, "Using/cancelling participating Party ID": "CHE", "Calendar year for which the ITMOs are used towards the Party's NDC": 2022 });
    expect(che.holdings.rows).toEqual([]);
    // Used once: a second use is refused by the ledger (nothing left) or the book.
    expect((await B.intl.useOrCancel(B.rep, "use", { commandId: "CH-USE-2", from: "CHE-GOV", classCode: cls, quantity: "1", purpose: "NDC", forYear: 2022 })).ok).toBe(false);
    // Units before = 2116 + 50 at Thailand; now at Thailand or Switzerland, or delivered and used.
    expect(await heldUnits(A.db, cls) + (await heldUnits(B.db, cls))).toBe(2116n + 50n - 1916n);
    for (const s of [A, B]) {
      const v = await verifyLedger(s.db);
      expect(v.ok, JSON.stringify(v)).toBe(true);
    }
  });

  it("in a message of several transfers, one whose facts are refused is refused alone; the others are decided and imported", async () => {
    const selfKey = (await A.db.query<{ private_key: string }>("SELECT private_key FROM intl_link_self")).rows[0]!.private_key;
    const row = (await A.db.query<{ message: Record<string, unknown> }>("SELECT message FROM intl_link_outbound ORDER BY created_at LIMIT 1")).rows[0]!.message;
    const a6 = row.article6 as Record<string, unknown>;
    const kinds = await bookKinds(B);
    // Y-1 carries facts naming another acquirer (10762); Y-2 carries none (units without Article 6 records).
    const env = seal(selfKey, LINK, "propose", { transfers: [{ ...row, transferId: "Y-1", article6: { ...a6, to: "JPN" } }, { ...row, transferId: "Y-2", quantity: "3", serials: [{ start: "1", end: "3" }], article6: undefined }] }, B.f.clock.now().toISOString());
    const answers = (ok(await B.links.receive(JSON.parse(JSON.stringify(env)))).value.body as { answers: Array<{ transferId: string; decision: string; refusal: { code: number } | null }> }).answers;
    expect(answers.map((a) => [a.transferId, a.decision, a.refusal?.code ?? null])).toEqual([["Y-1", "refused", 10762], ["Y-2", "accepted", null]]);
    // Nothing of Y-1 reached the book; Y-2 brought no Article 6 facts, so the book is unchanged too.
    expect(await bookKinds(B)).toEqual(kinds);
    const v = await verifyLedger(B.db);
    expect(v.ok, JSON.stringify(v)).toBe(true);
  });
});
