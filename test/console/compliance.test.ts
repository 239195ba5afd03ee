// Goal: a GX-ETS compliance year works in a real browser against the real server (demo store,
// Chromium). The demo server runs on a clock of its own (OPENETS_DEMO_START): in May 2027, after
// FY2026 ended and before its surrender deadline (31 January 2028), the operator's representative
// submits the FY2026 emission report from activity data and sees the emissions computed line by
// line, and appoints the verifier; the verifier sees its accreditation, is refused while the
// authority has it suspended (the rule named), then gives a positive opinion, which locks the
// verified emissions; the representative surrenders (a J-Credit quantity past the 10% limit is
// refused, shown as the rule it broke), a second representative approves, and the status is
// "open" until the deadline. The server then starts again on the same store in February
// 2028: the status page shows the installation compliant, the administrator closes the period, and
// the pages read in Japanese throughout (a refusal too). axe-core's WCAG 2.1 A/AA checks on each.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiAs, axeViolations, ensureBuilt, launch, newPage, type Server, screenshot, signIn, startServer, wrongLanguage, settled, closeAll } from "./support.ts";

let server: Server;
let browser: Browser;
let dir = "";
const INST = "JP-INST-001";
const BEFORE_DEADLINE = "2027-05-10T09:00:00+09:00";
const AFTER_DEADLINE = "2028-02-01T09:00:00+09:00";

const as = (user: string) => apiAs(server, user);

const start = (at: string) => startServer({ DATABASE_URL: join(dir, "data"), OPENETS_DEMO_START: at });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "openets-compliance-console-"));
  await ensureBuilt();
  [server, browser] = await Promise.all([start(BEFORE_DEADLINE), launch()]);
  // What the ministry, the authority and the plan's author did before the report (through the API).
  const admin = await as("demo-admin");
  expect((await admin("POST", "/v1/compliance/installations", { commandId: "reg-1", installation: INST, accountId: "JP-200-0001", tags: ["steel"] })).status).toBe(201);
  const jcr = await admin("POST", "/v1/administrative-transactions", { commandId: "jcr-1", kind: "correction", legs: [{ classCode: "JCR-2025", from: "JP-130-0001", to: "JP-200-0001", quantity: "30000" }] });
  expect(jcr.status).toBe(201);
  expect((await (await as("demo-admin-2"))("POST", `/v1/transactions/${jcr.body.id}/approve`, {})).body.status).toBe("completed");
  const auditor = await as("demo-auditor");
  expect((await auditor("POST", "/v1/compliance/accreditations", { commandId: "acc-1", verifier: "demo-verifier", accreditationId: "JAB-0101", body: "JAB", standard: "ISO 14065", scopes: ["*"], validFrom: "2026-01-01", expires: "2029-12-31" })).status).toBe(201);
  const plan = { validFrom: 2026, sources: [{ id: "sinter", kind: "process", unit: "t", emissionFactor: { value: "0.5" } }, { id: "boiler", kind: "combustion", unit: "TJ", emissionFactor: { value: "94.6" } }] };
  expect((await (await as("demo-rep-a"))("POST", `/v1/compliance/installations/${INST}/plans`, { commandId: "plan-1", plan })).status).toBe(201);
}, 240_000);
afterAll(() => closeAll({ browser, server, dir }));

