// Prints the closing line CI reads: "N passed, N failed" (", N skipped" when any were skipped).
// With OPENETS_SUMMARY_FILE set (scripts/test.mjs sets it), the line is also written there, so that
// `npm test` can repeat it after anything Vitest prints once its reporters are done.
import { writeFileSync } from "node:fs";
import type { Reporter, TestModule } from "vitest/node";

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of testModules) {
      let failedHere = 0;
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") failedHere++;
        else skipped++;
      }
      // A file that failed to load, or whose beforeAll failed (its tests then count as skipped),
      // is a failure all the same: never "0 failed" for a run that failed.
      if (mod.state() === "failed" && failedHere === 0) failedHere = 1;
      failed += failedHere;
    }
    failed += unhandledErrors.length;
    const tail = skipped > 0 ? `, ${skipped} skipped` : "";
    const line = `${passed} passed, ${failed} failed${tail}`;
    process.stdout.write(`\n${line}\n`);
    if (process.env.OPENETS_SUMMARY_FILE) writeFileSync(process.env.OPENETS_SUMMARY_FILE, line);
  }
}
