// Goal: transfers between linked registries work in a real browser against the real server (demo
// store, Chromium). The demo registry is given a link identity and a link JPN-CHE to a peer that
// never answers (a closed port), approved by a second administrator; the demo rulebook runs with no
// transfer delay so that an approved escrow leaves at once. A representative sends 1,000 units from
// the console: the escrow awaits the second representative, and looking the transfer up says it has
// not been sent (10763); once the second representative approves, the registry proposes it, the peer
// does not answer, and the lookup shows it in escrow, in flight, with its attempts and the last
// error. A malformed link id is refused naming the field and sends nothing. Administrators and the
// authority see the link and the transfer in the lists (no send form for the authority); the page
// reads in Japanese. axe-core's WCAG 2.1 A/AA checks on each.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newKeyPair } from "../../src/registry/international/links/crypto.ts";
import { apiAs, axeViolations, closeAll, ensureBuilt, launch, newPage, ROOT, type Server, screenshot, signIn, startServer, wrongLanguage } from "./support.ts";

let server: Server;
let browser: Browser;
let dir = "";
const LINK = "JPN-CHE";
const FROM = "JP-200-0001";
let cls = "";

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "openets-links-console-"));
  // The demo's preset, with no delay on transfers outside the trusted list (so an approved escrow completes at once).
  const preset = readFileSync(join(ROOT, "presets/japan-gx-ets.yaml"), "utf8");
  expect(preset).toMatch(/\nsecurity:\n/);
  const rulebook = join(dir, "gx-no-delay.yaml");
  writeFileSync(rulebook, preset.replace("\nsecurity:\n", "\nsecurity:\n  transferDelayHours: 0\n"));
  await ensureBuilt();
  [server, browser] = await Promise.all([
    startServer({ DATABASE_URL: join(dir, "data"), OPENETS_RULEBOOK: rulebook, OPENETS_LINK_RECOVERY_SECONDS: "1" }),
    launch(),
  ]);
  const admin = await apiAs(server, "demo-admin");
  expect((await admin("POST", "/v1/links/identity", { registryId: "JPN01" })).status).toBe(201);
  const change = await admin("POST", "/v1/links", { commandId: "link-1", linkId: LINK, peerUrl: "http://127.0.0.1:9", peerRegistry: "CHE01", peerPublicKey: newKeyPair().publicKey, peerParty: "CHE" });
  expect(change.status).toBe(201);
  if (change.body.status === "awaiting_approval") {
    const approved = await (await apiAs(server, "demo-admin-2"))("POST", `/v1/links/changes/${String(change.body.changeId)}/approve`);
    expect(approved.status).toBe(201);
  }
  const holdings = await (await apiAs(server, "demo-rep-a"))("GET", `/v1/accounts/${FROM}/holdings`);
  cls = (holdings.body.holdings as Array<{ classCode: string; quantity: string }>).find((h) => h.classCode.startsWith("JPA-") && BigInt(h.quantity) >= 1000n)?.classCode ?? "";
  expect(cls).not.toBe("");
}, 240_000);
afterAll(() => closeAll({ browser, server, dir }));

async function openPage(p: Page): Promise<void> {
  await p.locator("nav").getByRole("link", { name: "Linked registries", exact: true }).click();
  await p.getByRole("heading", { level: 1, name: "Transfers between linked registries" }).waitFor();
}

