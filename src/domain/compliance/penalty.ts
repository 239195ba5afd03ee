// Penalties from the rulebook, never from code: what a shortfall of N allowances costs under a
// scheme's `penalties` section, with every step in words. Money per missing tonne (fixed, indexed
// to a price index, or a multiple of a price, capped), a fine, allowances still owed (x a factor,
// rounded as the rulebook says), and, where the rulebook says the owed allowances are first an
// order (Tokyo), what follows when the order is not met. A warning is raised whenever not
// complying costs less than buying the missing allowances: a penalty that is cheaper than the
// market turns the cap into a price.
import { priceCeilingFor } from "../rulebook/index.ts";
import type { Rulebook } from "../rulebook/index.ts";
import { addDec, cmpDec, decimal, divDec, formatDec, groupedDec, isZeroDec, mulDec, toWholeDec } from "../quantity/decimal.ts";
import type { Decimal } from "../quantity/decimal.ts";
import type { Refusal } from "./codes.ts";
import { complianceRefusal } from "./codes.ts";
import type { Money } from "./money.ts";
import { minorUnits, money, moneyLabel, moneyText, zeroMoney } from "./money.ts";
import type { PenaltyRules } from "../rulebook/penalties.ts";

export interface PenaltyQuery {
  /** Whole allowances missing at the deadline (>= 0). */
  shortfall: bigint;
  /** Market price per allowance in the rulebook's currency (for a price-multiple penalty, and to compare with buying). */
  price?: Decimal;
  /** The compliance year (indexation, reference price paths). */
  year?: number;
}

export interface OrderNotMet {
  /** Money if the order is not met: the fine (a maximum) plus the billed purchase when a price is known. */
  amount: Money;
  upTo: boolean;
  fine?: Money;
  /** Allowances the authority buys and bills (the unmet order). */
  purchaseQuantity?: bigint;
  purchase?: Money;
  publication: boolean;
}

export interface Penalty {
  ok: true;
  scheme: string;
  currency: string;
  shortfall: bigint;
  year?: number;
  /** Money per missing tonne after indexation, price and cap (absent when none applies). */
  perTonne?: Money;
  /** Money due now: per-tonne money plus any fine (a maximum when `upTo`). */
  amount: Money;
  upTo: boolean;
  /** Allowances still to surrender. */
  owed: bigint;
  /** True when `owed` is an order whose breach has the consequences of `ifOrderNotMet`. */
  order: boolean;
  ifOrderNotMet?: OrderNotMet;
  publication: boolean;
  explanation: string[];
  warnings: string[];
  /** What in the rulebook's penalty rules is not verified against the law. */
  uncertain?: string;
}

type Result<T> = T | Refusal;

function rulesOf(rb: Rulebook): Result<PenaltyRules> {
  return rb.penalties ?? complianceRefusal("PENALTY_RULES_MISSING", `rulebook ${rb.scheme.id} has no penalties section`, { scheme: rb.scheme.id });
}

/** The indexed amount per tonne of a year: base x index(year) / index(baseYear), rounded as the rulebook says. */
function indexed(rb: Rulebook, p: PenaltyRules, base: Decimal, year: number | undefined, lines: string[]): Result<Decimal> {
  const ix = p.indexation;
  if (!ix) {
    if (p.indexedToInflation) lines.push(`the law indexes the ${rb.currency} ${formatDec(base)} to inflation, but the rulebook has no index table: the nominal amount is used`);
    return base;
  }
  if (year === undefined) return complianceRefusal("YEAR_REQUIRED", `the penalty of ${rb.scheme.id} is indexed from ${ix.from}: give the year`, { from: ix.from });
  if (year < ix.from) {
    lines.push(`${year} is before indexation starts (${ix.from}): ${rb.currency} ${formatDec(base)} per tonne`);
    return base;
  }
  const at = (y: number) => ix.index.find((x) => x.year === y)?.value;
  const now = at(year);
  const then = at(ix.baseYear);
  if (now === undefined || then === undefined) {
    const years = ix.index.map((x) => x.year);
    return complianceRefusal("INDEX_MISSING", `the index table of ${rb.scheme.id} has no value for ${now === undefined ? year : ix.baseYear} (it has ${years[0]}-${years[years.length - 1]})`, { year, baseYear: ix.baseYear, years });
  }
  const rounded = divDec(mulDec(base, decimal(now)), decimal(then), ix.decimals, ix.rounding);
  lines.push(`indexed: ${rb.currency} ${formatDec(base)} x index ${year} ${now} / index ${ix.baseYear} ${then} = ${rb.currency} ${formatDec(rounded)} per tonne (${ix.rounding} to ${ix.decimals} decimals)`);
  return rounded;
}

