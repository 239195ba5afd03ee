// CSV reading (RFC 4180: quoted fields, doubled quotes, CRLF or LF) with errors that name the
// file, line and column, and typed column specs so every command validates input the same way.

export class InputError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly column: string | undefined,
    readonly reason: string,
  ) {
    super(`${file}${line === undefined ? "" : `:${line}`}${column === undefined ? "" : ` column "${column}"`}: ${reason}`);
  }
}

export interface CsvRecord {
  /** 1-based line number of the record's first line in the file. */
  line: number;
  fields: string[];
}

/** Splits CSV text into records. Throws InputError on an unterminated quote or stray quote. */
export function parseCsv(text: string, file = "<input>"): CsvRecord[] {
  const out: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let i = 0;
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  let fieldStarted = false;
  const n = text.length;
  if (text.charCodeAt(0) === 0xfeff) i = 1; // byte-order mark from spreadsheet exports
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === "" )) out.push({ line: recordLine, fields });
    fields = [];
    field = "";
    fieldStarted = false;
  };
  while (i < n) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        const next = text[i];
        if (next !== undefined && next !== "," && next !== "\n" && next !== "\r") {
          throw new InputError(file, line, undefined, "unexpected character after a closing quote");
        }
        continue;
      }
      if (ch === "\n") line++;
      field += ch;
      i++;
      continue;
    }
    if (ch === '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
      i++;
      continue;
    }
    if (ch === ",") {
      fields.push(field);
      field = "";
      fieldStarted = false;
      i++;
      continue;
    }
    if (ch === "\r" || ch === "\n") {
      endRecord();
      if (ch === "\r" && text[i + 1] === "\n") i++;
      i++;
      line++;
      recordLine = line;
      continue;
    }
    if (ch === '"') throw new InputError(file, line, undefined, "a quote inside an unquoted field");
    field += ch;
    fieldStarted = true;
    i++;
  }
  if (quoted) throw new InputError(file, recordLine, undefined, "unterminated quoted field");
  if (field !== "" || fields.length > 0) endRecord();
  return out;
}

export type ColumnType = "string" | "integer" | "decimal" | "bigint";

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  required?: boolean;
  min?: number;
  /** The largest value the column's arithmetic holds (e.g. sums and variations of a series); a larger one is refused naming the column. */
  max?: number;
}

export type Row = Record<string, string | number | bigint | undefined> & { __line: number };

/**
 * Reads a CSV with a header row into typed rows. Every declared required column must be in the
 * header; every value must parse as its type. The first error is thrown, naming file, line, column.
 */
export function readCsvTable(text: string, columns: readonly ColumnSpec[], file = "<input>"): Row[] {
  const records = parseCsv(text, file);
  const header = records[0];
  if (!header) throw new InputError(file, 1, undefined, "empty file: a header row is required");
  const names = header.fields.map((h) => h.trim());
  const index = new Map<string, number>();
  names.forEach((h, i) => {
    if (index.has(h)) throw new InputError(file, header.line, h, "duplicate column in the header");
    index.set(h, i);
  });
  for (const c of columns) {
    if (c.required !== false && !index.has(c.name)) {
      throw new InputError(file, header.line, c.name, `missing column (header has: ${names.join(", ")})`);
    }
  }
  const rows: Row[] = [];
  for (const rec of records.slice(1)) {
    if (rec.fields.length !== names.length) {
      throw new InputError(file, rec.line, undefined, `expected ${names.length} fields, found ${rec.fields.length}`);
    }
    const row: Row = { __line: rec.line };
    for (const c of columns) {
      const at = index.get(c.name);
      const raw = at === undefined ? "" : (rec.fields[at] ?? "").trim();
      if (raw === "") {
        if (c.required !== false) throw new InputError(file, rec.line, c.name, "empty value");
        row[c.name] = undefined;
        continue;
      }
      row[c.name] = convert(raw, c, file, rec.line);
    }
    rows.push(row);
  }
  return rows;
}

function convert(raw: string, c: ColumnSpec, file: string, line: number): string | number | bigint {
  switch (c.type) {
    case "string":
      return raw;
    case "integer": {
      if (!/^-?\d+$/.test(raw)) throw new InputError(file, line, c.name, `not a whole number: ${JSON.stringify(raw)}`);
      const v = Number(raw);
      if (!Number.isSafeInteger(v)) throw new InputError(file, line, c.name, `number too large: ${raw}`);
      if (c.min !== undefined && v < c.min) throw new InputError(file, line, c.name, `must be >= ${c.min}, got ${raw}`);
      return v;
    }
    case "bigint": {
      if (!/^-?\d+$/.test(raw)) throw new InputError(file, line, c.name, `not a whole number: ${JSON.stringify(raw)}`);
      const v = BigInt(raw);
      if (c.min !== undefined && v < BigInt(c.min)) throw new InputError(file, line, c.name, `must be >= ${c.min}, got ${raw}`);
      return v;
    }
    case "decimal": {
      if (!/^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(raw)) {
        throw new InputError(file, line, c.name, `not a number: ${JSON.stringify(raw)}`);
      }
      const v = Number(raw);
      if (!Number.isFinite(v)) throw new InputError(file, line, c.name, `not a finite number: ${raw}`);
      if (c.min !== undefined && v < c.min) throw new InputError(file, line, c.name, `must be >= ${c.min}, got ${raw}`);
      if (c.max !== undefined && v > c.max) throw new InputError(file, line, c.name, `must be <= ${c.max}, got ${raw}`);
      return v;
    }
    default: {
      const never: never = c.type;
      throw new Error(`unknown column type ${String(never)}`);
    }
  }
}

/** Writes rows as CSV, quoting where needed. */
export function toCsv(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const q = (v: unknown) => {
    const s = v === null || v === undefined ? "" : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `${[headers.map(q).join(","), ...rows.map((r) => r.map(q).join(","))].join("\n")}\n`;
}
