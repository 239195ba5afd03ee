// Money in a currency's minor units (ISO 4217 exponents): EUR 100,000 is 10,000,000 cents; JPY and
// KRW have no minor unit. Amounts are exact decimals until rounded to the minor unit by the
// rulebook's named rule, then printed as decimal strings with exactly the minor digits.
import { decimal, formatFixed, groupedDec, roundDec } from "../quantity/decimal.ts";
import type { Decimal } from "../quantity/decimal.ts";
import type { Rounding } from "../quantity/index.ts";

/** ISO 4217 exponents that are not 2 (the common case). */
const EXPONENTS: Readonly<Record<string, number>> = { JPY: 0, KRW: 0, CLP: 0, ISK: 0, VND: 0, BHD: 3, KWD: 3, OMR: 3, TND: 3, JOD: 3 };

export function minorDigits(currency: string): number {
  return Object.hasOwn(EXPONENTS, currency) ? (EXPONENTS[currency] as number) : 2;
}

export interface Money {
  currency: string;
  /** Exact value, already rounded to the minor unit. */
  value: Decimal;
}

export function money(currency: string, exact: Decimal, rounding: Rounding): Money {
  return { currency, value: roundDec(exact, minorDigits(currency), rounding) };
}

export function zeroMoney(currency: string): Money {
  return { currency, value: decimal(0) };
}

/** "100000.00" (EUR), "500000" (JPY). */
export function moneyText(m: Money): string {
  return formatFixed(m.value, minorDigits(m.currency));
}

/** "EUR 100,000.00" for explanations. */
export function moneyLabel(m: Money): string {
  const [whole = "", frac] = moneyText(m).split(".");
  return `${m.currency} ${groupedDec(decimal(whole))}${frac === undefined ? "" : `.${frac}`}`;
}

/** Minor units as a bigint (10,000,000 for EUR 100,000.00). */
export function minorUnits(m: Money): bigint {
  const d = minorDigits(m.currency);
  return m.value.units * 10n ** BigInt(d - m.value.scale);
}
