// Goal: every invariant verify checks is shown to fire. A small valid ledger is built through the
// LedgerService (test/support/small-ledger.ts); each test corrupts the database in exactly one
// way, inside a transaction that is rolled back afterwards (disabling an append-only trigger or
// dropping a constraint inside it where needed, as someone with database access could), and
// asserts the exact set of invariants verify names: the one aimed at, and the others such a
// corruption cannot help breaking (a block removed by hand is also a conservation and ownership
// failure). Overlapping serials mid-block are refused by the exclusion constraint (SQLSTATE
// 23P01), and found by verify when the constraint is gone. The checkpoint invariants are shown
// against attacks that every other invariant misses: a chain's tail cut off cleanly, a chain
// rewritten consistently, an account's type changed together with its events. PGlite and
// PostgreSQL.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/platform/clock.ts";
import { recordCheckpoint } from "../../src/registry/checkpoints/index.ts";
import { GENESIS, linkHash, payloadDigest } from "../../src/registry/ledger/hash.ts";
import { chainPayload, LedgerService } from "../../src/registry/ledger/index.ts";
import { type VerifyReport, verifyLedger } from "../../src/registry/verify.ts";
import { type Db, type Sql, sqlState } from "../../src/store/db.ts";
import { DROPPED_FOREIGN_KEYS } from "../../src/store/migrations/ledger-perf-002.ts";
import { buildSmallLedger, SM } from "../support/small-ledger.ts";
import { forEachStore } from "../support/stores.ts";

class Rollback extends Error {
  constructor(readonly report: VerifyReport) {
    super("rollback");
  }
}

/** Runs the attack in a transaction (after recording a checkpoint when asked), verifies in it, and rolls it all back. */
async function corrupted(db: Db, attack: (tx: Sql) => Promise<void>, opts: { checkpoint?: boolean } = {}): Promise<VerifyReport> {
  try {
    await db.transaction(async (tx) => {
      if (opts.checkpoint) await recordCheckpoint(tx, { clock: new ManualClock("2026-05-01T00:00:00Z"), by: "test" });
      await attack(tx);
      throw new Rollback(await verifyLedger(tx, { pageSize: 3 }));
    });
  } catch (err) {
    if (err instanceof Rollback) return err.report;
    throw err;
  }
  throw new Error("unreachable");
}

const names = (r: VerifyReport) => [...new Set(r.violations.map((v) => v.invariant))].sort();
const unguard = (tx: Sql, ...tables: string[]) => Promise.all(tables.map((t) => tx.query(`ALTER TABLE ${t} DISABLE TRIGGER ${t}_append_only`)));
const classId = async (tx: Sql) => (await tx.query<{ id: number }>("SELECT id FROM unit_classes WHERE code = $1", [SM])).rows[0]?.id as number;
const addBalance = (tx: Sql, account: string, d: number) => tx.query("UPDATE balances SET quantity = quantity + $2 WHERE account_id = $1", [account, d]);

/** Every invariant this file shows to fire; a test below checks that verify names no other. */
const COVERED = new Set<string>();
function covers(invariant: string, title: string, fn: () => Promise<void>) {
  COVERED.add(invariant);
  it(`${invariant}: ${title}`, fn);
}

/** Removes transaction t6b (the last link of chain account:TRA-3) and puts its serials back, consistently. */
async function eraseLastTransfer(tx: Sql): Promise<void> {
  await unguard(tx, "chain_links", "movements", "transaction_events", "transaction_legs", "transactions");
  for (const t of ["chain_links", "movements", "transaction_events", "tx_state", "transaction_legs"]) await tx.query(`DELETE FROM ${t} WHERE tx_id = 't6b'`);
  await tx.query("DELETE FROM transactions WHERE id = 't6b'");
  await tx.query("UPDATE blocks SET serial_end = 540 WHERE account_id = 'TRA-4' AND serial_start = 501");
  await tx.query("INSERT INTO blocks (class_id, account_id, serial_start, serial_end) VALUES ($1, 'TRA-3', 541, 600)", [await classId(tx)]);
  await addBalance(tx, "TRA-4", -60);
  await addBalance(tx, "TRA-3", 60);
}

