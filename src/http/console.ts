// Serves the web console (built by scripts/build.mjs from web/ into build/console) from the same
// server as the API: the app's page for `/` and every console path, its hashed assets under
// /assets/ (cached for a year; a new build has new names), gzip when the client accepts it. The
// page's <html lang>, title and <noscript> text follow Accept-Language, so the first paint is
// already in the reader's language. Files are read once at start; the console is an API client
// and adds no endpoint of its own. Without a build, console paths answer 503 with how to build.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { extname, join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import type { Context, Hono } from "hono";
import { acceptLanguage, type Lang, negotiate } from "../i18n/index.ts";

/** Where `npm run build` writes the console. */
export const CONSOLE_DIR = resolve(import.meta.dirname, "../../build/console");

/** First path segments the console owns (web/src/routes.tsx; a test keeps the two in step). */
export const CONSOLE_PREFIXES = ["registry", "allocation", "simulator", "public", "sign-in", "profile", "auctions", "international", "compliance"] as const;

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".map": "application/json",
  ".woff2": "font/woff2",
};

interface Asset {
  body: Uint8Array;
  gzip: Uint8Array | undefined;
  type: string;
  etag: string;
}

const PAGE_TEXT: Record<Lang, { title: string; noscript: string }> = {
  en: { title: "OpenETS console", noscript: "The OpenETS console needs JavaScript." },
  ja: { title: "OpenETS コンソール", noscript: "OpenETS コンソールの利用には JavaScript が必要です。" },
};

/** True for a path the console's router handles. */
export function isConsolePath(path: string): boolean {
  if (path === "/" || path === "") return true;
  const first = path.split("/")[1] ?? "";
  return (CONSOLE_PREFIXES as readonly string[]).includes(first);
}

function load(dir: string): { index: string | undefined; assets: Map<string, Asset> } {
  const assets = new Map<string, Asset>();
  const indexFile = join(dir, "index.html");
  if (!existsSync(indexFile)) return { index: undefined, assets };
  const assetDir = join(dir, "assets");
  for (const name of existsSync(assetDir) ? readdirSync(assetDir) : []) {
    const body = readFileSync(join(assetDir, name));
    const type = TYPES[extname(name)] ?? "application/octet-stream";
    const compressible = type.startsWith("text/") || type.includes("json") || type.includes("svg");
    assets.set(name, { body, gzip: compressible && body.length > 1024 ? gzipSync(body, { level: 9 }) : undefined, type, etag: `"${name}"` });
  }
  return { index: readFileSync(indexFile, "utf8"), assets };
}

/** The app's page in a language: lang attribute, title and the text shown without JavaScript. */
export function pageIn(index: string, lang: Lang): string {
  const t = PAGE_TEXT[lang];
  return index
    .replace(/<html lang="[a-z-]*">/, `<html lang="${lang}">`)
    .replace(/<title>[^<]*<\/title>/, `<title>${t.title}</title>`)
    .replace(/<noscript>[^<]*<\/noscript>/, `<noscript>${t.noscript}</noscript>`);
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>OpenETS</title></head><body><p>The web console is not built. Run <code>npm run build</code> (or <code>npm start</code>, which builds it), then reload.</p><p lang="ja">Web コンソールがビルドされていません。<code>npm run build</code>（または <code>npm start</code>）を実行してから再読み込みしてください。</p></body></html>`;

function accepts(c: Context, encoding: string): boolean {
  return (c.req.header("accept-encoding") ?? "").split(",").some((e) => e.trim().split(";")[0] === encoding);
}

export interface ConsoleServer {
  /** The app's page for a console path (200), or for an unknown path asked for by a browser (404). */
  page(c: Context, status?: 200 | 404): Response;
  built: boolean;
}

/** Registers the console's routes on the app; returns the page handler for the app's not-found fallback. */
export function registerConsole(app: Hono<any>, dir: string = CONSOLE_DIR): ConsoleServer {
  const { index, assets } = load(dir);
  const pages = new Map<Lang, { html: string; gzip: Uint8Array }>();
  for (const lang of ["en", "ja"] as const) {
    if (index === undefined) break;
    const html = pageIn(index, lang);
    pages.set(lang, { html, gzip: gzipSync(html) });
  }
  const page = (c: Context, status: 200 | 404 = 200): Response => {
    const lang = negotiate(acceptLanguage(c.req.header("accept-language")));
    const p = pages.get(lang);
    const headers: Record<string, string> = { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache", vary: "Accept-Language, Accept-Encoding", "content-language": lang };
    if (!p) return new Response(NOT_BUILT, { status: 503, headers });
    if (accepts(c, "gzip")) return new Response(p.gzip, { status, headers: { ...headers, "content-encoding": "gzip" } });
    return new Response(p.html, { status, headers });
  };
  app.get("/", (c) => page(c));
  for (const prefix of CONSOLE_PREFIXES) {
    app.get(`/${prefix}`, (c) => page(c));
    app.get(`/${prefix}/*`, (c) => page(c));
  }
  app.get("/assets/:name", (c) => {
    const a = assets.get(c.req.param("name"));
    if (!a) return new Response("not found", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
    const headers: Record<string, string> = { "content-type": a.type, "cache-control": "public, max-age=31536000, immutable", etag: a.etag, vary: "Accept-Encoding" };
    if (c.req.header("if-none-match") === a.etag) return new Response(null, { status: 304, headers });
    if (a.gzip && accepts(c, "gzip")) return new Response(a.gzip, { headers: { ...headers, "content-encoding": "gzip" } });
    return new Response(a.body, { headers });
  });
  return { page, built: index !== undefined };
}

/** A GET from a browser (it asks for HTML) to a path that is neither the API nor a console path. */
export function isBrowserNavigation(c: Context): boolean {
  const p = c.req.path;
  return c.req.method === "GET" && !p.startsWith("/v1/") && (c.req.header("accept") ?? "").includes("text/html");
}
