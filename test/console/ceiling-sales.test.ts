// Goal: sales at a hard price ceiling work in a real browser against the real server (demo store,
// Chromium). The demo server runs examples/play/gx-hard-ceiling.rulebook.yaml (GX-ETS's rulebook
// keeping its ceiling by fixed-price sales; OPENETS_RULEBOOK), on a clock in FY2026, so the price is
// the reference upper price of FY2026, JPY 4,300. The navigation offers the page to national
// administrators and the authority, and not the payments page (this rulebook has no payment in
// lieu); a representative is not offered it. An administrator's negative quantity is refused naming
// rule 11001 and the field, a buyer that is not a covered entity rule 11706 and the field account,
// and neither records anything; a sale of 100 allowances waits for its issuance beyond the cap to be
// approved (11709, with the link to the approvals page) and is listed among the sales awaiting
// completion (the registry's list: still there after a reload); the second administrator, in her
// own browser, approves the issuance and completes the sale from that list knowing none of its
// figures, at JPY 430,000; the seller's page then lists it with a sale made earlier through the API
// (totals 150, JPY 645,000, and 150 issued beyond the cap by the registry's count). A sale whose
// issuance the second administrator rejected is not in the pending list as it opens (those that can
// still complete) and is shown, with no way to complete it, among the ended ones and among all.
// The authority reads the list without the form; the page reads in Japanese. axe-core's WCAG 2.1
// A/AA checks on each.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiAs, axeViolations, closeAll, ensureBuilt, launch, newPage, ROOT, type Server, screenshot, signIn, startServer, wrongLanguage } from "./support.ts";

let server: Server;
let browser: Browser;
let dir = "";
const BUYER = "JP-200-0002"; // Kanto Cement, registered for compliance below
const NOT_COVERED = "JP-200-0003"; // an operator account whose installation is not registered
const CLASS = "JPA-2025";

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "openets-ceiling-sales-console-"));
  await ensureBuilt();
  [server, browser] = await Promise.all([
    startServer({ DATABASE_URL: join(dir, "data"), OPENETS_RULEBOOK: join(ROOT, "examples/play/gx-hard-ceiling.rulebook.yaml"), OPENETS_DEMO_START: "2026-06-10T09:00:00+09:00" }),
    launch(),
  ]);
  const admin = await apiAs(server, "demo-admin");
  expect((await admin("POST", "/v1/compliance/installations", { commandId: "reg-2", installation: "JP-INST-002", accountId: BUYER, tags: ["cement"] })).status).toBe(201);
  // One sale made earlier through the API (its issuance approved by a second administrator), so the page shows a list and its totals.
  const sale = { commandId: "sale-0", account: BUYER, classCode: CLASS, quantity: "50" };
  expect((await admin("POST", "/v1/ceiling-sales", sale)).body.code).toBe(11709);
  expect((await (await apiAs(server, "demo-admin-2"))("POST", "/v1/transactions/ceiling-sale.sale-0.issue/approve", {})).status).toBe(200);
  expect((await admin("POST", "/v1/ceiling-sales", sale)).status).toBe(201);
}, 240_000);
afterAll(() => closeAll({ browser, server, dir }));

async function openPage(p: Page): Promise<void> {
  const nav = p.locator("nav");
  await nav.getByRole("link", { name: "Sales at the ceiling", exact: true }).click();
  await p.getByRole("heading", { level: 1, name: "Sales at the ceiling, issued beyond the cap" }).waitFor();
  // This rulebook keeps its ceiling by sales, not by payment in lieu: no payments page.
  expect(await nav.getByRole("link", { name: "Payments at the ceiling", exact: true }).count()).toBe(0);
  await p.getByLabel("Scheme year", { exact: true }).fill("2026");
}

async function sell(form: Locator, account: string, quantity: string): Promise<void> {
  await form.getByLabel("Buyer account").fill(account);
  await form.getByLabel("Allowance class").selectOption(CLASS);
  await form.getByLabel("Allowances to sell").fill(quantity);
  await form.getByRole("button", { name: "Sell at the ceiling" }).click();
}

