// The AEF as an XLSX workbook (exceljs): one worksheet per table, named as in the UNFCCC template
// ("Table 1 Submission" ... "Table 5 Auth. entities"), each with the table's heading in the first
// row and its field labels in the second; Table 1 lists its fields down the first column with the
// values beside them, as the template does. Quantities and years are numbers, identifiers and
// dates (dd/mm/yyyy) text. `readAefWorkbook` reads such a workbook back into the same tables.
import ExcelJS from "exceljs";
import { type Aef, AEF_TABLES, type AefTable, type Cell } from "../domain/international/aef.ts";
import { InputError } from "./csv.ts";

const ORDER = ["submission", "authorizations", "actions", "holdings", "entities"] as const;

function writeTable(wb: ExcelJS.Workbook, t: AefTable, byColumn: boolean): void {
  const ws = wb.addWorksheet(t.sheet);
  ws.addRow([t.heading]).font = { bold: true };
  if (byColumn) {
    for (const r of t.rows) ws.addRow(r).getCell(1).font = { bold: true };
    ws.getColumn(1).width = 60;
    ws.getColumn(2).width = 50;
    return;
  }
  ws.addRow([...t.columns]).font = { bold: true };
  for (const r of t.rows) ws.addRow(r);
  t.columns.forEach((c, i) => {
    ws.getColumn(i + 1).width = Math.min(48, Math.max(12, c.length + 2));
  });
}

/** Writes the five tables to an XLSX buffer. */
export async function writeAefWorkbook(aef: Aef): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = "OpenETS";
  for (const k of ORDER) writeTable(wb, aef[k], k === "submission");
  return Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}

function cell(v: ExcelJS.CellValue): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === "string" || typeof v === "number") return v;
  if (typeof v === "object" && "richText" in v) return v.richText.map((r) => r.text).join("");
  return String(v);
}

function rowsOf(ws: ExcelJS.Worksheet, from: number, width: number): Cell[][] {
  const out: Cell[][] = [];
  for (let n = from; n <= ws.rowCount; n++) {
    const row = ws.getRow(n);
    out.push(Array.from({ length: width }, (_, i) => cell(row.getCell(i + 1).value)));
  }
  return out;
}

/**
 * Reads a workbook written by writeAefWorkbook (or laid out the same way) back into tables.
 * Throws InputError naming the file and sheet when a table is missing or its labels differ.
 */
export async function readAefWorkbook(data: Buffer | ArrayBuffer, file: string): Promise<Aef> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(data as ArrayBuffer);
  } catch (err) {
    throw new InputError(file, undefined, undefined, `not a readable XLSX workbook (${err instanceof Error ? err.message : String(err)})`);
  }
  const out = {} as Record<(typeof ORDER)[number], AefTable>;
  for (const k of ORDER) {
    const spec = AEF_TABLES[k];
    const ws = wb.getWorksheet(spec.sheet);
    if (!ws) throw new InputError(file, undefined, undefined, `no sheet named "${spec.sheet}"`);
    if (cell(ws.getRow(1).getCell(1).value) !== spec.heading) throw new InputError(`${file}[${spec.sheet}]`, 1, "A", `the heading must be "${spec.heading}"`);
    if (k === "submission") {
      out[k] = { ...spec, rows: rowsOf(ws, 2, 2) };
      continue;
    }
    const labels = rowsOf(ws, 2, spec.columns.length)[0] ?? [];
    const wrong = spec.columns.findIndex((c, i) => labels[i] !== c);
    if (wrong >= 0) throw new InputError(`${file}[${spec.sheet}]`, 2, spec.columns[wrong], `the label must be "${spec.columns[wrong]}", found ${JSON.stringify(labels[wrong])}`);
    out[k] = { ...spec, rows: rowsOf(ws, 3, spec.columns.length) };
  }
  return out as Aef;
}
