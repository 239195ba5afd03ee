// Goal (issue 15, the CLI benchmark): a CLI command that only reads (`ets holdings`, lists, shows)
// opens the registry's reads alone (SecureRegistry.openReads), without loading the rulebook's
// schemas or the scheme rules' modules, nor opening the ledger service (whose catalogue check is
// for writes), and that context has nothing that writes; the reads answer what the whole
// registry answers, also on a new store; a command that
// writes still opens the whole registry with every scheme rule installed before it writes, as
// the server does. The modules `ets holdings` loads on a store (the compiled CLI, build/cli) hold
// neither zod nor any scheme rule's hooks, nor the whole message catalogue (only the CLI's own
// messages), and commander is bundled in them.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withReads, withRegistry } from "../../src/cli/commands/registry/context.ts";
import { DEFAULT_SECURITY_CONFIG } from "../../src/domain/security/config.ts";
import { systemPrincipal } from "../../src/domain/security/roles.ts";
import { loadRulebook, rulebookValue } from "../../src/io/rulebook.ts";
import { LedgerService } from "../../src/registry/ledger/index.ts";
import { installSchemeRules } from "../../src/registry/scheme-rules.ts";
import { recordedRulebook, recordRulebook, recordSecurity } from "../../src/registry/settings.ts";
import { openStore } from "../../src/store/open.ts";
import { projectRoot } from "../support/ets.ts";

const dir = mkdtempSync(join(tmpdir(), "ets-read-context-"));
const data = join(dir, "store");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The hooks a ledger has, per kind (LedgerService keeps them private: read here only to compare two ledgers). */
const hookCounts = (ledger: LedgerService): Record<string, number> =>
  Object.fromEntries([...(ledger as unknown as { hooks: Map<string, unknown[]> }).hooks].map(([k, v]) => [k, v.length]));

const sys = { principal: systemPrincipal("test"), ip: null };

beforeAll(async () => {
  // A store set up as the server sets it up for the GX-ETS preset (its rulebook recorded), with an account holding units.
  const db = await openStore({ database: data });
  try {
    const gx = loadRulebook("japan-gx-ets");
    await recordSecurity(db, "japan-gx-ets", gx.security ?? DEFAULT_SECURITY_CONFIG, "2026-04-01T00:00:00.000Z");
    await recordRulebook(db, "japan-gx-ets", rulebookValue("japan-gx-ets"), "2026-04-01T00:00:00.000Z");
  } finally {
    await db.close();
  }
  await withRegistry({ database: data }, async (ctx) => {
    expect((await ctx.registry.defineClass(sys, { commandId: "c", code: "JPA-2026", unitType: "allowance", scheme: "JP-GX", vintage: 2026 })).ok).toBe(true);
    expect((await ctx.registry.openAccount(sys, { commandId: "o", accountId: "JP-100-0001", type: "national_issuance", holder: "Government", name: "Issuance" })).ok).toBe(true);
    expect((await ctx.registry.ledger.propose({ transactionId: "iss", kind: "issuance", legs: [{ classCode: "JPA-2026", to: "JP-100-0001", quantity: "1000" }] })).ok).toBe(true);
  });
}, 60_000);

describe("the CLI's registry contexts", () => {
  it("a command that writes gets the registry with every scheme rule of the recorded rulebook installed", async () => {
    await withRegistry({ database: data }, async (ctx) => {
      // What the installers (src/registry/scheme-rules.ts) register for this rulebook on a fresh ledger.
      const fresh = await LedgerService.open(ctx.db);
      installSchemeRules(fresh, ctx.db, (await recordedRulebook(ctx.db))?.rulebook ?? null);
      const expected = hookCounts(fresh);
      expect(Object.keys(expected).length).toBeGreaterThan(0);
      expect(hookCounts(ctx.registry.ledger)).toEqual(expected);
    });
  }, 60_000);

  it("a command that only reads gets the reads alone: nothing in the context writes", async () => {
    await withReads({ database: data }, async (ctx) => {
      expect(Object.keys(ctx.registry).sort()).toEqual(["ledger", "listRepresentatives"]);
      expect(Object.keys(ctx.registry.ledger).sort()).toEqual(["getAccount", "getClass", "getTransaction", "holdings", "listAccounts", "listClasses", "listTransactions"]);
      expect(Object.isFrozen(ctx.registry) && Object.isFrozen(ctx.registry.ledger)).toBe(true);
      expect("propose" in ctx.registry.ledger || "batch" in ctx.registry.ledger || "initiate" in ctx.registry).toBe(false);
      expect(ctx.caller).toBeUndefined();
    });
  }, 60_000);

  it("the reads answer what the whole registry answers", async () => {
    const read = await withReads({ database: data }, async (ctx) => ({
      holdings: await ctx.registry.ledger.holdings("JP-100-0001", { blocks: true }),
      account: await ctx.registry.ledger.getAccount("JP-100-0001"),
      tx: await ctx.registry.ledger.getTransaction("iss"),
      reps: await ctx.registry.listRepresentatives(sys, "JP-100-0001"),
    }));
    const whole = await withRegistry({ database: data }, async (ctx) => ({
      holdings: await ctx.registry.ledger.holdings("JP-100-0001", { blocks: true }),
      account: await ctx.registry.ledger.getAccount("JP-100-0001"),
      tx: await ctx.registry.ledger.getTransaction("iss"),
      reps: await ctx.registry.listRepresentatives(sys, "JP-100-0001"),
    }));
    expect(read.holdings?.[0]?.quantity).toBe(1000n);
    expect(read).toEqual(whole);
  }, 60_000);

  it("a read on a new store answers (nothing there yet), and the store then takes writes as before", async () => {
    const fresh = join(dir, "new");
    expect(await withReads({ database: fresh }, async (ctx) => [await ctx.registry.ledger.holdings("JP-100-0001"), (await ctx.registry.ledger.listAccounts()).items])).toEqual([undefined, []]);
    await withRegistry({ database: fresh }, async (ctx) => {
      expect((await ctx.registry.openAccount(sys, { commandId: "o", accountId: "JP-100-0001", type: "national_issuance", holder: "Government", name: "Issuance" })).ok).toBe(true);
    });
    expect(await withReads({ database: fresh }, async (ctx) => ctx.registry.ledger.holdings("JP-100-0001"))).toEqual([]);
  }, 60_000);

  it("a read as a named user (--as) still checks that the user exists", async () => {
    await expect(withReads({ database: data, as: "nobody" }, async () => "read")).rejects.toThrow(/--as: no active registry user "nobody"/);
  }, 60_000);
});

