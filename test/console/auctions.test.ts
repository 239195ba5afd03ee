// Goal: auctions work in a real browser against the real server (demo store, Chromium). The demo's
// GX-ETS rulebook sells nothing at auction, so the server runs a copy of it with an auctions
// section (lots of one allowance, whole yen, four auctions a year). A representative places a sealed
// bid for its bidder and sees it; the authority sees the bids sealed before the close; the
// administrator closes and clears the auction, then settles it, from the page; anyone reads the
// published results without signing in, with the proceeds split by the revenue table recorded at
// settlement; and the pages pass axe-core's WCAG 2.1 A/AA checks.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiAs, axeViolations, ensureBuilt, launch, newPage, ROOT, type Server, screenshot, signIn, startServer, closeAll } from "./support.ts";

let server: Server;
let browser: Browser;
let dir = "";
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
      shares: [{ recipient: GX bond redemption, share: 0.7 }, { recipient: Energy efficiency, share: 0.3 }]
`;

const adminApi = () => apiAs(server, "demo-admin");

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "openets-auction-rules-"));
  const file = join(dir, "gx-with-auctions.yaml");
  writeFileSync(file, readFileSync(join(ROOT, "presets/japan-gx-ets.yaml"), "utf8") + AUCTIONS_SECTION);
  await ensureBuilt();
  [server, browser] = await Promise.all([startServer({ OPENETS_RULEBOOK: file }), launch()]);
  const api = await adminApi();
  expect((await api("POST", "/v1/auction-calendar", { commandId: "cal", year: YEAR, volume: "4000" })).status).toBe(201);
  expect((await api("POST", "/v1/auctions", { commandId: "create", auctionId: AUCTION, year: YEAR, number: 1, classCode: `JPA-${YEAR}`, auctionAccount: "JP-120-0001" })).status).toBe(201);
  expect((await api("POST", `/v1/auctions/${AUCTION}/bidders`, { commandId: "admit", bidder: "HOKKAI", accountId: "JP-200-0001" })).status).toBe(201);
}, 180_000);
afterAll(() => closeAll({ browser, server, dir }));

describe("auctions in a browser", () => {
  it("a representative places a sealed bid for its bidder and sees it", async () => {
    const page = await newPage(browser);
    await signIn(page, server, "demo-rep-a");
    await page.getByRole("link", { name: "Auctions and calendar" }).click();
    await page.getByRole("heading", { level: 1, name: "Auctions" }).waitFor();
    await page.getByRole("link", { name: AUCTION }).first().click();
    await page.getByRole("heading", { level: 1, name: `Auction ${AUCTION}` }).waitFor();
    await page.getByText("For bidder HOKKAI").waitFor();
    await page.getByLabel("Quantity (whole lots)").fill("1000");
    await page.getByLabel("Price").fill("4300");
    await page.getByRole("button", { name: "Place the bid" }).click();
    await page.getByText("The bid is placed and sealed.").waitFor();
    const bids = page.getByRole("table", { name: "The bids you may see" });
    await bids.getByText("JPY 4300").waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "en-auction-bid");
    await page.context().close();
  }, 90_000);

  it("the authority sees the bids sealed before the close", async () => {
    const page = await newPage(browser);
    await signIn(page, server, "demo-auditor");
    await page.goto(`${server.url}/auctions/${AUCTION}`);
    await page.getByText("The bids are sealed until the auction closes.").waitFor();
    expect(await page.locator("main").innerText()).not.toMatch(/4300/);
    await page.context().close();
  }, 60_000);

  it("the administrator closes and settles; anyone reads the results", async () => {
    const page = await newPage(browser);
    await signIn(page, server, "demo-admin");
    page.on("dialog", (d) => void d.accept());
    await page.goto(`${server.url}/auctions/${AUCTION}`);
    await page.getByRole("button", { name: "Close and clear" }).click();
    await page.getByRole("heading", { name: "Results" }).waitFor();
    await page.getByText("JPY 4300").first().waitFor();
    await page.getByRole("button", { name: "Settle" }).click();
    await page.getByText("The auction is settled.").waitFor();
    await page.getByText("Settled", { exact: true }).first().waitFor();
    const after = (await (await fetch(`${server.url}/v1/auctions/${AUCTION}/results`)).json()) as { status: string; sold: string };
    expect(after).toMatchObject({ status: "cleared", sold: "1000" });
    expect(((await (await fetch(`${server.url}/v1/auctions/${AUCTION}`)).json()) as { status: string }).status).toBe("settled");
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "en-auction-settled");
    await page.context().close();

    const pub = await newPage(browser);
    await pub.goto(`${server.url}/auctions/${AUCTION}`);
    await pub.getByRole("heading", { name: "Results" }).waitFor();
    const text = await pub.locator("main").innerText();
    expect(text).toMatch(/Clearing price\s+JPY 4300/);
    expect(text).not.toMatch(/HOKKAI/); // awards per bidder are not public
    // the revenue recorded at settlement is public: 1,000 x JPY 4,300 split 70/30 (the test's table)
    await pub.getByText(/Revenue distribution of JPY 4300000/).waitFor();
    const revenue = await pub.locator("main").innerText();
    expect(revenue).toMatch(/GX bond redemption\s+0\.7\s+JPY 3010000/);
    expect(revenue).toMatch(/Energy efficiency\s+0\.3\s+JPY 1290000/);
    await pub.context().close();
  }, 90_000);
});
