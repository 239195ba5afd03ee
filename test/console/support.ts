// Shared by the browser tests (test/console/*.test.ts): the real server (`src/main.ts`, demo mode,
// a fresh PGlite directory, a free port) with the console built from the current sources, Debian's
// Chromium driven by playwright-core with the launch flags these machines need, axe-core injected
// into the page for accessibility checks, the text of a page that is in the wrong language, sign-in
// as a demo user, and screenshots under build/screenshots. A missing Chromium fails with the
// package to install; nothing here skips.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { expect } from "vitest";
// @ts-expect-error: a plain ES module without types
import { buildStep, STEPS } from "../../scripts/build.mjs";

// The page's globals, for the functions page.evaluate runs there (the project compiles without the
// DOM library; these declarations are local to this module).
// biome-ignore lint/suspicious/noExplicitAny: browser globals seen from Node
declare const window: any, document: any, NodeFilter: any;

export const ROOT = resolve(import.meta.dirname, "../..");
export const SCREENSHOTS = join(ROOT, "build/screenshots");

/** Flags for Debian's Chromium on machines without a network (STACK.md). */
export const CHROMIUM_FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

export function chromiumPath(): string {
  const found = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => p && existsSync(p));
  if (!found) throw new Error("Chromium is missing: the browser tests need Debian's chromium package (apt-get install -y chromium), or CHROMIUM_PATH");
  return found;
}

/** Builds the console if its sources changed since the last build (scripts/build.mjs, the same as npm start). */
export async function ensureBuilt(): Promise<void> {
  await buildStep(STEPS.find((s: { name: string }) => s.name === "console"));
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => res(typeof a === "object" && a ? a.port : 0));
    });
  });
}

export interface Server {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** The real server on a fresh demo store (seeded on start), on a free port. */
export async function startServer(env: Record<string, string> = {}): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), "openets-console-"));
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), DATABASE_URL: join(dir, "data"), OPENETS_MODE: "demo", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const ready = await new Promise<boolean>((res) => {
    child.stdout?.on("data", (d) => {
      out += String(d);
      if (out.includes("OpenETS listening")) res(true);
    });
    child.stderr?.on("data", (d) => {
      out += String(d);
    });
    child.on("exit", () => res(false));
  });
  const stop = async () => {
    if (child.exitCode === null) {
      await new Promise<void>((r) => {
        child.on("exit", () => r());
        child.kill("SIGTERM");
      });
    }
    rmSync(dir, { recursive: true, force: true });
  };
  if (!ready) {
    await stop();
    throw new Error(`the server did not start:\n${out}`);
  }
  return { url: `http://127.0.0.1:${port}`, port, stop };
}

export async function launch(): Promise<Browser> {
  // playwright's launch gives each browser a fresh temporary profile (its --user-data-dir).
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_FLAGS.slice(1), headless: true });
}

/** A page that fails the test on any uncaught script error. */
export async function newPage(browser: Browser, locale: "en-US" | "ja-JP" = "en-US"): Promise<Page> {
  const ctx = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  page.on("pageerror", (e) => {
    throw new Error(`script error in the page: ${e.message}`);
  });
  return page;
}

export async function signIn(page: Page, server: Server, user: string, password = `${user}-password`): Promise<void> {
  await page.goto(`${server.url}/sign-in`);
  await page.getByLabel(/^(User id|利用者ID)$/).fill(user);
  await page.getByLabel(/^(Password|パスワード)$/).fill(password);
  await page.getByRole("button", { name: /^(Sign in|サインイン)$/ }).click();
  await page.getByText(new RegExp(`(Signed in as ${user}|${user} でサインイン中)`)).waitFor();
}

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/**
 * WCAG 2.1 A/AA violations of the page as "rule: target" lines (empty when none). axe-core is
 * evaluated through the debugging protocol, which the page's Content-Security-Policy does not block.
 */
/** A caller of the server's public API signed in as a demo user (session cookie + CSRF token), for seeding what a browser test then looks at. */
export type Api = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: Record<string, unknown> }>;

