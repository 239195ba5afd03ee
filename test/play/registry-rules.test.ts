// Goal: the registry-rules example (issue 17) plays through on both stores, with the real rules of
// the UK preset's ledger section: one live account per installation and permit, the government
// routes, a graded restriction with its reason, a surrender reversed inside the window under
// four-eyes and refused after it, the freeze, and the closure preconditions.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runPlay } from "../../src/cli/commands/play.ts";
import { createServerDatabase, STORE_KINDS } from "../support/stores.ts";

const EXAMPLE = join(import.meta.dirname, "../../examples/play/registry-rules.yaml");

describe("ets play examples/play/registry-rules.yaml", () => {
  it.each(STORE_KINDS)("comes out as expected on %s", async (kind) => {
    const lines: string[] = [];
    const r = await runPlay(EXAMPLE, kind === "postgres" ? { database: await createServerDatabase() } : {}, (s) => lines.push(s));
    expect(r.passed, lines.join("")).toBe(true);
    const code = (label: string) => (r.steps.find((s) => s.label.startsWith(label))?.body as { code?: number } | undefined)?.code;
    // the refusals are the registry's own answers, each with its code
    expect(code("a second live account for the same installation")).toBe(7011);
    expect(code("the market stability reserve never sends straight")).toBe(2005);
    expect(code("after 14 days a surrender is final")).toBe(6011);
    expect(code("nothing is written meanwhile")).toBe(6008);
    expect(code("a government account is never closed")).toBe(7009);
    expect(lines.at(-1)).toBe(`all ${r.steps.length} steps came out as expected\n`);
  }, 240_000);
});
