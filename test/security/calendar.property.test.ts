// Goal: the working-day calendar against a slow obvious version (walk the clock forward hour by
// hour counting local dates), for random proposal times, zones, holidays and day counts: the
// activation is at the configured local time, on a working day, after exactly n working days.
import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { isoDate, isWorkingDay, localDate, trustedActivationAt, type WorkingCalendar } from "../../src/domain/security/calendar.ts";

const ZONES = ["Europe/Brussels", "Europe/London", "Asia/Tokyo", "America/Los_Angeles", "UTC", "Asia/Kolkata"];

/** Slow reference: every distinct local date after the proposal's, in order, by stepping 1 hour at a time. */
function slowActivationDate(at: Date, cal: WorkingCalendar): string {
  const start = isoDate(localDate(at, cal.timeZone));
  let last = start;
  let counted = 0;
  for (let t = at.getTime(); ; t += 3_600_000) {
    const d = localDate(new Date(t), cal.timeZone);
    const iso = isoDate(d);
    if (iso === last) continue;
    last = iso;
    if (isWorkingDay(d, cal)) counted++;
    if (counted === cal.activationWorkingDays) return iso;
  }
}

describe("trusted-list calendar (property)", () => {
  test.prop(
    [
      fc.date({ min: new Date("2024-01-01T00:00:00Z"), max: new Date("2030-12-31T00:00:00Z"), noInvalidDate: true }),
      fc.constantFrom(...ZONES),
      fc.integer({ min: 1, max: 10 }),
      fc.constantFrom("12:00", "09:30", "00:00", "23:59"),
      fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 5 }),
      fc.constantFrom([0, 6], [5, 6], [0]),
    ],
    { numRuns: 300 },
  )("activates on the n-th working day at the local time", (at, timeZone, n, time, holidayOffsets, weekend) => {
    const holidays = holidayOffsets.map((o) => isoDate(localDate(new Date(at.getTime() + o * 86_400_000), timeZone)));
    const cal: WorkingCalendar = { activationWorkingDays: n, activationTime: time, timeZone, weekend, holidays };
    const got = trustedActivationAt(at, cal);
    expect(got.getTime()).toBeGreaterThan(at.getTime());
    expect(isoDate(localDate(got, timeZone))).toBe(slowActivationDate(at, cal));
    const local = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(got);
    // A local time that does not exist on a DST switch day moves by the gap; none of these zones switch at these times.
    expect(local).toBe(time);
    expect(isWorkingDay(localDate(got, timeZone), cal)).toBe(true);
  });
});
