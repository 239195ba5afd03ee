// Goal: OPENETS_DEMO_START moves a demo registry's clock (for demonstrations and the browser tests
// of deadlines), refuses a value without a zone or a date that does not exist, and production
// refuses it altogether.
import { describe, expect, it } from "vitest";
import { serverClock, StartupError } from "../../src/http/server.ts";
import { systemClock } from "../../src/platform/clock.ts";

describe("OPENETS_DEMO_START", () => {
  it("is the system clock when unset", () => {
    expect(serverClock({}, false)).toBe(systemClock);
    expect(serverClock({ OPENETS_DEMO_START: "" }, true)).toBe(systemClock);
  });

  it("starts a demo registry's clock at the instant and lets it run", async () => {
    const c = serverClock({ OPENETS_DEMO_START: "2028-02-01T09:00:00+09:00" }, false);
    const first = c.now().getTime();
    expect(Math.abs(first - Date.parse("2028-02-01T00:00:00Z"))).toBeLessThan(5_000);
    await new Promise((r) => setTimeout(r, 20));
    expect(c.now().getTime()).toBeGreaterThan(first);
  });

  it("refuses production and malformed instants", () => {
    expect(() => serverClock({ OPENETS_DEMO_START: "2028-02-01T09:00:00Z" }, true)).toThrow(/demo mode only/);
    for (const bad of ["2028-02-01", "2028-02-01T09:00:00", "2028-13-01T09:00:00Z", "tomorrow", "2028-02-30T09:00:00Z x"]) {
      expect(() => serverClock({ OPENETS_DEMO_START: bad }, false), bad).toThrow(StartupError);
    }
  });
});