/** Edits t6a's note and recomputes every link of chain account:TRA-3 after it, consistently. */
async function rewriteChain(tx: Sql): Promise<void> {
  await unguard(tx, "chain_links", "transactions");
  await tx.query(`UPDATE transactions SET request = jsonb_set(request, '{note}', '"rewritten"') WHERE id = 't6a'`);
  const links = await tx.query<{ seq: bigint; tx_id: string }>("SELECT seq, tx_id FROM chain_links WHERE chain = 'account:TRA-3' ORDER BY seq");
  let prev = GENESIS;
  for (const l of links.rows) {
    const at = (await tx.query<{ at: string }>("SELECT at FROM transaction_events WHERE tx_id = $1 AND status = 'completed'", [l.tx_id])).rows[0]?.at as string;
    const hash = linkHash(prev, payloadDigest(await chainPayload(tx, l.tx_id, at)));
    await tx.query("UPDATE chain_links SET prev_hash = $3, hash = $4 WHERE chain = 'account:TRA-3' AND seq = $1 AND tx_id = $2", [l.seq, l.tx_id, prev, hash]);
    prev = hash;
  }
}

/** Makes TRA-4 a retirement account in the accounts table, its opening event and its command alike. */
async function retypeAccount(tx: Sql): Promise<void> {
  await unguard(tx, "account_events", "ledger_commands");
  await tx.query("UPDATE accounts SET type = 'retirement' WHERE id = 'TRA-4'");
  await tx.query(`UPDATE account_events SET request = jsonb_set(request, '{type}', '"retirement"') WHERE command_id = 'open-TRA-4'`);
  await tx.query(`UPDATE ledger_commands SET request = jsonb_set(request, '{type}', '"retirement"') WHERE id = 'open-TRA-4'`);
}

