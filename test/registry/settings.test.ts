// Goal: the rules a registry runs with are recorded in its store and read back the same by every
// door: the security rules and the scheme's rulebook (its text, parsed again where it is read, so
// a CLI run from another directory keeps the rules); a store with none recorded reads as the
// defaults and no rulebook; recorded text that no longer parses is an error, never a silent
// default; the scheme-rule installers get the recorded rulebook. PGlite and PostgreSQL.
import { expect, it } from "vitest";
import { DEFAULT_SECURITY_CONFIG } from "../../src/domain/security/config.ts";
import { loadRulebook, rulebookValue } from "../../src/io/rulebook.ts";
import { installSchemeRules } from "../../src/registry/scheme-rules.ts";
import { LedgerService } from "../../src/registry/ledger/index.ts";
import { recordedRulebook, recordedSecurity, recordRulebook, recordSecurity } from "../../src/registry/settings.ts";
import { forEachStore } from "../support/stores.ts";

forEachStore("recorded registry settings", (get) => {
  it("reads the defaults and no rulebook from a store where none was recorded", async () => {
    expect(await recordedSecurity(get())).toEqual({ rulebook: null, config: DEFAULT_SECURITY_CONFIG, recordedAt: "" });
    expect(await recordedRulebook(get())).toBeNull();
  });

  it("reads back the security rules and the rulebook as recorded, and hands the rulebook to the installers", async () => {
    const gx = loadRulebook("japan-gx-ets");
    await recordSecurity(get(), "japan-gx-ets", gx.security ?? DEFAULT_SECURITY_CONFIG, "2026-04-01T00:00:00.000Z");
    await recordRulebook(get(), "japan-gx-ets", rulebookValue("japan-gx-ets"), "2026-04-01T00:00:00.000Z");
    expect((await recordedSecurity(get())).config).toEqual(gx.security);
    const back = await recordedRulebook(get());
    expect(back?.name).toBe("japan-gx-ets");
    expect(back?.rulebook).toEqual(gx);
    const got: unknown[] = [];
    installSchemeRules(await LedgerService.open(get()), get(), back?.rulebook ?? null, [(_l, _db, rb) => got.push(rb?.scheme.id)]);
    expect(got).toEqual([gx.scheme.id]);
  });

  it("refuses to run on recorded text that no longer parses", async () => {
    await recordRulebook(get(), "mine.yaml", { scheme: ["not", "a", "scheme"] }, "2026-04-02T00:00:00.000Z");
    await expect(recordedRulebook(get())).rejects.toThrow(/recorded rulebook mine.yaml does not parse/);
  });
});
