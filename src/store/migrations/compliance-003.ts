// Ex-post issuance of excess reductions (Tokyo; src/registry/compliance/ex-post.ts): one row per
// compliance period and installation, written by the hook on `ex_post_issuance`
// (src/registry/compliance/ex-post-hook.ts) inside the transaction that moves the credits to the
// operator account, so no door issues that kind without its row, and the primary key lets it
// happen once per pair. The database keeps the figure's arithmetic: the surplus is the facility
// cap less the period's verified emissions, and what is issued is above 0, at most the surplus and
// at most the rulebook's ceiling where it has one. Append-only like every compliance record.
import type { Migration } from "../migration.ts";

export const complianceExPostMigrations: readonly Migration[] = [
  {
    id: "compliance-003",
    statements: [
      `CREATE TABLE ex_post_issuances (
         period text NOT NULL,
         installation text NOT NULL REFERENCES compliance_installations(installation),
         account_id text NOT NULL REFERENCES accounts(id),
         class_code text NOT NULL,
         unit_type text NOT NULL,
         vintage int NOT NULL CHECK (vintage BETWEEN 1990 AND 2200),
         emissions int8 NOT NULL CHECK (emissions >= 0),
         facility_cap int8 NOT NULL CHECK (facility_cap >= 0),
         surplus int8 NOT NULL CHECK (surplus = facility_cap - emissions AND surplus > 0),
         ceiling int8 CHECK (ceiling >= 0),
         issued int8 NOT NULL CHECK (issued > 0 AND issued <= surplus AND (ceiling IS NULL OR issued <= ceiling)),
         transaction_id text NOT NULL UNIQUE REFERENCES transactions(id),
         issuance_id text NOT NULL UNIQUE REFERENCES transactions(id),
         lines jsonb NOT NULL,
         issued_by text,
         recorded_at timestamptz NOT NULL,
         PRIMARY KEY (period, installation)
       )`,
      "CREATE INDEX ex_post_issuances_account ON ex_post_issuances (account_id)",
      "CREATE TRIGGER ex_post_issuances_append_only BEFORE UPDATE OR DELETE ON ex_post_issuances FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()",
      "CREATE TRIGGER ex_post_issuances_no_truncate BEFORE TRUNCATE ON ex_post_issuances FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()",
    ],
  },
];
