// XLSX tables through exceljs, validated exactly like CSV: a sheet is turned into CSV text whose
// line numbers equal the sheet's row numbers, then read by readCsvTable, so every error names the
// workbook, the sheet, the row (as the line) and the column, with the same wording as for CSV.
import ExcelJS from "exceljs";
import { InputError, readCsvTable, toCsv } from "./csv.ts";
import type { ColumnSpec, Row } from "./csv.ts";

/** The label used as "file" in errors: `book.xlsx[Sheet]`. */
export function sheetLabel(file: string, sheet: string): string {
  return `${file}[${sheet}]`;
}

function cellText(value: ExcelJS.CellValue, where: string, row: number): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number") return Number.isInteger(value) ? value.toFixed(0) : String(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === "object") {
    if ("error" in value) throw new InputError(where, row, undefined, `cell holds the spreadsheet error ${String(value.error)}`);
    if ("richText" in value) return value.richText.map((r) => r.text).join("");
    if ("formula" in value || "sharedFormula" in value) {
      const result = (value as { result?: unknown }).result;
      if (result === undefined) throw new InputError(where, row, undefined, "a formula without a cached result (save the workbook in a spreadsheet program first)");
      return cellText(result as ExcelJS.CellValue, where, row);
    }
    if ("text" in value) return String((value as { text: unknown }).text);
  }
  return String(value);
}

/** Turns one worksheet into CSV text with line k = sheet row k (blank rows stay blank lines). */
export function worksheetToCsv(ws: ExcelJS.Worksheet, where: string): string {
  const lines: string[] = [];
  let width = 0; // the header's width: a spreadsheet drops trailing empty cells, so shorter rows are padded
  ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    while (lines.length < rowNumber - 1) lines.push("");
    const cells: string[] = [];
    const values = row.values as ExcelJS.CellValue[]; // 1-based, index 0 unused
    for (let c = 1; c < values.length; c++) cells.push(cellText(values[c], where, rowNumber).replace(/[\r\n]+/g, " "));
    if (rowNumber === 1) width = cells.length;
    while (cells.length < width) cells.push("");
    // toCsv with an empty header writes the record on its second line: take that line only.
    lines.push(toCsv([], [cells]).split("\n")[1] ?? "");
  });
  return `${lines.join("\n")}\n`;
}

export interface ReadXlsxOptions {
  /** Sheet name; the first sheet when omitted. */
  sheet?: string;
}

/** Reads a typed table from a sheet of an XLSX workbook (header on row 1). */
export async function readXlsxTable(
  data: Buffer | ArrayBuffer,
  columns: readonly ColumnSpec[],
  file: string,
  options: ReadXlsxOptions = {},
): Promise<Row[]> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(data as ArrayBuffer);
  } catch (err) {
    throw new InputError(file, undefined, undefined, `not a readable XLSX workbook (${err instanceof Error ? err.message : String(err)})`);
  }
  const ws = options.sheet === undefined ? wb.worksheets[0] : wb.getWorksheet(options.sheet);
  if (!ws) {
    const names = wb.worksheets.map((w) => w.name).join(", ");
    throw new InputError(file, undefined, undefined, options.sheet === undefined ? "the workbook has no sheet" : `no sheet named "${options.sheet}" (sheets: ${names})`);
  }
  const where = sheetLabel(file, ws.name);
  return readCsvTable(worksheetToCsv(ws, where), columns, where);
}

export interface Sheet {
  name: string;
  headers: readonly string[];
  rows: readonly (readonly unknown[])[];
}

/** Writes sheets to an XLSX buffer: numbers stay numbers, bigint becomes a decimal string. */
export async function writeXlsx(sheets: readonly Sheet[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name);
    ws.addRow([...s.headers]);
    ws.getRow(1).font = { bold: true };
    for (const r of s.rows) {
      ws.addRow(r.map((v) => (typeof v === "bigint" ? v.toString() : v === undefined || v === null ? null : (v as ExcelJS.CellValue))));
    }
  }
  const out = await wb.xlsx.writeBuffer();
  return Buffer.from(out as ArrayBuffer);
}
