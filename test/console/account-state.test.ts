// Goal: an administrator puts an account in a graded state from its page in a real browser (demo
// store, Chromium): without a reason the API's refusal reads as a sentence; with one, the account
// shows the new state and the reason; the page passes axe-core's WCAG 2.1 A/AA checks.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { opAccount } from "../../src/http/demo.ts";
import { axeViolations, ensureBuilt, launch, newPage, type Server, signIn, startServer } from "./support.ts";

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

describe("an account's graded state in the console", () => {
  it("an administrator restricts an account with a reason, which the account then shows", async () => {
    const id = opAccount(5);
    const page = await newPage(browser);
    await signIn(page, server, "demo-admin");
    await page.goto(`${server.url}/registry/accounts/${id}`);
    await page.getByRole("heading", { name: "Change the account's state" }).waitFor();
    await page.getByLabel("New state").selectOption("restricted");
    await page.getByRole("button", { name: "Change the state" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.innerText()).toBe("The request is not valid: reason.");
    await page.getByLabel("Reason", { exact: true }).fill("permit under review");
    await page.getByRole("button", { name: "Change the state" }).click();
    await page.getByText("The account is now Some transactions restricted.").waitFor();
    await page.getByText("permit under review").waitFor();
    expect(await page.locator(".badge-restricted").first().innerText()).toBe("Some transactions restricted");
    expect(await axeViolations(page)).toEqual([]);
    const api = await page.request.get(`${server.url}/v1/accounts/${id}`);
    expect(await api.json()).toMatchObject({ status: "restricted", statusReason: "permit under review" });
    await page.context().close();
  }, 120_000);
});
