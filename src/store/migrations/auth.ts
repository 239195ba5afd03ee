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
];
