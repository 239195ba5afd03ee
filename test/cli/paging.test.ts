// Goal (issue 15, item 4): every list pages with a cursor, says when more exist, and --all follows
// the cursor; nothing is cut silently. Over 250 accounts (more than the old silent cut at 100):
// the API's pages (GET /v1/accounts with limit and cursor) and the CLI's (ets account list, on the
// store itself, with --after, --limit and --all) hold every account once, in id order. The lists
// the API answered whole until now (an account's representatives, its trusted list, a user's
// tokens) page the same way.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open.ts";
import { etsInProcess } from "../support/ets-in-process.ts";
import { buildFixture, type Fixture } from "../http/fixture.ts";
import { A, as, type Session, seedWorld, signIn, SYSTEM } from "../http/world.ts";

const dir = mkdtempSync(join(tmpdir(), "ets-paging-"));
const data = join(dir, "pglite");
const EXTRA = 250;
let f: Fixture;
let admin: Session;
let total = 0;
let closed = false;

const ets = etsInProcess;

beforeAll(async () => {
  const db = await openStore({ database: data });
  f = await buildFixture(db, {
    security: { signIn: { secondFactorRoles: [], maxFailures: 5, maxFailuresPerUser: 25, lockoutMinutes: 15, backoffBaseSeconds: 1, backoffMaxSeconds: 60, minPasswordLength: 12 } },
  });
  await seedWorld(f);
  for (let i = 1; i <= EXTRA; i++) {
    const id = `JP-300-${String(i).padStart(4, "0")}`;
    const r = await f.registry.openAccount(SYSTEM, { commandId: `page-${i}`, accountId: id, type: "trading", holder: `Holder ${i}`, name: id });
    if (!r.ok) throw new Error(r.message);
  }
  for (const u of ["admin", "admin2", "auditor"]) {
    const r = await f.registry.addRepresentative(SYSTEM, { accountId: A, userId: u, initiate: false, approve: true });
    if (!r.ok) throw new Error(r.message);
  }
  admin = await signIn(f, "admin");
  total = ((await (await as(f, admin, "GET", "/v1/accounts?limit=500")).json()) as { items: unknown[] }).items.length;
}, 300_000);

afterAll(async () => {
  if (!closed) await f?.db.close();
  rmSync(dir, { recursive: true, force: true });
});

type Page<T> = { items: T[]; nextCursor: string | null };

async function allPages<T>(path: string, limit: number): Promise<{ items: T[]; pages: number[] }> {
  const items: T[] = [];
  const pages: number[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const res = await as(f, admin, "GET", `${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
    expect(res.status).toBe(200);
    const p = (await res.json()) as Page<T>;
    items.push(...p.items);
    pages.push(p.items.length);
    cursor = p.nextCursor;
  } while (cursor !== null && pages.length < 100);
  return { items, pages };
}

describe("paging over 250 accounts", () => {
  it("the API: pages of 100 with a cursor hold every account once, in id order", async () => {
    expect(total).toBeGreaterThan(EXTRA);
    const { items, pages } = await allPages<{ id: string }>("/v1/accounts", 100);
    const ids = items.map((a) => a.id);
    expect(ids.length).toBe(total);
    expect(new Set(ids).size).toBe(total);
    expect(ids).toEqual([...ids].sort());
    expect(pages.slice(0, -1).every((n) => n === 100)).toBe(true);
    expect(pages.length).toBe(Math.ceil(total / 100));
    // The status filter the CLI offers (--status) is the API's too.
    expect((await as(f, admin, "POST", "/v1/accounts/JP-300-0001/block", { commandId: "blk-1" })).status).toBe(201);
    const blocked = (await (await as(f, admin, "GET", "/v1/accounts?status=blocked")).json()) as Page<{ id: string; status: string }>;
    expect(blocked.items.map((a) => [a.id, a.status])).toEqual([["JP-300-0001", "blocked"]]);
  });

  it("the API: representatives, the trusted list and tokens page with a cursor too", async () => {
    const reps = await allPages<{ userId: string }>(`/v1/accounts/${A}/representatives`, 2);
    const whole = ((await (await as(f, admin, "GET", `/v1/accounts/${A}/representatives?limit=500`)).json()) as Page<{ userId: string }>);
    expect(whole.nextCursor).toBeNull();
    expect(whole.items.length).toBe(5);
    expect(reps.items.map((r) => r.userId)).toEqual(whole.items.map((r) => r.userId));
    expect(reps.pages).toEqual([2, 2, 1]);
    for (let i = 0; i < 3; i++) expect((await as(f, admin, "POST", "/v1/tokens", { name: `t${i}`, scopes: ["read"] })).status).toBe(201);
    const tokens = await allPages<{ tokenId: string }>("/v1/tokens", 2);
    expect(tokens.pages).toEqual([2, 1]);
    expect(new Set(tokens.items.map((t) => t.tokenId)).size).toBe(3);
    const trusted = (await (await as(f, admin, "GET", `/v1/accounts/${A}/trusted?limit=1`)).json()) as Page<unknown>;
    expect(trusted).toHaveProperty("nextCursor");
    // A cursor the API did not give is refused, not read as the start.
    const bad = await as(f, admin, "GET", `/v1/accounts/${A}/representatives?cursor=%21%21`);
    expect(bad.status).toBe(400);
  });

  it("the CLI on the store: a page says there are more and how to get them; --after continues; --all has every account", async () => {
    await f.db.close();
    closed = true;
    const first = await ets(["account", "list", "--database", data, "--json"]);
    expect(first.code, first.stderr).toBe(0);
    const p1 = JSON.parse(first.stdout) as Page<{ id: string }>;
    expect(p1.items.length).toBe(100);
    expect(p1.nextCursor).not.toBeNull();

    const text = await ets(["account", "list", "--database", data]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`--after '${p1.nextCursor}'`);
    expect(text.stdout).toMatch(/--all/);

    const second = JSON.parse((await ets(["account", "list", "--database", data, "--json", "--after", p1.nextCursor as string, "--limit", "500"])).stdout) as Page<{ id: string }>;
    expect(second.nextCursor).toBeNull();
    expect([...p1.items, ...second.items].map((a) => a.id).length).toBe(total);

    const all = await ets(["account", "list", "--database", data, "--json", "--all"]);
    const every = JSON.parse(all.stdout) as Page<{ id: string }>;
    expect(every.nextCursor).toBeNull();
    expect(every.items.length).toBe(total);
    expect(new Set(every.items.map((a) => a.id)).size).toBe(total);

    // The last page says nothing more; a bad cursor is bad input naming the flag.
    expect((await ets(["account", "list", "--database", data, "--after", p1.nextCursor as string, "--limit", "500"])).stdout).not.toMatch(/--after/);
    const bad = await ets(["account", "list", "--database", data, "--json", "--after", "!!"]);
    expect(bad.code).toBe(2);
    expect((JSON.parse(bad.stdout) as { error: { field: string } }).error.field).toBe("--after");
  }, 120_000);
});
