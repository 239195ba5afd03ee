// Goal: a transaction's check trail lists the rules that applied to its kind at each stage and
// says how each came out, from its status history: all passed once completed; later stages
// pending while held; the failing check named on a rejection by the ledger; the approval expiry
// as the failed rule of an expired transaction; a person's cancellation stops the rest; security
// rules appear only for transactions a user started and only where the rulebook configures them.
import { describe, expect, it } from "vitest";
import { DEFAULT_CATALOGUE } from "../domain/ledger/catalog.ts";
import { DEFAULT_SECURITY_CONFIG } from "../domain/security/config.ts";
import { checkTrail } from "./check-trail.ts";
import type { TransactionStatus, TransactionView } from "./ledger/index.ts";

const EXPIRY = "system:approval-expiry";
const kind = (k: string) => {
  const d = DEFAULT_CATALOGUE.kinds.get(k);
  if (!d) throw new Error(k);
  return d;
};

function tx(k: string, history: Array<[TransactionStatus, string | null, Record<string, unknown>?]>, extra: Partial<TransactionView> = {}): TransactionView {
  const last = history[history.length - 1];
  return {
    id: "t-1", key: "t-1", batchId: null, kind: k, status: last?.[0] ?? "completed", legs: [{ classCode: "JPA-2026", from: "A", to: "B", quantity: 5n }], initiator: "rep-a",
    purpose: null, beneficiary: null, note: null, createdAt: "2026-04-06T09:00:00.000Z", delayUntil: null, reverses: null, reversedBy: null,
    events: history.map(([status, actor, detail], i) => ({ status, at: `2026-04-0${6 + i}T09:00:00.000Z`, actor, detail: detail ?? {} })),
    movements: [], ...extra,
  };
}

const user = { initiatorIsUser: true, expiryActor: EXPIRY };
const outcome = (t: ReturnType<typeof checkTrail>, check: string) => t.checks.find((c) => c.check === check)?.outcome;

describe("check trail", () => {
  it("a completed transfer passed every rule of each stage it went through", () => {
    const t = checkTrail(tx("transfer", [["awaiting_approval", "rep-a"], ["delayed", "rep-b"], ["completed", null]], { delayUntil: "2026-04-08T11:00:00.000Z" }), kind("transfer"), DEFAULT_SECURITY_CONFIG, user);
    expect(t.checks.every((c) => c.outcome === "passed")).toBe(true);
    const names = t.checks.map((c) => c.check);
    for (const c of ["not-initiating-representative", "four-eyes-same-person", "approval-expired", "transaction-not-due", "insufficient-units", "transaction-limit-exceeded"]) expect(names).toContain(c);
    // not configured by default: business hours, holding limits, trusted-only types; not for a transfer: issuance limit, purpose
    for (const c of ["outside-business-hours", "holding-limit-exceeded", "destination-not-trusted", "issuance-limit-exceeded", "purpose-required"]) expect(names).not.toContain(c);
    expect(t.decision).toBeNull();
  });

  it("while awaiting approval: initiation passed, the rest pending", () => {
    const t = checkTrail(tx("transfer", [["awaiting_approval", "rep-a"]]), kind("transfer"), DEFAULT_SECURITY_CONFIG, user);
    expect(t.checks.filter((c) => c.stage === "initiation").every((c) => c.outcome === "passed")).toBe(true);
    expect(outcome(t, "four-eyes-same-person")).toBe("pending");
    expect(outcome(t, "insufficient-units")).toBe("pending");
  });

  it("a rejection recorded by the ledger names the check that failed at completion", () => {
    const t = checkTrail(tx("transfer", [["awaiting_approval", "rep-a"], ["rejected", null, { code: 3003, check: "insufficient-units" }]]), kind("transfer"), DEFAULT_SECURITY_CONFIG, user);
    expect(outcome(t, "four-eyes-same-person")).toBe("passed");
    expect(outcome(t, "insufficient-units")).toBe("failed");
    expect(t.checks.filter((c) => c.outcome === "failed")).toHaveLength(1);
  });

  it("an expired approval fails the expiry rule; completion is not reached", () => {
    const t = checkTrail(tx("transfer", [["awaiting_approval", "rep-a"], ["rejected", EXPIRY]]), kind("transfer"), DEFAULT_SECURITY_CONFIG, user);
    expect(outcome(t, "approval-expired")).toBe("failed");
    expect(outcome(t, "insufficient-units")).toBe("not-reached");
  });

  it("a cancellation in the delay is a decision: approval passed, the delay and completion not reached", () => {
    const t = checkTrail(tx("transfer", [["awaiting_approval", "rep-a"], ["delayed", "rep-b"], ["cancelled", "rep-a"]], { delayUntil: "2026-04-08T11:00:00.000Z" }), kind("transfer"), DEFAULT_SECURITY_CONFIG, user);
    expect(outcome(t, "four-eyes-same-person")).toBe("passed");
    expect(outcome(t, "transaction-not-due")).toBe("not-reached");
    expect(outcome(t, "insufficient-units")).toBe("not-reached");
    expect(t.decision).toMatchObject({ status: "cancelled", actor: "rep-a" });
  });

  it("a system issuance: the issuance limit, no source rules, no representative rules", () => {
    const t = checkTrail(tx("issuance", [["completed", null]], { initiator: null, legs: [{ classCode: "JPA-2026", from: null, to: "N", quantity: 5n }] }), kind("issuance"), DEFAULT_SECURITY_CONFIG, { initiatorIsUser: false, expiryActor: EXPIRY });
    const names = t.checks.map((c) => c.check);
    expect(names).toContain("issuance-limit-exceeded");
    expect(names).toContain("source-required");
    expect(names).not.toContain("source-unknown");
    expect(names).not.toContain("not-initiating-representative");
    expect(names).not.toContain("insufficient-units");
  });

  it("a retirement needs its purpose; configured holding limits and business hours appear", () => {
    const cfg = { ...DEFAULT_SECURITY_CONFIG, businessHours: { initiate: { from: "10:00", to: "16:00" }, complete: null }, holdingLimits: { ...DEFAULT_SECURITY_CONFIG.holdingLimits, defaultLimit: 10n } };
    expect(checkTrail(tx("retirement", [["completed", "rep-a"]]), kind("retirement"), cfg, user).checks.map((c) => c.check)).toContain("purpose-required");
    const names = checkTrail(tx("transfer", [["completed", "rep-a"]]), kind("transfer"), cfg, user).checks.map((c) => c.check);
    expect(names).toContain("outside-business-hours");
    expect(names).toContain("holding-limit-exceeded");
  });

  it("a reversal lists the reversal rules", () => {
    const names = checkTrail(tx("reversal", [["completed", null]], { initiator: null }), kind("reversal"), DEFAULT_SECURITY_CONFIG, { initiatorIsUser: false, expiryActor: EXPIRY }).checks.map((c) => c.check);
    expect(names).toEqual(expect.arrayContaining(["reversal-already-done", "reversal-units-moved-on", "reversal-target-not-completed"]));
    expect(names).not.toContain("insufficient-units");
  });
});
