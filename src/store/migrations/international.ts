// International units in the registry (src/registry/international): the credit attributes of each
// unit class, the Article 6.2 book (its records, append-only, and the one lock row every book write
// takes), the intents the international operations leave for the ledger hooks, and the accounts
// the service keeps (pending, outbound, share of proceeds, OMGE, buffer). The ledger's own tables
// are never written here: units move only through the ledger's one write path, and these tables
// are written in the same database transaction by the hooks on the kinds involved.
import type { Migration } from "../migration.ts";

const appendOnly = (table: string) => [
  `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()`,
  `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()`,
];

export const internationalMigrations: readonly Migration[] = [
  {
    id: "intl-001",
    statements: [
      // Every attribute of a class defined from credit attributes (the ledger's class row has
      // columns for some of them; labels, sector, expiry, GWP... live here).
      `CREATE TABLE intl_classes (
         class_code text PRIMARY KEY REFERENCES unit_classes(code),
         attributes jsonb NOT NULL,
         defined_at timestamptz NOT NULL
       )`,
      ...appendOnly("intl_classes"),
      // The Article 6.2 book: its records in the order they were made; the state is their replay.
      `CREATE TABLE intl_book (
         seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
         id text NOT NULL UNIQUE,
         kind text NOT NULL CHECK (kind IN ('issuance','authorization','cover','revocation','first-transfer','transfer','use','cancellation','entity')),
         record jsonb NOT NULL,
         tx_id text,
         origin text NOT NULL,
         at timestamptz NOT NULL
       )`,
      ...appendOnly("intl_book"),
      `CREATE TABLE intl_book_lock (id int PRIMARY KEY CHECK (id = 1))`,
      `INSERT INTO intl_book_lock (id) VALUES (1)`,
      // What an international operation means by the ledger transaction it asks for (by the
      // transaction's or batch's id): the hooks read it inside the writing transaction.
      `CREATE TABLE intl_intents (
         tx_id text PRIMARY KEY,
         kind text NOT NULL,
         body jsonb NOT NULL,
         created_at timestamptz NOT NULL
       )`,
      ...appendOnly("intl_intents"),
      // Accounts the international service keeps (pending, outbound, share of proceeds, OMGE,
      // buffer): units reach and leave them only with an intent.
      `CREATE TABLE intl_accounts (
         account_id text PRIMARY KEY REFERENCES accounts(id),
         role text NOT NULL CHECK (role IN ('pending','outbound','share_of_proceeds','omge','buffer')),
         scope text NOT NULL,
         UNIQUE (role, scope)
       )`,
      ...appendOnly("intl_accounts"),
    ],
  },
];
