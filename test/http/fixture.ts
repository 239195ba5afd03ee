// Builds the HTTP app over a fresh store for the HTTP tests: ledger, audit log, auth service and
// secure registry on one ManualClock, with a logger writing into an in-memory buffer.
import { Writable } from "node:stream";
import { AuditLog } from "../../src/audit/index.ts";
import { AuthService } from "../../src/auth/index.ts";
import { DEFAULT_SECURITY_CONFIG, type SecurityConfig } from "../../src/domain/security/config.ts";
import { type AppDeps, createApp, type App, type HttpConfig } from "../../src/http/app.ts";
import { createLogger } from "../../src/http/logger.ts";
import { ManualClock } from "../../src/platform/clock.ts";
import { LedgerService } from "../../src/registry/ledger.ts";
import { SecureRegistry } from "../../src/registry/secure-registry.ts";
import type { Db } from "../../src/store/db.ts";

export interface Fixture {
  db: Db;
  clock: ManualClock;
  ledger: LedgerService;
  audit: AuditLog;
  auth: AuthService;
  registry: SecureRegistry;
  api: App;
  logs: string[];
  request(path: string, init?: RequestInit & { ip?: string }): Promise<Response>;
}

export const FAST_ARGON2 = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

export async function buildFixture(
  db: Db,
  opts: { security?: Partial<SecurityConfig>; http?: Partial<HttpConfig>; start?: string; registry?: SecureRegistry; rulebook?: AppDeps["rulebook"] } = {},
): Promise<Fixture> {
  const clock = new ManualClock(opts.start ?? "2026-04-06T09:00:00Z");
  const config: SecurityConfig = { ...DEFAULT_SECURITY_CONFIG, ...opts.security };
  const audit = new AuditLog(db, clock);
  const auth = await AuthService.open(db, clock, config, audit, { argon2: FAST_ARGON2 });
  const registry = opts.registry ?? (await SecureRegistry.open(db, clock, config, { audit }));
  const ledger = opts.registry ? await LedgerService.open(db, clock) : registry.ledger;
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const api = createApp({ ledger, registry, auth, audit, clock, logger: createLogger({ destination, level: "info" }), config: opts.http ?? {}, ...(opts.rulebook ? { rulebook: opts.rulebook } : {}) });
  const request = (path: string, init: RequestInit & { ip?: string } = {}) => {
    const { ip, ...rest } = init;
    return Promise.resolve(api.app.request(path, rest, { incoming: { socket: { remoteAddress: ip ?? "192.0.2.1" } } }));
  };
  return { db, clock, ledger, audit, auth, registry, api, logs, request };
}
