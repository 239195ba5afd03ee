// Goal: GX-ETS's payment in place of allowances works in a real browser against the real server
// (demo store, Chromium). On the demo GX-ETS scheme the navigation offers the page to national
// administrators and the authority; an administrator records a payment for FY2026 and sees it
// priced from the rulebook (the reference upper price of FY2026, JPY 4,300 a tonne: presets/
// japan-gx-ets.yaml, cited there) with its exact amount and the period's totals; a negative
// quantity is refused naming the field and records nothing; the authority reads the list without
// the form; a representative is not offered the page, nor anyone the page of sales at the ceiling
// (this rulebook has none); the page reads in Japanese. axe-core's
// WCAG 2.1 A/AA checks on each.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiAs, axeViolations, ensureBuilt, launch, newPage, type Server, screenshot, signIn, startServer, wrongLanguage, closeAll } from "./support.ts";

let server: Server;
let browser: Browser;
let dir = "";
const INST = "JP-INST-001";
const INST2 = "JP-INST-002";

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "openets-ceiling-console-"));
  await ensureBuilt();
  [server, browser] = await Promise.all([startServer({ DATABASE_URL: join(dir, "data"), OPENETS_DEMO_START: "2027-05-10T09:00:00+09:00" }), launch()]);
  const admin = await apiAs(server, "demo-admin");
  expect((await admin("POST", "/v1/compliance/installations", { commandId: "reg-1", installation: INST, accountId: "JP-200-0001", tags: ["steel"] })).status).toBe(201);
  expect((await admin("POST", "/v1/compliance/installations", { commandId: "reg-2", installation: INST2, accountId: "JP-200-0002", tags: ["cement"] })).status).toBe(201);
  // One payment made earlier through the API, so the page shows a list and its totals.
  expect((await admin("POST", "/v1/ceiling-payments", { commandId: "pay-0", installation: INST2, period: "2026", quantity: "50" })).status).toBe(201);
}, 240_000);
afterAll(() => closeAll({ browser, server, dir }));

async function openPage(p: Page): Promise<void> {
  await p.locator("nav").getByRole("link", { name: "Payments at the ceiling", exact: true }).click();
  await p.getByRole("heading", { level: 1, name: "Payments in place of allowances" }).waitFor();
  // GX-ETS keeps its ceiling by payment in lieu, not by sales beyond the cap: no sales page.
  expect(await p.locator("nav").getByRole("link", { name: "Sales at the ceiling", exact: true }).count()).toBe(0);
  await p.getByLabel("Compliance period", { exact: true }).fill("2026");
}

describe("payments in place of allowances in a browser", () => {
  it("an administrator records a payment priced from the rulebook; a negative quantity is refused and records nothing", async () => {
    const page = await newPage(browser);
    await signIn(page, server, "demo-admin");
    await openPage(page);
    const table = page.getByRole("table", { name: "Payments in place of allowances for FY2026" });
    await expect.poll(() => table.getByRole("row").filter({ hasText: INST2 }).innerText()).toMatch(/50\s+FY2026\s+¥4,300\s+¥215,000/);

    const form = page.getByRole("region", { name: "Record a payment for FY2026" });
    await form.getByLabel("Installation").selectOption(INST);
    await form.getByLabel("Tonnes paid for").fill("-5");
    await form.getByRole("button", { name: "Record the payment" }).click();
    const refusal = form.getByRole("alert");
    await refusal.waitFor();
    await refusal.getByText(/^Refused by rule 11001: .* Field: quantity\.$/).waitFor();
    expect(await table.getByRole("row").filter({ hasText: INST }).count()).toBe(0);

    await form.getByLabel("Tonnes paid for").fill("100");
    await form.getByLabel("Payment reference (optional)").fill("MUFG-2027-0042");
    await form.getByRole("button", { name: "Record the payment" }).click();
    await form.getByText(`Recorded: 100 t for ${INST} at ¥4,300 a tonne, ¥430,000 in all.`).waitFor();
    await expect.poll(() => table.getByRole("row").filter({ hasText: INST }).innerText()).toMatch(/100\s+FY2026\s+¥4,300\s+¥430,000\s+MUFG-2027-0042\s+demo-admin/);
    await page.getByText("In all: 150 t, ¥645,000").waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "en-ceiling-payments");

    // The same page in Japanese, with nothing of English outside data.
    await page.getByRole("button", { name: "日本語" }).click();
    await page.getByRole("heading", { level: 1, name: "排出枠に代わる上限価格での支払" }).waitFor();
    await page.getByText("合計：150 t、￥645,000").waitFor();
    expect(await wrongLanguage(page, "ja")).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "ja-ceiling-payments");
    await page.context().close();

    // The API agrees: two payments, nothing from the refused attempt.
    const list = await (await apiAs(server, "demo-auditor"))("GET", "/v1/ceiling-payments?period=2026");
    expect((list.body as { items: Array<{ installation: string; amount: string }> }).items.map((p) => [p.installation, p.amount])).toEqual([[INST2, "215000"], [INST, "430000"]]);
  }, 150_000);

  it("the authority reads the payments without the form; a representative is not offered the page", async () => {
    const page = await newPage(browser);
    await signIn(page, server, "demo-auditor");
    await openPage(page);
    await expect.poll(() => page.getByRole("table", { name: "Payments in place of allowances for FY2026" }).getByRole("row").count()).toBe(3);
    expect(await page.getByRole("button", { name: "Record the payment" }).count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();

    const rep = await newPage(browser);
    await signIn(rep, server, "demo-rep-a");
    const nav = rep.locator("nav");
    await nav.getByRole("link", { name: "Status and penalties", exact: true }).waitFor();
    expect(await nav.getByRole("link", { name: "Payments at the ceiling", exact: true }).count()).toBe(0);
    await rep.context().close();
  }, 120_000);
});
