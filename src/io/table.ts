// One entry point for tabular input and output: the file's extension picks CSV or XLSX, and both
// formats are validated by the same column specs with the same error wording.
import { readFile, writeFile } from "node:fs/promises";
import { extname } from "node:path";
import { InputError, readCsvTable, toCsv } from "./csv.ts";
import type { ColumnSpec, Row } from "./csv.ts";
import { readXlsxTable, writeXlsx } from "./xlsx.ts";

export type TableFormat = "csv" | "xlsx";

export function tableFormat(path: string): TableFormat | undefined {
  const ext = extname(path).toLowerCase();
  if (ext === ".csv") return "csv";
  if (ext === ".xlsx") return "xlsx";
  return undefined;
}

/** Reads a typed table from a .csv or .xlsx file; `label` is the name used in errors (default: path). */
export async function readTable(path: string, columns: readonly ColumnSpec[], label = path): Promise<Row[]> {
  const format = tableFormat(path);
  if (format === undefined) throw new InputError(label, undefined, undefined, "unsupported file type: use .csv or .xlsx");
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(label, undefined, undefined, code === "ENOENT" ? "file not found" : `cannot read the file (${code ?? String(err)})`);
  }
  if (format === "csv") return readCsvTable(data.toString("utf8"), columns, label);
  return readXlsxTable(data, columns, label);
}

/** Writes one table as .csv or .xlsx (sheet named `sheetName`), chosen by the extension. */
export async function writeTable(
  path: string,
  headers: readonly string[],
  rows: readonly (readonly unknown[])[],
  sheetName = "table",
): Promise<void> {
  const format = tableFormat(path);
  if (format === undefined) throw new InputError(path, undefined, undefined, "unsupported output type: use .csv or .xlsx");
  if (format === "csv") await writeFile(path, toCsv(headers, rows.map((r) => r.map((v) => (typeof v === "bigint" ? v.toString() : v)))));
  else await writeFile(path, await writeXlsx([{ name: sheetName, headers, rows }]));
}
