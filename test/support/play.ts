// A played example's test: the scenario file under examples/play/ played through the API on a
// fresh PGlite store (started from the run's migrated archive, test/support/global-setup.ts) and on
// a fresh, empty database of the test run's PostgreSQL server (the play migrates it), every step as its
// `expect` says (the play output is the failure message), then the example's own checks of the
// steps' answers.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runPlay } from "../../src/cli/commands/play.ts";
import type { PlayResult } from "../../src/play/run.ts";
import { createServerDatabase, migratedPgliteImage } from "./stores.ts";

export function playsOnBothStores(title: string, example: string, check: (r: PlayResult) => void, timeout = 180_000): void {
  const file = join(import.meta.dirname, "../../examples/play", example);
  describe(title, () => {
    for (const store of ["pglite", "postgres"] as const) {
      it(`plays every step as expected [${store}]`, async () => {
        const lines: string[] = [];
        const opts = store === "postgres" ? { database: await createServerDatabase() } : { image: await migratedPgliteImage() };
        const r = await runPlay(file, opts, (s) => lines.push(s));
        expect(r.passed, lines.join("")).toBe(true);
        check(r);
      }, timeout);
    }
  });
}
