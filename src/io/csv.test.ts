// Goal: CSV parsing per RFC 4180 and errors that name file, line and column.
import { describe, expect, it } from "vitest";
import { InputError, parseCsv, readCsvTable, toCsv } from "./csv.ts";

describe("parseCsv", () => {
  it("handles quotes, doubled quotes, CRLF and embedded newlines", () => {
    const recs = parseCsv('a,b\r\n"x, y","he said ""hi"""\n"multi\nline",2\n');
    expect(recs.map((r) => r.fields)).toEqual([["a", "b"], ["x, y", 'he said "hi"'], ["multi\nline", "2"]]);
    expect(recs.map((r) => r.line)).toEqual([1, 2, 3]);
  });
  it("rejects an unterminated quote with its line", () => {
    expect(() => parseCsv('a\n"open', "f.csv")).toThrow(/f.csv:2: unterminated/);
  });
  it("round-trips through toCsv", () => {
    const text = toCsv(["a", "b"], [["x,y", 'q"'], [1, ""]]);
    expect(parseCsv(text).map((r) => r.fields)).toEqual([["a", "b"], ["x,y", 'q"'], ["1", ""]]);
  });
});

describe("readCsvTable", () => {
  const cols = [
    { name: "installation", type: "string" },
    { name: "year", type: "integer" },
    { name: "emissions", type: "decimal", min: 0 },
  ] as const;
  it("types the values", () => {
    const rows = readCsvTable("installation,year,emissions\nA,2005,10.5\n", cols);
    expect(rows).toEqual([{ __line: 2, installation: "A", year: 2005, emissions: 10.5 }]);
  });
  it("names a missing column", () => {
    expect(() => readCsvTable("installation,year\nA,2005\n", cols, "e.csv")).toThrow(/e.csv:1 column "emissions": missing column/);
  });
  it("names line and column of a negative value", () => {
    const err = (() => {
      try {
        readCsvTable("installation,year,emissions\nA,2005,1\nB,2006,-3\n", cols, "e.csv");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).line).toBe(3);
    expect((err as InputError).column).toBe("emissions");
  });
  it("names a non-number", () => {
    expect(() => readCsvTable("installation,year,emissions\nA,20x5,1\n", cols, "e.csv")).toThrow(/e.csv:2 column "year": not a whole number/);
  });
});
