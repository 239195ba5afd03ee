// Users, sessions and API tokens. Passwords are stored as argon2id hashes; sessions, challenges and
// API tokens as SHA-256 hashes of their random secrets, so a copy of the database signs nobody in.
import type { Migration } from "../migration.ts";

export const authMigrations: readonly Migration[] = [
  {
    id: "auth-001",
    statements: [
      `CREATE TABLE users (
         id text PRIMARY KEY,
         display_name text NOT NULL,
         password_hash text NOT NULL,
         roles text[] NOT NULL DEFAULT '{}',
         totp_secret text,
         totp_last_step int8,
         failures int NOT NULL DEFAULT 0,
         last_failure_at timestamptz,
         locked_until timestamptz,
         disabled boolean NOT NULL DEFAULT false,
         demo boolean NOT NULL DEFAULT false,
         created_at timestamptz NOT NULL
       )`,
      `CREATE TABLE sessions (
         id text PRIMARY KEY,
         token_hash text NOT NULL UNIQUE,
         user_id text NOT NULL REFERENCES users(id),
         kind text NOT NULL CHECK (kind IN ('session','challenge')),
         created_at timestamptz NOT NULL,
         expires_at timestamptz NOT NULL,
         revoked_at timestamptz,
         ip text
       )`,
      `CREATE INDEX sessions_user ON sessions (user_id)`,
      `CREATE TABLE api_tokens (
         id text PRIMARY KEY,
         token_hash text NOT NULL UNIQUE,
         user_id text NOT NULL REFERENCES users(id),
         name text NOT NULL,
         scopes text[] NOT NULL,
         created_at timestamptz NOT NULL,
         expires_at timestamptz NOT NULL,
         revoked_at timestamptz,
         last_used_at timestamptz
       )`,
      `CREATE INDEX api_tokens_user ON api_tokens (user_id)`,
    ],
  },
  {
    // Sign-in throttling per (user id as claimed, client address), kept alike for ids that exist
    // and ids that do not, so that the answers reveal neither (src/auth/throttle.ts). The address
    // '*' holds the count over all addresses. Replaces the per-user columns users.failures,
    // last_failure_at and locked_until, which stay (migrations only go forward) but are no longer
    // read or written: a lockout in force when this runs ends with it.
    id: "auth-002",
    statements: [
      `CREATE TABLE sign_in_throttle (
         user_key text NOT NULL,
         address text NOT NULL,
         failures int NOT NULL,
         last_failure_at timestamptz NOT NULL,
         locked_until timestamptz,
         PRIMARY KEY (user_key, address)
       )`,
      `CREATE INDEX sign_in_throttle_age ON sign_in_throttle (last_failure_at)`,
    ],
  },
];