describe("linked registries in a browser", () => {
  let transferId = "";

  it("a representative sends units over the link; the lookup says not sent while the escrow awaits approval, then in flight once approved", async () => {
    const page = await newPage(browser);
    await signIn(page, server, "demo-rep-a");
    await openPage(page);
    const form = page.getByRole("region", { name: "Send units to a linked registry" });
    // A malformed link id: refused naming the field, nothing sent.
    await form.getByLabel("Link", { exact: true }).fill("not a link");
    await form.getByLabel("From account").selectOption(FROM);
    await form.getByLabel("Class", { exact: true }).fill(cls);
    await form.getByLabel("Quantity (whole units)").fill("1000");
    await form.getByLabel("Account in the linked registry").fill("CHE-100-0001");
    await form.getByRole("button", { name: "Send" }).click();
    await form.getByText("Enter a link id: capital letters, digits and hyphens (e.g. JPN-CHE).").waitFor();

    await form.getByLabel("Link", { exact: true }).fill(LINK);
    await form.getByRole("button", { name: "Send" }).click();
    const sent = form.getByText(/^Escrow (TX-[A-Z0-9]+) for JPN-CHE: Awaiting approval\. It goes over the link once the escrow completes\.$/);
    await sent.waitFor();
    transferId = /TX-[A-Z0-9]+/.exec(await sent.innerText())?.[0] ?? "";
    expect(transferId).not.toBe("");

    // The lookup is filled in with the new transfer: nothing has gone over the link yet.
    const find = page.getByRole("region", { name: "Find a transfer" });
    expect(await find.getByLabel("Transfer id").inputValue()).toBe(transferId);
    await find.getByRole("button", { name: "Show" }).click();
    await find.getByText("Not sent yet: its escrow awaits a second approval. It goes over the link once the escrow completes.").waitFor();
    expect(await axeViolations(page)).toEqual([]);

    // The second representative approves the escrow (four eyes); with no delay it completes and the registry proposes the
    // transfer to a peer that never answers: in escrow, in flight, with the attempts and the last error.
    const approved = await (await apiAs(server, "demo-rep-b"))("POST", `/v1/transactions/${transferId}/approve`);
    expect([approved.status, approved.body.status]).toEqual([200, "completed"]);
    await expect
      .poll(async () => {
        await find.getByRole("button", { name: "Show" }).click();
        return find.locator("dl.facts").innerText().catch(() => "");
      }, { timeout: 30_000 })
      .toMatch(/Status\s+In escrow, in flight[\s\S]*Attempts\s+[1-9][\s\S]*Last error\s+\S/);
    expect(await find.locator("dl.facts").innerText()).toMatch(new RegExp(`From account\\s+${FROM}[\\s\\S]*Account in the linked registry\\s+CHE-100-0001[\\s\\S]*Quantity \\(whole units\\)\\s+1,000`));
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "en-links-rep");
    await page.context().close();
  }, 150_000);

  it("administrators and the authority see the link and the transfer sent; the authority has no send form; the page reads in Japanese", async () => {
    expect(transferId).not.toBe("");
    const page = await newPage(browser);
    await signIn(page, server, "demo-auditor");
    await openPage(page);
    const links = page.getByRole("table", { name: "Links" });
    await expect.poll(() => links.getByRole("row").filter({ hasText: LINK }).innerText()).toMatch(/JPN-CHE\s+CHE01 \(CHE\)\s+http:\/\/127\.0\.0\.1:9\s+1\s+demo-admin-2/);
    const out = page.getByRole("table", { name: "Transfers sent" });
    await expect.poll(() => out.getByRole("row").filter({ hasText: transferId }).innerText()).toMatch(new RegExp(`${transferId}\\s+JPN-CHE\\s+In escrow, in flight\\s+${cls}\\s+1,000\\s+${FROM} → CHE-100-0001`));
    await page.getByText("No transfer has been received over a link.").waitFor();
    expect(await page.getByRole("region", { name: "Send units to a linked registry" }).count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);

    await page.getByRole("button", { name: "日本語" }).click();
    await page.getByRole("heading", { level: 1, name: "リンクされた登録簿間の移転" }).waitFor();
    await page.getByRole("table", { name: "送信した移転" }).getByRole("row").filter({ hasText: transferId }).getByText("エスクロー中（送信中）").waitFor();
    expect(await wrongLanguage(page, "ja")).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "ja-links-authority");
    await page.context().close();

    // A representative of nothing over the link is not offered the page; the verifier neither.
    const verifier = await newPage(browser);
    await signIn(verifier, server, "demo-verifier");
    await verifier.locator("nav").getByRole("link", { name: "Verification", exact: false }).first().waitFor();
    expect(await verifier.locator("nav").getByRole("link", { name: "Linked registries", exact: true }).count()).toBe(0);
    await verifier.context().close();
  }, 120_000);
});
