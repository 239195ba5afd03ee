// Goal: the pure security rules: the working-day calendar of the trusted list (EU: 12:00 CET on
// the 4th working day, weekends and holidays skipped, daylight saving respected), the hold plan
// (four-eyes, 26-hour delay, limit outside the trusted list, trusted-only types), holding limits,
// four-eyes and expiry, and the configuration parser's defaults and refusals.
import { describe, expect, it } from "vitest";
import { DEFAULT_CATALOGUE, type TransactionKind } from "../../src/domain/ledger/catalog.ts";
import { trustedActivationAt } from "../../src/domain/security/calendar.ts";
import { DEFAULT_SECURITY_CONFIG, parseSecurityConfig, type SecurityConfig } from "../../src/domain/security/config.ts";
import { checkFourEyes, checkHoldingLimit, isApprovalExpired, planHold } from "../../src/domain/security/rules.ts";

const cal = DEFAULT_SECURITY_CONFIG.trustedList;
const act = (at: string, c = cal) => trustedActivationAt(new Date(at), c).toISOString();

describe("trusted-list activation (working days)", () => {
  // 2026-03-02 is a Monday. Brussels is UTC+1 in winter (CET), so 12:00 local is 11:00Z.
  it("Monday proposal -> Friday 12:00 CET", () => expect(act("2026-03-02T09:00:00Z")).toBe("2026-03-06T11:00:00.000Z"));
  it("Thursday proposal -> next Wednesday (weekend skipped)", () => expect(act("2026-03-05T15:00:00Z")).toBe("2026-03-11T11:00:00.000Z"));
  it("Friday proposal -> next Thursday", () => expect(act("2026-03-06T10:00:00Z")).toBe("2026-03-12T11:00:00.000Z"));
  it("Friday late evening in Brussels (already Saturday local) -> Thursday as for Saturday", () => {
    // 23:30Z Friday is 00:30 Saturday in Brussels: Saturday's count starts on Monday -> Thursday.
    expect(act("2026-03-06T23:30:00Z")).toBe("2026-03-12T11:00:00.000Z");
  });
  it("Saturday and Sunday proposals -> Thursday", () => {
    expect(act("2026-03-07T12:00:00Z")).toBe("2026-03-12T11:00:00.000Z");
    expect(act("2026-03-08T12:00:00Z")).toBe("2026-03-12T11:00:00.000Z");
  });
  it("a configured holiday is skipped", () => {
    expect(act("2026-03-02T09:00:00Z", { ...cal, holidays: ["2026-03-04"] })).toBe("2026-03-09T11:00:00.000Z");
  });
  it("summer time: 12:00 CEST is 10:00Z", () => {
    // 2026-06-01 is a Monday.
    expect(act("2026-06-01T09:00:00Z")).toBe("2026-06-05T10:00:00.000Z");
  });
  it("across the switch to summer time (29 March 2026)", () => {
    // Thursday 26 March (CET) -> Wednesday 1 April 12:00 CEST = 10:00Z.
    expect(act("2026-03-26T09:00:00Z")).toBe("2026-04-01T10:00:00.000Z");
  });
  it("another zone and weekend (Tokyo, 7 working days, 09:00)", () => {
    const tokyo = { ...cal, timeZone: "Asia/Tokyo", activationWorkingDays: 7, activationTime: "09:00" };
    // Monday 2 March 2026 in Tokyo -> Wednesday 11 March 09:00 JST = 00:00Z.
    expect(act("2026-03-02T01:00:00Z", tokyo)).toBe("2026-03-11T00:00:00.000Z");
  });
  it("zero working days means at once", () => {
    expect(act("2026-03-07T12:34:00Z", { ...cal, activationWorkingDays: 0 })).toBe("2026-03-07T12:34:00.000Z");
  });
});

const transfer = DEFAULT_CATALOGUE.kinds.get("transfer") as TransactionKind;
const allocation = DEFAULT_CATALOGUE.kinds.get("allocation") as TransactionKind;
const now = new Date("2026-03-02T09:00:00Z");
const leg = (to: string, quantity: bigint) => ({ classCode: "EUA-2026", from: "A", to, quantity });
const facts = (legs: ReturnType<typeof leg>[], trusted: string[] = [], kind = transfer) => ({
  kind, legs, now, sourceTypes: new Map([["A", "trading"]]), trusted: (_f: string, t: string) => trusted.includes(t),
});

