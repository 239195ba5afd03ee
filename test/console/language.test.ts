// Goal: the console speaks one language at a time. In English no page shows Japanese outside data;
// after the switch to 日本語 every page (dashboard, registry, allocation with an explanation,
// simulator with a run, public data, profile) shows Japanese throughout, with no English words
// outside data, including an API refusal; the choice survives a reload. Headless Chromium's
// --dump-dom of `/` shows Japanese with a Japanese browser language and none with an English one
// (headless Chromium takes the language of its requests from --accept-lang; --lang alone sets only
// the interface of a windowed browser, so both are passed). Screenshots of every page in both
// languages go to build/screenshots.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { CHROMIUM_FLAGS, chromiumPath, ensureBuilt, launch, newPage, type Server, screenshot, signIn, startServer, wrongLanguage, settled } from "./support.ts";

let server: Server;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  await ensureBuilt();
  [server, browser] = await Promise.all([startServer(), launch()]);
  page = await newPage(browser, "en-US");
  await signIn(page, server, "demo-rep-a");
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Every page, and what to do on it so that its content (not only its frame) is shown. */
const PAGES: Array<{ name: string; path: string; act?: (p: Page) => Promise<void> }> = [
  { name: "dashboard", path: "/" },
  { name: "accounts", path: "/registry/accounts" },
  { name: "account", path: "/registry/accounts/JP-200-0001", act: async (p) => p.locator("details.blocks summary").first().click() },
  { name: "transactions", path: "/registry/transactions" },
  { name: "transaction", path: "/registry/transactions/demo-held-1" },
  { name: "transfer", path: "/registry/transfer" },
  { name: "approvals", path: "/registry/approvals" },
  {
    name: "allocation",
    path: "/allocation",
    act: async (p) => {
      await p.locator("main form button[type=submit]").click();
      await p.getByTestId("allocation-run").waitFor();
      await p.getByRole("button", { name: "JP-INST-001" }).click();
      await p.getByTestId("explanation").waitFor();
    },
  },
  { name: "baselines", path: "/allocation/baselines" },
  { name: "auctions", path: "/auctions" },
  {
    name: "simulator",
    path: "/simulator",
    act: async (p) => {
      await p.locator("main form button[type=submit]").click();
      await p.getByTestId("simulation-result").waitFor();
    },
  },
  { name: "compare", path: "/simulator/compare" },
  { name: "compliance-reports", path: "/compliance/reports" },
  { name: "compliance-surrender", path: "/compliance/surrender" },
  { name: "compliance-status", path: "/compliance/status" },
  { name: "compliance-ex-post", path: "/compliance/ex-post" },
  { name: "public-accounts", path: "/public/accounts" },
  { name: "public-allocations", path: "/public/allocations" },
  { name: "public-transactions", path: "/public/transactions" },
  { name: "public-compliance", path: "/public/compliance" },
  { name: "profile", path: "/profile" },
  { name: "sign-in", path: "/sign-in" },
  { name: "not-found", path: "/registry/no-such-page" },
];

/** Waits until the page has no "loading" left and its heading is shown. */
async function visitAll(lang: "en" | "ja"): Promise<Record<string, string[]>> {
  const wrong: Record<string, string[]> = {};
  for (const pg of PAGES) {
    await page.goto(`${server.url}${pg.path}`);
    await settled(page);
    if (pg.act) await pg.act(page);
    const w = await wrongLanguage(page, lang);
    if (w.length > 0) wrong[pg.name] = w;
    await screenshot(page, `${lang}-${pg.name}`);
  }
  return wrong;
}

describe("one language at a time", () => {
  it("English pages show no Japanese outside data", async () => {
    expect(await page.getAttribute("html", "lang")).toBe("en");
    expect(await visitAll("en")).toEqual({});
  }, 180_000);

  it("the switch shows Japanese throughout, keeps it after a reload, and words refusals in Japanese", async () => {
    await page.goto(`${server.url}/`);
    await page.getByRole("button", { name: "日本語" }).click();
    await page.getByRole("heading", { level: 1, name: "制度のダッシュボード" }).waitFor();
    expect(await page.getAttribute("html", "lang")).toBe("ja");
    expect(await page.getByRole("button", { name: "日本語" }).getAttribute("aria-pressed")).toBe("true");
    expect(await visitAll("ja")).toEqual({});
    await page.reload();
    await page.locator("main h1").first().waitFor();
    expect(await page.getAttribute("html", "lang")).toBe("ja");
    // A refusal of the API, worded from its check code: an account cannot trust itself (8012).
    await page.goto(`${server.url}/registry/accounts/JP-200-0001`);
    await page.getByLabel("信頼する口座番号").fill("JP-200-0001");
    await page.getByRole("button", { name: "提案する" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.innerText()).toBe("ルール 8012 により拒否されました：口座を自らの信頼済み口座リストに載せられないこと。");
    expect(await wrongLanguage(page, "ja")).toEqual([]);
  }, 180_000);
});

const run = promisify(execFile);

/** `chromium --headless --dump-dom URL` in a language, with a fresh profile. */
async function dumpDom(locale: string): Promise<string> {
  const profile = mkdtempSync(join(tmpdir(), "openets-chromium-"));
  try {
    const { stdout } = await run(chromiumPath(), [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, `--lang=${locale}`, `--accept-lang=${locale}`, "--virtual-time-budget=10000", "--dump-dom", `${server.url}/`], { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** The visible text of dumped HTML without data (translate="no") and text marked in another language. */
function textOutsideData(html: string, lang: string): string {
  let s = html.replace(/<(script|style|noscript)\b[\s\S]*?<\/\1>/g, "");
  for (let i = 0; i < 5; i++) s = s.replace(/<([a-z0-9]+)\b[^>]*\b(?:translate="no"|lang="(?!en\b)[a-z-]+")[^>]*>[^<]*(?:<(?!\/\1>)[^<]*)*<\/\1>/g, (m, tag: string) => (tag === "html" ? m : ""));
  return s.replace(/<[^>]+>/g, " ").replace(new RegExp(`lang="${lang}"`, "g"), "");
}

describe("chromium --headless --dump-dom", () => {
  it("shows Japanese with a Japanese browser language", async () => {
    const html = await dumpDom("ja-JP");
    expect(html).toMatch(/<html lang="ja"/);
    expect(html).toContain("制度のダッシュボード");
    expect(html).toContain("主要な数値（排出枠）");
  }, 90_000);

  it("shows no Japanese outside data with an English browser language", async () => {
    const html = await dumpDom("en-US");
    expect(html).toMatch(/<html lang="en"/);
    expect(html).toContain("Scheme dashboard");
    expect(html).toContain("日本語"); // the switch, in its own language and marked lang="ja"
    const japanese = textOutsideData(html, "en").match(/[\u3040-\u30ff\u3400-\u9fff][^<]{0,20}/g);
    expect(japanese).toBeNull();
  }, 90_000);
});
