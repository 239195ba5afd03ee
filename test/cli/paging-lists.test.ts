// Goal (issue 15 item 4): the lists that answered whole until now page like every other, on the
// API and the CLI. 120 sealed bids read by their bidder's representative and 120 international
// classes come in pages of 50 (50, 50, 20): every item once, in the list's order, the last page's
// nextCursor null; a year's auction calendar pages in pages of 10 as its whole list reads. The CLI's `ets article6 classes` pages the same classes (--limit, --after) and
// --all has every one; a cursor the API printed continues on the CLI. A cursor neither door made
// is refused: 8206 on the API (for a list keyed by a number, a key that is not one too), bad
// usage naming --after on the CLI.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InternationalService } from "../../src/registry/international/service.ts";
import { openStore } from "../../src/store/open.ts";
import { etsInProcess } from "../support/ets-in-process.ts";
import { AUCTION, auctionWorld, BIDDER } from "../http/auction-world.ts";
import { buildFixture, type Fixture } from "../http/fixture.ts";
import { as, type Session, seedWorld, signIn, SYSTEM } from "../http/world.ts";

const dir = mkdtempSync(join(tmpdir(), "ets-paging-lists-"));
const data = join(dir, "pglite");
const N = 120;
let f: Fixture;
let admin: Session;
let rep: Session;
let closed = false;

const ets = etsInProcess;

const project = (i: number) => `P-${String(i).padStart(3, "0")}`;

beforeAll(async () => {
  const db = await openStore({ database: data });
  f = await buildFixture(db, {
    security: { signIn: { secondFactorRoles: [], maxFailures: 5, maxFailuresPerUser: 25, lockoutMinutes: 15, backoffBaseSeconds: 1, backoffMaxSeconds: 60, minPasswordLength: 12 } },
  });
  await seedWorld(f);
  // the auction world places ALPHA's first bid; 119 more make 120
  const w = await auctionWorld(f);
  for (let i = 2; i <= N; i++) {
    const r = await w.svc.bid(SYSTEM, AUCTION, { commandId: `many-${i}`, bidder: BIDDER, quantity: "500", price: `${70 + (i % 20)}.00` });
    if (!r.ok) throw new Error(r.message);
  }
  const intl = new InternationalService(f.registry, f.db, f.clock);
  for (let i = 1; i <= N; i++) {
    const r = await intl.defineClass(SYSTEM, { commandId: `cls-${i}`, attributes: { mechanism: "A6.2", unitType: "ITMO", creditKind: "reduction", host: "THA", vintage: 2022, cooperativeApproach: "CA0001", gwp: "AR5", project: project(i) } });
    if (!r.ok) throw new Error(r.message);
  }
  admin = await signIn(f, "admin");
  rep = await signIn(f, "rep-a1");
}, 300_000);

afterAll(async () => {
  if (!closed) await f?.db.close();
  rmSync(dir, { recursive: true, force: true });
});

type Page<T> = { items: T[]; nextCursor: string | null };