describe("sales at the ceiling in a browser", () => {
  it("an administrator's refused inputs record nothing; a sale waits for its issuance's approval, then another administrator completes it from the pending list", async () => {
    const page = await newPage(browser);
    await signIn(page, server, "demo-admin");
    await openPage(page);
    const table = page.getByRole("table", { name: "Sales at the ceiling in FY2026" });
    await expect.poll(() => table.getByRole("row").filter({ hasText: "sale-0" }).first().innerText()).toMatch(/^JP-200-0002 \(JP-INST-002\)\s+JPA-2025\s+50\s+¥4,300\s+¥215,000\s+JPY\s+ceiling-sale\.sale-0\s+ceiling-sale\.sale-0\.issue\s+demo-admin/);

    const form = page.getByRole("region", { name: "Sell at the ceiling" });
    await sell(form, BUYER, "-5");
    await form.getByRole("alert").getByText(/^Refused by rule 11001: .* Field: quantity\.$/).waitFor();
    expect(await form.getByLabel("Allowances to sell").getAttribute("aria-invalid")).toBe("true");
    await sell(form, NOT_COVERED, "100");
    await form.getByRole("alert").getByText(/^Refused by rule 11706: .* Field: account\.$/).waitFor();
    expect(await form.getByLabel("Buyer account").getAttribute("aria-invalid")).toBe("true");
    await expect.poll(() => table.getByRole("row").count()).toBe(2);

    // The sale: its issuance beyond the cap waits for a second national administrator.
    await sell(form, BUYER, "100");
    const notice = form.getByRole("status").filter({ hasText: "awaits a second national administrator's approval" });
    await notice.waitFor();
    expect(await notice.getByRole("link", { name: "approvals page" }).getAttribute("href")).toBe("/registry/approvals");
    const issuance = await notice.getByRole("link", { name: /^ceiling-sale\..+\.issue$/ }).innerText();
    const saleId = issuance.replace(/^ceiling-sale\./, "").replace(/\.issue$/, "");
    // The registry's list of sales awaiting completion shows it, with what the request named.
    const pendingTable = (p: Page) => p.getByRole("table", { name: "Sales at the ceiling requested and not yet made" });
    const pending = pendingTable(page).getByRole("row").filter({ hasText: saleId });
    await pending.waitFor();
    expect(await pending.innerText()).toMatch(new RegExp(`^${saleId.replace(/\./g, "\\.")}\\s+JP-200-0002 \\(JP-INST-002\\)\\s+JPA-2025\\s+100\\s+¥430,000\\s+${issuance.replace(/\./g, "\\.")}\\s+demo-admin .*A second national administrator approves it on the approvals page`));
    await expect.poll(() => table.getByRole("row").count()).toBe(2);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "en-ceiling-sales-awaiting");
    // The request is the registry's, not the tab's: after a reload it is still listed.
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Sales at the ceiling, issued beyond the cap" }).waitFor();
    await page.getByLabel("Scheme year", { exact: true }).fill("2026");
    await pending.waitFor();

    // The second administrator, in her own browser, approves the issuance and then finishes the
    // sale from the pending list, knowing none of its figures.
    const second = await newPage(browser);
    await signIn(second, server, "demo-admin-2");
    await second.getByRole("link", { name: "Approvals", exact: true }).click();
    await second.getByRole("button", { name: `Approve: ${issuance}` }).click();
    await second.getByRole("status").filter({ hasText: "Approved." }).waitFor();
    await openPage(second);
    const ready = pendingTable(second).getByRole("row").filter({ hasText: saleId });
    await ready.getByRole("button", { name: `Complete the sale: ${saleId}` }).click();
    await second.getByText(new RegExp(`^Sold: 100 JPA-2025 to JP-200-0002 at ¥4,300, ¥430,000 in all, issued beyond the cap \\(${issuance.replace(/\./g, "\\.")}\\)\\.$`)).waitFor();
    await expect.poll(() => ready.count()).toBe(0);
    await second.getByText("No sale at the ceiling awaits completion.").waitFor();
    expect(await axeViolations(second)).toEqual([]);
    await second.context().close();

    // The seller's page, read again, lists the sale made by the other administrator.
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Sales at the ceiling, issued beyond the cap" }).waitFor();
    await page.getByLabel("Scheme year", { exact: true }).fill("2026");
    await expect.poll(() => table.getByRole("row").count()).toBe(3);
    expect(await table.getByRole("row").nth(2).innerText()).toMatch(/^JP-200-0002 \(JP-INST-002\)\s+JPA-2025\s+100\s+¥4,300\s+¥430,000\s+JPY\s+ceiling-sale\.cs-\S+\s+ceiling-sale\.cs-\S+\.issue\s+demo-admin-2/);
    await page.getByText("In all: 150 allowances, ¥645,000").waitFor();
    await page.getByText("Issued beyond the cap in FY2026 by these sales (the registry's count): 150").waitFor();
    await expect.poll(() => pending.count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "en-ceiling-sales");

    // The same page in Japanese, with nothing of English outside data.
    await page.getByRole("button", { name: "日本語" }).click();
    await page.getByRole("heading", { level: 1, name: "キャップを超えて発行する上限価格での売却" }).waitFor();
    await page.getByText("合計：排出枠 150、￥645,000").waitFor();
    expect(await wrongLanguage(page, "ja")).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "ja-ceiling-sales");
    await page.context().close();

    // The API agrees: two sales, nothing from the refused attempts.
    const list = await (await apiAs(server, "demo-auditor"))("GET", "/v1/ceiling-sales?year=2026");
    expect((list.body as { items: Array<{ account: string; quantity: string; amount: string }> }).items.map((s) => [s.account, s.quantity, s.amount])).toEqual([
      [BUYER, "50", "215000"],
      [BUYER, "100", "430000"],
    ]);
    expect(list.body.issuedBeyondCap).toEqual([{ year: 2026, quantity: "150" }]);
  }, 180_000);

  it("a sale whose issuance was rejected leaves the default list and is shown among the ended ones", async () => {
    const admin = await apiAs(server, "demo-admin");
    expect((await admin("POST", "/v1/ceiling-sales", { commandId: "sale-r", account: BUYER, classCode: CLASS, quantity: "7" })).body.code).toBe(11709);
    expect((await (await apiAs(server, "demo-admin-2"))("POST", "/v1/transactions/ceiling-sale.sale-r.issue/reject", { reason: "not this buyer" })).status).toBe(200);
    const page = await newPage(browser);
    await signIn(page, server, "demo-admin");
    await openPage(page);
    const pending = page.getByRole("table", { name: "Sales at the ceiling requested and not yet made" });
    const show = page.getByLabel("Show", { exact: true });
    expect(await show.inputValue()).toBe("open");
    await page.getByText("No sale at the ceiling awaits completion.").waitFor();
    await show.selectOption("ended");
    const ended = pending.getByRole("row").filter({ hasText: "sale-r" });
    await ended.waitFor();
    expect(await ended.innerText()).toMatch(/^sale-r\s+JP-200-0002 \(JP-INST-002\)\s+JPA-2025\s+7\s+¥30,100\s+ceiling-sale\.sale-r\.issue\s+demo-admin .*Its issuance was rejected or cancelled: this sale cannot complete$/);
    expect(await ended.getByRole("button").count()).toBe(0);
    await show.selectOption("all");
    await expect.poll(() => pending.getByRole("row").count()).toBe(2);
    await show.selectOption("open");
    await page.getByText("No sale at the ceiling awaits completion.").waitFor();
    expect(await axeViolations(page)).toEqual([]);
    // In Japanese, the choice and its empty list too.
    await page.getByRole("button", { name: "日本語" }).click();
    await page.getByLabel("表示", { exact: true }).selectOption("ended");
    await page.getByRole("table", { name: "指示済みでまだ完了していない上限価格での売却" }).getByRole("row").filter({ hasText: "sale-r" }).waitFor();
    expect(await wrongLanguage(page, "ja")).toEqual([]);
    await page.context().close();
  }, 120_000);

  it("the authority reads the sales without the form; a representative is not offered the page", async () => {
    const page = await newPage(browser);
    await signIn(page, server, "demo-auditor");
    await openPage(page);
    await expect.poll(() => page.getByRole("table", { name: "Sales at the ceiling in FY2026" }).getByRole("row").count()).toBe(3);
    await page.getByText("In all: 150 allowances, ¥645,000").waitFor();
    expect(await page.getByRole("button", { name: "Sell at the ceiling" }).count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();

    const rep = await newPage(browser);
    await signIn(rep, server, "demo-rep-a");
    const nav = rep.locator("nav");
    await nav.getByRole("link", { name: "Status and penalties", exact: true }).waitFor();
    expect(await nav.getByRole("link", { name: "Sales at the ceiling", exact: true }).count()).toBe(0);
    await rep.context().close();
  }, 120_000);
});
