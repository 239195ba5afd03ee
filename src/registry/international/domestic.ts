// What a surrender of international units offers for domestic compliance, as the domain's
// domestic-use rules want it (src/domain/international/domestic-use.ts OfferedUnits): per class
// defined from credit attributes, the attributes, and per run of serials the Article 6 state the
// book holds (authorized, first transferred). The compliance part's surrender hook calls this
// inside the writing transaction with the moves of the step it checks, then assessDomesticUse
// (which counts the rulebook's credit limits through compliance's shareOf): there is one
// surrender hook, compliance's; this part adds none. Serials of classes not defined from
// attributes are not international units and are left out.
import type { OfferedUnits } from "../../domain/international/domestic-use.ts";
import type { CreditAttributes } from "../../domain/international/attributes.ts";
import { slice } from "../../domain/international/ranges.ts";
import type { Sql } from "../../store/db.ts";
import type { Move } from "../ledger/apply.ts";
import type { Book } from "./book.ts";
import { movedRuns } from "./book-moves.ts";

export async function offeredUnits(sql: Sql, book: Book, moves: readonly Move[]): Promise<OfferedUnits[]> {
  const runs = movedRuns(moves);
  if (runs.size === 0) return [];
  const r = await sql.query<{ class_code: string; attributes: CreditAttributes }>("SELECT class_code, attributes FROM intl_classes WHERE class_code = ANY($1::text[])", [[...runs.keys()]]);
  if (r.rows.length === 0) return [];
  const state = (await book.load(sql)).state;
  const out: OfferedUnits[] = [];
  for (const { class_code: code, attributes } of r.rows) {
    // Quantities per Article 6 state of the serials: not in the book, or authorized / first transferred.
    const by = new Map<string, { authorized: boolean; firstTransferred: boolean; quantity: bigint }>();
    const add = (authorized: boolean, firstTransferred: boolean, n: bigint) => {
      const k = `${authorized}|${firstTransferred}`;
      const e = by.get(k) ?? { authorized, firstTransferred, quantity: 0n };
      e.quantity += n;
      by.set(k, e);
    };
    const map = state.blocks.get(code) ?? [];
    for (const run of runs.get(code) ?? []) {
      let covered = 0n;
      for (const p of slice(map, run.start, run.end)) {
        const n = p.end - p.start + 1n;
        covered += n;
        add(p.value.authorization !== null, p.value.firstTransferred, n);
      }
      const rest = run.end - run.start + 1n - covered;
      if (rest > 0n) add(false, false, rest);
    }
    for (const e of by.values()) out.push({ attributes, quantity: e.quantity, article6: { authorized: e.authorized, firstTransferred: e.firstTransferred } });
  }
  return out;
}
