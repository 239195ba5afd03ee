// Credential changes announce themselves from the database, whichever door made them (a server
// process's HTTP route, another server process, the CLI writing the store directly): a trigger on
// each table a verified principal is read from calls pg_notify on the channel CREDENTIALS_CHANNEL,
// which PostgreSQL delivers to every listening connection when the writing transaction commits
// (nothing is sent for a rolled-back one, and identical notices of one transaction are sent once).
// Each server process listens (src/store/listen.ts) and empties its cache of verified principals
// (src/http/middleware/authenticate.ts). The triggers fire only on changes that can end or alter
// a principal, not on the routine writes of signing in (a token's last_used_at, a TOTP step, a
// new session or token, whose random secret no cache can hold yet):
//   - users: UPDATE of roles, disabled, demo, password_hash or id; DELETE; TRUNCATE;
//   - sessions: UPDATE of revoked_at, expires_at, user_id, token_hash or kind; DELETE; TRUNCATE;
//   - api_tokens: UPDATE of revoked_at, expires_at, user_id, token_hash or scopes; DELETE; TRUNCATE;
//   - representatives: INSERT, UPDATE, DELETE, TRUNCATE (a first representation adds the role).
// The notice's payload is the table's name. On PGlite (one process holds the store) nobody
// listens and pg_notify does nothing; the server's own routes empty its cache there.
import type { Migration } from "../migration.ts";

/** The channel credential changes are announced on. */
export const CREDENTIALS_CHANNEL = "openets_credentials";

const rowTrigger = (name: string, table: string, events: string, when?: string) =>
  `CREATE TRIGGER ${name} AFTER ${events} ON ${table} FOR EACH ROW ${when ? `WHEN (${when}) ` : ""}EXECUTE FUNCTION auth_announce_change()`;
const truncateTrigger = (table: string) => `CREATE TRIGGER ${table}_credentials_truncated AFTER TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION auth_announce_change()`;
const changed = (cols: readonly string[]) => cols.map((c) => `OLD.${c} IS DISTINCT FROM NEW.${c}`).join(" OR ");

export const authNotifyMigrations: readonly Migration[] = [
  {
    id: "auth-notify-001",
    statements: [
      `CREATE FUNCTION auth_announce_change() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         PERFORM pg_notify('${CREDENTIALS_CHANNEL}', TG_TABLE_NAME);
         RETURN NULL;
       END $$`,
      rowTrigger("users_credentials_changed", "users", "UPDATE", changed(["roles", "disabled", "demo", "password_hash", "id"])),
      rowTrigger("users_credentials_deleted", "users", "DELETE"),
      truncateTrigger("users"),
      rowTrigger("sessions_credentials_changed", "sessions", "UPDATE", changed(["revoked_at", "expires_at", "user_id", "token_hash", "kind"])),
      rowTrigger("sessions_credentials_deleted", "sessions", "DELETE"),
      truncateTrigger("sessions"),
      rowTrigger("api_tokens_credentials_changed", "api_tokens", "UPDATE", changed(["revoked_at", "expires_at", "user_id", "token_hash", "scopes"])),
      rowTrigger("api_tokens_credentials_deleted", "api_tokens", "DELETE"),
      truncateTrigger("api_tokens"),
      rowTrigger("representatives_credentials_changed", "representatives", "INSERT OR UPDATE OR DELETE"),
      truncateTrigger("representatives"),
    ],
  },
];
