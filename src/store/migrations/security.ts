// The registry's security state: account representatives with their rights, and trusted account
// lists with the time each entry takes effect, who approved it, and (when removed) when it stopped. History of both is in the
// audit log; removals are soft (removed_at) so that "trusted at time t" stays answerable.
import type { Migration } from "../migration.ts";

export const securityMigrations: readonly Migration[] = [
  {
    id: "security-001",
    statements: [
      `CREATE TABLE representatives (
         account_id text NOT NULL REFERENCES accounts(id),
         user_id text NOT NULL REFERENCES users(id),
         can_initiate boolean NOT NULL,
         can_approve boolean NOT NULL,
         added_at timestamptz NOT NULL,
         added_by text,
         PRIMARY KEY (account_id, user_id)
       )`,
      `CREATE INDEX representatives_user ON representatives (user_id)`,
      `CREATE TABLE trusted_accounts (
         id bigserial PRIMARY KEY,
         account_id text NOT NULL REFERENCES accounts(id),
         trusted_account_id text NOT NULL REFERENCES accounts(id),
         proposed_at timestamptz NOT NULL,
         active_from timestamptz NOT NULL,
         removed_at timestamptz,
         added_by text,
         approved_at timestamptz,
         approved_by text,
         removed_by text,
         CHECK (account_id <> trusted_account_id)
       )`,
      // An account's own limit per transaction outside its trusted list; a raise waits in pending_* for a second person.
      `CREATE TABLE account_limits (
         account_id text PRIMARY KEY REFERENCES accounts(id),
         limit_units int8 CHECK (limit_units >= 0),
         pending boolean NOT NULL DEFAULT false,
         pending_units int8 CHECK (pending_units >= 0),
         proposed_by text,
         proposed_at timestamptz,
         updated_at timestamptz NOT NULL
       )`,
      `CREATE UNIQUE INDEX trusted_accounts_current ON trusted_accounts (account_id, trusted_account_id) WHERE removed_at IS NULL`,
    ],
  },
  {
    // An approval names the exact version of the change it approves: a change proposed after the
    // approver looked (a different raise, or the same account proposed again) is a new version.
    id: "security-002",
    statements: [`ALTER TABLE account_limits ADD COLUMN version int NOT NULL DEFAULT 0`],
  },
];