describe("hold plan", () => {
  it("to a trusted account: four-eyes, no delay", () => {
    const p = planHold(facts([leg("B", 10n)], ["B"]), DEFAULT_SECURITY_CONFIG);
    expect(p).toMatchObject({ ok: true, value: { approval: true, delayUntil: null, outsideTrusted: 0n } });
  });
  it("outside the trusted list: 26-hour delay from now", () => {
    const p = planHold(facts([leg("B", 10n), leg("C", 5n)], ["B"]), DEFAULT_SECURITY_CONFIG);
    expect(p).toMatchObject({ ok: true, value: { approval: true, delayUntil: "2026-03-03T11:00:00.000Z", outsideTrusted: 5n, untrustedDestinations: ["C"] } });
  });
  it("2,000,000 outside the list passes, one more is refused with 8006", () => {
    expect(planHold(facts([leg("C", 2_000_000n)]), DEFAULT_SECURITY_CONFIG).ok).toBe(true);
    const r = planHold(facts([leg("C", 1_000_000n), leg("D", 1_000_001n)]), DEFAULT_SECURITY_CONFIG);
    expect(r).toMatchObject({ ok: false, code: 8006, facts: { quantity: "2000001", limit: "2000000" } });
    expect(planHold(facts([leg("C", 3_000_000n)], ["C"]), DEFAULT_SECURITY_CONFIG).ok).toBe(true);
  });
  it("administrative kinds are neither delayed nor limited", () => {
    const p = planHold(facts([leg("C", 5_000_000n)], [], allocation), DEFAULT_SECURITY_CONFIG);
    expect(p).toMatchObject({ ok: true, value: { approval: false, delayUntil: null } });
  });
  it("trusted-only account types refuse untrusted destinations with 8008", () => {
    const cfg: SecurityConfig = { ...DEFAULT_SECURITY_CONFIG, trustedList: { ...cal, trustedOnlyAccountTypes: ["trading"] } };
    expect(planHold(facts([leg("C", 1n)]), cfg)).toMatchObject({ ok: false, code: 8008 });
    expect(planHold(facts([leg("C", 1n)], ["C"]), cfg).ok).toBe(true);
  });
  it("four-eyes off: no approval", () => {
    expect(planHold(facts([leg("B", 1n)], ["B"]), { ...DEFAULT_SECURITY_CONFIG, fourEyes: false })).toMatchObject({ ok: true, value: { approval: false } });
  });
});

describe("limits, four-eyes, expiry", () => {
  const cfg: SecurityConfig = { ...DEFAULT_SECURITY_CONFIG, holdingLimits: { ...DEFAULT_SECURITY_CONFIG.holdingLimits, defaultLimit: 1000n, perHolder: { Big: 5000n } } };
  it("holding limit: up to the limit passes, above is refused with 8007", () => {
    expect(checkHoldingLimit("X", 900n, 100n, cfg)).toBeUndefined();
    expect(checkHoldingLimit("X", 900n, 101n, cfg)).toMatchObject({ code: 8007, facts: { limit: "1000", held: "900", incoming: "101" } });
    expect(checkHoldingLimit("Big", 4000n, 1000n, cfg)).toBeUndefined();
    expect(checkHoldingLimit("X", 5000n, 1n, DEFAULT_SECURITY_CONFIG)).toBeUndefined();
  });
  it("four-eyes refuses the initiator as approver (8004)", () => {
    expect(checkFourEyes("alice", "alice", DEFAULT_SECURITY_CONFIG)).toMatchObject({ code: 8004 });
    expect(checkFourEyes("alice", "bob", DEFAULT_SECURITY_CONFIG)).toBeUndefined();
  });
  it("approval expires exactly after the configured hours", () => {
    const created = "2026-03-02T09:00:00.000Z";
    expect(isApprovalExpired(created, new Date("2026-03-04T08:59:59Z"), DEFAULT_SECURITY_CONFIG)).toBe(false);
    expect(isApprovalExpired(created, new Date("2026-03-04T09:00:00Z"), DEFAULT_SECURITY_CONFIG)).toBe(true);
  });
});

