// Goal: the set path (batches and groups) places destinations as sets since ledger-perf-005, and
// still leaves one block where placing runs one after another would: an account that receives two
// runs in one batch and already holds the block between them ends with one block covering all
// three, and a run next to blocks on both sides joins them. Same answer on PGlite and PostgreSQL,
// and verify passes.
import { expect, it } from "vitest";
import { LedgerService } from "../../src/registry/ledger/index.ts";
import { verifyLedger } from "../../src/registry/verify.ts";
import type { Db } from "../../src/store/db.ts";
import { forEachStore } from "../support/stores.ts";

const CLASS = "EU-2026";
const leg = (from: string | null, to: string, quantity: string) => ({ classCode: CLASS, from, to, quantity });
/** A batch member: always from an account. */
const move = (from: string, to: string, quantity: string) => ({ classCode: CLASS, from, to, quantity });

function ok<T extends { ok: boolean }>(r: T): T {
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? v.toString() : v))}`);
  return r;
}

/** Blocks of one account as offsets from the first serial issued: "start-end". */
async function blocksOf(db: Db, account: string): Promise<string[]> {
  const r = await db.query<{ s: string; e: string }>(
    "SELECT (serial_start - (SELECT min(serial_start) FROM movements WHERE from_account IS NULL))::text AS s, (serial_end - (SELECT min(serial_start) FROM movements WHERE from_account IS NULL))::text AS e FROM blocks WHERE account_id = $1 ORDER BY serial_start",
    [account],
  );
  return r.rows.map((b) => `${b.s}-${b.e}`);
}

forEachStore("the set path's placing of destinations", (get) => {
  it("merges two runs with the block the destination holds between them, and a run with blocks on both sides", async () => {
    const l = await LedgerService.open(get());
    ok(await l.defineClass({ commandId: "c", code: CLASS, unitType: "allowance", scheme: "EU" }));
    ok(await l.openAccount({ commandId: "o-nha", accountId: "NHA", type: "national_issuance", holder: "state", name: "NHA" }));
    ok(await l.openAccount({ commandId: "o-alloc", accountId: "ALLOC", type: "allocation", holder: "state", name: "ALLOC" }));
    for (const op of ["OP-1", "OP-2", "OP-3"]) ok(await l.openAccount({ commandId: `o-${op}`, accountId: op, type: "operator_holding", holder: op, name: op, installation: `I-${op}` }));
    ok(await l.propose({ transactionId: "iss", kind: "issuance", legs: [leg(null, "NHA", "100")] }));
    // OP-1 gets serials 0-9 and 20-29, OP-2 10-19, OP-3 30-39 and 50-59, OP-2 again 40-49.
    for (const [id, op] of [["a1", "OP-1"], ["a2", "OP-2"], ["a3", "OP-1"], ["a4", "OP-3"], ["a5", "OP-2"], ["a6", "OP-3"]] as const) {
      ok(await l.propose({ transactionId: id, kind: "allocation", legs: [leg("NHA", op, "10")] }));
    }
    // ALLOC holds 10-19 and 40-49 (OP-2's units) before the batch.
    ok(await l.propose({ transactionId: "r1", kind: "reverse_allocation", legs: [leg("OP-2", "ALLOC", "20")] }));
    expect(await blocksOf(get(), "ALLOC")).toEqual(["10-19", "40-49"]);
    // One batch: OP-1 returns 0-9 and 20-29 (two runs around ALLOC's 10-19), OP-3 returns 30-39
    // (between ALLOC's 20-29 to be and 40-49) and 50-59 (after 40-49).
    ok(await l.batch({ batchId: "b1", kind: "reverse_allocation", transfers: [move("OP-1", "ALLOC", "20"), move("OP-3", "ALLOC", "20")] }));
    expect(await blocksOf(get(), "ALLOC")).toEqual(["0-59"]);
    expect(await blocksOf(get(), "OP-1")).toEqual([]);
    expect(await blocksOf(get(), "OP-3")).toEqual([]);
    expect((await verifyLedger(get())).violations).toEqual([]);
  }, 120_000);
});