describe("what `ets holdings` loads from the compiled CLI", () => {
  it("neither zod nor a scheme rule's module: only the modules a read needs", async () => {
    // @ts-expect-error: a plain ES module without types
    const { buildStep, STEPS } = (await import("../../scripts/build.mjs")) as { buildStep(s: unknown): Promise<string>; STEPS: Array<{ name: string }> };
    await buildStep(STEPS.find((s) => s.name === "cli"));
    const out = join(projectRoot, "build/cli");
    // The chunks reachable from main.mjs through static imports and the dynamic imports a registry read on a store takes.
    const sources = new Map<string, string>();
    const packages = new Set<string>();
    // main -> program -> the registry commands' module (the fast route naming holdings) -> direct (store handlers) -> pglite.
    const program = readFileSync(join(out, "main.mjs"), "utf8").match(/import\("\.\/(program-[^"]+)"\)/)?.[1] ?? "";
    const registryCommands = readFileSync(join(out, program), "utf8").match(/"holdings"[^]*?import\("\.\/([^"]+)"\)/)?.[1] ?? "";
    expect(registryCommands).toMatch(/^commands-/);
    const follow = (source: string) => source === program || source === registryCommands || /^(direct|pglite)-/.test(source);
    const visit = (file: string) => {
      if (sources.has(file)) return;
      const text = readFileSync(join(out, file), "utf8");
      sources.set(file, text);
      for (const m of text.matchAll(/^(?:import|export)\b[^;]*?from "([^"]+)"|^import "([^"]+)"/gms)) {
        const spec = m[1] ?? m[2] ?? "";
        if (spec.startsWith("./")) visit(spec.slice(2));
        else packages.add(spec);
      }
      for (const m of text.matchAll(/import\("\.\/([^"]+)"\)/g)) {
        const spec = m[1] ?? "";
        if (follow(spec)) visit(spec);
      }
    };
    visit("main.mjs");
    const all = [...sources.values()].join("\n");
    expect(all).toContain("// src/registry/secure/index.ts");
    expect(all).toContain("// src/store/pglite.ts");
    expect([...packages]).toContain("@electric-sql/pglite");
    expect([...packages].filter((p) => /zod|pg$|argon2|yaml|exceljs|hono/.test(p))).toEqual([]);
    for (const module of ["src/registry/scheme-rules.ts", "src/registry/compliance/", "src/registry/auction/", "src/registry/international/", "src/domain/rulebook/", "src/registry/verify.ts"]) {
      expect(all).not.toContain(`// ${module}`);
    }
    // The CLI's own messages, not the whole catalogue (the console's areas, the check catalogues:
    // those load only when the CLI speaks Japanese, for the words of codes).
    expect(all).toContain("// src/i18n/cli.ts");
    for (const module of ["src/i18n/catalogue.ts", "src/i18n/messages/dashboard.ts", "src/i18n/messages/checks.ts", "src/domain/allocation/texts.ts"]) {
      expect(all).not.toContain(`// ${module}`);
    }
    // commander is part of the bundle (scripts/build.mjs BUNDLED), not CommonJS loaded from node_modules.
    expect([...packages]).not.toContain("commander");
    expect(all).toMatch(/\/\/ .*node_modules\/commander\/lib\/command\.js/);
  }, 120_000);
});
