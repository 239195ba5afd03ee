// The audit trail's table: append-only like the ledger's tables of record (the same trigger
// function refuses UPDATE, DELETE and TRUNCATE).
import type { Migration } from "../migration.ts";

export const auditMigrations: readonly Migration[] = [
  {
    id: "audit-001",
    statements: [
      `CREATE TABLE audit_log (
         seq bigserial PRIMARY KEY,
         at timestamptz NOT NULL,
         actor text,
         via text NOT NULL,
         ip text,
         request_id text,
         action text NOT NULL,
         target text,
         outcome text NOT NULL CHECK (outcome IN ('ok','refused','error')),
         code int,
         detail jsonb NOT NULL DEFAULT '{}'::jsonb
       )`,
      `CREATE INDEX audit_log_actor ON audit_log (actor, seq)`,
      `CREATE INDEX audit_log_target ON audit_log (target, seq)`,
      `CREATE INDEX audit_log_at ON audit_log (at)`,
      `CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()`,
      `CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()`,
    ],
  },
];
