// Goal: the console's lists longer than one API page, in Chromium against the real server. A list
// read whole (useAll: the compliance pages' installation picker, an auction's bidders in the bid
// form) shows every row when the list is longer than the API's largest page (500), with no note
// that it was cut; a list read a page at a time (usePaged with "Show more": an account's
// representatives and trusted list, a compliance period's status) shows its first page of 50, and
// each "Show more" appends the next page with no row twice and none missing, until the button is
// gone after the last page; a "Show more" answered after the list changed (another period) adds
// nothing to the new list, and two presses at once append a page once. The rows are seeded
// through the registry's services on the server's own store (stopped for the seeding, then started
// again): more than the API's rate limit lets a test write through HTTP in a minute. The server
// runs the demo's GX-ETS rulebook with an auctions section, as test/console/auctions.test.ts does.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditLog } from "../../src/audit/index.ts";
import { AuthService } from "../../src/auth/index.ts";
import { type Caller, systemPrincipal } from "../../src/domain/security/roles.ts";
import { rulebookSecurity, securityConfigFor } from "../../src/http/server.ts";
import { systemClock } from "../../src/platform/clock.ts";
import { loadRulebook } from "../../src/io/rulebook.ts";
import { AuctionService } from "../../src/registry/auction/index.ts";
import { ComplianceService } from "../../src/registry/compliance/index.ts";
import { SecureRegistry } from "../../src/registry/secure/index.ts";
import { openStore } from "../../src/store/open.ts";
import { apiAs, axeViolations, closeAll, ensureBuilt, launch, newPage, ROOT, type Server, screenshot, settled, signIn, startServer } from "./support.ts";

/** The console's page size for "Show more" (usePaged's default) and the API's largest (useAll's). */
const PAGE = 50;
const ALL_PAGE = 500;
/** Installations: more than one of useAll's pages, and eleven of the status page's. */
const INSTALLATIONS = ALL_PAGE + 20;
/** Representatives of JP-200-0001 added to its two demo ones: one more than a page. */
const REPRESENTATIVES = PAGE - 1;
/** Trusted entries proposed for JP-200-0001 beside its demo one: two full pages and five. */
const TRUSTED = 2 * PAGE + 4;
const ACCOUNT = "JP-200-0001";
/** Bidders admitted to the auction, each with one of the seeded accounts that demo-rep-a represents. */
const BIDDERS = ALL_PAGE + 10;
const YEAR = new Date().getUTCFullYear();
const AUCTION = `GX-${YEAR}-1`;

const AUCTIONS_SECTION = `
auctions:
  format: uniform-price-sealed-bid
  lotSize: 1
  priceDecimals: 0
  tieBreak: random
  undersubscribed: reserve-price
  unsold: held
  bidders: { eligible: any-account-holder, guarantee: false }
  calendar:
    auctionsPerYear: 4
  revenue:
    - from: 2020
      to: 2100
      shares: [{ recipient: GX bond redemption, share: 1 }]
`;

let dir = "";
let server: Server | undefined;
let browser: Browser | undefined;

const pad = (n: number) => String(n).padStart(4, "0");
const instId = (n: number) => `LL-INST-${pad(n)}`;
const accId = (n: number) => `JP-300-${pad(n)}`;

function must(what: string, r: { ok: boolean }): void {
  if (!r.ok) throw new Error(`seeding ${what} refused: ${JSON.stringify(r)}`);
}

/** Runs `fn` over 1..n, `width` at a time (the store takes one write at a time; this keeps it busy). */
async function each(n: number, width: number, fn: (i: number) => Promise<void>): Promise<void> {
  for (let start = 1; start <= n; start += width) {
    await Promise.all(Array.from({ length: Math.min(width, n - start + 1) }, (_, k) => fn(start + k)));
  }
}

