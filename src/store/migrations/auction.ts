// Auctions and the market stability reserve in the registry (src/registry/auction): the calendar
// of a year, each auction with the rules it runs under, its bidders and their accounts, the sealed
// bids, the clearing result and awards, and the payment record beside every settled delivery; the
// reserve's decisions on the TNAC of a year. Every table is append-only (a trail: an auction's
// status is its last event), and the database keeps what it can: one auction per calendar entry,
// bids only from admitted bidders, awards only to bidders, a payment only for an award and for a
// ledger transaction, payments equal to quantity x price, a result's quantities adding up.
import type { Migration } from "../migration.ts";

const appendOnly = (table: string) => [
  `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()`,
  `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()`,
];

const TABLES = ["auction_commands", "auction_calendar", "auctions", "auction_events", "auction_bidders", "auction_bids", "auction_results", "auction_awards", "auction_payments", "msr_decisions"];

export const auctionMigrations: readonly Migration[] = [
  {
    id: "auction-001",
    statements: [
      // Idempotency of every auction command: the caller's key in its scope ('' for the registry's
      // own: administrators), the canonical request, and what it made.
      `CREATE TABLE auction_commands (
         scope text NOT NULL,
         key text NOT NULL,
         kind text NOT NULL,
         target text NOT NULL,
         request jsonb NOT NULL,
         actor text,
         at timestamptz NOT NULL,
         PRIMARY KEY (scope, key)
       )`,
      `CREATE TABLE auction_calendar (
         year int NOT NULL CHECK (year BETWEEN 1990 AND 2200),
         number int NOT NULL CHECK (number >= 1),
         month text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
         planned int8 NOT NULL CHECK (planned >= 0),
         adjustment int8 NOT NULL,
         volume int8 NOT NULL CHECK (volume >= 0 AND volume = planned + adjustment),
         scheme text NOT NULL,
         created_at timestamptz NOT NULL,
         PRIMARY KEY (year, number)
       )`,
      `CREATE TABLE auctions (
         id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,47}$'),
         year int NOT NULL,
         number int NOT NULL,
         scheme text NOT NULL,
         currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
         class_id int NOT NULL REFERENCES unit_classes(id),
         auction_account text NOT NULL REFERENCES accounts(id),
         reserve_accounts jsonb NOT NULL,
         unsold_account text REFERENCES accounts(id),
         rules jsonb NOT NULL,
         planned int8 NOT NULL CHECK (planned >= 0),
         carried_in int8 NOT NULL CHECK (carried_in >= 0),
         offered int8 NOT NULL CHECK (offered = planned + carried_in),
         created_at timestamptz NOT NULL,
         created_by text NOT NULL,
         UNIQUE (year, number),
         FOREIGN KEY (year, number) REFERENCES auction_calendar (year, number)
       )`,
      `CREATE TABLE auction_events (
         auction_id text NOT NULL REFERENCES auctions(id),
         seq int NOT NULL CHECK (seq >= 1),
         status text NOT NULL CHECK (status IN ('open', 'cleared', 'undersubscribed', 'cancelled', 'settled')),
         at timestamptz NOT NULL,
         actor text,
         detail jsonb NOT NULL DEFAULT '{}'::jsonb,
         PRIMARY KEY (auction_id, seq)
       )`,
      `CREATE TABLE auction_bidders (
         auction_id text NOT NULL REFERENCES auctions(id),
         bidder text NOT NULL CHECK (bidder ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
         account_id text NOT NULL REFERENCES accounts(id),
         guarantee_minor int8 CHECK (guarantee_minor >= 0),
         covered boolean NOT NULL,
         admitted_at timestamptz NOT NULL,
         admitted_by text NOT NULL,
         PRIMARY KEY (auction_id, bidder),
         UNIQUE (auction_id, account_id)
       )`,
      `CREATE TABLE auction_bids (
         auction_id text NOT NULL,
         bid_no int NOT NULL CHECK (bid_no >= 1),
         bidder text NOT NULL,
         quantity int8 NOT NULL CHECK (quantity > 0),
         price_minor int8 CHECK (price_minor >= 0),
         submitted_at timestamptz NOT NULL,
         submitted_by text NOT NULL,
         command_key text NOT NULL,
         PRIMARY KEY (auction_id, bid_no),
         FOREIGN KEY (auction_id, bidder) REFERENCES auction_bidders (auction_id, bidder)
       )`,
      `CREATE TABLE auction_results (
         auction_id text PRIMARY KEY REFERENCES auctions(id),
         status text NOT NULL CHECK (status IN ('cleared', 'undersubscribed', 'cancelled')),
         clearing_price_minor int8 CHECK (clearing_price_minor >= 0),
         offered int8 NOT NULL CHECK (offered >= 0),
         sold int8 NOT NULL CHECK (sold >= 0),
         reserve_sold int8 NOT NULL CHECK (reserve_sold >= 0 AND reserve_sold <= sold),
         withheld int8 NOT NULL CHECK (withheld >= 0),
         unsold int8 NOT NULL CHECK (unsold >= 0),
         cancelled int8 NOT NULL CHECK (cancelled >= 0),
         proceeds_minor numeric(40, 0) NOT NULL CHECK (proceeds_minor >= 0),
         seed text,
         statement jsonb NOT NULL,
         cleared_at timestamptz NOT NULL,
         cleared_by text NOT NULL,
         CHECK ((status = 'cancelled') = (clearing_price_minor IS NULL)),
         -- conservation: what was offered is sold, unsold or withheld; a cancelled auction sells nothing
         CHECK ((status = 'cancelled' AND sold = 0 AND cancelled = offered) OR (status <> 'cancelled' AND cancelled = 0 AND offered = sold - reserve_sold + unsold + withheld)),
         CHECK (status = 'cancelled' OR proceeds_minor = sold::numeric * clearing_price_minor::numeric)
       )`,
      `CREATE TABLE auction_awards (
         auction_id text NOT NULL REFERENCES auction_results(auction_id),
         bidder text NOT NULL,
         account_id text NOT NULL REFERENCES accounts(id),
         quantity int8 NOT NULL CHECK (quantity > 0),
         non_competitive int8 NOT NULL CHECK (non_competitive >= 0 AND non_competitive <= quantity),
         payment_minor numeric(40, 0) NOT NULL CHECK (payment_minor >= 0),
         PRIMARY KEY (auction_id, bidder),
         FOREIGN KEY (auction_id, bidder) REFERENCES auction_bidders (auction_id, bidder)
       )`,
      // The payment record beside each delivery, written by the hook on auction_delivery in the
      // database transaction that writes the delivery.
      `CREATE TABLE auction_payments (
         auction_id text NOT NULL,
         bidder text NOT NULL,
         account_id text NOT NULL REFERENCES accounts(id),
         transaction_id text NOT NULL UNIQUE REFERENCES transactions(id),
         batch_id text NOT NULL,
         quantity int8 NOT NULL CHECK (quantity > 0),
         price_minor int8 NOT NULL CHECK (price_minor >= 0),
         amount_minor numeric(40, 0) NOT NULL CHECK (amount_minor = quantity::numeric * price_minor::numeric),
         currency text NOT NULL,
         decimals int NOT NULL CHECK (decimals BETWEEN 0 AND 4),
         recorded_at timestamptz NOT NULL,
         PRIMARY KEY (auction_id, bidder),
         FOREIGN KEY (auction_id, bidder) REFERENCES auction_awards (auction_id, bidder)
       )`,
      `CREATE TABLE msr_decisions (
         tnac_year int PRIMARY KEY CHECK (tnac_year BETWEEN 1990 AND 2200),
         tnac int8 NOT NULL,
         figures jsonb NOT NULL,
         decision jsonb NOT NULL,
         intake int8 NOT NULL CHECK (intake >= 0),
         release int8 NOT NULL CHECK (release >= 0),
         invalidated int8 NOT NULL CHECK (invalidated >= 0),
         msr_account text NOT NULL REFERENCES accounts(id),
         auction_account text NOT NULL REFERENCES accounts(id),
         cancellation_account text REFERENCES accounts(id),
         at timestamptz NOT NULL,
         actor text NOT NULL,
         CHECK (intake = 0 OR release = 0)
       )`,
      ...TABLES.flatMap(appendOnly),
    ],
  },
];