/** The price a price-multiple penalty multiplies. */
function basisPrice(rb: Rulebook, p: PenaltyRules, q: PenaltyQuery, lines: string[]): Result<Decimal> {
  if (p.priceBasis === "price-ceiling") {
    if (q.year === undefined) return complianceRefusal("YEAR_REQUIRED", `the penalty of ${rb.scheme.id} is a multiple of the price ceiling of the year: give the year`, {});
    const c = priceCeilingFor(rb, q.year);
    if (c === undefined) return complianceRefusal("PRICE_REQUIRED", `rulebook ${rb.scheme.id} has no price ceiling for ${q.year}`, { year: q.year });
    lines.push(`reference price: the price ceiling of ${q.year}, ${rb.currency} ${c}`);
    return decimal(c);
  }
  if (q.price === undefined) {
    const what = p.priceBasis === "year-average" ? "the average market price of the compliance year" : "the market price";
    return complianceRefusal("PRICE_REQUIRED", `the penalty of ${rb.scheme.id} is ${p.priceMultiple} x ${what}: give the price`, { priceBasis: p.priceBasis });
  }
  lines.push(`${p.priceBasis === "year-average" ? "average market price of the compliance year" : "market price"}: ${rb.currency} ${formatDec(q.price)}`);
  return q.price;
}

/** Money per missing tonne, or undefined when the rulebook sets none. */
function ratePerTonne(rb: Rulebook, p: PenaltyRules, q: PenaltyQuery, lines: string[]): Result<Decimal | undefined> {
  let rate: Decimal | undefined;
  if (p.perTonne !== undefined) {
    const r = indexed(rb, p, decimal(p.perTonne), q.year, lines);
    if ("ok" in r) return r;
    rate = r;
  } else if (p.priceMultiple !== undefined) {
    const price = basisPrice(rb, p, q, lines);
    if ("ok" in price) return price;
    rate = mulDec(decimal(p.priceMultiple), price);
    lines.push(`${p.upTo ? "at most " : ""}${p.priceMultiple} x ${rb.currency} ${formatDec(price)} = ${rb.currency} ${formatDec(rate)} per tonne`);
  }
  if (rate !== undefined && p.maxPerTonne !== undefined && cmpDec(rate, decimal(p.maxPerTonne)) > 0) {
    rate = decimal(p.maxPerTonne);
    lines.push(`capped at ${rb.currency} ${groupedDec(rate)} per tonne`);
  }
  return rate;
}

function owedOf(p: PenaltyRules, shortfall: bigint, lines: string[]): bigint {
  if (!p.makeGood) {
    lines.push("the missing allowances are not owed afterwards");
    return 0n;
  }
  const exact = mulDec(decimal(shortfall), decimal(p.makeGoodFactor));
  const owed = toWholeDec(exact, p.makeGoodRounding);
  if (p.makeGoodFactor === 1) lines.push(`owed: the ${groupedDec(shortfall)} missing allowances are still to be surrendered`);
  else lines.push(`owed: ${p.makeGoodFactor} x ${groupedDec(shortfall)} = ${formatDec(exact)} -> ${groupedDec(owed)} allowances (${p.makeGoodRounding})`);
  return owed;
}