export async function apiAs(server: Server, user: string, password = `${user}-password`): Promise<Api> {
  const sign = await fetch(`${server.url}/v1/auth/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId: user, password }) });
  if (sign.status !== 200) throw new Error(`sign-in of ${user} answered ${sign.status}`);
  const s = (await sign.json()) as { csrfToken: string };
  const cookie = (sign.headers.get("set-cookie") ?? "").split(";")[0] as string;
  return async (method, path, body) => {
    const r = await fetch(`${server.url}${path}`, { method, headers: { "content-type": "application/json", cookie, "x-csrf-token": s.csrfToken }, ...(body ? { body: JSON.stringify(body) } : {}) });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };
}

export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE);
  const result = (await page.evaluate(async () => {
    const r = await (window as unknown as { axe: { run(ctx: unknown, o: unknown): Promise<{ violations: Array<{ id: string; nodes: Array<{ target: unknown[] }> }> }> } }).axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    });
    return r.violations.map((v) => ({ id: v.id, targets: v.nodes.slice(0, 5).map((n) => JSON.stringify(n.target)) }));
  })) as Array<{ id: string; targets: string[] }>;
  return result.flatMap((v) => v.targets.map((t) => `${v.id}: ${t}`));
}

/** Words that read the same in a Japanese page: names, units, codes and abbreviations. */
const NEUTRAL = new Set(["OpenETS", "API", "ets", "simulate", "allocate", "JavaScript", "YAML", "JSON", "KB", "UTC", "JST", "GMT", "TJ", "kL", "otpauth", "BAU", "CO2", "ID", "JCM", "AAU", "RMU", "CER", "tCER", "lCER", "ERU", "ITMO", "VER", "MSR", "English", "x", "t"]);

/**
 * Text of the page in the other language: for Japanese, runs of Latin words outside data
 * (elements marked translate="no"), elements marked with another lang, and neutral tokens; for
 * English, any Japanese character outside data. Returns the offending texts.
 */
export async function wrongLanguage(page: Page, lang: "en" | "ja"): Promise<string[]> {
  const texts = await page.evaluate((l) => {
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || el.closest("script,style,noscript,[translate='no'],[hidden]")) continue;
      const marked = el.closest("[lang]");
      if (marked && marked !== document.documentElement && marked.getAttribute("lang") !== l) continue;
      const s = (n.textContent ?? "").trim();
      if (s) out.push(s);
    }
    // Words a screen reader speaks that are not text nodes: accessible names, titles, placeholders.
    for (const el of document.body.querySelectorAll("[aria-label],[title],[placeholder],[alt]")) {
      if (el.closest("[translate='no']")) continue;
      for (const a of ["aria-label", "title", "placeholder", "alt"]) {
        const v = el.getAttribute(a)?.trim();
        if (v) out.push(v);
      }
    }
    return out;
  }, lang);
  if (lang === "en") return texts.filter((s) => /[\u3040-\u30ff\u3400-\u9fff]/.test(s));
  const foreign = (w: string) => {
    const word = w.replace(/[-.+]+$/, "");
    return word.length > 1 && !NEUTRAL.has(word) && !/[0-9]/.test(word) && !/^[A-Z]{2,}$/.test(word);
  };
  return texts.filter((s) => (s.match(/[A-Za-z][A-Za-z0-9.+-]*/g) ?? []).some(foreign));
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Waits until a page has its heading and nothing of it is still loading. */
export async function settled(p: Page): Promise<void> {
  await p.locator("main h1").first().waitFor();
  await expect.poll(() => p.locator("main .loading").count(), { timeout: 20_000 }).toBe(0);
}

/** Ends what a browser test started: the browser, the server, and the test's temporary directory. */
export async function closeAll(parts: { browser?: Browser | undefined; server?: Server | undefined; dir?: string }): Promise<void> {
  await parts.browser?.close();
  await parts.server?.stop();
  if (parts.dir) rmSync(parts.dir, { recursive: true, force: true });
}