/** The rows the tests page through, written through the registry's services on the stopped server's store. */
async function seed(database: string, rulebookFile: string): Promise<void> {
  const db = await openStore({ database });
  try {
    const config = securityConfigFor(false, rulebookSecurity({ OPENETS_RULEBOOK: rulebookFile }, false).config);
    const audit = new AuditLog(db, systemClock);
    const auth = await AuthService.open(db, systemClock, config, audit);
    const registry = await SecureRegistry.open(db, systemClock, config, { audit });
    const compliance = new ComplianceService(registry);
    const auctions = new AuctionService(registry, { rulebook: { name: rulebookFile, rulebook: loadRulebook(rulebookFile) } });
    const admin: Caller = { principal: systemPrincipal("long-lists-seed"), ip: null };
    await each(INSTALLATIONS, 10, async (i) => {
      must("account", await registry.openAccount(admin, { commandId: `ll-open-${i}`, accountId: accId(i), type: "operator_holding", holder: `Holder ${pad(i)}`, name: `Site ${pad(i)}`, installation: instId(i) }));
      must("installation", await compliance.registerInstallation(admin, { commandId: `ll-inst-${i}`, installation: instId(i), accountId: accId(i) }));
    });
    await each(REPRESENTATIVES, 5, async (i) => {
      must("user", await auth.createUser(admin, { userId: `ll-rep-${pad(i)}`, displayName: `Representative ${i}`, password: `a-long-password-for-rep-${i}`, roles: [] }));
      must("representative", await registry.addRepresentative(admin, { accountId: ACCOUNT, userId: `ll-rep-${pad(i)}`, initiate: i % 2 === 0, approve: true }));
    });
    const repA = await auth.principalOf("demo-rep-a", "session", "all");
    if (!repA) throw new Error("no principal for demo-rep-a");
    await each(TRUSTED, 10, async (i) => {
      must("trusted", await registry.addTrusted({ principal: repA, ip: null }, { accountId: ACCOUNT, trustedAccountId: accId(i) }));
    });
    await each(BIDDERS, 10, async (i) => {
      must("representative", await registry.addRepresentative(admin, { accountId: accId(i), userId: "demo-rep-a", initiate: true, approve: false }));
      must("bidder", await auctions.admit(admin, AUCTION, { commandId: `ll-admit-${i}`, bidder: `LL-BIDDER-${pad(i)}`, accountId: accId(i) }));
    });
  } finally {
    await db.close();
  }
}

beforeAll(async () => {
  await ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), "openets-long-lists-"));
  const database = join(dir, "data");
  const rulebook = join(dir, "gx-with-auctions.yaml");
  writeFileSync(rulebook, readFileSync(join(ROOT, "presets/japan-gx-ets.yaml"), "utf8") + AUCTIONS_SECTION);
  const env = { DATABASE_URL: database, OPENETS_RULEBOOK: rulebook };
  // The first start seeds the demo registry and opens an auction; the second serves the seeded rows.
  const first = await startServer(env);
  const api = await apiAs(first, "demo-admin");
  expect((await api("POST", "/v1/auction-calendar", { commandId: "cal", year: YEAR, volume: "4000" })).status).toBe(201);
  expect((await api("POST", "/v1/auctions", { commandId: "create", auctionId: AUCTION, year: YEAR, number: 1, classCode: `JPA-${YEAR}`, auctionAccount: "JP-120-0001" })).status).toBe(201);
  await first.stop();
  [, browser] = await Promise.all([seed(database, rulebook), launch()]);
  server = await startServer(env);
}, 300_000);
afterAll(() => closeAll({ browser, server, dir }));

/** Every item of a paged API list, its cursor followed to the end: what the page must show. */
async function apiAll(user: string, path: string, key: (x: Record<string, unknown>) => string): Promise<string[]> {
  const api = await apiAs(server as Server, user);
  const out: string[] = [];
  let cursor: string | null = null;
  do {
    const r = await api("GET", `${path}${path.includes("?") ? "&" : "?"}limit=${ALL_PAGE}${cursor ? `&cursor=${cursor}` : ""}`);
    expect(r.status).toBe(200);
    out.push(...(r.body.items as Array<Record<string, unknown>>).map(key));
    cursor = r.body.nextCursor as string | null;
  } while (cursor);
  return out;
}

/** The first cell's text of each row of a table body. */
async function firstCells(table: Locator): Promise<string[]> {
  return table.locator("tbody tr td:first-child").allInnerTexts();
}

/**
 * Pages a section's table to its end: after the first page and after each "Show more", the rows
 * shown are exactly the list's first 50, 100, ... in order (so nothing doubled, nothing skipped);
 * after the last page the button is gone. Returns how many times it was pressed.
 */
async function pageThrough(page: Page, section: Locator, caption: string, expected: string[]): Promise<number> {
  const table = section.locator("table", { has: page.locator("caption", { hasText: caption }) });
  const more = section.getByRole("button", { name: "Show more" });
  let presses = 0;
  for (let shown = Math.min(PAGE, expected.length); ; shown = Math.min(shown + PAGE, expected.length)) {
    await expect.poll(() => table.locator("tbody tr").count(), { timeout: 20_000 }).toBe(shown);
    await expect.poll(() => section.locator(".loading").count(), { timeout: 20_000 }).toBe(0);
    expect(await firstCells(table)).toEqual(expected.slice(0, shown));
    if (shown === expected.length) break;
    await more.click();
    presses++;
  }
  expect(await more.count()).toBe(0);
  return presses;
}