async function allPages<T>(who: Session, path: string, limit: number): Promise<{ items: T[]; pages: number[]; cursors: Array<string | null> }> {
  const items: T[] = [];
  const pages: number[] = [];
  const cursors: Array<string | null> = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const res = await as(f, who, "GET", `${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
    expect(res.status).toBe(200);
    const p = (await res.json()) as Page<T>;
    items.push(...p.items);
    pages.push(p.items.length);
    cursor = p.nextCursor;
    cursors.push(cursor);
  } while (cursor !== null && pages.length < 100);
  return { items, pages, cursors };
}

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64url");

describe("lists that answered whole now page", () => {
  it("the API: 120 bids in pages of 50, each once, in the order placed", async () => {
    const { items, pages, cursors } = await allPages<{ bidNo: number; bidder: string }>(rep, `/v1/auctions/${AUCTION}/bids`, 50);
    expect(pages).toEqual([50, 50, 20]);
    expect(cursors.at(-1)).toBeNull();
    const nos = items.map((b) => b.bidNo);
    expect(new Set(nos).size).toBe(N);
    expect(nos).toEqual([...nos].sort((a, b) => a - b));
    expect(items.every((b) => b.bidder === BIDDER)).toBe(true);
    // the default page is 50
    const first = (await (await as(f, rep, "GET", `/v1/auctions/${AUCTION}/bids`)).json()) as Page<unknown>;
    expect(first.items).toHaveLength(50);
    expect(first.nextCursor).not.toBeNull();
  });

  it("the API: 120 international classes in pages of 50, in code order", async () => {
    const { items, pages, cursors } = await allPages<{ code: string; attributes: { project: string } }>(admin, "/v1/international/classes", 50);
    expect(pages).toEqual([50, 50, 20]);
    expect(cursors.at(-1)).toBeNull();
    const codes = items.map((c) => c.code);
    expect(new Set(codes).size).toBe(N);
    expect(codes).toEqual([...codes].sort());
    expect(new Set(items.map((c) => c.attributes.project))).toEqual(new Set(Array.from({ length: N }, (_, i) => project(i + 1))));
  });

  it("the API: a year's calendar (answered whole by its service) pages in auction-number order", async () => {
    const whole = (await (await as(f, admin, "GET", "/v1/auction-calendar/2030?limit=500")).json()) as Page<{ number: number }>;
    expect(whole.nextCursor).toBeNull();
    const n = whole.items.length;
    expect(n).toBeGreaterThan(10);
    const { items, pages, cursors } = await allPages<{ number: number }>(admin, "/v1/auction-calendar/2030", 10);
    expect(pages.length).toBe(Math.ceil(n / 10));
    expect(cursors.at(-1)).toBeNull();
    expect(items.map((e) => e.number)).toEqual(whole.items.map((e) => e.number));
    expect(items.map((e) => e.number)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  });

  it("the API: a cursor it did not give answers 8206, on each changed list", async () => {
    const bad = [
      `/v1/auctions/${AUCTION}/bids?cursor=${b64("not-a-number")}`,
      `/v1/auctions/${AUCTION}/bids?cursor=%21%21`,
      `/v1/international/classes?cursor=%21%21`,
      `/v1/links/transfers/outbound?cursor=${b64("no-link-part")}`,
      `/v1/auctions?cursor=${b64("2030/x")}`,
      `/v1/msr/decisions?cursor=${b64("last")}`,
    ];
    for (const path of bad) {
      const who = path.includes("/bids") ? rep : admin;
      const res = await as(f, who, "GET", path);
      expect(res.status, path).toBe(400);
      expect(((await res.json()) as { code: number }).code, path).toBe(8206);
    }
    // a limit beyond the bound is refused like everywhere else
    expect((await as(f, admin, "GET", "/v1/international/classes?limit=501")).status).toBe(400);
  });

  it("the CLI: ets article6 classes pages the same classes; --all has every one; an API cursor continues", async () => {
    const apiFirst = (await (await as(f, admin, "GET", "/v1/international/classes?limit=50")).json()) as Page<{ code: string }>;
    await f.db.close();
    closed = true;
    const first = await ets(["article6", "classes", "--database", data, "--json", "--limit", "50"]);
    expect(first.code, first.stderr).toBe(0);
    const p1 = JSON.parse(first.stdout) as Page<{ code: string }>;
    expect(p1.items.map((c) => c.code)).toEqual(apiFirst.items.map((c) => c.code));
    expect(p1.nextCursor).toBe(apiFirst.nextCursor);

    const text = await ets(["article6", "classes", "--database", data, "--limit", "50"]);
    expect(text.stdout).toContain(`--after '${p1.nextCursor}'`);

    const rest = JSON.parse((await ets(["article6", "classes", "--database", data, "--json", "--after", apiFirst.nextCursor as string, "--limit", "500"])).stdout) as Page<{ code: string }>;
    expect(rest.nextCursor).toBeNull();
    expect(rest.items).toHaveLength(N - 50);

    const all = JSON.parse((await ets(["article6", "classes", "--database", data, "--json", "--all"])).stdout) as Page<{ code: string }>;
    expect(all.nextCursor).toBeNull();
    const codes = all.items.map((c) => c.code);
    expect(codes).toEqual([...p1.items, ...rest.items].map((c) => c.code));
    expect(new Set(codes).size).toBe(N);

    const bad = await ets(["article6", "classes", "--database", data, "--json", "--after", "!!"]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toContain("--after");
    // a link feed's cursor must name a link: one that does not is bad usage too
    const badFeed = await ets(["link", "transfers", "--database", data, "--json", "--after", b64("no-link-part")]);
    expect(badFeed.code).toBe(2);
    expect(badFeed.stdout).toContain("--after");
    const none = JSON.parse((await ets(["link", "transfers", "--database", data, "--json", "--all"])).stdout) as Page<unknown>;
    expect(none).toEqual({ items: [], nextCursor: null });
  });
});
