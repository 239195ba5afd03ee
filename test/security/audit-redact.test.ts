// Goal: audit details never carry secrets (keys that look like secrets are redacted at any depth,
// bigints become strings), and refusals map to the HTTP statuses the API documents.
import { describe, expect, it } from "vitest";
import { redact } from "../../src/audit/index.ts";
import { httpStatusOf, SECURITY_CHECKS, SecurityError, securityRefusal } from "../../src/domain/security/codes.ts";

describe("audit redaction", () => {
  it("redacts secret-looking keys at any depth and keeps the rest", () => {
    const out = redact({ password: "p", newPassword: "q", token: "t", nested: { totpSecret: "s", challenge: "c", quantity: 5n, ok: "yes" }, code: 8004 });
    expect(out).toEqual({ password: "[redacted]", newPassword: "[redacted]", token: "[redacted]", nested: { totpSecret: "[redacted]", challenge: "[redacted]", quantity: "5", ok: "yes" }, code: 8004 });
  });
});

describe("codes", () => {
  it("codes are unique and in their ranges", () => {
    const codes = Object.values(SECURITY_CHECKS).map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of codes) expect((c >= 8001 && c <= 8099) || (c >= 8101 && c <= 8199) || (c >= 8201 && c <= 8299)).toBe(true);
  });
  it("HTTP statuses", () => {
    expect(httpStatusOf(securityRefusal("CREDENTIALS_INVALID", "x"))).toBe(401);
    expect(httpStatusOf(securityRefusal("FOUR_EYES_SAME_PERSON", "x"))).toBe(403);
    expect(httpStatusOf(securityRefusal("ACCOUNT_NOT_VISIBLE", "x"))).toBe(404);
    expect(httpStatusOf(securityRefusal("USER_LOCKED", "x"))).toBe(429);
    expect(httpStatusOf({ code: 6001 })).toBe(404);
    expect(httpStatusOf({ code: 5002 })).toBe(409);
    expect(httpStatusOf({ code: 3003 })).toBe(422);
    const e = new SecurityError(securityRefusal("SCOPE_MISSING", "no scope", { scope: "read" }));
    expect(e).toMatchObject({ code: 8016, check: "scope-missing", status: 403, facts: { scope: "read" } });
  });
});

describe("audit of operations that throw", () => {
  it("guard records an error row with the error class and rethrows", async () => {
    const rows: unknown[][] = [];
    const sql = { query: async (_t: string, p?: readonly unknown[]) => (rows.push([...(p ?? [])]), { rows: [], rowCount: 1 }) };
    const { AuditLog } = await import("../../src/audit/index.ts");
    const { ManualClock } = await import("../../src/platform/clock.ts");
    const { PUBLIC } = await import("../../src/domain/security/roles.ts");
    const log = new AuditLog(sql, new ManualClock());
    await expect(log.guard({ principal: PUBLIC, ip: "192.0.2.5" }, "transaction.initiate", async () => { throw new RangeError("secret detail"); })).rejects.toThrow(RangeError);
    expect(rows).toHaveLength(1);
    const row = rows[0] as unknown[];
    expect(row.slice(3, 9)).toEqual(["192.0.2.5", null, "transaction.initiate", null, "error", null]);
    expect(row[9]).toBe('{"error":"RangeError"}');
  });
});
