// A small registry for the HTTP tests, built through the services with a system caller: a national
// issuance account, two operators (A with two representatives, B with one), terminal accounts,
// an administrator pair, an auditor and a verifier; units issued and allocated to A and B.
import { expect } from "vitest";
import { type Caller, systemPrincipal } from "../../src/domain/security/roles.ts";
import { CSRF_HEADER } from "../../src/http/app.ts";
import type { Fixture } from "./fixture.ts";

export const SYSTEM: Caller = { principal: systemPrincipal("test-seed"), ip: null };

export const USERS = {
  admin: { roles: ["national-admin"] as const },
  admin2: { roles: ["national-admin"] as const },
  auditor: { roles: ["authority"] as const },
  verifier: { roles: ["verifier"] as const },
  "rep-a1": { roles: [] as const },
  "rep-a2": { roles: [] as const },
  "rep-b": { roles: [] as const },
} as const;
export type UserName = keyof typeof USERS;

export const passwordOf = (u: string) => `${u}-long-password`;

export const A = "JP-200-0001";
export const B = "JP-200-0002";
export const C = "JP-200-0003";
export const NAT = "JP-100-0001";
export const CLASS = "JPA-2026";

function ok<T>(r: { ok: boolean }): T {
  if (!r.ok) throw new Error(`seed step refused: ${JSON.stringify(r)}`);
  return (r as unknown as { value: T }).value;
}

export async function seedWorld(f: Fixture): Promise<void> {
  const R = f.registry;
  ok(await R.defineClass(SYSTEM, { commandId: "c1", code: CLASS, unitType: "allowance", scheme: "JP-GX", vintage: 2026 }));
  const accounts = [
    [NAT, "national_issuance", "Government of Japan", "National issuance", undefined],
    [A, "operator_holding", "Alpha Steel", "Alpha Steel Works", "INST-A"],
    [B, "operator_holding", "Beta Cement", "Beta Cement Plant", "INST-B"],
    [C, "operator_holding", "Gamma Paper", "Gamma Paper Mill", "INST-C"],
    ["JP-900-0001", "surrender", "Government of Japan", "Surrender", undefined],
    ["JP-900-0002", "retirement", "Government of Japan", "Retirement", undefined],
    ["JP-900-0003", "voluntary_cancellation", "Government of Japan", "Voluntary cancellation", undefined],
  ] as const;
  for (const [id, type, holder, name, inst] of accounts) {
    ok(await R.openAccount(SYSTEM, { commandId: `open-${id}`, accountId: id, type, holder, name, ...(inst ? { installation: inst } : {}) }));
  }
  for (const [u, def] of Object.entries(USERS)) {
    ok(await f.auth.createUser(SYSTEM, { userId: u, displayName: u, password: passwordOf(u), roles: [...def.roles] }));
  }
  ok(await R.addRepresentative(SYSTEM, { accountId: A, userId: "rep-a1", initiate: true, approve: true }));
  ok(await R.addRepresentative(SYSTEM, { accountId: A, userId: "rep-a2", initiate: true, approve: true }));
  ok(await R.addRepresentative(SYSTEM, { accountId: B, userId: "rep-b", initiate: true, approve: true }));
  // Units: issued and allocated by the ledger directly (the seed is not under test here).
  expect((await f.ledger.propose({ transactionId: "seed-iss", kind: "issuance", legs: [{ classCode: CLASS, to: NAT, quantity: "50000000" }] })).ok).toBe(true);
  for (const [to, q] of [[A, "5000000"], [B, "3000000"]] as const) {
    expect((await f.ledger.propose({ transactionId: `seed-alloc-${to}`, kind: "allocation", legs: [{ classCode: CLASS, from: NAT, to, quantity: q }] })).ok).toBe(true);
  }
}

export interface Session {
  cookie: string;
  csrf: string;
}

/** Signs in over HTTP (no second factor in the test config) and returns the cookie and CSRF token. */
export async function signIn(f: Fixture, user: string, ip = "192.0.2.10"): Promise<Session> {
  const res = await f.request("/v1/auth/sign-in", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId: user, password: passwordOf(user) }), ip });
  const body = (await res.json()) as { kind: string; csrfToken: string };
  if (res.status !== 200 || body.kind !== "session") throw new Error(`sign-in of ${user} failed: ${res.status} ${JSON.stringify(body)}`);
  const set = res.headers.get("set-cookie") ?? "";
  const cookie = set.split(";")[0] as string;
  return { cookie, csrf: body.csrfToken };
}

/** A request as a signed-in user (cookie + CSRF header). */
export function as(f: Fixture, s: Session | undefined, method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = {};
  if (s) {
    headers.cookie = s.cookie;
    headers[CSRF_HEADER] = s.csrf;
  }
  if (body !== undefined) headers["content-type"] = "application/json";
  return f.request(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
}
