// The address of the server that holds a PGlite data directory. One process owns such a
// directory (lock.ts); when it is the OpenETS server, it records where it listens in the
// directory (`ets.server.json`), so that `ets` run beside it talks to it over HTTP instead of
// refusing. The record names the server's pid: a record whose process is gone is stale and
// ignored (a server killed with -9 cannot remove it).
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

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
