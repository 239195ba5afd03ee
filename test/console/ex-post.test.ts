// Goal: Tokyo's ex-post issuance of excess reductions works in a real browser against the real
// server (Chromium, demo store). The server runs the tokyo preset (made runnable for the test: see
// tokyoRulebook) on a clock starting in June 2015, after the first compliance period (FY2010-2014).
// Through the API, as examples/play/tokyo-ex-post.yaml does: an office building (JP-INST-001, the
// demo's first operator account) with a facility cap of 46,000 t for P1 and 8,000 t verified each
// year (40,000 t), a second one (JP-INST-002) at 7,000 t a year (35,000 t), and a third not yet
// reported (JP-INST-003). In the console: the third's issuance is refused (rule 9316); one
// national administrator issues the others' excess reductions and sees each issuance awaiting a second
// approval (rule 9319) with the way to the approvals page; a second administrator approves both
// there, and completes the second building's from the list of issuances in progress (11,000
// credits); the first issues again (the same command) and the list shows 6,000 credits issued;
// issuing once more is refused (rule 9318); the representative reads the list without the form;
// the page in Japanese has no English outside data. axe-core on each.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiAs, axeViolations, ensureBuilt, launch, newPage, ROOT, type Server, screenshot, signIn, startServer, wrongLanguage, settled, closeAll } from "./support.ts";

let server: Server;
let browser: Browser;
let dir = "";
const INST = "JP-INST-001";
const ISSUANCE = `ex-post.P1.${INST}.issue`;
const INST2 = "JP-INST-002";
const ISSUANCE2 = `ex-post.P1.${INST2}.issue`;
const INST3 = "JP-INST-003";

/**
 * The tokyo preset as a registry can run it: `scheme.registry: true` and the security section of
 * japan-gx-ets (Japan's calendar, FY2026-2030). A registry needs the holidays of every year its
 * periods touch; for the years before 2026 this fixture lists New Year's Day only (no step of the
 * test depends on a working day). Test data, not a preset.
 */
function tokyoRulebook(): string {
  const tokyo = readFileSync(join(ROOT, "presets/tokyo.yaml"), "utf8").replace(/^ {2}id: tokyo$/m, "  id: tokyo\n  registry: true");
  const gx = readFileSync(join(ROOT, "presets/japan-gx-ets.yaml"), "utf8");
  const security = gx.slice(gx.indexOf("\nsecurity:"), gx.indexOf("\nnotes:"));
  const early = Array.from({ length: 16 }, (_, i) => `      - ${2010 + i}-01-01 # New Year's Day (fixture)`).join("\n");
  return `${tokyo}${security.replace(/^( {4}holidays:.*)$/m, `$1\n${early}`)}\n`;
}