describe("the compliance pages in a browser", () => {
  it("the operator's representative submits the FY2026 report and sees its emissions line by line", async () => {
    const page = await newPage(browser);
    await signIn(page, server, "demo-rep-a");
    await page.getByRole("link", { name: "Emission reports" }).click();
    await page.getByRole("heading", { level: 1, name: "Emission reports" }).waitFor();
    await page.getByLabel("Reporting year").fill("2026");
    await page.getByRole("table", { name: "Source streams of the plan" }).getByText("sinter").waitFor();
    await page.getByLabel("Activity of sinter (t)").fill("180000");
    await page.getByLabel("Activity of boiler (TJ)").fill("1000");
    await page.getByRole("button", { name: "Submit the report" }).click();
    await page.getByRole("status").filter({ hasText: "Version 1 is submitted: 184,600 t CO2e." }).waitFor();
    const lines = page.getByRole("table", { name: "Emissions computed from the activity data" });
    expect(await lines.getByRole("row").filter({ hasText: "sinter" }).innerText()).toMatch(/Process\s+CO2\s+180,000 t\s+90,000/);
    expect(await lines.getByRole("row").filter({ hasText: "boiler" }).innerText()).toMatch(/Combustion\s+CO2\s+1,000 TJ\s+94,600/);
    await page.getByRole("table", { name: "Report versions, by year" }).getByText("Awaiting verification").waitFor();
    await page.getByLabel("Verifier (user id)").fill("demo-verifier");
    await page.getByRole("button", { name: "Appoint" }).click();
    await page.getByRole("status").filter({ hasText: "demo-verifier is appointed." }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "en-compliance-report");
    await page.context().close();
  }, 120_000);

  it("the verifier is refused while its accreditation is suspended, then gives a positive opinion, which locks the emissions", async () => {
    // The authority suspends the accreditation: the opinion is refused, and the refusal names the rule.
    const auditor = await as("demo-auditor");
    const accreditation = { verifier: "demo-verifier", accreditationId: "JAB-0101", body: "JAB", standard: "ISO 14065", scopes: ["*"], validFrom: "2026-01-01", expires: "2029-12-31" };
    expect((await auditor("POST", "/v1/compliance/accreditations", { commandId: "acc-suspend", ...accreditation, status: "suspended" })).status).toBe(201);
    const page = await newPage(browser);
    await signIn(page, server, "demo-verifier");
    await page.getByRole("link", { name: "Verification" }).click();
    const acc = page.getByRole("table", { name: "Accreditations on record" });
    expect(await acc.getByRole("row").filter({ hasText: "JAB-0101" }).innerText()).toMatch(/JAB \/ ISO 14065\s+All sectors\s+Jan 1, 2026\s+Dec 31, 2029\s+Suspended/);
    await page.getByRole("button", { name: "Review JP-INST-001 FY2026" }).click();
    await page.getByRole("table", { name: "Emissions of version 1" }).getByText("94,600").waitFor();
    await page.getByLabel("Verification opinion").selectOption("positive");
    await page.getByLabel("Uncorrected misstatements (t CO2e)").fill("0");
    await page.getByRole("button", { name: "Give the opinion" }).click();
    await page.getByRole("alert").getByText("Refused by rule 9102: The accreditation is valid on the day of the opinion: started, not expired, not suspended or withdrawn.").waitFor();
    await screenshot(page, "en-compliance-verification-refused");

    // Reinstated, the same opinion is recorded and locks the emissions.
    expect((await auditor("POST", "/v1/compliance/accreditations", { commandId: "acc-reinstate", ...accreditation, status: "active" })).status).toBe(201);
    await page.reload();
    await acc.getByRole("row").filter({ hasText: "Active" }).waitFor();
    await page.getByRole("button", { name: "Review JP-INST-001 FY2026" }).click();
    await page.getByLabel("Verification opinion").selectOption("positive");
    await page.getByLabel("Uncorrected misstatements (t CO2e)").fill("0");
    await page.getByRole("button", { name: "Give the opinion" }).click();
    await page.getByRole("status").filter({ hasText: "Opinion recorded (Positive): 184,600 t CO2e are locked as verified emissions." }).waitFor();
    expect(await page.getByRole("status").filter({ hasText: "Opinion recorded" }).innerText()).toMatch(/materiality level 5%/);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "en-compliance-verification");
    await page.context().close();
  }, 120_000);

  it("a surrender past the J-Credit limit is refused readably; one within it is approved; the period is open until its deadline", async () => {
    const a = await newPage(browser);
    await signIn(a, server, "demo-rep-a");
    await a.getByRole("link", { name: "Surrender" }).click();
    await a.getByLabel("Compliance period", { exact: true }).fill("2026");
    const facts = a.locator("main dl.facts");
    await expect.poll(() => facts.innerText()).toMatch(/Obligation \(units\)\s+184,600/);
    const holdings = a.getByRole("table", { name: "Unit classes of the installation's account" });
    expect(await holdings.getByRole("row").filter({ hasText: "JCR-2025" }).innerText()).toMatch(/J-Credit.*30,000\s+Credit \(limited\)\s+1:1\s+18,460/s);
    expect(await holdings.getByRole("row").filter({ hasText: "JPA-2026" }).innerText()).toMatch(/Allowance of the period\s+1:1\s+No limit/);
    await a.getByLabel("Unit class", { exact: true }).selectOption("JCR-2025");
    await a.getByLabel("Quantity (whole units)").fill("24600");
    await a.getByRole("button", { name: "Surrender", exact: true }).click();
    const refusal = a.getByRole("alert");
    await refusal.getByText("Refused by rule 9205: Credits of a limited type cover at most the rulebook's share of the obligation.").waitFor();
    expect(await refusal.innerText()).not.toMatch(/[{}]|credit-limit-obligation/);
    await screenshot(a, "en-compliance-surrender-refused");

    await a.getByLabel("Unit class", { exact: true }).selectOption("JPA-2026");
    await a.getByLabel("Quantity (whole units)").fill("184600");
    await a.getByRole("button", { name: "Surrender", exact: true }).click();
    const proposed = a.getByRole("status").filter({ hasText: "awaits a second representative's approval" });
    await proposed.waitFor();
    const id = /Surrender (\S+) is proposed/.exec(await proposed.innerText())?.[1];
    expect(id).toMatch(/^TX-/);
    expect(await axeViolations(a)).toEqual([]);
    await screenshot(a, "en-compliance-surrender");

    const b = await newPage(browser);
    await signIn(b, server, "demo-rep-b");
    await b.getByRole("link", { name: "Approvals" }).click();
    await b.getByRole("button", { name: `Approve: ${id}` }).click();
    await b.getByRole("status").filter({ hasText: "Approved." }).waitFor();
    await b.getByRole("link", { name: "Status and penalties" }).click();
    await b.getByLabel("Compliance period", { exact: true }).fill("2026");
    const row = b.getByRole("table", { name: "Installations in FY2026" }).getByRole("row").filter({ hasText: INST });
    await expect.poll(() => row.innerText()).toMatch(/Open\s+184,600\s+184,600\s+184,600\s+0\s+No/);
    await b.context().close();
    await a.context().close();
  }, 150_000);

  it("after the deadline the status page shows compliant; the administrator closes the period; the pages read in Japanese", async () => {
    await server.stop();
    server = await start(AFTER_DEADLINE);
    const admin = await newPage(browser);
    await signIn(admin, server, "demo-admin");
    await admin.getByRole("link", { name: "Status and penalties" }).click();
    await admin.getByLabel("Compliance period", { exact: true }).fill("2026");
    const row = admin.getByRole("table", { name: "Installations in FY2026" }).getByRole("row").filter({ hasText: INST });
    await expect.poll(() => row.innerText()).toMatch(/Compliant\s+184,600\s+184,600\s+184,600\s+0\s+No/);
    await admin.getByText("This period is not closed yet.").waitFor();
    admin.on("dialog", (d) => void d.accept());
    await admin.getByRole("button", { name: "Close FY2026" }).click();
    const results = admin.getByRole("table", { name: "Results and penalties of FY2026" });
    expect(await results.getByRole("row").filter({ hasText: INST }).innerText()).toMatch(/Compliant\s+0\s+¥0\s+0/);
    expect(await admin.locator("main dl.facts").last().innerText()).toMatch(/Closed by\s+demo-admin/);
    // GX-ETS issues nothing ex post (/v1/public/scheme features): the console does not offer Tokyo's page
    // (test/console/ex-post.test.ts follows the same link on a Tokyo server).
    const nav = admin.locator("nav");
    await nav.getByRole("link", { name: "Status and penalties", exact: true }).waitFor();
    expect(await nav.getByRole("link", { name: "Excess reductions", exact: true }).count()).toBe(0);
    expect(await axeViolations(admin)).toEqual([]);
    await screenshot(admin, "en-compliance-status");

    // The switch: the same page in Japanese, with nothing of English outside data.
    await admin.getByRole("button", { name: "日本語" }).click();
    await admin.getByRole("heading", { level: 1, name: "遵守状況と負担金" }).waitFor();
    await admin.getByRole("table", { name: "2026年度の結果と負担金" }).getByText("遵守", { exact: true }).waitFor();
    expect(await admin.getByRole("table", { name: "2026年度の施設" }).getByRole("row").filter({ hasText: INST }).innerText()).toMatch(/遵守\s+184,600/);
    expect(await wrongLanguage(admin, "ja")).toEqual([]);
    expect(await axeViolations(admin)).toEqual([]);
    await screenshot(admin, "ja-compliance-status");
    await admin.context().close();

    // The representative's pages in Japanese; a surrender for the closed period is refused in Japanese.
    const rep = await newPage(browser, "ja-JP");
    await signIn(rep, server, "demo-rep-a");
    await rep.goto(`${server.url}/compliance/reports`);
    await settled(rep);
    await rep.getByLabel("報告年度").fill("2026");
    await rep.getByRole("table", { name: "年度ごとの報告の版" }).getByText("適正").waitFor();
    expect(await wrongLanguage(rep, "ja")).toEqual([]);
    await screenshot(rep, "ja-compliance-report");
    await rep.goto(`${server.url}/compliance/surrender`);
    await settled(rep);
    await rep.getByLabel("遵守期間", { exact: true }).fill("2026");
    await expect.poll(() => rep.locator("main dl.facts").innerText()).toMatch(/義務量（ユニット）\s+184,600/);
    await rep.getByLabel("ユニットのクラス", { exact: true }).selectOption("JPA-2026");
    await rep.getByLabel("数量（整数）").fill("1");
    await rep.getByRole("button", { name: "償却する", exact: true }).click();
    await rep.getByRole("alert").getByText("ルール 9216 により拒否されました：締め切られた遵守期間について、償却も取消による戻しもできないこと。").waitFor();
    expect(await wrongLanguage(rep, "ja")).toEqual([]);
    expect(await axeViolations(rep)).toEqual([]);
    await screenshot(rep, "ja-compliance-surrender-refused");
    await rep.context().close();

    const ver = await newPage(browser, "ja-JP");
    await signIn(ver, server, "demo-verifier");
    await ver.goto(`${server.url}/compliance/verification`);
    await settled(ver);
    await ver.getByRole("table", { name: "記録された認定" }).getByText("全業種").waitFor();
    expect(await wrongLanguage(ver, "ja")).toEqual([]);
    await screenshot(ver, "ja-compliance-verification");
    await ver.context().close();
  }, 240_000);
});
