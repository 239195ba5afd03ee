// Collars and auction revenue in the registry (src/registry/auction/revenue.ts, collars.ts): the
// split of each settled auction's proceeds by the rulebook's revenue table, one row per recipient
// (and the retained rest), written by the settlement batch's hook in the batch's own database
// transaction; and the payments of the reference upper price made in place of allowances (GX-ETS),
// written only by the collar service, which compliance counts toward the installation's
// obligation. Both tables are append-only; the database keeps amounts whole and non-negative,
// a payment equal to quantity x price, and one payment per command id.
import type { Migration } from "../migration.ts";

export const appendOnly = (table: string) => [
  `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()`,
  `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()`,
];

export const collarMigrations: readonly Migration[] = [
  {
    id: "collars-001",
    statements: [
      `CREATE TABLE auction_revenue (
         auction_id text NOT NULL REFERENCES auctions(id),
         seq int NOT NULL CHECK (seq >= 1),
         recipient text NOT NULL CHECK (length(recipient) BETWEEN 1 AND 200),
         share text CHECK (share ~ '^[0-9]+(\\.[0-9]+)?([eE]-?[0-9]+)?$'),
         retained boolean NOT NULL,
         amount_minor numeric(40, 0) NOT NULL CHECK (amount_minor >= 0),
         currency text NOT NULL,
         decimals int NOT NULL CHECK (decimals BETWEEN 0 AND 4),
         revenue_table text NOT NULL CHECK (revenue_table IN ('auctions.revenue', 'allocation.distribution', 'none')),
         batch_id text NOT NULL,
         recorded_at timestamptz NOT NULL,
         PRIMARY KEY (auction_id, seq),
         CHECK (retained = (share IS NULL))
       )`,
      `CREATE TABLE ceiling_payments (
         id text PRIMARY KEY,
         scope text NOT NULL,
         key text NOT NULL,
         request jsonb NOT NULL,
         installation text NOT NULL REFERENCES compliance_installations(installation),
         period text NOT NULL,
         price_year int NOT NULL CHECK (price_year BETWEEN 1990 AND 2200),
         quantity int8 NOT NULL CHECK (quantity > 0),
         price_minor int8 NOT NULL CHECK (price_minor >= 0),
         amount_minor numeric(40, 0) NOT NULL CHECK (amount_minor = quantity::numeric * price_minor::numeric),
         currency text NOT NULL,
         decimals int NOT NULL CHECK (decimals BETWEEN 0 AND 6),
         reference text,
         recorded_by text NOT NULL,
         recorded_at timestamptz NOT NULL,
         UNIQUE (scope, key)
       )`,
      `CREATE INDEX ceiling_payments_position ON ceiling_payments (period, installation)`,
      ...["auction_revenue", "ceiling_payments"].flatMap(appendOnly),
    ],
  },
];

export const ceilingSaleMigrations: readonly Migration[] = [
  {
    // Sales at a hard ceiling (src/registry/auction/ceiling-sales.ts): allowances issued beyond the
    // cap and sold to a covered entity at the year's ceiling price; written by the ceiling_sale
    // hook in the sale transaction's own database transaction; one sale per issuance.
    id: "collars-002",
    statements: [
      `CREATE TABLE ceiling_sales (
         id text PRIMARY KEY,
         transaction_id text NOT NULL UNIQUE,
         issuance_id text NOT NULL UNIQUE,
         buyer_account text NOT NULL,
         installation text NOT NULL REFERENCES compliance_installations(installation),
         class_code text NOT NULL,
         year int NOT NULL CHECK (year BETWEEN 1990 AND 2200),
         quantity int8 NOT NULL CHECK (quantity > 0),
         price_minor int8 NOT NULL CHECK (price_minor >= 0),
         amount_minor numeric(40, 0) NOT NULL CHECK (amount_minor = quantity::numeric * price_minor::numeric),
         currency text NOT NULL,
         decimals int NOT NULL CHECK (decimals BETWEEN 0 AND 6),
         beyond_cap boolean NOT NULL CHECK (beyond_cap),
         sold_by text,
         recorded_at timestamptz NOT NULL
       )`,
      `CREATE INDEX ceiling_sales_year ON ceiling_sales (year, buyer_account)`,
      ...appendOnly("ceiling_sales"),
    ],
  },
];