const as = (user: string) => apiAs(server, user);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "openets-ex-post-console-"));
  const file = join(dir, "tokyo-registry.yaml");
  writeFileSync(file, tokyoRulebook());
  await ensureBuilt();
  [server, browser] = await Promise.all([startServer({ OPENETS_RULEBOOK: file, OPENETS_DEMO_START: "2015-06-01T09:00:00+09:00" }), launch()]);
  // The administrator registers the building and its P1 terms; the authority accredits the verifier;
  // the representative reports five years, each verified (as examples/play/tokyo-ex-post.yaml).
  const admin = await as("demo-admin");
  expect((await admin("POST", "/v1/compliance/installations", { commandId: "reg-1", installation: INST, accountId: "JP-200-0001", sector: "buildings" })).status).toBe(201);
  expect((await admin("POST", `/v1/compliance/installations/${INST}/terms`, { commandId: "terms-1", period: "P1", facilityCap: "46000", requiredReduction: "4000" })).status).toBe(201);
  const auditor = await as("demo-auditor");
  expect((await auditor("POST", "/v1/compliance/accreditations", { commandId: "acc-1", verifier: "demo-verifier", accreditationId: "TMG-V-001", body: "TMG", standard: "ISO 14065", scopes: ["*"], validFrom: "2010-01-01", expires: "2020-12-31" })).status).toBe(201);
  // A third building, registered with its terms but not yet reported: issuing is refused (9316).
  expect((await admin("POST", "/v1/compliance/installations", { commandId: "reg-3", installation: INST3, accountId: "JP-200-0003", sector: "buildings" })).status).toBe(201);
  expect((await admin("POST", `/v1/compliance/installations/${INST3}/terms`, { commandId: "terms-3", period: "P1", facilityCap: "46000", requiredReduction: "4000" })).status).toBe(201);
  const rep = await as("demo-rep-a");
  const verifier = await as("demo-verifier");
  const plan = { validFrom: 2010, sources: [{ id: "boiler", kind: "process", unit: "t", emissionFactor: { value: "0.5" } }] };
  // Activity of the boiler a year (t of fuel, factor 0.5): 16,000 gives 8,000 t (JP-INST-001), 14,000 gives 7,000 t (JP-INST-002).
  for (const [inst, account, activity] of [[INST, "JP-200-0001", "16000"], [INST2, "JP-200-0002", "14000"]] as const) {
    if (inst !== INST) expect((await admin("POST", "/v1/compliance/installations", { commandId: `reg-${inst}`, installation: inst, accountId: account, sector: "buildings" })).status).toBe(201);
    if (inst !== INST) expect((await admin("POST", `/v1/compliance/installations/${inst}/terms`, { commandId: `terms-${inst}`, period: "P1", facilityCap: "46000", requiredReduction: "4000" })).status).toBe(201);
    expect((await rep("POST", `/v1/compliance/installations/${inst}/plans`, { commandId: `plan-${inst}`, plan })).status).toBe(201);
    for (const year of [2010, 2011, 2012, 2013, 2014]) {
      expect((await rep("POST", `/v1/compliance/installations/${inst}/reports`, { commandId: `rep-${inst}-${year}`, year, activity: [{ source: "boiler", quantity: activity }] })).status).toBe(201);
      expect((await rep("POST", `/v1/compliance/installations/${inst}/verifier`, { commandId: `ap-${inst}-${year}`, year, verifier: "demo-verifier" })).status).toBe(201);
      expect((await verifier("POST", `/v1/compliance/installations/${inst}/verifications`, { commandId: `ver-${inst}-${year}`, year, version: 1, opinion: "positive", misstatements: "0" })).status).toBe(201);
    }
  }
}, 240_000);
afterAll(() => closeAll({ browser, server, dir }));

async function openPage(p: Page): Promise<void> {
  await p.getByRole("link", { name: "Excess reductions", exact: true }).click();
  await p.getByRole("heading", { level: 1, name: "Excess reductions issued ex post" }).waitFor();
  await settled(p);
}

