// Goal: the server serves the built console from the same origin as the API: the app's page for
// `/` and every console path, in the language the browser asks for (lang attribute, title,
// noscript text), gzip when accepted, hashed assets cached for a year, the app's "not found" (404)
// for a browser asking for an unknown page while API clients still get a problem, the security
// headers (CSP) on all of it; and 503 with build instructions when nothing is built. Every path
// of the console's route table is one the server answers with the app.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONSOLE_PREFIXES, isConsolePath, pageIn } from "../../src/http/console.ts";
import { openTestDb } from "../support/stores.ts";
import { buildFixture, type Fixture } from "./fixture.ts";

const dir = mkdtempSync(join(tmpdir(), "openets-console-"));
const INDEX = `<!doctype html>
<html lang="en">
  <head><title>OpenETS</title><script type="module" crossorigin src="/assets/index-abc.js"></script></head>
  <body><div id="root"></div><noscript>The OpenETS console needs JavaScript.</noscript></body>
</html>`;
const JS = `console.log(${JSON.stringify("x".repeat(5000))});`;

let f: Fixture;
let bare: Fixture;
beforeAll(async () => {
  mkdirSync(join(dir, "assets"), { recursive: true });
  writeFileSync(join(dir, "index.html"), INDEX);
  writeFileSync(join(dir, "assets", "index-abc.js"), JS);
  f = await buildFixture(await openTestDb("pglite"), { http: { consoleDir: dir } });
  bare = await buildFixture(await openTestDb("pglite"), { http: { consoleDir: join(dir, "missing") } });
}, 60_000);
afterAll(async () => {
  await f?.db.close();
  await bare?.db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("serving the console", () => {
  it("answers / and console paths with the app in the browser's language", async () => {
    for (const path of ["/", "/registry/accounts/JP-200-0001", "/simulator", "/public/transactions", "/sign-in"]) {
      const res = await f.request(path, { headers: { "accept-language": "ja-JP,ja;q=0.9,en;q=0.8" } });
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
      expect(res.headers.get("cache-control")).toBe("no-cache");
      // The console's documents keep the full set (the API's answers have the short one: hardening.test.ts).
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("cross-origin-opener-policy")).toBe("same-origin");
      expect(res.headers.get("permissions-policy")).toBe("camera=(), microphone=(), geolocation=()");
      const html = await res.text();
      expect(html).toContain('<html lang="ja">');
      expect(html).toContain("<title>OpenETS コンソール</title>");
      expect(html).toContain("JavaScript が必要です");
    }
    const en = await (await f.request("/", { headers: { "accept-language": "fr;q=1, en;q=0.5" } })).text();
    expect(en).toContain('<html lang="en">');
    expect(en).toContain("<title>OpenETS console</title>");
  });

  it("gzips the page and assets when accepted; assets are immutable and answer If-None-Match", async () => {
    const page = await f.request("/", { headers: { "accept-encoding": "gzip, br" } });
    expect(page.headers.get("content-encoding")).toBe("gzip");
    expect(gunzipSync(Buffer.from(await page.arrayBuffer())).toString()).toContain('<div id="root">');
    const js = await f.request("/assets/index-abc.js", { headers: { "accept-encoding": "gzip" } });
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(js.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(js.headers.get("cross-origin-resource-policy")).toBe("same-origin");
    expect(gunzipSync(Buffer.from(await js.arrayBuffer())).toString()).toBe(JS);
    const plain = await f.request("/assets/index-abc.js");
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(await plain.text()).toBe(JS);
    const again = await f.request("/assets/index-abc.js", { headers: { "if-none-match": plain.headers.get("etag") ?? "" } });
    expect(again.status).toBe(304);
    expect((await f.request("/assets/nope.js")).status).toBe(404);
    expect((await f.request("/assets/..%2Findex.html")).status).toBe(404);
  });

  it("a browser asking for an unknown page gets the app with 404; an API client a problem", async () => {
    const browser = await f.request("/no-such-page", { headers: { accept: "text/html,application/xhtml+xml" } });
    expect(browser.status).toBe(404);
    expect(await browser.text()).toContain('<div id="root">');
    const client = await f.request("/no-such-page", { headers: { accept: "application/json" } });
    expect(client.status).toBe(404);
    expect(client.headers.get("content-type")).toBe("application/problem+json");
    const api = await f.request("/v1/no-such-route", { headers: { accept: "text/html" } });
    expect(api.headers.get("content-type")).toBe("application/problem+json");
  });

  it("leaves the API, /health, /docs and /openapi.json as they were", async () => {
    expect((await f.request("/health")).status).toBe(200);
    expect((await f.request("/openapi.json")).headers.get("content-type")).toMatch(/json/);
    expect((await (await f.request("/docs")).text())).toContain("OpenETS registry API");
    expect((await f.request("/v1/public/accounts")).status).toBe(200);
  });

  it("says how to build when there is no build", async () => {
    const res = await bare.request("/");
    expect(res.status).toBe(503);
    expect(await res.text()).toContain("npm run build");
  });
});

describe("the console's routes and the server's prefixes", () => {
  it("every path of web/src/routes.tsx is served as the app", () => {
    const text = readFileSync(resolve(import.meta.dirname, "../../web/src/routes.tsx"), "utf8");
    const paths = [...text.matchAll(/\{ path: "([^"]+)"/g)].map((m) => m[1] as string);
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.filter((p) => !isConsolePath(p.replace(/:[A-Za-z]+/g, "x")))).toEqual([]);
    // and no prefix is left without a page
    expect(CONSOLE_PREFIXES.filter((p) => !paths.some((q) => q.split("/")[1] === p))).toEqual([]);
  });

  it("the build's inputs cover every file of src/ the console imports, so a change there rebuilds it", async () => {
    // @ts-expect-error: a plain ES module without types
    const { STEPS } = await import("../../scripts/build.mjs");
    const inputs = (STEPS as Array<{ name: string; inputs: string[] }>).find((x) => x.name === "console")?.inputs ?? [];
    const root = resolve(import.meta.dirname, "../..");
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const m of readFileSync(file, "utf8").matchAll(/(?:^|\n)\s*(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\sfrom\s+)?["'](\.[^"']+)["']/g)) {
        const target = resolve(dirname(file), m[1] as string);
        if (/\.(ts|tsx)$/.test(target)) visit(target);
      }
    };
    visit(join(root, "web/src/main.tsx"));
    const fromSrc = [...seen].map((f) => relative(root, f)).filter((f) => f.startsWith("src/"));
    expect(fromSrc.length).toBeGreaterThan(3);
    expect(fromSrc.filter((f) => !inputs.some((i) => f === i || f.startsWith(`${i}/`)))).toEqual([]);
  });

  it("rewrites only the lang attribute, title and noscript", () => {
    const out = pageIn(INDEX, "ja");
    expect(out.replace('lang="ja"', 'lang="en"').replace("OpenETS コンソール", "OpenETS").replace("OpenETS コンソールの利用には JavaScript が必要です。", "The OpenETS console needs JavaScript.")).toBe(INDEX);
  });
});