describe("security configuration", () => {
  it("empty section gives the documented defaults", () => {
    expect(parseSecurityConfig(undefined)).toEqual({ ok: true, value: DEFAULT_SECURITY_CONFIG });
    expect(DEFAULT_SECURITY_CONFIG.transferDelayHours).toBe(26);
    expect(DEFAULT_SECURITY_CONFIG.transactionLimitOutsideTrusted).toBe(2_000_000n);
  });
  it("reads quantities from numbers and strings", () => {
    const r = parseSecurityConfig({ transactionLimitOutsideTrusted: "5000000", holdingLimits: { perHolder: { Acme: 1000 } }, trustedList: { holidays: ["2026-12-25"] } });
    expect(r).toMatchObject({ ok: true, value: { transactionLimitOutsideTrusted: 5_000_000n, holdingLimits: { perHolder: { Acme: 1000n } } } });
  });
  it.each([
    [{ transferDelayHours: -1 }, "security.transferDelayHours"],
    [{ fourEyes: "yes" }, "security.fourEyes"],
    [{ trustedList: { timeZone: "Mars/Olympus" } }, "security.trustedList.timeZone"],
    [{ trustedList: { activationTime: "25:00" } }, "security.trustedList.activationTime"],
    [{ trustedList: { holidays: ["25/12/2026"] } }, "security.trustedList.holidays[0]"],
    [{ holdingLimits: { perHolder: { A: -5 } } }, "security.holdingLimits.perHolder.A"],
    [{ signIn: { secondFactorRoles: ["root"] } }, "security.signIn.secondFactorRoles[0]"],
    [{ surprise: 1 }, "security.surprise"],
  ])("refuses %j naming %s", (input, field) => {
    expect(parseSecurityConfig(input)).toMatchObject({ ok: false, code: 8017, facts: { field } });
  });
});

describe("business hours (EU: initiate 10:00-16:00, complete 12:00-18:00, Brussels working days)", () => {
  const parsed = parseSecurityConfig({ businessHours: { initiate: { from: "10:00", to: "16:00" }, complete: { from: "12:00", to: "18:00" } } });
  if (!parsed.ok) throw new Error(parsed.message);
  const cfg = parsed.value;
  const at = (iso: string, legs = [leg("C", 10n)]) => planHold({ ...facts(legs), now: new Date(iso) }, cfg);
  it("refuses initiation outside the window with 8022 and the next opening", () => {
    // Monday 2 March 2026 08:30Z = 09:30 CET.
    expect(at("2026-03-02T08:30:00Z")).toMatchObject({ ok: false, code: 8022, facts: { nextOpen: "2026-03-02T09:00:00.000Z" } });
    // Friday 15:00Z = 16:00 CET (end exclusive) -> Monday 10:00 CET.
    expect(at("2026-03-06T15:00:00Z")).toMatchObject({ ok: false, code: 8022, facts: { nextOpen: "2026-03-09T09:00:00.000Z" } });
    expect(at("2026-03-07T12:00:00Z")).toMatchObject({ ok: false, code: 8022 });
  });
  it("moves a delayed completion into the completion window", () => {
    // Monday 09:00Z (10:00 CET) + 26 h = Tuesday 11:00Z = 12:00 CET: inside.
    expect(at("2026-03-02T09:00:00Z")).toMatchObject({ ok: true, value: { delayUntil: "2026-03-03T11:00:00.000Z" } });
    // Monday 14:30Z (15:30 CET) + 26 h = Tuesday 17:30 CET: inside.
    expect(at("2026-03-02T14:30:00Z")).toMatchObject({ ok: true, value: { delayUntil: "2026-03-03T16:30:00.000Z" } });
    // Thursday 14:59Z + 26 h = Friday 17:59 CET: inside; Friday 14:00Z + 26 h = Saturday -> Monday 12:00 CET.
    expect(at("2026-03-05T14:59:00Z")).toMatchObject({ ok: true, value: { delayUntil: "2026-03-06T16:59:00.000Z" } });
    expect(at("2026-03-06T14:00:00Z")).toMatchObject({ ok: true, value: { delayUntil: "2026-03-09T11:00:00.000Z" } });
  });
  it("does not apply to administrative kinds", () => {
    expect(planHold({ ...facts([leg("C", 1n)], [], allocation), now: new Date("2026-03-07T12:00:00Z") }, cfg).ok).toBe(true);
  });
  it("refuses a malformed window naming it", () => {
    expect(parseSecurityConfig({ businessHours: { initiate: { from: "16:00", to: "10:00" } } })).toMatchObject({ ok: false, code: 8017, facts: { field: "security.businessHours.initiate" } });
  });
});