describe("excess reductions issued ex post, in a browser", () => {
  let first: Page;

  it("a national administrator issues them: the issuance awaits a second administrator's approval", async () => {
    first = await newPage(browser);
    await signIn(first, server, "demo-admin");
    await openPage(first);
    expect(await first.getByLabel("Compliance period", { exact: true }).inputValue()).toBe("P1");
    await first.getByText("No excess reductions have been issued for this period.").waitFor();
    // Before every year of the period is verified, the refusal names the rule.
    await first.getByLabel("Installation", { exact: true }).selectOption(INST3);
    await first.getByRole("button", { name: "Issue", exact: true }).click();
    await first.getByRole("alert").getByText("Refused by rule 9316: Excess reductions are issued only once the emissions of every year of the period are verified; an estimate does not count.").waitFor();
    await first.getByLabel("Installation", { exact: true }).selectOption(INST);
    await first.getByRole("button", { name: "Issue", exact: true }).click();
    const notice = first.getByRole("status").filter({ hasText: "awaits a second national administrator's approval" });
    await notice.waitFor();
    expect(await notice.innerText()).toContain(`The issuance ${ISSUANCE} of 6,000 TOKYO-ER-P1 awaits`);
    expect(await notice.getByRole("link", { name: "approvals page" }).getAttribute("href")).toBe("/registry/approvals");
    const pending = first.getByRole("table", { name: "Issuances of P1 awaiting approval or completion" }).getByRole("row").filter({ hasText: INST });
    await pending.waitFor();
    expect(await pending.innerText()).toMatch(/6,000\s+ex-post\.P1\.JP-INST-001\.issue\s+Awaiting a second approval\s+Approve on the approvals page/);
    // The second building (35,000 t against 46,000): 11,000 credits, also waiting.
    await first.getByLabel("Installation", { exact: true }).selectOption(INST2);
    await first.getByRole("button", { name: "Issue", exact: true }).click();
    await first.getByRole("status").filter({ hasText: `The issuance ${ISSUANCE2} of 11,000 TOKYO-ER-P1 awaits` }).waitFor();
    await first.getByLabel("Installation", { exact: true }).selectOption(INST);
    expect(await axeViolations(first)).toEqual([]);
    await screenshot(first, "en-compliance-ex-post-awaiting");
  }, 120_000);

  it("a second administrator approves it; the same command then completes it, and the list shows the credits issued", async () => {
    const second = await newPage(browser);
    await signIn(second, server, "demo-admin-2");
    await second.getByRole("link", { name: "Approvals", exact: true }).click();
    for (const id of [ISSUANCE, ISSUANCE2]) {
      await second.getByRole("button", { name: `Approve: ${id}` }).click();
      await second.getByRole("status").filter({ hasText: "Approved." }).waitFor();
      await second.getByRole("button", { name: `Approve: ${id}` }).waitFor({ state: "detached" });
    }
    await openPage(second);
    const inProgress = second.getByRole("table", { name: "Issuances of P1 awaiting approval or completion" });
    expect(await inProgress.getByRole("row").filter({ hasText: INST }).first().innerText()).toMatch(/^JP-INST-001\s+6,000\s+\S+\s+Approved, not yet completed\s+Complete the issuance/);
    // The approver completes the second building's issuance from the list (any national administrator may).
    await second.getByRole("button", { name: `Complete the issuance: ${INST2}` }).click();
    const row2 = second.getByRole("table", { name: "Excess reductions issued for P1" }).getByRole("row").filter({ hasText: INST2 });
    await row2.waitFor();
    expect(await row2.innerText()).toMatch(/JP-INST-002\s+JP-200-0002\s+35,000\s+46,000\s+11,000\s+None\s+11,000 TOKYO-ER-P1\s+ex-post\.P1\.JP-INST-002\s+Issued/);
    await second.context().close();

    // The first administrator issues again: the command kept its id, so it completes the issuance.
    await first.getByRole("button", { name: "Issue", exact: true }).click();
    await first.getByRole("status").filter({ hasText: "6,000 TOKYO-ER-P1 are issued to JP-200-0001." }).waitFor();
    const row = first.getByRole("table", { name: "Excess reductions issued for P1" }).getByRole("row").filter({ hasText: INST });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/JP-INST-001\s+JP-200-0001\s+40,000\s+46,000\s+6,000\s+None\s+6,000 TOKYO-ER-P1\s+ex-post\.P1\.JP-INST-001\s+Issued/);
    expect(await first.getByRole("table", { name: "Issuances of P1 awaiting approval or completion" }).count()).toBe(0);
    expect(await axeViolations(first)).toEqual([]);
    await screenshot(first, "en-compliance-ex-post");
  }, 120_000);

  it("issuing once more is refused, naming the rule; in Japanese, nothing is left in English", async () => {
    await first.getByRole("button", { name: "Issue", exact: true }).click();
    await first.getByRole("alert").getByText("Refused by rule 9318: Excess reductions are issued once per installation and compliance period.").waitFor();
    await screenshot(first, "en-compliance-ex-post-refused");
    await first.getByRole("button", { name: "日本語" }).click();
    await first.getByRole("heading", { level: 1, name: "超過削減量の発行" }).waitFor();
    const row = first.getByRole("table", { name: "P1に発行された超過削減量" }).getByRole("row").filter({ hasText: INST });
    expect(await row.innerText()).toMatch(/40,000\s+46,000\s+6,000\s+なし\s+6,000 TOKYO-ER-P1\s+ex-post\.P1\.JP-INST-001\s+発行済み/);
    await first.getByRole("alert").getByText("ルール 9318 により拒否されました：超過削減量の発行は施設と遵守期間ごとに一度だけであること。").waitFor();
    expect(await wrongLanguage(first, "ja")).toEqual([]);
    expect(await axeViolations(first)).toEqual([]);
    await screenshot(first, "ja-compliance-ex-post");
    await first.context().close();
  }, 120_000);

  it("the operator's representative reads the issuance, without the form", async () => {
    const page = await newPage(browser);
    await signIn(page, server, "demo-rep-a");
    await openPage(page);
    const row = page.getByRole("table", { name: "Excess reductions issued for P1" }).getByRole("row").filter({ hasText: INST });
    expect(await row.innerText()).toMatch(/6,000 TOKYO-ER-P1/);
    expect(await page.getByRole("button", { name: "Issue", exact: true }).count()).toBe(0);
    expect(await page.getByRole("heading", { name: "Issuances in progress" }).count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();
  }, 120_000);
});
