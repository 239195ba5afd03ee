// Exact decimal arithmetic the console needs on the API's decimal strings (quantities, amounts of
// money): the sum of a list, on bigint, never through a float. The domain has its own
// (src/domain/quantity/decimal.ts, sumDec), but the console may import from src/ only the message
// catalogue and the chart module (test/architecture.test.ts), so the pages share this one copy.

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * The exact sum of decimal strings ("430000", "12.5", "-0.25"), as a decimal string with the most
 * places any has ("0" for none). A string that is not a plain decimal throws: the API sends none.
 */
export function sumDecimals(values: readonly string[]): string {
  const parsed = values.map((v) => {
    const m = DECIMAL.exec(v);
    if (!m) throw new Error(`not a decimal: ${JSON.stringify(v)}`);
    return { negative: m[1] === "-", whole: m[2] as string, frac: m[3] ?? "" };
  });
  const places = Math.max(0, ...parsed.map((p) => p.frac.length));
  let total = 0n;
  for (const p of parsed) {
    const units = BigInt(p.whole + p.frac.padEnd(places, "0"));
    total += p.negative ? -units : units;
  }
  const negative = total < 0n;
  const digits = (negative ? -total : total).toString().padStart(places + 1, "0");
  const text = places === 0 ? digits : `${digits.slice(0, -places)}.${digits.slice(-places)}`;
  return negative ? `-${text}` : text;
}
