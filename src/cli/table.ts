// Text tables for people (docs/reference/cli.md, "Output and exit codes"): numbers grouped (1,234,567)
// and aligned on their decimal point, float noise removed, shares as percentages, and widths that
// count East Asian wide characters as two columns so Japanese text aligns. Part of the CLI's one
// output layer (src/cli/io.ts re-exports all of it); pure text, no I/O but printTable's stdout.

/** A decimal given as text (a price "23.33", an amount "1000000.50") that a table aligns on its point and groups. */
export class Dec {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** A decimal string as a table cell that aligns on its decimal point. */
export const dec = (text: string): Dec => new Dec(text);

/** The columns a terminal gives a character: 2 for East Asian wide and full-width ones, 0 for combining marks. */
function charWidth(cp: number): number {
  if (cp === 0 || (cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || cp === 0xfeff) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  )
    return 2;
  return 1;
}

/** How many terminal columns a text takes. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += charWidth(ch.codePointAt(0) ?? 0);
  return w;
}

const padEndW = (s: string, w: number) => s + " ".repeat(Math.max(0, w - displayWidth(s)));
const padStartW = (s: string, w: number) => " ".repeat(Math.max(0, w - displayWidth(s))) + s;

/** Groups the digits of a whole number written in decimal ("-1234567" -> "-1,234,567"). */
export function groupDigits(digits: string): string {
  const neg = digits.startsWith("-");
  const d = neg ? digits.slice(1) : digits;
  return (neg ? "-" : "") + d.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/**
 * A number as a table shows it: whole numbers (bigint, safe integers, decimal strings) grouped,
 * other numbers with their float noise removed (at most 10 significant digits), grouped.
 */
export function numberText(v: number | bigint | Dec): { int: string; frac: string } {
  if (typeof v === "bigint") return { int: groupDigits(v.toString()), frac: "" };
  if (v instanceof Dec) {
    const m = /^(-?\d+)(?:\.(\d+))?$/.exec(v.text.trim());
    return m ? { int: groupDigits(m[1] as string), frac: m[2] ?? "" } : { int: v.text, frac: "" };
  }
  if (!Number.isFinite(v)) return { int: v > 0 ? "∞" : v < 0 ? "-∞" : "-", frac: "" };
  if (Number.isInteger(v) && Math.abs(v) < 1e21) return { int: groupDigits(BigInt(v).toString()), frac: "" };
  // 10 significant digits: 263.9999999990962 is 264; no number a person reads needs more.
  const text = String(Number(v.toPrecision(10)));
  if (/e/i.test(text)) return { int: text, frac: "" };
  const [i = "0", f = ""] = text.split(".");
  return { int: groupDigits(i), frac: f };
}

const isNumeric = (c: unknown): c is number | bigint | Dec => typeof c === "number" || typeof c === "bigint" || c instanceof Dec;

/**
 * A plain, aligned text table. Columns whose cells are all numbers (number, bigint or `dec()`,
 * empty cells aside) are right-aligned, grouped (1,234,567) and aligned on the decimal point;
 * widths count wide characters as two columns.
 */
export function formatTable(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const empty = (c: unknown) => c === null || c === undefined || c === "";
  const numeric = headers.map((_, i) => rows.some((r) => isNumeric(r[i])) && rows.every((r) => empty(r[i]) || isNumeric(r[i])));
  const calendar = headers.map((h) => /\b(year|vintage)s?\b|年/i.test(h));
  const fracWidth = headers.map((_, i) => (numeric[i] ? Math.max(0, ...rows.map((r) => (isNumeric(r[i]) ? numberText(r[i]).frac.length : 0))) : 0));
  const cells = rows.map((r) =>
    headers.map((_, i) => {
      const c = r[i];
      if (empty(c)) return "";
      if (numeric[i] && isNumeric(c)) {
        // Calendar years (a column named year, vintage, from or to) are names, not quantities: never grouped.
        if (calendar[i] && (typeof c === "number" || typeof c === "bigint")) return String(c);
        const n = numberText(c);
        const fw = fracWidth[i] ?? 0;
        return fw === 0 ? n.int : `${n.int}${n.frac ? `.${n.frac.padEnd(fw)}` : " ".repeat(fw + 1)}`;
      }
      return String(c);
    }),
  );
  const widths = headers.map((h, i) => Math.max(displayWidth(h), ...cells.map((r) => displayWidth(r[i] ?? ""))));
  const line = (vals: readonly string[]) => vals.map((v, i) => (numeric[i] ? padStartW(v, widths[i] ?? 0) : padEndW(v, widths[i] ?? 0))).join("  ").trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

export function printTable(headers: readonly string[], rows: readonly (readonly unknown[])[]): void {
  process.stdout.write(`${formatTable(headers, rows)}\n`);
}

/** A share (0.254) as a percentage ("25.4%"), with at most `digits` decimals. */
export function percent(share: number, digits = 1): string {
  if (!Number.isFinite(share)) return "-";
  const f = (share * 100).toFixed(digits).replace(/\.?0+$/, "");
  return `${f === "-0" ? "0" : f}%`;
}
