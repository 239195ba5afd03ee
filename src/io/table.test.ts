// Goal: CSV and XLSX tables read the same typed rows, XLSX errors name sheet and row even after
// blank rows, and unreadable inputs are named clearly.
import { fc, test } from "@fast-check/vitest";
import ExcelJS from "exceljs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "./csv.ts";
import { readTable, writeTable } from "./table.ts";
import { readXlsxTable, writeXlsx } from "./xlsx.ts";

const cols = [
  { name: "id", type: "string" },
  { name: "year", type: "integer" },
  { name: "value", type: "decimal", min: 0 },
  { name: "note", type: "string", required: false },
] as const;

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ets-table-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function caught(p: Promise<unknown>): Promise<InputError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error("expected an InputError");
}

describe("readTable", () => {
  test.prop(
    [fc.array(fc.record({ id: fc.string({ minLength: 1, maxLength: 8 }).filter((s) => s.trim() === s && !/[\r\n]/.test(s) && s !== ""), year: fc.integer({ min: 1900, max: 2100 }), value: fc.double({ min: 0, max: 1e9, noNaN: true }), note: fc.option(fc.constantFrom("a,b", 'say "x"', "plain"), { nil: undefined }) }), { maxLength: 15 })],
    { numRuns: 15 },
  )("CSV and XLSX give the same rows", async (rows) => {
    const headers = ["id", "year", "value", "note"];
    const data = rows.map((r) => [r.id, r.year, r.value, r.note]);
    const csv = join(dir, "p.csv");
    const xlsx = join(dir, "p.xlsx");
    await writeTable(csv, headers, data);
    await writeTable(xlsx, headers, data);
    const a = (await readTable(csv, cols)).map(({ __line: _l, ...r }) => r);
    const b = (await readTable(xlsx, cols)).map(({ __line: _l, ...r }) => r);
    expect(b).toEqual(a);
    expect(a.map((r) => r.value)).toEqual(rows.map((r) => r.value));
  });

  it("keeps sheet row numbers across blank rows and reads formula results", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("data");
    ws.getRow(1).values = ["id", "year", "value"];
    ws.getRow(2).values = ["A", 2008, 1];
    ws.getRow(5).values = ["B", 2008, { formula: "1+1", result: 2 }];
    ws.getRow(7).values = ["C", 2008, "lots"];
    const buf = Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer);
    const e = await caught(readXlsxTable(buf, cols, "book.xlsx"));
    expect([e.file, e.line, e.column]).toEqual(["book.xlsx[data]", 7, "value"]);
    ws.getRow(7).values = ["C", 2008, 3];
    const rows = await readXlsxTable(Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer), cols, "book.xlsx");
    expect(rows.map((r) => [r.__line, r.value])).toEqual([[2, 1], [5, 2], [7, 3]]);
  });

  it("names a missing file, an unsupported type, a missing sheet and a broken workbook", async () => {
    expect((await caught(readTable(join(dir, "nope.csv"), cols))).reason).toBe("file not found");
    expect((await caught(readTable(join(dir, "x.txt"), cols))).reason).toMatch(/unsupported file type/);
    const book = await writeXlsx([{ name: "only", headers: ["id"], rows: [] }]);
    expect((await caught(readXlsxTable(book, cols, "b.xlsx", { sheet: "other" }))).reason).toMatch(/no sheet named "other" \(sheets: only\)/);
    await writeFile(join(dir, "broken.xlsx"), "not a zip");
    expect((await caught(readTable(join(dir, "broken.xlsx"), cols))).reason).toMatch(/not a readable XLSX workbook/);
  });
});