/** What a shortfall costs under the rulebook, or a refusal naming what is missing (a price, a year, an index). */
export function penaltyFor(rb: Rulebook, q: PenaltyQuery): Penalty | Refusal {
  const p = rulesOf(rb);
  if ("ok" in p) return p;
  if (q.shortfall < 0n) return complianceRefusal("INPUT_INVALID", "the shortfall must be a whole number >= 0", { field: "shortfall", value: q.shortfall.toString() });
  if (q.price !== undefined && q.price.units < 0n) return complianceRefusal("INPUT_INVALID", "the price must be >= 0", { field: "price" });
  const cur = rb.currency;
  const lines: string[] = [`${rb.scheme.name}: shortfall ${groupedDec(q.shortfall)} allowances${q.year === undefined ? "" : ` for ${q.year}`}`];
  const rate = ratePerTonne(rb, p, q, lines);
  if (rate !== undefined && "ok" in rate) return rate;
  let amount = zeroMoney(cur);
  let perTonne: Money | undefined;
  if (rate !== undefined) {
    perTonne = money(cur, rate, p.rounding);
    amount = money(cur, mulDec(rate, decimal(q.shortfall)), p.rounding);
    lines.push(`${p.upTo ? "at most " : ""}${groupedDec(q.shortfall)} x ${cur} ${formatDec(rate)} = ${moneyLabel(amount)}`);
  }
  const owed = owedOf(p, q.shortfall, lines);
  const fine = p.maxFine !== undefined && q.shortfall > 0n ? money(cur, decimal(p.maxFine), p.rounding) : undefined;
  const out: Penalty = { ok: true, scheme: rb.scheme.id, currency: cur, shortfall: q.shortfall, amount, upTo: p.upTo, owed, order: p.order, publication: p.publication && q.shortfall > 0n, explanation: lines, warnings: [] };
  if (q.year !== undefined) out.year = q.year;
  if (perTonne) out.perTonne = perTonne;
  if (p.uncertain) out.uncertain = p.uncertain;
  if (p.order && q.shortfall > 0n) {
    out.ifOrderNotMet = orderNotMet(p, cur, owed, fine, q.price, lines);
    out.publication = false;
  } else if (fine) {
    out.amount = { currency: cur, value: addDec(amount.value, fine.value) };
    out.upTo = true;
    lines.push(`a fine of up to ${moneyLabel(fine)}; at most ${moneyLabel(out.amount)} in all`);
  }
  if (out.publication) lines.push("the operator's name is published");
  if (q.shortfall === 0n) lines.push("no shortfall: nothing is due");
  if (p.uncertain) lines.push(`UNCERTAIN: ${p.uncertain}`);
  out.warnings = cheaperThanBuying(rb, p, out, q.price);
  return out;
}

function orderNotMet(p: PenaltyRules, cur: string, owed: bigint, fine: Money | undefined, price: Decimal | undefined, lines: string[]): OrderNotMet {
  lines.push(`this is an order: ${groupedDec(owed)} allowances to be made up by the order's deadline`);
  const o: OrderNotMet = { amount: fine ?? zeroMoney(cur), upTo: fine !== undefined, publication: p.publication };
  if (fine) o.fine = fine;
  const parts: string[] = [];
  if (fine) parts.push(`a fine of up to ${moneyLabel(fine)}`);
  if (p.publication) parts.push("publication of the name");
  if (p.purchaseBilled) {
    o.purchaseQuantity = owed;
    if (price !== undefined) {
      o.purchase = money(cur, mulDec(price, decimal(owed)), p.rounding);
      o.amount = { currency: cur, value: addDec(o.amount.value, o.purchase.value) };
      parts.push(`the authority buys the ${groupedDec(owed)} unmet allowances and bills ${moneyLabel(o.purchase)} (at ${cur} ${formatDec(price)})`);
    } else parts.push(`the authority buys the ${groupedDec(owed)} unmet allowances at the market price and bills the operator`);
  }
  lines.push(`if the order is not met: ${parts.join("; ") || "nothing more in the rulebook"}${o.upTo ? `; at most ${moneyLabel(o.amount)}${price === undefined && p.purchaseBilled ? " plus the purchase" : ""}` : ""}`);
  return o;
}

