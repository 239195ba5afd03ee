// Builds the HTTP app over a fresh store for the HTTP tests: ledger, audit log, auth service and
// secure registry on one ManualClock, with a logger writing into an in-memory buffer.
import { Writable } from "node:stream";
import { AuditLog } from "../../src/audit/index.ts";
import { AuthService } from "../../src/auth/index.ts";
import { DEFAULT_SECURITY_CONFIG, type SecurityConfig } from "../../src/domain/security/config.ts";
import { type AppDeps, createApp, type App, type HttpConfig } from "../../src/http/app.ts";
import { createLogger } from "../../src/http/logger.ts";
import { errorStatuses } from "../../src/http/openapi.ts";
import { ManualClock } from "../../src/platform/clock.ts";
import { LedgerService } from "../../src/registry/ledger/index.ts";
import { SecureRegistry } from "../../src/registry/secure/index.ts";
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
  /** Answers whose status the OpenAPI document does not declare for the operation ("METHOD path status"). */
  undeclared: string[];
  request(path: string, init?: RequestInit & { ip?: string }): Promise<Response>;
}

/** For each operation: how to recognise its requests, and the statuses the document declares for it. */
function declaredStatuses(api: App): (method: string, url: string) => Set<number> | undefined {
  const routes = api.ops
    .map((o) => ({
      method: o.method.toUpperCase(),
      re: new RegExp(`^${o.path.replace(/\{[^}]+\}/g, "[^/]+")}$`),
      literal: !o.path.includes("{"),
      declared: new Set([...Object.keys(o.responses).map(Number), ...errorStatuses(o)]),
    }))
    // A literal path wins over a parameter in the same place (awaiting-my-approval vs {transactionId}).
    .sort((a, b) => Number(b.literal) - Number(a.literal));
  return (method, url) => {
    const path = url.split("?")[0] ?? url;
    return routes.find((r) => r.method === method && r.re.test(path))?.declared;
  };
}

export const FAST_ARGON2 = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

export async function buildFixture(
  db: Db,
  opts: { security?: Partial<SecurityConfig>; http?: Partial<HttpConfig>; start?: string; registry?: SecureRegistry; rulebook?: AppDeps["rulebook"]; credentialChanges?: AppDeps["credentialChanges"] } = {},
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
  const api = createApp({ ledger, registry, auth, audit, clock, logger: createLogger({ destination, level: "info" }), config: opts.http ?? {}, ...(opts.rulebook ? { rulebook: opts.rulebook } : {}), ...(opts.credentialChanges ? { credentialChanges: opts.credentialChanges } : {}) });
  const undeclared: string[] = [];
  const declared = declaredStatuses(api);
  const request = async (path: string, init: RequestInit & { ip?: string } = {}) => {
    const { ip, ...rest } = init;
    const res = await api.app.request(path, rest, { incoming: { socket: { remoteAddress: ip ?? "192.0.2.1" } } });
    const method = (rest.method ?? "GET").toUpperCase();
    const statuses = declared(method, path);
    if (statuses && !statuses.has(res.status)) undeclared.push(`${method} ${path.slice(0, 120)} ${res.status}`);
    return res;
  };
  return { db, clock, ledger, audit, auth, registry, api, logs, undeclared, request };
}
