// Goal: a Party issues AAUs up to its assigned amount and RMUs up to its accounted removals, and
// carries units over into the next commitment period only as the rules allow.
import { describe, expect, it } from "vitest";
import { loadInternationalRules } from "../../../io/international.ts";
import { carryOver, issueAaus, issueRmus } from "./assigned-amount.ts";
import { formatKyotoBlock, type KyotoBlock, parseKyotoBlock } from "./serial.ts";

const rules = loadInternationalRules("unfccc").kyoto!;
const block = (t: string): KyotoBlock => {
  const r = parseKyotoBlock(t);
  if (!r.ok) throw new Error(r.message);
  return r.value;
};

describe("AAUs and RMUs", () => {
  // An illustrative assigned amount (made up): 1,000,000 AAUs for the first period.
  it("issues AAUs up to the assigned amount, then refuses (10209)", () => {
    const r = issueAaus({ party: "JP", period: 1, quantity: 400_000n, serialStart: 1n, ceiling: 1_000_000n, alreadyIssued: 600_000n }, rules);
    expect(r.ok && formatKyotoBlock(r.value)).toBe("JP-1-0-1-400000-1-1-0-0-0");
    const over = issueAaus({ party: "JP", period: 1, quantity: 1n, serialStart: 400_001n, ceiling: 1_000_000n, alreadyIssued: 1_000_000n }, rules);
    expect(over.ok ? 0 : over.code).toBe(10209);
  });

  it("issues RMUs for forest management (activity 3); an activity outside 1-7 or an unknown period is refused", () => {
    const r = issueRmus({ party: "JP", period: 1, quantity: 500n, serialStart: 1n, ceiling: 13_000n, alreadyIssued: 0n, lulucfActivity: 3 }, rules);
    expect(r.ok && formatKyotoBlock(r.value)).toBe("JP-2-0-1-500-1-1-3-0-0");
    const bad = issueRmus({ party: "JP", period: 1, quantity: 1n, serialStart: 1n, ceiling: 10n, alreadyIssued: 0n, lulucfActivity: 0 }, rules);
    expect(bad.ok ? 0 : bad.code).toBe(10106);
    const period = issueAaus({ party: "JP", period: 3, quantity: 1n, serialStart: 1n, ceiling: 10n, alreadyIssued: 0n }, rules);
    expect(period.ok ? 0 : period.code).toBe(10105);
  });
});

describe("carry-over into the next commitment period (Decision 13/CMP.1 para 15)", () => {
  it("AAUs without limit, keeping the original period", () => {
    const r = carryOver({ block: block("JP-1-0-1-999999-1-1-0-0-0"), assignedAmount: 1_000_000n, alreadyCarried: 0n }, rules);
    expect(r.ok && formatKyotoBlock(r.value)).toBe("JP-1-0-1-999999-1-2-0-0-0");
  });

  it("CERs up to 2.5% of the assigned amount (25,000 of 1,000,000)", () => {
    const cer = block("CN-5-0-1-5000-1-1-0-4087-0");
    expect(carryOver({ block: cer, assignedAmount: 1_000_000n, alreadyCarried: 20_000n }, rules).ok).toBe(true);
    const over = carryOver({ block: cer, assignedAmount: 1_000_000n, alreadyCarried: 20_001n }, rules);
    expect(over.ok ? 0 : [over.code, over.facts.max]).toEqual([10211, "25000"]);
  });

  it("never RMUs or tCERs, and not beyond the last period of the rules (10210)", () => {
    for (const t of ["JP-2-0-1-10-1-1-3-0-0", "IN-6-0-1-10-1-1-1-77-0", "JP-1-0-1-10-2-2-0-0-0"]) {
      const r = carryOver({ block: block(t), assignedAmount: 1_000_000n, alreadyCarried: 0n }, rules);
      expect(r.ok ? 0 : r.code).toBe(10210);
    }
  });
});
