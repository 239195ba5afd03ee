// Goal (issue 16, item 5): a registry runs only on a rulebook that says it can
// (`scheme.registry: true`), and such a rulebook must carry its security section with a
// working-day calendar that covers every calendar year its periods touch. japan-gx-ets is one:
// Asia/Tokyo, Saturdays and Sundays, Japan's national holidays and the year-end closure of
// administrative organs for 2026-2031 (FY2026-FY2030). Before, it had no security section and a
// GX-ETS registry ran on Brussels time with no Japanese holidays. The holidays are checked
// against the Cabinet Office's list (2026, 2027) and the Act on National Holidays' rules (to 2031).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { calendarYears, yearsWithoutHolidays } from "../../src/domain/rulebook/registry.ts";
import { trustedActivationAt } from "../../src/domain/security/calendar.ts";
import { rulebookSecurity, StartupError } from "../../src/http/server.ts";
import { listPresets, loadRulebook, PRESETS_DIR, parseRulebookText } from "../../src/io/rulebook.ts";
import { administrativeClosures, japaneseHolidays } from "../support/japan-holidays.ts";

/**
 * The Cabinet Office's list (国民の祝日について, syukujitsu.csv, 1955-2027 as published in February
 * 2026): the rows for 2026 and 2027, "休日" being substitute and citizens' holidays.
 */
const CABINET_OFFICE: Record<number, string[]> = {
  2026: ["01-01", "01-12", "02-11", "02-23", "03-20", "04-29", "05-03", "05-04", "05-05", "05-06", "07-20", "08-11", "09-21", "09-22", "09-23", "10-12", "11-03", "11-23"],
  2027: ["01-01", "01-11", "02-11", "02-23", "03-21", "03-22", "04-29", "05-03", "05-04", "05-05", "07-19", "08-11", "09-20", "09-23", "10-11", "11-03", "11-23"],
};

describe("rulebooks a registry can run", () => {
  const runnable = listPresets().filter((p) => loadRulebook(p).scheme.registry);

  it("japan-gx-ets is one (the demo's), and each has a security section whose calendar covers its years", () => {
    expect(runnable).toContain("japan-gx-ets");
    for (const name of runnable) {
      const rb = loadRulebook(name);
      const years = calendarYears(rb);
      expect(rb.security, name).toBeDefined();
      const holidays = rb.security?.trustedList.holidays ?? [];
      expect(yearsWithoutHolidays(years, holidays), `${name}: years without holidays in ${years.from}-${years.to}`).toEqual([]);
      // The file names its time zone and holidays itself: the defaults are Brussels' with none.
      const text = readFileSync(join(PRESETS_DIR, `${name}.yaml`), "utf8");
      expect(text, name).toMatch(/^security:\n(?: {2}.*\n|\s*#.*\n)*? {4}timeZone: /m);
    }
  });

  it("japan-gx-ets covers FY2026-FY2030, that is April 2026 to March 2031", () => {
    expect(calendarYears(loadRulebook("japan-gx-ets"))).toEqual({ from: 2026, to: 2031 });
  });

  it("refuses a rulebook that says a registry can run on it without a security section, or with a year lacking holidays", () => {
    const base = readFileSync(join(PRESETS_DIR, "japan-gx-ets.yaml"), "utf8");
    const withoutSection = base.replace(/^security:\n[\s\S]*?(?=^notes:)/m, "");
    expect(withoutSection).not.toMatch(/^security:/m);
    const r1 = parseRulebookText(withoutSection, "gx.yaml");
    expect(r1.ok).toBe(false);
    if (!r1.ok) expect(r1.errors).toMatchObject([{ path: "security", message: expect.stringMatching(/^required when scheme\.registry is true.*2026-2031/) }]);
    const without2029 = base.replace(/^ {6}- 2029-.*\n/gm, "");
    const r2 = parseRulebookText(without2029, "gx.yaml");
    expect(r2.ok).toBe(false);
    if (!r2.ok) expect(r2.errors).toMatchObject([{ path: "security.trustedList.holidays", message: expect.stringMatching(/^no holidays for 2029:/), line: expect.any(Number) }]);
    // Without the claim, no calendar is needed (a scheme to study, not to run).
    expect(parseRulebookText(withoutSection.replace("registry: true", "registry: false"), "gx.yaml").ok).toBe(true);
  });

  it("the server refuses to run a registry on a rulebook that does not say it can", () => {
    expect(() => rulebookSecurity({ OPENETS_RULEBOOK: "eu-ets-phase3" }, true)).toThrow(StartupError);
    expect(() => rulebookSecurity({ OPENETS_RULEBOOK: "eu-ets-phase3" }, false)).toThrow(/eu-ets-phase3 does not say a registry can run on it \(scheme\.registry\).*japan-gx-ets/);
    expect(rulebookSecurity({ OPENETS_RULEBOOK: "japan-gx-ets" }, true).config.trustedList.timeZone).toBe("Asia/Tokyo");
  });
});

describe("Japan's calendar in japan-gx-ets", () => {
  const cal = loadRulebook("japan-gx-ets").security?.trustedList;

  it("is Japan Standard Time with Saturdays and Sundays off", () => {
    expect(cal?.timeZone).toBe("Asia/Tokyo");
    expect(cal?.weekend).toEqual([0, 6]);
  });

  it("the holiday rules reproduce the Cabinet Office's list for 2026 and 2027", () => {
    for (const [y, days] of Object.entries(CABINET_OFFICE)) {
      expect([...japaneseHolidays(Number(y)).keys()]).toEqual(days.map((d) => `${y}-${d}`));
    }
  });

  it("lists exactly the national holidays and the administrative year-end closure of 2026-2031", () => {
    const want: string[] = [];
    for (let y = 2026; y <= 2031; y++) want.push(...japaneseHolidays(y).keys(), ...administrativeClosures(y));
    expect([...(cal?.holidays ?? [])].sort()).toEqual(want.sort());
    expect(new Set(cal?.holidays).size).toBe(cal?.holidays.length);
  });

  it("moves a trusted-list entry proposed before Golden Week to the fourth working day after it, at 12:00 in Tokyo", () => {
    if (!cal) throw new Error("no calendar");
    // Proposed Thursday 30 April 2026 (Tokyo); 2-6 May are a weekend and holidays: 1, 7, 8, 11 May are the working days.
    const at = trustedActivationAt(new Date("2026-04-30T01:00:00Z"), { ...cal, activationWorkingDays: 4, activationTime: "12:00" });
    expect(at.toISOString()).toBe("2026-05-11T03:00:00.000Z");
    // Over the new year: proposed Monday 28 December 2026; 29 Dec - 3 Jan are closed.
    const ny = trustedActivationAt(new Date("2026-12-28T01:00:00Z"), { ...cal, activationWorkingDays: 4, activationTime: "12:00" });
    expect(ny.toISOString()).toBe("2027-01-07T03:00:00.000Z");
  });
});
