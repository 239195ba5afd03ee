// `npm run bench -- console`: the web console dashboard's time to first render of its data in
// headless Chromium, against the real server on the demo database, beside a static page of the
// same size served by the same server in the same run. The static page is the dashboard itself,
// rendered once and saved as plain HTML (the same elements, figures and stylesheet, no script), so
// the ratio is what the app costs over sending the finished page: its script, its three API calls
// and React's render. Each visit starts with an empty cache (a new browser context); the time is
// taken in the page, from the start of navigation to the first frame after the figures are in the
// document. Goal: ratio <= 3. Never a test: nothing here fails on a time.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { ensureBuilt, launch, ROOT, startServer } from "../test/console/support.ts";
import { type Figure, figure } from "./figure.ts";

const VISITS = Number(process.env.BENCH_VISITS ?? 15);

// Runs in the page before its scripts: the moment the first frame is drawn with the figures in the document.
const READY_PROBE = `(() => {
  const done = () => requestAnimationFrame(() => { window.__figuresAt = performance.now(); });
  const found = () => document.querySelector('[data-testid="dashboard-figures"]');
  if (found()) return done();
  const seen = new MutationObserver(() => { if (found()) { seen.disconnect(); done(); } });
  seen.observe(document, { childList: true, subtree: true });
})();`;

async function visit(browser: Browser, url: string): Promise<number> {
  const ctx = await browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 900 } });
  try {
    const page = await ctx.newPage();
    await page.addInitScript(READY_PROBE);
    await page.goto(url, { waitUntil: "commit" });
    // A function, not a string: the page's Content-Security-Policy forbids evaluating strings there.
    await page.waitForFunction(() => typeof (globalThis as { __figuresAt?: number }).__figuresAt === "number", undefined, { timeout: 30_000, polling: 10 });
    return (await page.evaluate(() => (globalThis as { __figuresAt?: number }).__figuresAt)) as number;
  } finally {
    await ctx.close();
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

export async function run(log: (s: string) => void): Promise<Figure[]> {
  await ensureBuilt();
  // A copy of the build with the static page beside the app's assets, served by the same server.
  const dir = mkdtempSync(join(tmpdir(), "openets-bench-console-"));
  cpSync(join(ROOT, "build/console"), dir, { recursive: true });
  log("starting the server on a fresh demo database");
  let server = await startServer({ OPENETS_CONSOLE_DIR: dir });
  const browser = await launch();
  try {
    log("rendering the dashboard once to save it as a static page");
    const ctx = await browser.newContext({ locale: "en-US" });
    const page = await ctx.newPage();
    await page.goto(`${server.url}/`);
    await page.getByTestId("dashboard-figures").waitFor();
    const html = `<!doctype html>\n${(await page.evaluate("document.documentElement.outerHTML")) as string}`.replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, "");
    await ctx.close();
    writeFileSync(join(dir, "assets", "static-dashboard.html"), html);
    // The server reads the build at start: restart it on the same copy, now with the static page.
    await server.stop();
    server = await startServer({ OPENETS_CONSOLE_DIR: dir });
    log(`static page: ${html.length} bytes of HTML and the app's stylesheet; ${VISITS} cold visits each, interleaved`);
    const app: number[] = [];
    const flat: number[] = [];
    await visit(browser, `${server.url}/`); // warm-up: the server's first requests, Chromium's first process
    await visit(browser, `${server.url}/assets/static-dashboard.html`);
    for (let i = 0; i < VISITS; i++) {
      app.push(await visit(browser, `${server.url}/`));
      flat.push(await visit(browser, `${server.url}/assets/static-dashboard.html`));
    }
    log(`dashboard: median ${median(app).toFixed(1)} ms (min ${Math.min(...app).toFixed(1)}); static page: median ${median(flat).toFixed(1)} ms (min ${Math.min(...flat).toFixed(1)})`);
    return [
      figure({
        figure: "console dashboard: first render of its data",
        value: median(app),
        baseline: median(flat),
        unit: "ms",
        baselineName: "the same dashboard as a static page, same server",
        goal: "ratio <= 3",
      }),
    ];
  } finally {
    await browser.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
