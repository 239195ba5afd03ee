// Whether a registry can run on a rulebook. A rulebook says so with `scheme.registry: true`; it
// then must carry the `security` section, whose working-day calendar (time zone, weekend,
// holidays) decides when trusted-list entries take effect and when transfers may be initiated
// and complete. A calendar without the holidays of a year the scheme runs would count them as
// working days, so every calendar year the rulebook's periods touch must have its holidays.
import type { z } from "zod";

interface Span {
  readonly from: number;
  readonly to: number;
}

/** What the rule reads of a rulebook (structurally, so that schema.ts can import this file). */
export interface RegistryFacts {
  readonly scheme: { readonly registry: boolean };
  readonly periods: readonly Span[];
  readonly compliancePeriods: readonly Span[];
  readonly yearBasis: { readonly kind: "calendar" | "fiscal"; readonly startMonth: number };
  readonly security?: { readonly trustedList: { readonly holidays: readonly string[] } } | undefined;
}

/**
 * The calendar years the rulebook's periods and compliance periods touch. With fiscal years that
 * start after January, the last one ends in the next calendar year (Japan's FY2030 ends in March
 * 2031).
 */
export function calendarYears(rb: Pick<RegistryFacts, "periods" | "compliancePeriods" | "yearBasis">): Span {
  const all = [...rb.periods, ...rb.compliancePeriods];
  const from = Math.min(...all.map((p) => p.from));
  const to = Math.max(...all.map((p) => p.to));
  return { from, to: rb.yearBasis.kind === "fiscal" && rb.yearBasis.startMonth > 1 ? to + 1 : to };
}

/** Years in the range without any holiday in `holidays` (YYYY-MM-DD). */
export function yearsWithoutHolidays(range: Span, holidays: readonly string[]): number[] {
  const have = new Set(holidays.map((d) => Number(d.slice(0, 4))));
  const out: number[] = [];
  for (let y = range.from; y <= range.to; y++) if (!have.has(y)) out.push(y);
  return out;
}

/** The cross-field rule for `scheme.registry`: the security section is required and its calendar covers every year. */
export function refineRegistry(rb: RegistryFacts, ctx: z.RefinementCtx): void {
  if (!rb.scheme.registry) return;
  const range = calendarYears(rb);
  if (rb.security === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["security"],
      message: `required when scheme.registry is true: a registry runs on its working-day calendar (trustedList.timeZone, weekend and holidays for ${range.from}-${range.to})`,
    });
    return;
  }
  const missing = yearsWithoutHolidays(range, rb.security.trustedList.holidays);
  if (missing.length > 0) {
    ctx.addIssue({
      code: "custom",
      path: ["security", "trustedList", "holidays"],
      message: `no holidays for ${missing.join(", ")}: a registry running this rulebook needs the holidays of every year its periods touch (${range.from}-${range.to})`,
    });
  }
}
