// Goal (issue 15 item 4): the two documents that grew without bound page their lists. The Article
// 6.2 book holds 130 authorizations (one revoked), 121 first transfers and every record; an
// auction's settlement 130 payment records. On the API each list comes in pages of 50, every item
// once in the list's order (the book's by sequence number, the payments by bidder), the last
// nextCursor null; the documents show the first 100 of each list with its count or totals and the
// cursor that continues on the list's route. A representative pages only its own bidders'
// payments. A cursor the API did not make is refused with 8206. The CLI pages the same lists
// (--limit, --after, --all; an API cursor continues there) and refuses a bad --after as bad usage.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadInternationalRules } from "../../src/io/international.ts";
import { InternationalService } from "../../src/registry/international/service.ts";
import { openStore } from "../../src/store/open.ts";
import { etsInProcess as ets } from "../support/ets-in-process.ts";
import { AUCTION, AUCTION_ACCOUNT, auctionWorld, BIDDER } from "../http/auction-world.ts";
import { buildFixture, type Fixture } from "../http/fixture.ts";
import { A, as, B, CLASS, NAT, type Session, seedWorld, signIn, SYSTEM } from "../http/world.ts";

const dir = mkdtempSync(join(tmpdir(), "ets-paging-book-"));
const data = join(dir, "pglite");
const AUTHS = 130;
const FIRST = 121;
const BIDDERS = 130;
const GOV = "TH-100-0001";
const thailand = loadInternationalRules(join(import.meta.dirname, "../international/fixtures/thailand.yaml")).article6;
const RULES = JSON.parse(JSON.stringify({ domesticUse: [], article6: thailand }, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
const ITMO = { mechanism: "A6.2", unitType: "ITMO", creditKind: "reduction", host: "THA", vintage: 2022, cooperativeApproach: "CA0001", gwp: "AR5", project: "BKK-EBUS" };
const loa = (i: number) => `TH-LOA-${String(i).padStart(3, "0")}`;
const bidder = (i: number) => `BID-${String(i).padStart(3, "0")}`;

let f: Fixture;
let admin: Session;
let closed = false;

function must<T>(r: { ok: true; value: T } | { ok: false; message: string }, what: string): T {
  if (!r.ok) throw new Error(`${what}: ${r.message}`);
  return r.value;
}

async function buildBook(): Promise<void> {
  const intl = new InternationalService(f.registry, f.db, f.clock);
  must(await intl.configure(SYSTEM, RULES), "rules");
  const cls = must(await intl.defineClass(SYSTEM, { commandId: "cls", attributes: ITMO }), "class").code;
  for (let i = 1; i <= AUTHS; i++) {
    must(await intl.decideBook(SYSTEM, "authorize", {
      commandId: loa(i), cooperativeApproach: "CA0001", purposes: "NDC", authorizedParties: ["CHE"], quantity: "500000", gwp: "AR5", sectors: ["Transport"], activityTypes: ["Electric buses"],
      timeframe: { from: 2022, to: 2030 }, terms: "Authorized for use towards Switzerland's NDC.",
    }), loa(i));
  }
  must(await intl.decideBook(SYSTEM, "revoke", { commandId: "REV-130", authorization: loa(AUTHS) }), "revoke");
  must(await f.registry.openAccount(SYSTEM, { commandId: "open-gov", accountId: GOV, type: "party_holding", holder: "Thailand", name: "Thailand" }), "gov account");
  must(await intl.issue(SYSTEM, { commandId: "ISS-1", classCode: cls, account: GOV, quantity: String(FIRST), authorization: loa(1), sector: "Transport", activityType: "Electric buses" }), "issue");
  must(await f.registry.addRepresentative(SYSTEM, { accountId: GOV, userId: "rep-a1", initiate: true, approve: true }), "representative");
  const principal = await f.auth.principalOf("rep-a1", "session", "all");
  if (!principal) throw new Error("no principal for rep-a1");
  const rep = { principal, ip: null };
  // each unit leaves Thailand on its own transfer: each is a first transfer
  for (let i = 1; i <= FIRST; i++) must(await intl.transfer(rep, { commandId: `TRF-${i}`, from: GOV, to: "CHE", classCode: cls, quantity: "1" }), `transfer ${i}`);
}

async function buildSettlement(): Promise<void> {
  const w = await auctionWorld(f);
  must(await f.ledger.propose({ transactionId: "seed-auc", kind: "internal_transfer", legs: [{ classCode: CLASS, from: NAT, to: AUCTION_ACCOUNT, quantity: "1000000" }] }), "auction account");
  // ALPHA (account A) is admitted by the world; BID-002 bids from B, the rest from accounts of their own
  for (let i = 2; i <= BIDDERS; i++) {
    let account = B;
    if (i > 2) {
      account = `JP-520-${String(i).padStart(4, "0")}`;
      must(await f.registry.openAccount(SYSTEM, { commandId: `open-${i}`, accountId: account, type: "trading", holder: `Bidder ${i}`, name: `Bidder ${i}` }), account);
    }
    must(await w.svc.admit(SYSTEM, AUCTION, { commandId: `adm-${i}`, bidder: bidder(i), accountId: account }), `admit ${i}`);
    must(await w.svc.bid(SYSTEM, AUCTION, { commandId: `bid-${i}`, bidder: bidder(i), quantity: "2000", price: "81.00" }), `bid ${i}`);
  }
  // ALPHA's bid at 80.00 covers the rest of the volume: every bidder wins, so each has a payment
  must(await w.svc.bid(SYSTEM, AUCTION, { commandId: "bid-alpha-2", bidder: BIDDER, quantity: "999500", price: "80.00" }), "alpha");
  must(await w.svc.close(SYSTEM, AUCTION, { commandId: "close", seed: "paging" }), "close");
  must(await w.svc.settle(SYSTEM, AUCTION, { commandId: "settle" }), "settle");
}

beforeAll(async () => {
  const db = await openStore({ database: data });
  f = await buildFixture(db, {
    start: "2023-12-15T09:00:00Z",
    security: { fourEyes: false, transferDelayHours: 0, signIn: { secondFactorRoles: [], maxFailures: 5, maxFailuresPerUser: 25, lockoutMinutes: 15, backoffBaseSeconds: 1, backoffMaxSeconds: 60, minPasswordLength: 12 } },
  });
  await seedWorld(f);
  await buildBook();
  await buildSettlement();
  admin = await signIn(f, "admin");
}, 600_000);

afterAll(async () => {
  if (!closed) await f?.db.close();
  rmSync(dir, { recursive: true, force: true });
});

type Item = Record<string, any>;
type Page = { items: Item[]; nextCursor: string | null };
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64url");

async function get(who: Session | undefined, path: string): Promise<{ status: number; body: Record<string, any> }> {
  const res = await as(f, who, "GET", path);
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

async function allPages(who: Session, path: string, limit: number): Promise<{ items: Item[]; pages: number[] }> {
  const items: Item[] = [];
  const pages: number[] = [];
  let cursor: string | null = null;
  do {
    const r = await get(who, `${path}?limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const p = r.body as Page;
    items.push(...p.items);
    pages.push(p.items.length);
    cursor = p.nextCursor;
  } while (cursor !== null && pages.length < 100);
  return { items, pages };
}

const bookRows = async (kind: string | null) =>
  (await f.db.query<{ seq: string; id: string }>("SELECT seq::text AS seq, id FROM intl_book WHERE ($1::text IS NULL OR kind = $1) ORDER BY intl_book.seq", [kind])).rows;

describe("the Article 6 book's lists page", () => {
  it("the API: records, authorizations and first transfers in pages of 50, each once, in the order made", async () => {
    for (const [path, kind] of [["records", null], ["authorizations", "authorization"], ["first-transfers", "first-transfer"]] as const) {
      const rows = await bookRows(kind);
      expect(rows.length, path).toBeGreaterThanOrEqual(120);
      const got = await allPages(admin, `/v1/international/book/${path}`, 50);
      const full = Math.floor(rows.length / 50);
      expect(got.pages, path).toEqual([...Array<number>(full).fill(50), ...(rows.length % 50 ? [rows.length % 50] : [])]);
      expect(got.items.map((x) => [x.seq, x.id]), path).toEqual(rows.map((r) => [r.seq, r.id]));
    }
    // an authorization shows at its latest version: the revoked one at version 2
    const auths = (await allPages(admin, "/v1/international/book/authorizations", 500)).items;
    expect(auths).toHaveLength(AUTHS);
    expect(auths.find((a) => a.id === loa(AUTHS))).toMatchObject({ version: 2, revoked: true });
    expect(auths.find((a) => a.id === loa(1))).toMatchObject({ version: 1, revoked: false, covered: String(FIRST) });
  });

  it("the book document: counts, the first 100 of each list, and cursors that continue on the list routes", async () => {
    const b = (await get(admin, "/v1/international/book")).body;
    const [records, auths, firsts] = [await bookRows(null), await bookRows("authorization"), await bookRows("first-transfer")];
    expect(b.counts).toEqual({ records: records.length, authorizations: AUTHS, firstTransfers: FIRST });
    expect(b.adjustments).toEqual([{ party: "THA", year: 2022, quantity: String(FIRST), firstTransferred: String(FIRST), used: "0" }]);
    for (const [list, path, rows] of [["records", "records", records], ["authorizations", "authorizations", auths], ["firstTransfers", "first-transfers", firsts]] as const) {
      expect(b[list].map((x: Item) => x.id), list).toEqual(rows.slice(0, 100).map((r) => r.id));
      const rest = (await get(admin, `/v1/international/book/${path}?limit=500&cursor=${b.more[list]}`)).body as Page;
      expect(rest.items.map((x) => x.id), list).toEqual(rows.slice(100).map((r) => r.id));
      expect(rest.nextCursor).toBeNull();
    }
  });

  it("refuses a cursor the API did not make (8206), and a limit out of bounds", async () => {
    for (const cursor of ["!!", b64("0"), b64("12x"), b64("TH-LOA-001"), b64("1".repeat(19))]) {
      const r = await get(admin, `/v1/international/book/records?cursor=${cursor}`);
      expect([r.status, r.body.code], cursor).toEqual([400, 8206]);
    }
    expect((await get(admin, "/v1/international/book/first-transfers?limit=501")).status).toBe(400);
    expect((await get(admin, "/v1/international/book/authorizations?limit=0")).status).toBe(400);
  });
});

describe("an auction's settlement payments page", () => {
  it("the API: 130 payment records in pages of 50, in bidder order; the document shows 100 with the totals", async () => {
    const rows = (await f.db.query<{ bidder: string; quantity: string; amount: string }>("SELECT bidder, quantity::text AS quantity, amount_minor::text AS amount FROM auction_payments WHERE auction_id = $1 ORDER BY bidder", [AUCTION])).rows;
    expect(rows).toHaveLength(BIDDERS);
    const got = await allPages(admin, `/v1/auctions/${AUCTION}/settlement/payments`, 50);
    expect(got.pages).toEqual([50, 50, 30]);
    expect(got.items.map((p) => p.bidder)).toEqual(rows.map((r) => r.bidder));
    const s = (await get(admin, `/v1/auctions/${AUCTION}/settlement`)).body;
    expect(s.totals).toEqual({ payments: BIDDERS, quantity: "1000000", amountMinor: rows.reduce((t, r) => t + BigInt(r.amount), 0n).toString() });
    expect(s.payments.map((p: Item) => p.bidder)).toEqual(rows.slice(0, 100).map((r) => r.bidder));
    const rest = (await get(admin, `/v1/auctions/${AUCTION}/settlement/payments?limit=500&cursor=${s.paymentsNextCursor}`)).body as Page;
    expect(rest.items.map((p) => p.bidder)).toEqual(rows.slice(100).map((r) => r.bidder));
    expect(rest.nextCursor).toBeNull();
  });

  it("a representative pages its own bidders' payments only, and the document's totals are its own", async () => {
    for (const [user, account, name] of [["rep-a1", A, BIDDER], ["rep-b", B, bidder(2)]] as const) {
      const who = await signIn(f, user);
      const got = await allPages(who, `/v1/auctions/${AUCTION}/settlement/payments`, 1);
      expect(got.items.map((p) => [p.bidder, p.accountId]), user).toEqual([[name, account]]);
      const s = (await get(who, `/v1/auctions/${AUCTION}/settlement`)).body;
      expect(s.totals.payments, user).toBe(1);
      expect(s.paymentsNextCursor, user).toBeNull();
      expect(s.payments.map((p: Item) => p.bidder), user).toEqual([name]);
    }
    expect((await get(undefined, `/v1/auctions/${AUCTION}/settlement/payments`)).status).toBe(401);
  });

  it("refuses a cursor the API did not make (8206) and an unknown auction (404)", async () => {
    for (const cursor of ["!!", b64("not/a-bidder"), b64("-dash")]) {
      const r = await get(admin, `/v1/auctions/${AUCTION}/settlement/payments?cursor=${cursor}`);
      expect([r.status, r.body.code], cursor).toEqual([400, 8206]);
    }
    expect((await get(admin, "/v1/auctions/NOPE/settlement/payments")).status).toBe(404);
  });
});

describe("the CLI pages the same lists", () => {
  it("ets article6 book-records|book-authorizations|book-first-transfers and ets auction payments: --limit, --after, --all; an API cursor continues", async () => {
    const api = {
      records: (await get(admin, "/v1/international/book/records?limit=50")).body as Page,
      payments: (await get(admin, `/v1/auctions/${AUCTION}/settlement/payments?limit=50`)).body as Page,
    };
    const book = (await get(admin, "/v1/international/book")).body;
    await f.db.close();
    closed = true;
    const json = async (argv: string[]) => {
      const r = await ets([...argv, "--database", data, "--json"]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      return JSON.parse(r.stdout) as Page;
    };
    const p1 = await json(["article6", "book-records", "--limit", "50"]);
    expect(p1.items.map((x) => x.seq)).toEqual(api.records.items.map((x) => x.seq));
    expect(p1.nextCursor).toBe(api.records.nextCursor);
    const rest = await json(["article6", "book-records", "--after", api.records.nextCursor as string, "--limit", "500"]);
    expect(rest.nextCursor).toBeNull();
    expect(rest.items).toHaveLength(book.counts.records - 50);
    for (const [cmd, n] of [["book-records", book.counts.records], ["book-authorizations", AUTHS], ["book-first-transfers", FIRST]] as const) {
      const all = await json(["article6", cmd, "--all"]);
      expect(all.nextCursor, cmd).toBeNull();
      expect(new Set(all.items.map((x) => x.seq)).size, cmd).toBe(n);
    }
    const text = await ets(["article6", "book", "--database", data]);
    expect(text.stdout).toContain(`showing 100 of ${AUTHS} authorizations: more with ets article6 book-authorizations --after '${book.more.authorizations}'`);
    expect((await ets(["article6", "book-first-transfers", "--database", data, "--limit", "50"])).stdout).toContain("--after '");

    const q1 = await json(["auction", "payments", AUCTION, "--limit", "50"]);
    expect(q1).toEqual(expect.objectContaining({ nextCursor: api.payments.nextCursor }));
    expect(q1.items.map((p) => p.bidder)).toEqual(api.payments.items.map((p) => p.bidder));
    const allPay = await json(["auction", "payments", AUCTION, "--all"]);
    expect(allPay.items).toHaveLength(BIDDERS);
    const mine = await json(["auction", "payments", AUCTION, "--all", "--as", "rep-b"]);
    expect(mine.items.map((p) => p.bidder)).toEqual([bidder(2)]);

    for (const argv of [["article6", "book-records", "--after", b64("x1")], ["auction", "payments", AUCTION, "--after", b64("a/b")]]) {
      const bad = await ets([...argv, "--database", data, "--json"]);
      expect(bad.code, argv.join(" ")).toBe(2);
      expect(bad.stdout + bad.stderr).toContain("--after");
    }
  });
});
