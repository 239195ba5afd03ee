// A registry with users, accounts and units for the security tests, on one store.
import { AuditLog } from "../../src/audit/index.ts";
import { AuthService } from "../../src/auth/index.ts";
import { DEFAULT_SECURITY_CONFIG, type SecurityConfig } from "../../src/domain/security/config.ts";
import { type Caller, type GlobalRole, PUBLIC, type Principal, systemPrincipal } from "../../src/domain/security/roles.ts";
import { ManualClock } from "../../src/platform/clock.ts";
import { SecureRegistry } from "../../src/registry/secure/index.ts";
import type { Db } from "../../src/store/db.ts";

/** Cheap argon2id parameters: the tests exercise the flow, not the cost. */
export const FAST_ARGON2 = { memoryCost: 1024, timeCost: 1, parallelism: 1 };
export const PASSWORD = "correct horse battery staple";

export interface Fixture {
  clock: ManualClock;
  audit: AuditLog;
  auth: AuthService;
  reg: SecureRegistry;
  system: Caller;
  as(userId: string, scopes?: Principal["scopes"]): Promise<Caller>;
  anon: Caller;
  totpSecrets: Map<string, string>;
}

export async function setUp(db: Db, config: SecurityConfig = DEFAULT_SECURITY_CONFIG, start = "2026-03-02T09:00:00Z"): Promise<Fixture> {
  const clock = new ManualClock(start);
  const audit = new AuditLog(db, clock);
  const auth = await AuthService.open(db, clock, config, audit, { argon2: FAST_ARGON2 });
  const reg = await SecureRegistry.open(db, clock, config, { audit });
  const system: Caller = { principal: systemPrincipal("test"), ip: null };
  const totpSecrets = new Map<string, string>();
  return {
    clock, audit, auth, reg, system, totpSecrets,
    anon: { principal: PUBLIC, ip: "203.0.113.9" },
    async as(userId, scopes = "all") {
      const p = await auth.principalOf(userId, scopes === "all" ? "session" : "token", scopes);
      if (!p) throw new Error(`no principal for ${userId}`);
      return { principal: p, ip: "198.51.100.7" };
    },
  };
}

export async function createUsers(f: Fixture, users: Array<[string, GlobalRole[]]>): Promise<void> {
  for (const [id, roles] of users) {
    const r = await f.auth.createUser(f.system, { userId: id, displayName: id, password: PASSWORD, roles });
    if (!r.ok) throw new Error(`${id}: ${r.message}`);
    if (r.value.totp) f.totpSecrets.set(id, r.value.totp.secret);
  }
}

/** Accounts NAT (government), A-1 and A-2 (holder Acme), B-1 (Beta), C-1 (Gamma); A-1 holds `units` of EUA-2026. */
export async function seedLedger(f: Fixture, units = 5_000_000n): Promise<void> {
  const admin = f.system;
  const must = (r: { ok: boolean; message?: string }, what: string) => {
    if (!r.ok) throw new Error(`${what}: ${r.message}`);
  };
  must(await f.reg.defineClass(admin, { commandId: "c-eua", code: "EUA-2026", unitType: "allowance", scheme: "EU", vintage: 2026 }), "class");
  must(await f.reg.defineClass(admin, { commandId: "c-ver", code: "VER-1", unitType: "VER", scheme: "VCS" }), "class");
  const accounts: Array<[string, string, string]> = [["NAT", "national_issuance", "State"], ["A-1", "trading", "Acme"], ["A-2", "trading", "Acme"], ["B-1", "trading", "Beta"], ["C-1", "trading", "Gamma"]];
  for (const [id, type, holder] of accounts) must(await f.reg.openAccount(admin, { commandId: `open-${id}`, accountId: id, type, holder, name: `${holder} ${id}` }), id);
  // Setup bypasses the policy (ledger directly): issuance and a correction into A-1.
  must(await f.reg.ledger.propose({ transactionId: "seed-issue", kind: "issuance", legs: [{ classCode: "EUA-2026", to: "NAT", quantity: units * 2n }] }), "issue");
  must(await f.reg.ledger.propose({ transactionId: "seed-a1", kind: "correction", legs: [{ classCode: "EUA-2026", from: "NAT", to: "A-1", quantity: units }] }), "seed");
  must(await f.reg.ledger.propose({ transactionId: "seed-ver", kind: "issuance", legs: [{ classCode: "VER-1", to: "NAT", quantity: 10_000n }] }), "issue ver");
}