describe("lists longer than one page, in a browser", () => {
  it("a picker read whole offers every installation past the API's largest page, with no cut note", async () => {
    const s = server as Server;
    const expected = await apiAll("demo-admin", "/v1/compliance/installations", (x) => String(x.installation));
    const seeded = Array.from({ length: INSTALLATIONS }, (_, k) => instId(k + 1));
    expect(expected.length).toBeGreaterThan(ALL_PAGE);
    expect(seeded.every((id) => expected.includes(id))).toBe(true);
    const page = await newPage(browser as Browser);
    await signIn(page, s, "demo-admin");
    await page.goto(`${s.url}/compliance/reports`);
    await settled(page);
    const options = page.getByLabel("Installation").locator("option");
    await expect.poll(() => options.count(), { timeout: 20_000 }).toBe(expected.length);
    const values = await options.evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value));
    expect(values).toEqual(expected);
    expect(new Set(values).size).toBe(values.length);
    expect(await page.getByText(/^Only the first/).count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();
  }, 120_000);

  it("the bid form offers every bidder of the representative past the API's largest page, with no cut note", async () => {
    const s = server as Server;
    const expected = await apiAll("demo-rep-a", `/v1/auctions/${AUCTION}/bidders`, (x) => String(x.bidder));
    expect(expected).toEqual(Array.from({ length: BIDDERS }, (_, k) => `LL-BIDDER-${pad(k + 1)}`));
    const page = await newPage(browser as Browser);
    await signIn(page, s, "demo-rep-a");
    await page.goto(`${s.url}/auctions/${AUCTION}`);
    await settled(page);
    const options = page.getByLabel("Bidder", { exact: true }).locator("option");
    await expect.poll(() => options.count(), { timeout: 20_000 }).toBe(BIDDERS);
    expect(await options.allInnerTexts()).toEqual(expected);
    expect(await page.getByText(/^Only the first/).count()).toBe(0);
    await page.context().close();
  }, 120_000);

  it("an account's representatives: Show more appends the second page and then goes away", async () => {
    const s = server as Server;
    const expected = await apiAll("demo-rep-a", `/v1/accounts/${ACCOUNT}/representatives`, (x) => String(x.userId));
    expect(expected.length).toBe(REPRESENTATIVES + 2);
    const page = await newPage(browser as Browser);
    await signIn(page, s, "demo-rep-a");
    await page.goto(`${s.url}/registry/accounts/${ACCOUNT}`);
    await settled(page);
    const section = page.locator("section[aria-labelledby='reps-h']");
    expect(await pageThrough(page, section, "Representatives and their rights", expected)).toBe(1);
    await page.context().close();
  }, 120_000);

  it("an account's trusted list: Show more appends each page once, to the end", async () => {
    const s = server as Server;
    const expected = await apiAll("demo-rep-a", `/v1/accounts/${ACCOUNT}/trusted`, (x) => String(x.trustedAccountId));
    expect(expected.length).toBe(TRUSTED + 1);
    const page = await newPage(browser as Browser);
    await signIn(page, s, "demo-rep-a");
    await page.goto(`${s.url}/registry/accounts/${ACCOUNT}`);
    await settled(page);
    const section = page.locator("section[aria-labelledby='trusted-h']");
    expect(await pageThrough(page, section, "Trusted accounts and when each becomes active", expected)).toBe(2);
    await screenshot(page, "en-account-long-lists");
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();
  }, 120_000);

  it("a compliance period's status: Show more through eleven pages, every installation once", async () => {
    const s = server as Server;
    const first = await (await apiAs(s, "demo-auditor"))("GET", "/v1/compliance/periods/2026");
    expect(first.status).toBe(200);
    const expected = await apiAll("demo-auditor", "/v1/compliance/periods/2026", (x) => String(x.installation));
    expect(expected.length).toBeGreaterThan(10 * PAGE);
    const page = await newPage(browser as Browser);
    await signIn(page, s, "demo-auditor");
    await page.goto(`${s.url}/compliance/status`);
    await settled(page);
    await page.getByLabel("Compliance period", { exact: true }).fill("2026");
    const section = page.locator("section[aria-labelledby='pos-h']");
    expect(await pageThrough(page, section, "Installations in", expected)).toBe(Math.ceil(expected.length / PAGE) - 1);
    await page.context().close();
  }, 180_000);
});

