// Where a registry command goes: to a server over HTTP (--server URL, else OPENETS_URL, else the
// server that holds the PGlite data directory named by --database / DATABASE_URL / the default,
// found by the address it records there, or for a PostgreSQL store the server recorded in it and
// running on this host), or straight to the store (a stopped registry, or a PostgreSQL store no
// server on this host holds). resolveTarget reads no database package; findTarget asks a
// PostgreSQL store (loading `pg` only then).
import { readServerRecord, readStoreServerRecord } from "../../store/server-record.ts";
import { describeStore } from "../../store/where.ts";
import { t, UsageError } from "../io.ts";
import { ApiClient } from "./client.ts";
import { credentialFor } from "./credentials.ts";

export type Target = { kind: "http"; url: string; via: "--server" | "OPENETS_URL" | "server-record" | "store-record" } | { kind: "store"; database: string | undefined };

export function checkServerUrl(flag: string, url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`option ${flag}: ${t("cli.remote.badUrl", { url })}`, { field: flag });
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new UsageError(`option ${flag}: ${t("cli.remote.badUrl", { url })}`, { field: flag });
  return u.origin;
}

export function resolveTarget(o: { server?: string | undefined; database?: string | undefined }, env: NodeJS.ProcessEnv = process.env): Target {
  if (o.server !== undefined) return { kind: "http", url: checkServerUrl("--server", o.server), via: "--server" };
  if (o.database === undefined && env.OPENETS_URL) return { kind: "http", url: checkServerUrl("OPENETS_URL", env.OPENETS_URL), via: "OPENETS_URL" };
  const store = describeStore({ database: o.database });
  if (store.kind === "pglite" && store.target !== "memory") {
    const rec = readServerRecord(store.target);
    if (rec) return { kind: "http", url: rec.url, via: "server-record" };
  }
  return { kind: "store", database: o.database };
}

/**
 * resolveTarget, and for a PostgreSQL store the server recorded in it (src/store/server-record.ts)
 * when it runs on this host. A store that cannot be reached is left to the store door, which
 * reports it as every command does.
 */
export async function findTarget(o: { server?: string | undefined; database?: string | undefined }, env: NodeJS.ProcessEnv = process.env): Promise<Target> {
  const target = resolveTarget(o, env);
  if (target.kind !== "store") return target;
  const store = describeStore({ database: o.database });
  if (store.kind !== "postgres") return target;
  let rec: Awaited<ReturnType<typeof readStoreServerRecord>>;
  try {
    const { openPostgres } = await import("../../store/postgres.ts");
    const db = openPostgres(store.target, { max: 1 });
    try {
      rec = await readStoreServerRecord(db);
    } finally {
      await db.close();
    }
  } catch {
    return target;
  }
  return rec ? { kind: "http", url: rec.url, via: "store-record" } : target;
}

/** A client signed in as the user (--as) or the server's default user of `ets login`; OPENETS_TOKEN gives a token directly. */
export function signedInClient(url: string, as: string | undefined, env: NodeJS.ProcessEnv = process.env): ApiClient {
  const c = credentialFor(url, as, env);
  const token = c?.token ?? (env.OPENETS_TOKEN || undefined);
  if (!token) {
    throw new UsageError(t(as === undefined ? "cli.remote.notSignedIn" : "cli.remote.notSignedInAs", { url, user: as ?? "" }), { code: "not-signed-in", facts: { server: url, ...(as ? { user: as } : {}) } });
  }
  return new ApiClient(url, token);
}
