// `ets verify`: re-derives every ledger invariant from the database, independently of the code
// that maintains them. It reads only; it trusts neither the balances nor the blocks, and rebuilds
// ownership from the immutable movements and the hash chains from the immutable records; it ties
// the account and class rows it counts by to the commands that made them, and proves every
// recorded checkpoint a prefix of today's ledger.
//
// Memory stays bounded whatever the ledger's size: the passes that need TypeScript (hashes, the
// chain walk) read in keyset pages of at most `pageSize` rows, and the checks the database can
// decide alone return at most PER_CHECK offending rows each. Everything is read in one snapshot.
import type { Db, Sql } from "../../store/db.ts";
import { checkChainLinks } from "./chains.ts";
import { checkCheckpoints } from "./checkpoints.ts";
import { checkOwnership } from "./ownership.ts";
import { checkBalances, checkClasses, checkClosedEmpty, checkPartition } from "./partition.ts";
import { checkAccounts, checkClassDefinitions } from "./records.ts";
import { checkReferences } from "./references.ts";
import { checkLiveAccounts, checkReturns } from "./rules.ts";
import { collector, countRows, DEFAULT_PAGE_SIZE, type Pass, type Violation } from "./report.ts";
import { checkEarmarks, checkTransactions } from "./transactions.ts";

export { DEFAULT_PAGE_SIZE, MAX_VIOLATIONS, PER_CHECK, type Violation } from "./report.ts";

export interface VerifyReport {
  ok: boolean;
  classes: number;
  accounts: number;
  blocks: number;
  /** Units issued over all classes, as a decimal string. */
  units: string;
  byFate: Record<string, string>;
  chains: number;
  transactions: number;
  /** Movements read (every movement row). */
  movements: number;
  /** Chain links walked. */
  links: number;
  /** Checkpoints proven to be prefixes of today's ledger (their roots recomputed). */
  checkpoints: number;
  /** Leaves of the checkpoint log compared with today's records. */
  checkpointLeaves: number;
  violations: Violation[];
}

export interface VerifyOptions {
  /** Rows per keyset page (default 5000): the memory verify needs grows with this, not with the ledger. */
  pageSize?: number;
}

/**
 * Verifies the ledger. Given a database (not a transaction), it reads one consistent snapshot: a
 * REPEATABLE READ, READ ONLY transaction, so that transfers committing while verify runs cannot make
 * two of its queries disagree (e.g. a block read before a transfer and its movement after). Given
 * a transaction, it reads in that one.
 */
export async function verifyLedger(sql: Sql | Db, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const pageSize = opts.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`verify: pageSize must be a whole number of at least 1, not ${pageSize}`);
  if (isDb(sql)) {
    return sql.transaction(async (tx) => {
      await tx.query("SET TRANSACTION READ ONLY");
      return verifyIn(tx, pageSize);
    }, { isolation: "repeatable read" });
  }
  return verifyIn(sql, pageSize);
}

function isDb(x: Sql | Db): x is Db {
  return typeof (x as Partial<Db>).transaction === "function";
}

async function verifyIn(sql: Sql, pageSize: number): Promise<VerifyReport> {
  const { violations, add } = collector();
  const p: Pass = { sql, add, pageSize };
  await checkPartition(sql, add);
  await checkBalances(sql, add);
  const fates = await checkClasses(p);
  const txs = await checkTransactions(p);
  await checkOwnership(sql, add);
  await checkClosedEmpty(sql, add);
  await checkEarmarks(sql, add);
  await checkAccounts(sql, add);
  await checkClassDefinitions(sql, add);
  await checkLiveAccounts(sql, add);
  await checkReturns(sql, add);
  await checkReferences(sql, add);
  const walk = await checkChainLinks(p);
  const cps = await checkCheckpoints(p);
  return {
    ok: violations.length === 0,
    classes: await countRows(sql, "unit_classes"),
    accounts: await countRows(sql, "accounts"),
    blocks: await countRows(sql, "blocks"),
    units: (fates.issued ?? 0n).toString(),
    byFate: Object.fromEntries(Object.entries(fates).map(([k, v]) => [k, v.toString()])),
    chains: walk.chains,
    transactions: txs.transactions,
    movements: txs.movements,
    links: walk.links,
    checkpoints: cps.checkpoints,
    checkpointLeaves: cps.leaves,
    violations,
  };
}