/**
 * Warnings when not complying costs less than buying the missing allowances: at the given price
 * (money due + allowances still owed at that price, against the shortfall at that price), or,
 * without a price, the price above which that happens.
 */
export function cheaperThanBuying(rb: Rulebook, p: PenaltyRules, pen: Penalty, price: Decimal | undefined): string[] {
  const s = pen.shortfall;
  if (s === 0n) return [];
  const cur = rb.currency;
  const due = pen.amount.value;
  if (price !== undefined) {
    const buying = mulDec(price, decimal(s));
    const notComplying = addDec(due, mulDec(price, decimal(pen.owed)));
    if (cmpDec(notComplying, buying) < 0)
      return [`non-compliance is cheaper than buying: ${moneyLabel(money(cur, notComplying, p.rounding))}${pen.upTo ? " at most" : ""} against ${moneyLabel(money(cur, buying, p.rounding))} for ${groupedDec(s)} allowances at ${cur} ${formatDec(price)}`];
    return [];
  }
  if (pen.owed >= s) return [];
  // Without a price: the money due per missing tonne is the break-even price (owed allowances would be bought too).
  const perMissing = divDec(due, decimal(s - pen.owed), 4, "floor");
  if (isZeroDec(due)) return [`non-compliance costs nothing: the rulebook sets no money and ${pen.owed === 0n ? "no allowances owed" : "owes fewer allowances than are missing"}`];
  return [`non-compliance is cheaper than buying whenever the allowance price exceeds ${cur} ${formatDec(perMissing)}${pen.upTo ? " (with the maximum penalty)" : ""}`];
}

export interface NonReportingPenalty {
  ok: true;
  scheme: string;
  currency: string;
  amount: Money;
  upTo: boolean;
  publication: boolean;
  explanation: string[];
  uncertain?: string;
}

/** The penalty for a report not submitted (`daysLate` adds the per-day amount up to the rulebook's maximum days). */
export function nonReportingPenaltyFor(rb: Rulebook, daysLate = 0): NonReportingPenalty | Refusal {
  const p = rulesOf(rb);
  if ("ok" in p) return p;
  const nr = p.nonReporting;
  if (!nr) return complianceRefusal("PENALTY_RULES_MISSING", `rulebook ${rb.scheme.id} has no penalties.nonReporting`, { scheme: rb.scheme.id });
  if (!Number.isInteger(daysLate) || daysLate < 0) return complianceRefusal("INPUT_INVALID", "days late must be a whole number >= 0", { field: "daysLate" });
  const cur = rb.currency;
  const lines = [`${rb.scheme.name}: report not submitted`];
  let exact = decimal(nr.amount);
  lines.push(`${nr.upTo ? "a fine of up to" : "a fine of"} ${moneyLabel(money(cur, exact, p.rounding))}`);
  if (nr.perDayLate !== undefined && daysLate > 0) {
    const days = nr.maxDays === undefined ? daysLate : Math.min(daysLate, nr.maxDays);
    const extra = mulDec(decimal(nr.perDayLate), decimal(days));
    exact = addDec(exact, extra);
    lines.push(`plus ${cur} ${formatDec(decimal(nr.perDayLate))} x ${days} days late${days < daysLate ? ` (at most ${nr.maxDays})` : ""} = ${moneyLabel(money(cur, extra, p.rounding))}`);
  }
  if (nr.publication) lines.push("the operator's name is published");
  if (nr.note) lines.push(nr.note);
  if (p.uncertain) lines.push(`UNCERTAIN: ${p.uncertain}`);
  const out: NonReportingPenalty = { ok: true, scheme: rb.scheme.id, currency: cur, amount: money(cur, exact, p.rounding), upTo: nr.upTo, publication: nr.publication, explanation: lines };
  if (p.uncertain) out.uncertain = p.uncertain;
  return out;
}

