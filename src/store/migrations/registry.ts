// The registry's own settings, recorded in its store so that every door to it (the server, the
// CLI on the same store, a second server process) applies the same rules: the security
// configuration the server runs with (from the rulebook's security section).
import type { Migration } from "../migration.ts";

export const registryMigrations: readonly Migration[] = [
  {
    id: "registry-001",
    statements: [
      `CREATE TABLE registry_settings (
         key text PRIMARY KEY,
         value jsonb NOT NULL,
         updated_at timestamptz NOT NULL
       )`,
    ],
  },
];