forEachStore("verify names each corruption", (get) => {
  beforeAll(async () => {
    await buildSmallLedger(await LedgerService.open(get()));
  }, 120_000);

  it("the ledger as built verifies, with a checkpoint too", async () => {
    const r = await verifyLedger(get(), { pageSize: 3 });
    expect(r.violations).toEqual([]);
    expect(r.byFate).toMatchObject({ issued: "1000", retired: "10", held: "990" });
    expect(names(await corrupted(get(), async () => {}, { checkpoint: true }))).toEqual([]);
  });

  describe("serial blocks", () => {
    covers("no-overlap", "an overlapping block mid-block is refused by the exclusion constraint (23P01), and found once the constraint is gone", async () => {
      const insert = "INSERT INTO blocks (class_id, account_id, serial_start, serial_end) SELECT id, 'TRA-3', 700, 700 FROM unit_classes WHERE code = 'SM-2026'";
      // [700, 700] lies inside NHA's [601, 1000]: neither end matches, so only the exclusion constraint can refuse it.
      const err = await get().query(insert).then(() => undefined, (e: unknown) => e);
      expect(sqlState(err)).toBe("23P01");
      const r = await corrupted(get(), async (tx) => {
        const c = await tx.query<{ conname: string }>("SELECT conname FROM pg_constraint WHERE conrelid = 'blocks'::regclass AND contype = 'x'");
        expect(c.rows).toHaveLength(1);
        await tx.query(`ALTER TABLE blocks DROP CONSTRAINT ${c.rows[0]?.conname}`);
        await tx.query(insert);
        await addBalance(tx, "TRA-3", 1);
      });
      expect(names(r)).toEqual(["conservation", "no-overlap", "ownership-from-movements"]);
      expect(r.violations.find((v) => v.invariant === "no-overlap")?.facts).toMatchObject({ classCode: SM, start: "700", previousEnd: "1000" });
    });

    covers("no-gap", "a block shortened at its start (balance lowered to match)", async () => {
      const r = await corrupted(get(), async (tx) => {
        await tx.query("UPDATE blocks SET serial_start = 312 WHERE account_id = 'TRA-2' AND serial_start = 311");
        await addBalance(tx, "TRA-2", -1);
      });
      expect(names(r)).toEqual(["conservation", "no-gap", "ownership-from-movements"]);
      expect(r.violations.find((v) => v.invariant === "no-gap")?.message).toBe("class SM-2026: serials before 312 (after 310) are held nowhere");
    });

    covers("blocks-cover-issued", "the last block of the class shortened at its end", async () => {
      const r = await corrupted(get(), async (tx) => {
        await tx.query("UPDATE blocks SET serial_end = 999 WHERE account_id = 'NHA' AND serial_end = 1000");
        await addBalance(tx, "NHA", -1);
      });
      expect(names(r)).toEqual(["blocks-cover-issued", "conservation", "ownership-from-movements"]);
      expect(r.violations.find((v) => v.invariant === "blocks-cover-issued")?.facts).toEqual({ classCode: SM, blockEnd: "999", issuedEnd: "1000" });
    });

    covers("balance-equals-blocks", "a balance raised by one", async () => {
      const r = await corrupted(get(), (tx) => addBalance(tx, "TRA-4", 1).then(() => {}));
      expect(names(r)).toEqual(["balance-equals-blocks"]);
      expect(r.violations[0]?.facts).toMatchObject({ accountId: "TRA-4", balance: "101", blocks: "100" });
    });

    covers("conservation", "a whole block deleted (balance zeroed)", async () => {
      const r = await corrupted(get(), async (tx) => {
        await tx.query("DELETE FROM blocks WHERE account_id = 'TRA-4'");
        await tx.query("UPDATE balances SET quantity = 0 WHERE account_id = 'TRA-4'");
      });
      expect(names(r)).toEqual(["conservation", "no-gap", "ownership-from-movements"]);
      expect(r.violations.find((v) => v.invariant === "conservation")?.facts).toEqual({ classCode: SM, issued: "1000", accounted: "900" });
    });

    covers("ownership-from-movements", "a block given to another account (balances moved to match)", async () => {
      const r = await corrupted(get(), async (tx) => {
        await tx.query("UPDATE blocks SET account_id = 'TRA-3' WHERE account_id = 'TRA-4'");
        await addBalance(tx, "TRA-4", -100);
        await addBalance(tx, "TRA-3", 100);
      });
      expect(names(r)).toEqual(["ownership-from-movements"]);
      expect(r.violations.map((v) => v.message).sort()).toEqual([
        "class SM-2026, account TRA-3: blocks [[501,600]] differ from the movements' []",
        "class SM-2026, account TRA-4: blocks [] differ from the movements' [[501,600]]",
      ]);
    });

    it("ownership-from-movements: a movement recorded twice takes serials out of an account more often than they came in", async () => {
      const r = await corrupted(get(), async (tx) => {
        await tx.query(
          "INSERT INTO movements (tx_id, leg_no, part_no, class_id, from_account, to_account, serial_start, serial_end) VALUES ('t5', 1, 2, $1, 'NHA', 'TRA-3', 501, 600)",
          [await classId(tx)],
        );
      });
      expect(names(r)).toEqual(["chain-hash", "leg-moved-exactly", "ownership-from-movements"]);
      expect(r.violations.map((v) => v.message)).toContain("class SM-2026: serial 501 is in account NHA -1 times by the movements");
    });

    covers("closed-account-empty", "an account holding units closed with consistent events", async () => {
      const r = await corrupted(get(), async (tx) => {
        const request = JSON.stringify({ accountId: "TRA-4", reason: null, status: "closed" });
        await tx.query("INSERT INTO account_events (command_id, account_id, status, reason, request, at) VALUES ('close-TRA-4', 'TRA-4', 'closed', NULL, $1, now())", [request]);
        await tx.query("INSERT INTO ledger_commands (id, kind, target, request, at, lseq) VALUES ('close-TRA-4', 'account.status', 'TRA-4', $1, now(), nextval('ledger_seq'))", [request]);
        await tx.query("UPDATE accounts SET status = 'closed' WHERE id = 'TRA-4'");
      });
      expect(names(r)).toEqual(["closed-account-empty"]);
      expect(r.violations[0]?.facts).toEqual({ accountId: "TRA-4", quantity: "100" });
    });
  });

  describe("transactions", () => {
    covers("movement-completed", "a movement of a transaction awaiting approval", async () => {
      const r = await corrupted(get(), async (tx) => {
        await tx.query(
          "INSERT INTO movements (tx_id, leg_no, part_no, class_id, from_account, to_account, serial_start, serial_end) VALUES ('h1', 1, 1, $1, 'TRA-1', 'TRA-3', 1, 20)",
          [await classId(tx)],
        );
      });
      expect(names(r)).toEqual(["movement-completed"]);
      expect(r.violations[0]?.facts).toEqual({ transactionId: "h1", status: "awaiting_approval" });
    });

    covers("leg-moved-exactly", "a leg added to a completed transaction", async () => {
      const r = await corrupted(get(), async (tx) => {
        await tx.query("INSERT INTO transaction_legs (tx_id, leg_no, class_id, from_account, to_account, quantity) VALUES ('t5', 2, $1, 'NHA', 'TRA-3', 5)", [await classId(tx)]);
      });
      expect(names(r)).toEqual(["leg-moved-exactly"]);
      expect(r.violations[0]?.facts).toEqual({ transactionId: "t5", leg: 2, quantity: "5", moved: "0" });
    });

    covers("earmarks-match-held", "an earmark raised by one", async () => {
      const r = await corrupted(get(), (tx) => tx.query("UPDATE balances SET earmarked = earmarked + 1 WHERE account_id = 'TRA-1'").then(() => {}));
      expect(names(r)).toEqual(["earmarks-match-held"]);
      expect(r.violations[0]?.facts).toMatchObject({ accountId: "TRA-1", earmarked: "21", held: "20" });
    });

    covers("state-matches-events", "a held transaction's state row set to completed", async () => {
      const r = await corrupted(get(), (tx) => tx.query("UPDATE tx_state SET status = 'completed' WHERE tx_id = 'h1'").then(() => {}));
      expect(names(r)).toEqual(["state-matches-events"]);
      expect(r.violations[0]?.facts).toMatchObject({ transactionId: "h1", state: "completed", event: "awaiting_approval" });
    });
  });

  describe("hash chains", () => {
    covers("chain-sequence", "a link's number changed", async () => {
      const r = await corrupted(get(), async (tx) => {
        await unguard(tx, "chain_links");
        await tx.query("UPDATE chain_links SET seq = 5 WHERE chain = 'account:TRA-3' AND seq = 2");
      });
      expect(names(r)).toEqual(["chain-sequence"]);
      expect(r.violations[0]?.message).toBe("chain account:TRA-3: link 5 where 2 was expected");
    });

    covers("chain-link", "a link's previous hash changed", async () => {
      const r = await corrupted(get(), async (tx) => {
        await unguard(tx, "chain_links");
        await tx.query("UPDATE chain_links SET prev_hash = repeat('1', 64) WHERE chain = 'account:TRA-3' AND seq = 2");
      });
      // The link's own hash was made from the previous hash, so it no longer recomputes either.
      expect(names(r)).toEqual(["chain-hash", "chain-link"]);
      expect(r.violations.find((v) => v.invariant === "chain-link")?.facts).toEqual({ chain: "account:TRA-3", seq: "2", transactionId: "t6b" });
    });

    covers("chain-hash", "a transaction's recorded request edited", async () => {
      const r = await corrupted(get(), async (tx) => {
        await unguard(tx, "transactions");
        await tx.query(`UPDATE transactions SET request = jsonb_set(request, '{note}', '"edited"') WHERE id = 't5'`);
      });
      expect(names(r)).toEqual(["chain-hash"]);
      expect(r.violations[0]?.facts).toEqual({ chain: "account:NHA", seq: "3", transactionId: "t5" });
    });

    covers("chain-completed", "the last link of a chain deleted: its completed transaction is in no chain", async () => {
      const r = await corrupted(get(), async (tx) => {
        await unguard(tx, "chain_links");
        await tx.query("DELETE FROM chain_links WHERE chain = 'account:TRA-3' AND seq = 2");
      });
      expect(names(r)).toEqual(["chain-completed"]);
      expect(r.violations[0]?.message).toBe("completed transaction t6b is in no hash chain");
    });

    it("chain-completed: a link naming a transaction that awaits approval", async () => {
      const r = await corrupted(get(), async (tx) => {
        const head = (await tx.query<{ seq: bigint; hash: string }>("SELECT seq, hash FROM chain_links WHERE chain = 'account:TRA-1' ORDER BY seq DESC LIMIT 1")).rows[0];
        await tx.query("INSERT INTO chain_links (chain, seq, tx_id, prev_hash, hash) VALUES ('account:TRA-1', $1, 'h1', $2, repeat('2', 64))", [(head?.seq ?? 0n) + 1n, head?.hash]);
      });
      expect(names(r)).toEqual(["chain-completed"]);
      expect(r.violations[0]?.message).toMatch(/^chain account:TRA-1 link \d+ names transaction h1, which is not completed$/);
    });
  });

  describe("accounts and classes", () => {
    covers("account-matches-events", "an account's type changed in the accounts table alone", async () => {
      const r = await corrupted(get(), (tx) => tx.query("UPDATE accounts SET type = 'retirement' WHERE id = 'TRA-4'").then(() => {}));
      expect(names(r)).toEqual(["account-matches-events"]);
      expect(r.violations[0]?.facts).toEqual({ accountId: "TRA-4", field: "type", recorded: "retirement", events: "trading" });
      // ...and what verify counts moved with it: the 100 units now count as retired.
      expect(r.byFate).toMatchObject({ retired: "110", held: "890" });
    });

    it("account-matches-events: an account's status changed in the accounts table alone", async () => {
      const r = await corrupted(get(), (tx) => tx.query("UPDATE accounts SET status = 'blocked' WHERE id = 'TRA-2'").then(() => {}));
      expect(names(r)).toEqual(["account-matches-events"]);
      expect(r.violations[0]?.facts).toEqual({ accountId: "TRA-2", field: "status", recorded: "blocked", events: "open" });
    });

    covers("class-matches-definition", "a class's issuance limit raised in its row", async () => {
      const r = await corrupted(get(), async (tx) => {
        await unguard(tx, "unit_classes");
        await tx.query("UPDATE unit_classes SET issuance_limit = 5000000 WHERE code = 'SM-2026'");
      });
      expect(names(r)).toEqual(["class-matches-definition"]);
      expect(r.violations[0]?.facts).toEqual({ classCode: SM, field: "issuanceLimit", recorded: "5000000", defined: "100000" });
    });
  });

  // Since ledger-perf-002 these references are not foreign keys: the write function checks them,
  // the parents can never go, and verify proves them. One orphan per reference the migration took
  // from the database (an existing row made to name a parent that does not exist), each found.
  // `also`: what else the orphan cannot help breaking (a transaction's kind and its movements are
  // in its chain's payload; events and state decide what counts as completed; blocks and balances
  // are re-derived from the movements). A leg's references are in no other check.
  describe("references resolve", () => {
    const cases: Array<{ table: string; column: string; target: string; value: string; sql: string; also: string[] }> = [
      { table: "transactions", column: "kind", target: "transaction_kinds", value: "ghost-kind", sql: "UPDATE transactions SET kind = 'ghost-kind' WHERE id = 't3'", also: ["chain-hash"] },
      { table: "transactions", column: "batch_id", target: "batches", value: "ghost-batch", sql: "UPDATE transactions SET batch_id = 'ghost-batch' WHERE id = 't3'", also: [] },
      { table: "transaction_legs", column: "tx_id", target: "transactions", value: "ghost-tx", sql: "UPDATE transaction_legs SET tx_id = 'ghost-tx' WHERE tx_id = 't3'", also: [] },
      { table: "transaction_legs", column: "class_id", target: "unit_classes", value: "999999", sql: "UPDATE transaction_legs SET class_id = 999999 WHERE tx_id = 't3'", also: [] },
      { table: "transaction_legs", column: "from_account", target: "accounts", value: "GHOST", sql: "UPDATE transaction_legs SET from_account = 'GHOST' WHERE tx_id = 't3'", also: [] },
      { table: "transaction_legs", column: "to_account", target: "accounts", value: "GHOST", sql: "UPDATE transaction_legs SET to_account = 'GHOST' WHERE tx_id = 't3'", also: [] },
      { table: "transaction_events", column: "tx_id", target: "transactions", value: "ghost-tx", sql: "UPDATE transaction_events SET tx_id = 'ghost-tx' WHERE tx_id = 't3'", also: ["chain-completed", "movement-completed", "ownership-from-movements", "state-matches-events"] },
      { table: "tx_state", column: "tx_id", target: "transactions", value: "ghost-tx", sql: "UPDATE tx_state SET tx_id = 'ghost-tx' WHERE tx_id = 't3'", also: ["state-matches-events"] },
      { table: "movements", column: "tx_id", target: "transactions", value: "ghost-tx", sql: "UPDATE movements SET tx_id = 'ghost-tx' WHERE tx_id = 't3'", also: ["chain-hash", "leg-moved-exactly", "movement-completed", "ownership-from-movements"] },
      { table: "movements", column: "class_id", target: "unit_classes", value: "999999", sql: "UPDATE movements SET class_id = 999999 WHERE tx_id = 't3'", also: ["chain-hash", "ownership-from-movements"] },
      { table: "movements", column: "from_account", target: "accounts", value: "GHOST", sql: "UPDATE movements SET from_account = 'GHOST' WHERE tx_id = 't3'", also: ["chain-hash", "ownership-from-movements"] },
      { table: "movements", column: "to_account", target: "accounts", value: "GHOST", sql: "UPDATE movements SET to_account = 'GHOST' WHERE tx_id = 't3'", also: ["chain-hash", "ownership-from-movements"] },
      { table: "blocks", column: "class_id", target: "unit_classes", value: "999999", sql: "UPDATE blocks SET class_id = 999999 WHERE account_id = 'RET'", also: ["balance-equals-blocks", "conservation", "no-gap", "ownership-from-movements"] },
      { table: "blocks", column: "account_id", target: "accounts", value: "GHOST", sql: "UPDATE blocks SET account_id = 'GHOST' WHERE account_id = 'RET'", also: ["balance-equals-blocks", "conservation", "ownership-from-movements"] },
      { table: "balances", column: "class_id", target: "unit_classes", value: "999999", sql: "UPDATE balances SET class_id = 999999 WHERE account_id = 'RET'", also: ["balance-equals-blocks"] },
      { table: "balances", column: "account_id", target: "accounts", value: "GHOST", sql: "UPDATE balances SET account_id = 'GHOST' WHERE account_id = 'RET'", also: ["balance-equals-blocks"] },
      { table: "chain_links", column: "tx_id", target: "transactions", value: "ghost-tx", sql: "UPDATE chain_links SET tx_id = 'ghost-tx' WHERE tx_id = 't3'", also: ["chain-completed"] },
    ];
    it("covers every foreign key migration ledger-perf-002 dropped", () => {
      expect(cases.map((c) => `${c.table}.${c.column}`).sort()).toEqual(DROPPED_FOREIGN_KEYS.map(([t, k]) => `${t}.${k.slice(t.length + 1, -"_fkey".length)}`).sort());
    });
    for (const c of cases) {
      const run = async () => {
        const r = await corrupted(get(), async (tx) => {
          await unguard(tx, ...["transactions", "transaction_legs", "transaction_events", "movements", "chain_links"].filter((t) => t === c.table));
          await tx.query(c.sql);
        });
        expect(names(r)).toEqual([...new Set(["references-resolve", ...c.also])].sort());
        const found = r.violations.filter((v) => v.invariant === "references-resolve");
        expect(found.length).toBeGreaterThan(0);
        for (const v of found) expect(v.facts).toMatchObject({ table: c.table, column: c.column, value: c.value, target: c.target });
      };
      if (c === cases[0]) covers("references-resolve", `${c.table}.${c.column} names a ${c.target} row that does not exist`, run);
      else it(`references-resolve: ${c.table}.${c.column} names a ${c.target} row that does not exist`, run);
    }
  });

  describe("checkpoints: what every other invariant misses", () => {
    covers("checkpoint-chain-cut", "a chain's last transaction erased cleanly", async () => {
      // Without a checkpoint nothing shows: the records, blocks and balances agree.
      const before = await corrupted(get(), eraseLastTransfer);
      expect(before.violations).toEqual([]);
      const r = await corrupted(get(), eraseLastTransfer, { checkpoint: true });
      expect(names(r)).toEqual(["checkpoint-chain-cut"]);
      expect(r.violations[0]?.facts).toEqual({ chain: "account:TRA-3", seq: "2", checkpoint: "1", chainEnd: "1" });
    });

    covers("checkpoint-chain-rewritten", "a transaction edited and its chain recomputed consistently", async () => {
      const before = await corrupted(get(), rewriteChain);
      expect(before.violations).toEqual([]);
      const r = await corrupted(get(), rewriteChain, { checkpoint: true });
      expect(names(r)).toEqual(["checkpoint-chain-rewritten"]);
      expect(r.violations[0]?.facts).toMatchObject({ chain: "account:TRA-3", seq: "2", checkpoint: "1" });
    });

    covers("checkpoint-record-changed", "an account's type changed together with its opening event and command", async () => {
      const before = await corrupted(get(), retypeAccount);
      expect(before.violations).toEqual([]);
      expect(before.byFate).toMatchObject({ retired: "110" });
      const r = await corrupted(get(), retypeAccount, { checkpoint: true });
      expect(names(r)).toEqual(["checkpoint-record-changed"]);
      expect(r.violations.map((v) => [v.facts.kind, v.facts.key])).toEqual([["command", "open-TRA-4"], ["account-event", "open-TRA-4"]]);
    });

    covers("checkpoint-root", "a recorded root replaced", async () => {
      const r = await corrupted(get(), async (tx) => {
        await unguard(tx, "checkpoints");
        await tx.query("UPDATE checkpoints SET root = repeat('0', 64)");
      }, { checkpoint: true });
      expect(names(r)).toEqual(["checkpoint-root"]);
      expect(r.violations[0]?.facts).toMatchObject({ checkpoint: "1", root: "0".repeat(64) });
    });

    it("checkpoint-root: a leaf hash in the log replaced (the record then differs from it too)", async () => {
      const r = await corrupted(get(), async (tx) => {
        await unguard(tx, "checkpoint_leaves");
        await tx.query("UPDATE checkpoint_leaves SET leaf_hash = repeat('0', 64) WHERE kind = 'account-event' AND key = 'open-TRA-1'");
      }, { checkpoint: true });
      expect(names(r)).toEqual(["checkpoint-record-changed", "checkpoint-root"]);
    });

    it("checkpoint-root: a checkpoint claiming more leaves than the log holds", async () => {
      const r = await corrupted(get(), async (tx) => {
        await unguard(tx, "checkpoints");
        await tx.query("UPDATE checkpoints SET count = count + 1");
      }, { checkpoint: true });
      expect(names(r)).toEqual(["checkpoint-root"]);
      expect(r.violations[0]?.message).toMatch(/covers \d+ leaves but the checkpoint log holds \d+/);
    });
  });

  it("left the ledger as it was", async () => {
    expect((await verifyLedger(get())).violations).toEqual([]);
  });
});