/** The JSON shape of a penalty: money as decimal strings, units as decimal strings. */
export function penaltyJson(p: Penalty) {
  return {
    scheme: p.scheme,
    amount: moneyText(p.amount),
    currency: p.currency,
    owed: p.owed.toString(),
    explanation: p.explanation,
    shortfall: p.shortfall.toString(),
    ...(p.year === undefined ? {} : { year: p.year }),
    ...(p.perTonne ? { perTonne: moneyText(p.perTonne) } : {}),
    amountMinor: minorUnits(p.amount).toString(),
    upTo: p.upTo,
    order: p.order,
    ...(p.ifOrderNotMet
      ? {
          ifOrderNotMet: {
            amount: moneyText(p.ifOrderNotMet.amount),
            upTo: p.ifOrderNotMet.upTo,
            ...(p.ifOrderNotMet.fine ? { fine: moneyText(p.ifOrderNotMet.fine) } : {}),
            ...(p.ifOrderNotMet.purchaseQuantity === undefined ? {} : { purchaseQuantity: p.ifOrderNotMet.purchaseQuantity.toString() }),
            ...(p.ifOrderNotMet.purchase ? { purchase: moneyText(p.ifOrderNotMet.purchase) } : {}),
            publication: p.ifOrderNotMet.publication,
          },
        }
      : {}),
    publication: p.publication,
    warnings: p.warnings,
    ...(p.uncertain ? { uncertain: p.uncertain } : {}),
  };
}

/**
 * Whether a rulebook's penalty can be cheaper than buying, whatever the shortfall: none when the
 * missing allowances stay owed (at least one per missing tonne); otherwise the price per tonne
 * above which not complying costs less (a fixed or capped amount per tonne), or "always" (a price
 * multiple below 1, or no money at all). A fine of fixed size is left out: it is a maximum, and
 * per tonne it vanishes for large shortfalls. For `ets rulebook validate`.
 */
export function penaltyWarnings(rb: Rulebook, year?: number): string[] {
  const p = rb.penalties;
  if (!p) return [];
  if (p.makeGood && p.makeGoodFactor >= 1) return [];
  const owes = p.makeGood ? ` (only ${p.makeGoodFactor} of each missing allowance is owed)` : "";
  const cur = rb.currency;
  if (p.perTonne !== undefined) {
    const ix = p.indexation;
    return [`penalties: non-compliance is cheaper than buying whenever the allowance price exceeds ${cur} ${p.perTonne}${ix ? " (indexed)" : ""} a tonne${owes}`];
  }
  if (p.priceMultiple !== undefined) {
    if (p.priceBasis === "price-ceiling") {
      const c = year === undefined ? undefined : priceCeilingFor(rb, year);
      const at = c === undefined ? "the price ceiling" : `${cur} ${formatDec(mulDec(decimal(p.priceMultiple), decimal(c)))} (${year})`;
      return [`penalties: non-compliance is cheaper than buying whenever the allowance price exceeds ${p.priceMultiple} x ${at}${owes}`];
    }
    if (p.priceMultiple < 1) return [`penalties: non-compliance is always cheaper than buying: ${p.priceMultiple} x the price${owes}`];
    if (p.maxPerTonne !== undefined) return [`penalties: non-compliance is cheaper than buying whenever the allowance price exceeds the cap of ${cur} ${p.maxPerTonne} a tonne${owes}`];
    return [];
  }
  return [`penalties: non-compliance costs nothing per tonne${p.maxFine === undefined ? "" : ` beyond a fine of up to ${cur} ${p.maxFine}`}${owes}`];
}
