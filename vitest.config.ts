import { defineConfig } from "vitest/config";

// Every test file runs in its own fork; the real PostgreSQL server is started once per run by
// test/support/global-setup.ts and each suite creates its own database on it.
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    reporters: ["default", "./test/support/summary-reporter.ts"],
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