// The registry rules of issue 17, on a store of their own: an allocation, an entitlement below it
// and a return of the excess, and two operator accounts of two installations.
forEachStore("verify names each registry-rule corruption", (get) => {
  beforeAll(async () => {
    const l = await LedgerService.open(get());
    const ok = (r: { ok: boolean }) => {
      if (!r.ok) throw new Error(JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
    };
    const leg = (from: string | null, to: string, quantity: string) => [{ classCode: "RT-2026", from, to, quantity }];
    ok(await l.defineClass({ commandId: "rt-class", code: "RT-2026", unitType: "allowance", scheme: "RT", vintage: 2026 }));
    for (const [id, type, installation] of [["RT-NHA", "national_issuance", null], ["RT-ALLOC", "allocation", null], ["RT-OP1", "operator_holding", "RT-INST-1"], ["RT-OP2", "operator_holding", "RT-INST-2"]] as const) {
      ok(await l.openAccount({ commandId: `open-${id}`, accountId: id, type, holder: "h", name: id, ...(installation ? { installation } : {}) }));
    }
    ok(await l.propose({ transactionId: "rt-i", kind: "issuance", legs: leg(null, "RT-NHA", "1000") }));
    ok(await l.propose({ transactionId: "rt-t", kind: "internal_transfer", legs: leg("RT-NHA", "RT-ALLOC", "1000") }));
    ok(await l.propose({ transactionId: "rt-a", kind: "allocation", legs: leg("RT-ALLOC", "RT-OP1", "100") }));
    ok(await l.setEntitlement({ commandId: "rt-e", accountId: "RT-OP1", year: 2026, table: "NAT", quantity: "90" }));
    ok(await l.propose({ transactionId: "rt-r", kind: "excess_allocation_return", legs: leg("RT-OP1", "RT-ALLOC", "10") }));
  });

  covers("return-within-excess", "an entitlement raised by hand after the excess was returned", async () => {
    const r = await corrupted(get(), async (tx) => {
      await tx.query("ALTER TABLE allocation_entitlements DISABLE TRIGGER allocation_entitlements_append_only");
      await tx.query("UPDATE allocation_entitlements SET quantity = 95 WHERE command_id = 'rt-e'");
    });
    expect(names(r)).toEqual(["return-within-excess"]);
    expect(r.violations[0]?.facts).toEqual({ accountId: "RT-OP1", year: 2026, table: "NAT", returned: "10", allocated: "100", entitlement: "95" });
  });

  covers("live-account-unique", "a second live account given the same installation, with its opening event to match", async () => {
    const r = await corrupted(get(), async (tx) => {
      await tx.query("DROP INDEX accounts_installation_live");
      await tx.query("ALTER TABLE account_events DISABLE TRIGGER account_events_append_only");
      await tx.query("UPDATE accounts SET installation = 'RT-INST-1' WHERE id = 'RT-OP2'");
      await tx.query(`UPDATE account_events SET request = jsonb_set(request, '{installation}', '"RT-INST-1"') WHERE command_id = 'open-RT-OP2'`);
    });
    expect(names(r)).toEqual(["live-account-unique"]);
    expect(r.violations[0]?.facts).toEqual({ field: "installation", value: "RT-INST-1", accounts: "RT-OP1,RT-OP2" });
  });

  it("left the ledger as it was", async () => {
    expect((await verifyLedger(get())).violations).toEqual([]);
  });
});

describe("the mutation tests cover every invariant", () => {
  it("each invariant named in src/registry/verify has a test above", () => {
    const dir = join(import.meta.dirname, "../../src/registry/verify");
    const named = new Set<string>();
    for (const f of readdirSync(dir).filter((n) => n.endsWith(".ts") && !n.endsWith(".test.ts"))) {
      for (const line of readFileSync(join(dir, f), "utf8").split("\n")) {
        if (!/invariant:/.test(line)) continue;
        for (const m of line.matchAll(/"([a-z]+(?:-[a-z]+)*)"/g)) named.add(m[1] as string);
      }
    }
    expect(named.size).toBeGreaterThanOrEqual(20);
    expect([...named].sort()).toEqual([...COVERED].sort());
  });
});
