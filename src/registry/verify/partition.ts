// The serial blocks against what was issued: per class the blocks partition exactly the issued
// range (no overlap, no gap, nothing past the end), issued = held + surrendered + retired +
// cancelled by the fate of each account type, balances equal block sums, and a closed account
// holds nothing. Classes are read in keyset pages by id; the other checks ask the database for at
// most PER_CHECK offending rows.
import { ACCOUNT_TYPES, type AccountType } from "../../domain/ledger/catalog.ts";
import type { Sql } from "../../store/db.ts";
import { keysetPages } from "./pages.ts";
import { type Add, type Pass, PER_CHECK } from "./report.ts";

/** Per class, consecutive blocks touch: a block that starts at or before the previous end overlaps it, one that starts later leaves a gap. */
export async function checkPartition(sql: Sql, add: Add): Promise<void> {
  const bad = await sql.query<{ code: string; serial_start: bigint; prev_end: bigint | null; first: bigint }>(
    `WITH b AS (
       SELECT class_id, serial_start, serial_end, lag(serial_end) OVER (PARTITION BY class_id ORDER BY serial_start) AS prev_end FROM blocks)
     SELECT c.code, b.serial_start, b.prev_end, c.serial_start AS first
     FROM b JOIN unit_classes c ON c.id = b.class_id
     WHERE (b.prev_end IS NULL AND b.serial_start <> c.serial_start) OR (b.prev_end IS NOT NULL AND b.serial_start <> b.prev_end + 1)
     ORDER BY c.code, b.serial_start LIMIT ${PER_CHECK}`,
  );
  for (const r of bad.rows) {
    const overlap = r.prev_end !== null && r.serial_start <= r.prev_end;
    add({
      invariant: overlap ? "no-overlap" : "no-gap",
      message: overlap
        ? `class ${r.code}: block starting at ${r.serial_start} overlaps the previous block ending at ${r.prev_end}`
        : `class ${r.code}: serials before ${r.serial_start} (after ${r.prev_end ?? r.first - 1n}) are held nowhere`,
      facts: { classCode: r.code, start: r.serial_start.toString(), previousEnd: r.prev_end?.toString() ?? null },
    });
  }
}

export type Fates = Record<string, bigint>;

interface ClassRow {
  id: number;
  code: string;
  issued: bigint;
  issued_end: bigint | null;
  block_end: bigint | null;
}

/**
 * Per class (in pages of classes): the last block ends where issuance ended, and the units issued
 * equal the units held in blocks, which are counted by the fate of their account's type. Returns
 * the totals by fate (and `issued`) over all classes.
 */
export async function checkClasses(p: Pass): Promise<Fates> {
  const fateOf = await fates(p);
  const totals: Fates = { issued: 0n, held: 0n, surrendered: 0n, retired: 0n, cancelled: 0n };
  const size = Math.min(p.pageSize, 1000);
  let page: ClassRow[] = [];
  const flush = async () => {
    if (page.length > 0) await classPage(p, page, fateOf, totals);
    page = [];
  };
  for await (const c of keysetPages<ClassRow>(p.sql, size, (after) => ({
    text: `SELECT c.id, c.code,
             (SELECT coalesce(sum(m.serial_end - m.serial_start + 1), 0)::int8 FROM movements m WHERE m.class_id = c.id AND m.from_account IS NULL) AS issued,
             (SELECT max(m.serial_end) FROM movements m WHERE m.class_id = c.id AND m.from_account IS NULL) AS issued_end,
             (SELECT max(b.serial_end) FROM blocks b WHERE b.class_id = c.id) AS block_end
           FROM unit_classes c ${after ? "WHERE c.id > $1" : ""} ORDER BY c.id`,
    params: after ? [after.id] : [],
  }))) {
    page.push(c);
    if (page.length === size) await flush();
  }
  await flush();
  return totals;
}

/** The fate of each account type: the catalogue's, or what the store's account_types rows say. */
async function fates(p: Pass): Promise<Map<string, AccountType["fate"]>> {
  const fateOf = new Map<string, AccountType["fate"]>(ACCOUNT_TYPES.map((t) => [t.code, t.fate] as const));
  for await (const t of keysetPages<{ code: string; definition: { fate?: string } }>(p.sql, p.pageSize, (after) => ({
    text: `SELECT code, definition FROM account_types ${after ? "WHERE code > $1" : ""} ORDER BY code`,
    params: after ? [after.code] : [],
  }))) {
    if (t.definition.fate) fateOf.set(t.code, t.definition.fate as AccountType["fate"]);
  }
  return fateOf;
}

