// Goal: the rulebook's `ledger` section (issue 17) parses into the ledger's rules: an absent
// section keeps the defaults (today's behaviour), each field given replaces its default, the UK
// preset carries its registry's routes and surrender window, and a bad field is refused naming it.
import { describe, expect, it } from "vitest";
import { DEFAULT_LEDGER_RULES, formatAccountNumber, accountNumberProblem, checkDigits, mod97 } from "../../src/domain/ledger/rules.ts";
import { parseRulebook } from "../../src/domain/rulebook/index.ts";
import { ledgerRules } from "../../src/domain/rulebook/ledger.ts";
import { loadRulebook } from "../../src/io/rulebook.ts";

describe("the rulebook's ledger section", () => {
  it("absent: the defaults, which keep a blocked account's behaviour", () => {
    expect(ledgerRules(undefined)).toBe(DEFAULT_LEDGER_RULES);
    expect(DEFAULT_LEDGER_RULES.states.blocked).toEqual({ send: { all: false, kinds: [], administrative: false }, receive: { all: false, kinds: [], administrative: true } });
    expect(DEFAULT_LEDGER_RULES.governmentRoutes.market_stability_reserve).not.toContain("auction");
  });

  it("the UK preset: its central-transfer routes (checks 2015-2017) and the 14-day surrender window (3020)", () => {
    const rules = ledgerRules(loadRulebook("uk-ets").ledger);
    expect(rules.governmentRoutes.auction).toEqual(["national_issuance"]);
    expect(rules.governmentRoutes.new_entrants_reserve).toEqual(["national_issuance", "allocation"]);
    expect(rules.reversalWindowDays).toEqual({ surrender: 14 });
    // what the preset leaves out keeps its default
    expect(rules.states).toEqual(DEFAULT_LEDGER_RULES.states);
    expect(rules.accountNumbers).toBeNull();
  });

  it("a state given replaces only the direction it names", () => {
    const rules = ledgerRules({ accountStates: { blocked: { receive: "none" }, restricted: { send: { kinds: ["surrender"], administrative: false } } } });
    expect(rules.states.blocked.receive).toEqual({ all: false, kinds: [], administrative: false });
    expect(rules.states.blocked.send).toEqual(DEFAULT_LEDGER_RULES.states.blocked.send);
    expect(rules.states.restricted.send).toEqual({ all: false, kinds: ["surrender"], administrative: false });
  });

  it("refuses unknown kinds, account types and states, naming the field", () => {
    const base = loadRulebook("uk-ets");
    const bad = (ledger: unknown) => {
      const r = parseRulebook({ ...base, ledger });
      return r.ok ? [] : r.errors.map((e) => e.path);
    };
    expect(bad({ reversalWindows: { gift: 14 } })).toContain("ledger.reversalWindows.gift");
    expect(bad({ governmentRoutes: { market_stability_reserve: ["vault"] } })).toContain("ledger.governmentRoutes.market_stability_reserve[0]");
    expect(bad({ accountStates: { frozen: { send: "all" } } }).some((p) => p.startsWith("ledger.accountStates"))).toBe(true);
    expect(bad({ accountNumbers: { prefix: "gb", typeCodes: {} } })).toContain("ledger.accountNumbers.prefix");
  });
});

describe("account numbers (ISO 7064 MOD 97-10)", () => {
  it("computes the IBAN check digits of a published example", () => {
    // The IBAN GB82 WEST 1234 5698 7654 32 (the example of ISO 13616 / the European Committee for
    // Banking Standards): its BBAN followed by GB00 gives check digits 82, and the whole leaves 1.
    expect(checkDigits("WEST12345698765432GB")).toBe("82");
    expect(mod97("WEST12345698765432GB82")).toBe(1);
  });

  it("numbers accounts so that every single-digit typo and adjacent swap is caught", () => {
    const n = { prefix: "GB", typeCodes: { trading: "121" } };
    const id = formatAccountNumber(n, "121", 40_517n);
    expect(accountNumberProblem(n, id)).toBeUndefined();
    const digits = id.replace(/^GB-/, "");
    for (let i = 0; i < digits.length; i++) {
      const d = digits[i] as string;
      if (!/\d/.test(d)) continue;
      for (const x of "0123456789") {
        if (x === d) continue;
        const typo = `GB-${digits.slice(0, i)}${x}${digits.slice(i + 1)}`;
        expect(accountNumberProblem(n, typo), typo).toBeDefined();
      }
      const next = digits[i + 1];
      if (next !== undefined && /\d/.test(next) && next !== d) {
        const swapped = `GB-${digits.slice(0, i)}${next}${d}${digits.slice(i + 2)}`;
        expect(accountNumberProblem(n, swapped), swapped).toBeDefined();
      }
    }
  });
});