describe("a page still coming when its list changes", () => {
  it("a Show more answered after the period changed adds nothing to the new period's list", async () => {
    const s = server as Server;
    const expected = await apiAll("demo-auditor", "/v1/compliance/periods/2027", (x) => String(x.installation));
    expect(expected.length).toBeGreaterThan(2 * PAGE);
    const page = await newPage(browser as Browser);
    await signIn(page, s, "demo-auditor");
    await page.goto(`${s.url}/compliance/status`);
    await settled(page);
    const period = page.getByLabel("Compliance period", { exact: true });
    await period.fill("2026");
    const section = page.locator("section[aria-labelledby='pos-h']");
    await expect.poll(() => section.locator("tbody tr").count(), { timeout: 20_000 }).toBe(PAGE);
    // Hold 2026's second page in the browser until the period has changed and 2027's first page is shown.
    let release: () => void = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    const isSecond2026 = (u: URL) => u.pathname === "/v1/compliance/periods/2026" && u.searchParams.has("cursor");
    await page.route(isSecond2026, async (route) => {
      await held;
      // The page may have dropped the request meanwhile (what it should do): nothing to continue then.
      await route.continue().catch(() => undefined);
    });
    // Answered or dropped by the page: either way it is over.
    const over = new Promise<void>((done) => {
      const end = (r: { url(): string }) => {
        if (isSecond2026(new URL(r.url()))) done();
      };
      page.on("requestfinished", end);
      page.on("requestfailed", end);
    });
    await section.getByRole("button", { name: "Show more" }).click();
    await period.fill("2027");
    await section.getByRole("heading", { name: /2027/ }).waitFor();
    release();
    await over;
    await page.waitForTimeout(200);
    expect(await pageThrough(page, section, "Installations in", expected)).toBe(Math.ceil(expected.length / PAGE) - 1);
    await page.context().close();
  }, 180_000);
});

describe("Show more pressed twice at once", () => {
  it("two activations before the page comes append it once", async () => {
    const s = server as Server;
    const expected = await apiAll("demo-rep-a", `/v1/accounts/${ACCOUNT}/trusted`, (x) => String(x.trustedAccountId));
    const page = await newPage(browser as Browser);
    await signIn(page, s, "demo-rep-a");
    await page.goto(`${s.url}/registry/accounts/${ACCOUNT}`);
    await settled(page);
    const section = page.locator("section[aria-labelledby='trusted-h']");
    const table = section.locator("table");
    await expect.poll(() => table.locator("tbody tr").count(), { timeout: 20_000 }).toBe(PAGE);
    // Both clicks in one task, before React has rendered the first one's "loading".
    await section.getByRole("button", { name: "Show more" }).evaluate((b) => {
      const button = b as unknown as { click(): void };
      button.click();
      button.click();
    });
    await expect.poll(() => section.locator(".loading").count(), { timeout: 20_000 }).toBe(0);
    await page.waitForTimeout(500);
    expect(await firstCells(table)).toEqual(expected.slice(0, 2 * PAGE));
    await page.context().close();
  }, 120_000);
});

describe("a Show more that failed", () => {
  it("says why and offers to try again; the retry appends that page once and paging goes on", async () => {
    const s = server as Server;
    const expected = await apiAll("demo-rep-a", `/v1/accounts/${ACCOUNT}/trusted`, (x) => String(x.trustedAccountId));
    expect(expected.length).toBeGreaterThan(2 * PAGE);
    const page = await newPage(browser as Browser);
    await signIn(page, s, "demo-rep-a");
    await page.goto(`${s.url}/registry/accounts/${ACCOUNT}`);
    await settled(page);
    const section = page.locator("section[aria-labelledby='trusted-h']");
    const table = section.locator("table");
    await expect.poll(() => table.locator("tbody tr").count(), { timeout: 20_000 }).toBe(PAGE);
    // The next page's request fails once, as a dropped connection would.
    const isNext = (u: URL) => u.pathname === `/v1/accounts/${ACCOUNT}/trusted` && u.searchParams.has("cursor");
    await page.route(isNext, (route) => route.abort("connectionreset"), { times: 1 });
    await section.getByRole("button", { name: "Show more" }).click();
    await section.locator(".error, [role='alert']").first().waitFor({ timeout: 20_000 });
    expect(await firstCells(table)).toEqual(expected.slice(0, PAGE));
    expect(await section.getByRole("button", { name: "Show more" }).count()).toBe(0);
    await section.getByRole("button", { name: "Try again" }).click();
    await expect.poll(() => table.locator("tbody tr").count(), { timeout: 20_000 }).toBe(2 * PAGE);
    expect(await firstCells(table)).toEqual(expected.slice(0, 2 * PAGE));
    expect(await section.locator(".error, [role='alert']").count()).toBe(0);
    expect(await section.getByRole("button", { name: "Show more" }).count()).toBe(1);
    await page.context().close();
  }, 120_000);
});