async function classPage(p: Pass, page: ClassRow[], fateOf: Map<string, AccountType["fate"]>, totals: Fates): Promise<void> {
  const first = (page[0] as ClassRow).id;
  const last = (page[page.length - 1] as ClassRow).id;
  const held = await p.sql.query<{ class_id: number; type: string; q: bigint }>(
    `SELECT b.class_id, a.type, sum(b.serial_end - b.serial_start + 1)::int8 AS q
     FROM blocks b JOIN accounts a ON a.id = b.account_id WHERE b.class_id >= $1 AND b.class_id <= $2 GROUP BY b.class_id, a.type`,
    [first, last],
  );
  const perClass = new Map<number, bigint>();
  for (const r of held.rows) {
    const fate = fateOf.get(r.type) ?? "held";
    totals[fate] = (totals[fate] ?? 0n) + r.q;
    perClass.set(r.class_id, (perClass.get(r.class_id) ?? 0n) + r.q);
  }
  for (const c of page) {
    totals.issued = (totals.issued ?? 0n) + c.issued;
    if (c.block_end !== c.issued_end) {
      p.add({
        invariant: "blocks-cover-issued",
        message: `class ${c.code}: blocks end at ${c.block_end ?? "none"} but issuance ended at ${c.issued_end ?? "none"}`,
        facts: { classCode: c.code, blockEnd: c.block_end?.toString() ?? null, issuedEnd: c.issued_end?.toString() ?? null },
      });
    }
    const accounted = perClass.get(c.id) ?? 0n;
    if (accounted !== c.issued) {
      p.add({
        invariant: "conservation",
        message: `class ${c.code}: issued ${c.issued} but held + surrendered + retired + cancelled = ${accounted}`,
        facts: { classCode: c.code, issued: c.issued.toString(), accounted: accounted.toString() },
      });
    }
  }
}

/** Balances equal the sum of the account's blocks, per class. */
export async function checkBalances(sql: Sql, add: Add): Promise<void> {
  const r = await sql.query<{ account_id: string; code: string; balance: bigint | null; blocks: bigint | null }>(
    `WITH s AS (SELECT account_id, class_id, sum(serial_end - serial_start + 1)::int8 AS q FROM blocks GROUP BY account_id, class_id)
     SELECT coalesce(b.account_id, s.account_id) AS account_id, c.code, b.quantity AS balance, s.q AS blocks
     FROM balances b FULL OUTER JOIN s ON s.account_id = b.account_id AND s.class_id = b.class_id
     JOIN unit_classes c ON c.id = coalesce(b.class_id, s.class_id)
     WHERE coalesce(b.quantity, 0) <> coalesce(s.q, 0) LIMIT ${PER_CHECK}`,
  );
  for (const x of r.rows) {
    add({
      invariant: "balance-equals-blocks",
      message: `account ${x.account_id}, class ${x.code}: balance ${x.balance ?? 0} but blocks sum to ${x.blocks ?? 0}`,
      facts: { accountId: x.account_id, classCode: x.code, balance: (x.balance ?? 0n).toString(), blocks: (x.blocks ?? 0n).toString() },
    });
  }
}

/** A closed account holds nothing: it was emptied before closing and nothing may arrive after. */
export async function checkClosedEmpty(sql: Sql, add: Add): Promise<void> {
  const r = await sql.query<{ account_id: string; q: bigint }>(
    `SELECT b.account_id, sum(b.serial_end - b.serial_start + 1)::int8 AS q FROM blocks b JOIN accounts a ON a.id = b.account_id
     WHERE a.status = 'closed' GROUP BY b.account_id ORDER BY b.account_id LIMIT ${PER_CHECK}`,
  );
  for (const x of r.rows) {
    add({ invariant: "closed-account-empty", message: `account ${x.account_id} is closed but holds ${x.q} units`, facts: { accountId: x.account_id, quantity: x.q.toString() } });
  }
}
