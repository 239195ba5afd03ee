// Goal: the dependency rules of docs/internals/architecture.md hold for every source file:
// the domain is pure (no I/O modules, no imports from outer layers), the store never reaches up
// into http or cli, and there are no import cycles.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const SRC = join(ROOT, "src");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return files(p);
    return p.endsWith(".ts") && !p.endsWith(".test.ts") ? [p] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\sfrom\s+)?["']([^"']+)["']/g;
const DYNAMIC = /import\(\s*["']([^"']+)["']\s*\)/g;

function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const out: string[] = [];
  for (const re of [IMPORT, DYNAMIC]) for (const m of text.matchAll(re)) out.push(m[1] as string);
  return out;
}

const all = files(SRC);
const rel = (f: string) => relative(SRC, f);
const layer = (f: string) => rel(f).split("/")[0] ?? "";
const resolved = (from: string, spec: string) => (spec.startsWith(".") ? resolve(dirname(from), spec) : undefined);

// Node built-ins and packages that do I/O or belong to outer layers.
const IMPURE = /^(node:|fs$|path$|os$|child_process$|worker_threads$|pg$|@electric-sql\/|hono|@hono\/|commander$|exceljs$|pino$|@node-rs\/)/;

describe("architecture rules", () => {
  it("the domain imports only the domain and pure packages", () => {
    const bad: string[] = [];
    for (const f of all.filter((f) => layer(f) === "domain")) {
      for (const spec of imports(f)) {
        const target = resolved(f, spec);
        if (target ? layer(target) !== "domain" : IMPURE.test(spec)) bad.push(`${rel(f)} -> ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("the store never imports http, cli, registry or simulator", () => {
    const bad: string[] = [];
    for (const f of all.filter((f) => layer(f) === "store")) {
      for (const spec of imports(f)) {
        const target = resolved(f, spec);
        if (target && ["http", "cli", "registry", "simulator"].includes(layer(target))) bad.push(`${rel(f)} -> ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("the simulator imports only the domain and itself (plus worker plumbing)", () => {
    const bad: string[] = [];
    for (const f of all.filter((f) => layer(f) === "simulator")) {
      for (const spec of imports(f)) {
        const target = resolved(f, spec);
        if (target && !["domain", "simulator", "platform", "io"].includes(layer(target))) bad.push(`${rel(f)} -> ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  /** Layers a layer may import (besides itself and pure packages). */
  const ALLOWED: Record<string, readonly string[]> = {
    registry: ["domain", "store", "platform", "audit"],
    auth: ["domain", "store", "platform", "audit"],
    audit: ["domain", "store", "platform"],
  };
  for (const [from, allowed] of Object.entries(ALLOWED)) {
    it(`${from} imports only ${allowed.join(", ")} and itself`, () => {
      const bad: string[] = [];
      for (const f of all.filter((f) => layer(f) === from)) {
        for (const spec of imports(f)) {
          const target = resolved(f, spec);
          if (target && layer(target) !== from && !allowed.includes(layer(target))) bad.push(`${rel(f)} -> ${spec}`);
        }
      }
      expect(bad).toEqual([]);
    });
  }

  it("http never imports the cli, and the cli never imports the http server", () => {
    const bad: string[] = [];
    for (const f of all) {
      for (const spec of imports(f)) {
        const target = resolved(f, spec);
        if (!target) continue;
        if (layer(f) === "http" && layer(target) === "cli") bad.push(`${rel(f)} -> ${spec}`);
        if (layer(f) === "cli" && layer(target) === "http") bad.push(`${rel(f)} -> ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("the ledger stands alone: it never imports the secure layer, and its SQL never reads the security tables", () => {
    const ledger = all.filter((f) => rel(f).startsWith("registry/ledger/"));
    expect(ledger.length).toBeGreaterThan(5);
    const bad: string[] = [];
    for (const f of ledger) {
      for (const spec of imports(f)) {
        const target = resolved(f, spec);
        if (target && layer(target) === "registry" && !relative(SRC, target).startsWith("registry/ledger/")) bad.push(`${rel(f)} -> ${spec}`);
      }
    }
    const SECURITY_TABLES = /\b(representatives|trusted_accounts|account_limits|users|sessions|api_tokens|audit_log|registry_settings)\b/;
    for (const f of [...ledger, join(SRC, "store/migrations/ledger.ts"), join(SRC, "store/migrations/ledger-v2.ts"), join(SRC, "store/migrations/ledger-perf.ts")]) {
      const sqlText = readFileSync(f, "utf8").replace(/^\s*\/\/.*$/gm, "");
      const m = SECURITY_TABLES.exec(sqlText);
      if (m) bad.push(`${rel(f)} names the security table ${m[1]}`);
    }
    expect(bad).toEqual([]);
  });

  it("has no import cycles", () => {
    const graph = new Map<string, string[]>();
    for (const f of all) {
      graph.set(
        f,
        imports(f)
          .map((s) => resolved(f, s))
          .filter((t): t is string => t !== undefined && t.startsWith(SRC)),
      );
    }
    const state = new Map<string, 1 | 2>();
    const cycles: string[] = [];
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === 2) return;
      if (state.get(f) === 1) {
        cycles.push([...path.slice(path.indexOf(f)), f].map(rel).join(" -> "));
        return;
      }
      state.set(f, 1);
      for (const t of graph.get(f) ?? []) visit(t, [...path, f]);
      state.set(f, 2);
    };
    for (const f of all) visit(f, []);
    expect(cycles).toEqual([]);
  });
});

describe("the web console's boundaries", () => {
  const WEB = join(ROOT, "web/src");
  const webFiles = (dir: string): string[] =>
    readdirSync(dir).flatMap((n) => {
      const p = join(dir, n);
      if (statSync(p).isDirectory()) return webFiles(p);
      return /\.tsx?$/.test(p) ? [p] : [];
    });
  // The console is an API client: from the server's sources it takes only pure, shared modules.
  const SHARED = [join(SRC, "i18n"), join(SRC, "report/svg.ts")];

  it("web/ imports from src/ only the message catalogue and the chart module", () => {
    const bad: string[] = [];
    for (const f of webFiles(WEB)) {
      for (const spec of imports(f)) {
        const target = resolved(f, spec);
        if (target?.startsWith(SRC) && !SHARED.some((s) => target === s || target.startsWith(`${s}/`))) bad.push(`${relative(ROOT, f)} -> ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("the shared modules are pure: no Node modules, no DOM, no outer layers", () => {
    const bad: string[] = [];
    for (const f of all.filter((f) => layer(f) === "i18n" || rel(f) === "report/svg.ts")) {
      for (const spec of imports(f)) {
        const target = resolved(f, spec);
        if (target ? !["i18n", "domain"].includes(layer(target)) : IMPURE.test(spec)) bad.push(`${rel(f)} -> ${spec}`);
      }
      const code = readFileSync(f, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
      if (/\b(window|document|navigator)\./.test(code)) bad.push(`${rel(f)} uses the DOM`);
    }
    expect(bad).toEqual([]);
  });
});
