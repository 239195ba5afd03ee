// Goal: the international units page works in a real browser: the classes show every credit
// attribute they were defined with and the quantity issued; an administrator or the authority
// sees the Article 6.2 book (the authorization at its version, first transfers, adjustments per
// year), its authorizations a page of 50 at a time ("Show more" brings the rest); a representative sees the classes but not the book; the account holding ITMOs shows
// their credit attributes beside the quantities; in English and Japanese; and the
// page passes axe-core's WCAG 2.1 A/AA checks. The data is made through the public API.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { axeViolations, ensureBuilt, launch, newPage, type Server, signIn, startServer } from "./support.ts";

let server: Server;
let browser: Browser;

async function session(user: string): Promise<(method: string, path: string, body?: unknown) => Promise<{ status: number; body: Record<string, any> }>> {
  const sign = await fetch(`${server.url}/v1/auth/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId: user, password: `${user}-password` }) });
  const s = (await sign.json()) as { csrfToken: string };
  const cookie = (sign.headers.get("set-cookie") ?? "").split(";")[0] as string;
  return async (method, path, body) => {
    const r = await fetch(`${server.url}${path}`, { method, headers: { "content-type": "application/json", cookie, "x-csrf-token": s.csrfToken }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: r.status, body: (await r.json()) as Record<string, any> };
  };
}

beforeAll(async () => {
  await ensureBuilt();
  [server, browser] = await Promise.all([startServer(), launch()]);
  const admin = await session("demo-admin");
  const admin2 = await session("demo-admin-2");
  const rules = {
    domesticUse: [],
    article6: {
      party: "THA", registryId: "THA01", ndc: { kind: "single-year", period: { from: 2021, to: 2030 }, targetYear: 2030, method: "averaging" },
      authorization: { revocation: { allowed: true, withinDays: 30 }, oimpFirstTransfer: ["authorization"] }, adjustments: { firstTransferYear: "vintage", averagingRounding: "halfEven" }, use: { vintageInNdcPeriod: true },
    },
  };
  expect((await admin("PUT", "/v1/international/configuration", rules)).status).toBe(201);
  const cls = await admin("POST", "/v1/international/classes", { commandId: "c-itmo", attributes: { mechanism: "A6.2", unitType: "ITMO", creditKind: "reduction", host: "THA", vintage: 2022, cooperativeApproach: "CA0001", gwp: "AR5", project: "BKK-EBUS", labels: ["CCP"] } });
  expect(cls.status).toBe(201);
  expect((await admin("POST", "/v1/accounts", { commandId: "open-th", accountId: "TH-100-0001", type: "party_holding", holder: "Thailand", name: "Thailand" })).status).toBe(201);
  const loa = await admin("POST", "/v1/international/authorizations", {
    commandId: "TH-LOA-BKK-EBUS", cooperativeApproach: "CA0001", purposes: "NDC", authorizedParties: ["CHE"], quantity: "500000", gwp: "AR5", sectors: ["Transport"], activityTypes: ["Electric buses"], terms: "For Switzerland's NDC.",
  });
  expect(loa.status).toBe(201);
  const iss = await admin("POST", "/v1/international/issuances", { commandId: "TH-ISS-1", classCode: cls.body.code, account: "TH-100-0001", quantity: "1916", authorization: "TH-LOA-BKK-EBUS", sector: "Transport", activityType: "Electric buses" });
  expect(iss.status).toBe(201);
  if (iss.body.status === "awaiting_approval") expect((await admin2("POST", "/v1/transactions/TH-ISS-1/approve")).body.status).toBe("completed");
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("international units in a browser", () => {
  it("shows the classes with their attributes and, to the authority, the Article 6.2 book", async () => {
    const page = await newPage(browser);
    await signIn(page, server, "demo-auditor");
    await page.getByRole("link", { name: "International units" }).click();
    await page.getByRole("heading", { level: 1, name: "International units" }).waitFor();
    const classes = page.getByRole("table", { name: "Classes and their attributes" });
    await classes.waitFor();
    const row = classes.getByRole("row").nth(1);
    expect(await row.getByRole("cell").allInnerTexts()).toEqual([expect.stringMatching(/^A6\.2-ITMO-THA-2022-BKK-EBUS-/), "A6.2", "ITMO", "THA", "2022", "CA0001", "CCP", "1,916"]);
    const auth = page.getByRole("table", { name: "Authorizations" });
    // the book's lists load on their own (paged routes): wait for the row before reading it
    await auth.getByRole("cell", { name: "TH-LOA-BKK-EBUS" }).waitFor();
    expect(await auth.getByRole("row").nth(1).getByRole("cell").allInnerTexts()).toEqual(["TH-LOA-BKK-EBUS", "1", "NDC", "CHE", "500,000", "1,916"]);
    await page.getByRole("heading", { name: "Article 6.2 book of THA" }).waitFor();
    expect(await page.getByRole("table", { name: "Corresponding adjustments per year" }).innerText()).toContain("None.");
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  }, 90_000);

  it("pages the book's authorizations: the first 50, then the rest after \"Show more\"", async () => {
    const admin = await session("demo-admin");
    // 59 more make 60: more than one page of the console's 50
    for (let i = 2; i <= 60; i++) {
      const r = await admin("POST", "/v1/international/authorizations", {
        commandId: `TH-LOA-${String(i).padStart(3, "0")}`, cooperativeApproach: "CA0001", purposes: "NDC", authorizedParties: ["CHE"], quantity: "1000", gwp: "AR5", sectors: ["Transport"], activityTypes: ["Electric buses"], terms: "For Switzerland's NDC.",
      });
      expect(r.status).toBe(201);
    }
    const page = await newPage(browser);
    await signIn(page, server, "demo-auditor");
    await page.goto(`${server.url}/international`);
    const auth = page.getByRole("table", { name: "Authorizations" });
    await auth.getByRole("row").nth(50).waitFor();
    const ids = async () => (await auth.getByRole("row").allInnerTexts()).slice(1).map((r) => r.split("\t")[0]);
    expect(await ids()).toHaveLength(50);
    await page.getByRole("button", { name: "Show more" }).first().click();
    await auth.getByRole("row").nth(60).waitFor();
    expect(await ids()).toEqual(["TH-LOA-BKK-EBUS", ...Array.from({ length: 59 }, (_, k) => `TH-LOA-${String(k + 2).padStart(3, "0")}`)]);
    // the last page reached: no button under the authorizations any more (the first transfers fit on one page)
    expect(await page.getByRole("button", { name: "Show more" }).count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  }, 120_000);

  it("shows the credit attributes of the ITMOs an account holds, beside the quantities", async () => {
    const page = await newPage(browser);
    await signIn(page, server, "demo-auditor");
    await page.goto(`${server.url}/registry/accounts/TH-100-0001`);
    const holdings = page.getByRole("table", { name: "Units held, per unit class" });
    await holdings.waitFor();
    expect(await holdings.getByRole("columnheader").last().innerText()).toBe("Credit attributes");
    const cells = await holdings.getByRole("row").nth(1).getByRole("cell").allInnerTexts();
    expect(cells[0]).toMatch(/^A6\.2-ITMO-THA-2022-BKK-EBUS-/);
    expect(cells[2]).toBe("1,916");
    expect(cells.at(-1)).toBe("mechanism A6.2, unitType ITMO, creditKind reduction, host THA, vintage 2022, project BKK-EBUS, cooperativeApproach CA0001, labels CCP, gwp AR5");
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  }, 90_000);

  it("shows a representative the classes but not the book, and speaks Japanese", async () => {
    const page = await newPage(browser, "ja-JP");
    await signIn(page, server, "demo-rep-a");
    await page.goto(`${server.url}/international`);
    await page.getByRole("heading", { level: 1, name: "国際クレジット" }).waitFor();
    await page.getByRole("table", { name: "クラスと属性" }).waitFor();
    expect(await page.getByRole("table", { name: "承認" }).count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  }, 90_000);
});
