// The address of the server that holds a PGlite data directory. One process owns such a
// directory (lock.ts); when it is the OpenETS server, it records where it listens in the
// directory (`ets.server.json`), so that `ets` run beside it talks to it over HTTP instead of
// refusing. The record names the server's pid: a record whose process is gone is stale and
// ignored (a server killed with -9 cannot remove it).
//
// A PostgreSQL store is shared by many processes, and has no directory: the server records the
// same facts, with its host name, in the store itself (registry_settings, key "server"), and
// clears them at stop. `ets` on the same host finds it there and talks to it while its process
// lives; on another host the loopback address means nothing, so `--server` / OPENETS_URL name it.
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import type { Sql } from "./db.ts";

export const SERVER_RECORD_FILE = "ets.server.json";

export interface ServerRecord {
  /** The base URL the server answers on, e.g. http://127.0.0.1:3000 */
  url: string;
  pid: number;
  startedAt: string;
  version: string;
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Writes the record (atomically: a reader never sees half of it). */
export function writeServerRecord(dir: string, record: ServerRecord): void {
  const path = join(dir, SERVER_RECORD_FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(tmp, path);
}

/** Removes the record if it is this process's. */
export function removeServerRecord(dir: string, pid: number = process.pid): void {
  const r = readServerRecord(dir, { includeStale: true });
  if (r && r.pid === pid) rmSync(join(dir, SERVER_RECORD_FILE), { force: true });
}

/** The record of the server running on this directory, or undefined (none, unreadable, or its process is gone). */
export function readServerRecord(dir: string, o: { includeStale?: boolean } = {}): ServerRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(join(dir, SERVER_RECORD_FILE), "utf8"));
  } catch {
    return undefined;
  }
  const r = value as Partial<ServerRecord>;
  if (typeof r.url !== "string" || !/^https?:\/\//.test(r.url) || typeof r.pid !== "number") return undefined;
  if (!o.includeStale && !alive(r.pid)) return undefined;
  return { url: r.url, pid: r.pid, startedAt: String(r.startedAt ?? ""), version: String(r.version ?? "") };
}

// ---- in a PostgreSQL store --------------------------------------------------------------------

/** The registry_settings key of the server record in a store. */
export const SERVER_SETTING_KEY = "server";

export interface StoreServerRecord extends ServerRecord {
  /** The host the server runs on (its pid and loopback URL mean something only there). */
  host: string;
}

/** Records the server in the store (one row; the last server started on the store wins). */
export async function writeStoreServerRecord(sql: Sql, record: Omit<StoreServerRecord, "host">, host: string = hostname()): Promise<void> {
  await sql.query(
    `INSERT INTO registry_settings (key, value, updated_at) VALUES ($1, $2, $3)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
    [SERVER_SETTING_KEY, JSON.stringify({ ...record, host }), record.startedAt],
  );
}

/** Removes the record if it is this process's (another server started since keeps its own). */
export async function removeStoreServerRecord(sql: Sql, pid: number = process.pid, host: string = hostname()): Promise<void> {
  await sql.query("DELETE FROM registry_settings WHERE key = $1 AND value->>'pid' = $2 AND value->>'host' = $3", [SERVER_SETTING_KEY, String(pid), host]);
}

/** The record of a server on this store that runs on this host and lives, or undefined. */
export async function readStoreServerRecord(sql: Sql, host: string = hostname()): Promise<StoreServerRecord | undefined> {
  const r = await sql.query<{ value: Partial<StoreServerRecord> }>("SELECT value FROM registry_settings WHERE key = $1", [SERVER_SETTING_KEY]);
  const v = r.rows[0]?.value;
  if (!v || typeof v.url !== "string" || !/^https?:\/\//.test(v.url) || typeof v.pid !== "number" || v.host !== host) return undefined;
  if (!alive(v.pid)) return undefined;
  return { url: v.url, pid: v.pid, host: v.host, startedAt: String(v.startedAt ?? ""), version: String(v.version ?? "") };
}
