// Goal: the registry works in a real browser against the real server (demo store, Chromium):
// a user whose role needs a second factor signs in with the code of an authenticator (enrolled
// through the API, the code computed here as an app would), and a wrong code reads as a sentence,
// not JSON; a transfer initiated by one representative is approved by another, then waits in its
// delay with a countdown, and its initiator cancels it; the account page shows holdings with their
// serial blocks and the trusted list with activation dates; a public page needs no sign-in; and
// the pages pass axe-core's WCAG 2.1 A/AA checks.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { base32Decode, totp } from "../../src/auth/totp.ts";
import { axeViolations, ensureBuilt, launch, newPage, type Server, screenshot, signIn, startServer } from "./support.ts";

// The page's document, for the functions page.evaluate runs there (no DOM library in the project's types).
// biome-ignore lint/suspicious/noExplicitAny: a browser global seen from Node
declare const document: any;

let server: Server;
let browser: Browser;

beforeAll(async () => {
  await ensureBuilt();
  [server, browser] = await Promise.all([startServer(), launch()]);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** A national administrator created through the API by the demo administrator: the rulebook makes the role need a second factor. */
async function enrolledAdmin(): Promise<{ userId: string; password: string; secret: string }> {
  const sign = await fetch(`${server.url}/v1/auth/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId: "demo-admin", password: "demo-admin-password" }) });
  const s = (await sign.json()) as { csrfToken: string };
  const cookie = (sign.headers.get("set-cookie") ?? "").split(";")[0] as string;
  const created = await fetch(`${server.url}/v1/users`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie, "x-csrf-token": s.csrfToken },
    body: JSON.stringify({ userId: "registrar-2", displayName: "Second registrar", password: "a-long-registrar-password", roles: ["national-admin"] }),
  });
  expect(created.status).toBe(201);
  const body = (await created.json()) as { totp: { secret: string } | null };
  if (!body.totp) throw new Error("no enrolment returned");
  return { userId: "registrar-2", password: "a-long-registrar-password", secret: body.totp.secret };
}

describe("the registry in a browser", () => {
  it("signs in with the second factor; a wrong code is a readable refusal", async () => {
    const who = await enrolledAdmin();
    const page = await newPage(browser);
    await page.goto(`${server.url}/sign-in`);
    await page.getByLabel("User id").fill(who.userId);
    await page.getByLabel("Password").fill(who.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    const code = page.getByLabel("6-digit code");
    await code.waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await code.fill("000000");
    await page.getByRole("button", { name: "Confirm" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/^Refused by rule 8104: The one-time code must be the current code/);
    expect(await page.locator("main").innerText()).not.toMatch(/[{}]|"check"|totp-invalid/);
    // A failed attempt makes the next one wait a second (sign-in back-off).
    await page.waitForTimeout(1500);
    await code.fill(totp(base32Decode(who.secret), new Date()));
    await page.getByRole("button", { name: "Confirm" }).click();
    await page.getByText(`Signed in as ${who.userId}`).waitFor();
    await page.getByRole("heading", { level: 1, name: "Scheme dashboard" }).waitFor();
    await screenshot(page, "en-signed-in-with-second-factor");
    await page.context().close();
  }, 60_000);

  it("a transfer initiated by one representative is approved by another, waits in its delay, and is cancelled by its initiator", async () => {
    const a = await newPage(browser);
    await signIn(a, server, "demo-rep-a");
    await a.getByRole("link", { name: "New transfer" }).click();
    await a.getByLabel("From account").selectOption("JP-200-0001");
    await a.getByLabel("To account (id)").fill("JP-200-0007");
    await a.getByLabel("Quantity (whole units)").fill("1000");
    await a.getByLabel("Note (optional)").fill("browser test");
    await a.getByRole("button", { name: "Initiate the transfer" }).click();
    const done = a.getByRole("status").filter({ hasText: "initiated" });
    await done.waitFor();
    const id = /Transfer (\S+) initiated\. Status: Awaiting approval\./.exec(await done.innerText())?.[1];
    expect(id).toBeDefined();
    expect(await axeViolations(a)).toEqual([]);

    const b = await newPage(browser);
    await signIn(b, server, "demo-rep-b");
    await b.getByRole("link", { name: "Approvals" }).click();
    await b.getByRole("button", { name: `Approve: ${id}` }).click();
    await b.getByRole("status").filter({ hasText: "Approved." }).waitFor();
    expect(await axeViolations(b)).toEqual([]);

    // The initiator sees it delayed (JP-200-0007 is not on the trusted list), with a countdown, and cancels it.
    await a.goto(`${a.url().replace(/\/registry.*$/, "")}/registry/transactions/${id}`);
    await a.getByRole("heading", { name: "Delayed: completes when the delay ends" }).waitFor();
    const first = await a.getByTestId("countdown").innerText();
    expect(first).toMatch(/^[01] d \d{2} h \d{2} min \d{2} s$/);
    await a.waitForTimeout(1200);
    expect(await a.getByTestId("countdown").innerText()).not.toBe(first);
    const checks = a.getByRole("table", { name: "Rules checked" });
    expect(await checks.getByRole("row").filter({ hasText: "8004" }).innerText()).toMatch(/Four eyes.*Passed/);
    expect(await checks.getByRole("row").filter({ hasText: "6007" }).innerText()).toMatch(/Not yet checked/);
    expect(await axeViolations(a)).toEqual([]);
    await screenshot(a, "en-transaction-delayed");
    a.once("dialog", (d) => void d.accept());
    await a.getByRole("button", { name: "Cancel the transfer" }).click();
    await a.getByRole("status").filter({ hasText: "Cancelled." }).waitFor();
    await a.getByText("Cancelled by demo-rep-a on").waitFor();
    const api = await a.request.get(`${a.url().replace(/\/registry.*$/, "")}/v1/transactions/${id}`);
    expect(((await api.json()) as { status: string }).status).toBe("cancelled");
    await a.context().close();
    await b.context().close();
  }, 90_000);

  it("an account shows its holdings with serial blocks and its trusted list with activation dates", async () => {
    const page = await newPage(browser);
    await signIn(page, server, "demo-rep-a");
    await page.goto(`${server.url}/registry/accounts/JP-200-0001`);
    const holdings = page.getByRole("table", { name: "Units held, per unit class" });
    await holdings.waitFor();
    expect(await holdings.innerText()).toMatch(/JPA-\d{4}\s+Allowance\s+[\d,]+\s+\d+/);
    await page.getByText(/^Show the \d+ serial blocks of JPA-\d{4}$/).click();
    const blocks = page.getByRole("table", { name: /^Serial blocks of JPA-\d{4}$/ });
    expect(await blocks.getByRole("row").count()).toBeGreaterThan(1);
    const trusted = page.getByRole("table", { name: "Trusted accounts and when each becomes active" });
    expect(await trusted.innerText()).toMatch(/JP-200-0002\s+Active\s+\w{3} \d{1,2}, \d{4}, \d{2}:\d{2}/);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "en-account");
    await page.context().close();
  }, 60_000);

  it("works from the keyboard: the skip link comes first, links and the language switch answer Enter", async () => {
    const page = await newPage(browser);
    await page.goto(`${server.url}/`);
    await page.getByTestId("dashboard-figures").waitFor();
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to the content");
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("main");
    // Tab forward to the "Transaction log" link and follow it with Enter.
    await page.getByRole("link", { name: "Transaction log" }).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { level: 1, name: "Public transaction log" }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe("H1");
    await page.getByRole("button", { name: "日本語" }).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { level: 1, name: "取引記録（公開）" }).waitFor();
    await page.context().close();
  }, 60_000);

  it("a public page needs no sign-in", async () => {
    const page = await newPage(browser);
    await page.goto(`${server.url}/public/transactions`);
    const table = page.getByRole("table", { name: "Completed transactions" });
    await table.waitFor();
    await page.getByRole("cell", { name: "demo-iss-1" }).first().waitFor();
    await page.getByRole("link", { name: "Sign in" }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.goto(`${server.url}/`);
    await page.getByTestId("dashboard-figures").waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();
  }, 60_000);
});
