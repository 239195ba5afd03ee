// Checkpoints: published Merkle roots over the ledger's chain heads and the records that decide
// what verify counts (account types, class and account commands, account events). The leaves
// form one append-only log; checkpoint n covers its first `count` leaves and records the root of
// the RFC 6962 tree over them (src/registry/checkpoints/). Both tables are append-only, like the
// ledger's tables of record.
import type { Migration } from "../migration.ts";

const appendOnly = (table: string) => [
  `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()`,
  `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()`,
];

export const checkpointMigrations: readonly Migration[] = [
  {
    id: "checkpoints-001",
    statements: [
      `CREATE TABLE checkpoint_leaves (
         position int8 PRIMARY KEY CHECK (position >= 0),
         kind text NOT NULL CHECK (kind IN ('account-type', 'command', 'account-event', 'chain-head')),
         key text NOT NULL,
         seq int8,
         leaf_hash text NOT NULL CHECK (leaf_hash ~ '^[0-9a-f]{64}$'),
         CHECK ((kind = 'chain-head') = (seq IS NOT NULL))
       )`,
      // A record enters the log once; a chain head once per link that was a head at a checkpoint.
      `CREATE UNIQUE INDEX checkpoint_leaves_key ON checkpoint_leaves (kind, key, coalesce(seq, 0))`,
      `CREATE TABLE checkpoints (
         id int8 PRIMARY KEY CHECK (id > 0),
         at timestamptz NOT NULL,
         root text NOT NULL CHECK (root ~ '^[0-9a-f]{64}$'),
         count int8 NOT NULL CHECK (count >= 0),
         frontier jsonb NOT NULL,
         recorded_by text NOT NULL
       )`,
      ...appendOnly("checkpoint_leaves"),
      ...appendOnly("checkpoints"),
    ],
  },
];
