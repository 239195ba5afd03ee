// Ownership rebuilt from the movements alone, compared with the blocks. Each completed movement
// of [s, e] from F to T adds, in the class's serial line of T, +1 at s and -1 at e + 1, and in F's
// the opposite; the running sum at a serial is how many times the account holds it, which must be
// 0 or 1. The serials where it is 1 form the account's derived ranges, which must equal its
// blocks once neighbouring blocks are joined.
//
// This runs as one statement in the database, which sorts and aggregates the events (spilling to
// disk past work_mem) and returns at most PER_CHECK accounts of each kind of finding: the memory
// verify itself needs stays bounded whatever the number of movements. Reading the events into
// TypeScript in serial order would need an index on movements by (account, class, serial) that
// every transfer would pay for.
import type { Sql } from "../../store/db.ts";
import { type Add, PER_CHECK } from "./report.ts";

/** How many differing ranges of one account a message lists. */
const SHOWN = 10;

const OWNERSHIP = `
WITH last AS (SELECT DISTINCT ON (tx_id) tx_id, status FROM transaction_events ORDER BY tx_id DESC, seq DESC),
mv AS (SELECT m.class_id, m.from_account, m.to_account, m.serial_start, m.serial_end
       FROM movements m JOIN last e ON e.tx_id = m.tx_id WHERE e.status = 'completed'),
ev AS (SELECT class_id, to_account AS acct, serial_start AS at, 1 AS d FROM mv
       UNION ALL SELECT class_id, to_account, serial_end + 1, -1 FROM mv
       UNION ALL SELECT class_id, from_account, serial_start, -1 FROM mv WHERE from_account IS NOT NULL
       UNION ALL SELECT class_id, from_account, serial_end + 1, 1 FROM mv WHERE from_account IS NOT NULL),
pts AS (SELECT class_id, acct, at, sum(d) AS d FROM ev GROUP BY class_id, acct, at HAVING sum(d) <> 0),
lv AS (SELECT class_id, acct, at, (sum(d) OVER w)::int8 AS level, lead(at) OVER w AS next_at FROM pts
       WINDOW w AS (PARTITION BY acct, class_id ORDER BY at)),
bad AS (SELECT DISTINCT ON (class_id, acct) class_id, acct, at, level FROM lv WHERE level < 0 OR level > 1 ORDER BY class_id, acct, at),
dr AS (SELECT class_id, acct, at AS s, next_at - 1 AS e FROM lv WHERE level = 1),
bk AS (SELECT class_id, account_id AS acct, serial_start, serial_end,
              serial_start <> coalesce(lag(serial_end) OVER (PARTITION BY account_id, class_id ORDER BY serial_start) + 1, -1) AS brk
       FROM blocks),
bg AS (SELECT class_id, acct, serial_start, serial_end, count(*) FILTER (WHERE brk) OVER (PARTITION BY acct, class_id ORDER BY serial_start) AS grp FROM bk),
br AS (SELECT class_id, acct, min(serial_start) AS s, max(serial_end) AS e FROM bg GROUP BY class_id, acct, grp),
diff AS (SELECT coalesce(d.class_id, b.class_id) AS class_id, coalesce(d.acct, b.acct) AS acct, d.s AS ds, d.e AS de, b.s AS bs, b.e AS be
         FROM dr d FULL OUTER JOIN br b ON b.class_id = d.class_id AND b.acct = d.acct AND b.s = d.s AND b.e = d.e
         WHERE d.s IS NULL OR b.s IS NULL),
ranked AS (SELECT *, row_number() OVER (PARTITION BY class_id, acct ORDER BY coalesce(ds, bs), coalesce(bs, ds)) AS rn FROM diff),
per AS (SELECT class_id, acct,
               string_agg('[' || bs || ',' || be || ']', ',' ORDER BY bs) FILTER (WHERE bs IS NOT NULL AND rn <= ${SHOWN}) AS blocks,
               string_agg('[' || ds || ',' || de || ']', ',' ORDER BY ds) FILTER (WHERE ds IS NOT NULL AND rn <= ${SHOWN}) AS moved,
               count(*) AS n
        FROM ranked GROUP BY class_id, acct)
SELECT 'level' AS kind, c.code, x.acct, x.at, x.level, NULL AS blocks, NULL AS moved, NULL::int8 AS n
FROM (SELECT * FROM bad ORDER BY class_id, acct LIMIT ${PER_CHECK}) x JOIN unit_classes c ON c.id = x.class_id
UNION ALL
SELECT 'differ', c.code, y.acct, NULL, NULL, y.blocks, y.moved, y.n
FROM (SELECT * FROM per ORDER BY class_id, acct LIMIT ${PER_CHECK}) y JOIN unit_classes c ON c.id = y.class_id`;

interface Finding {
  kind: "level" | "differ";
  code: string;
  acct: string;
  at: bigint | null;
  level: bigint | null;
  blocks: string | null;
  moved: string | null;
  n: bigint | null;
}

/**
 * Who holds what, rebuilt from the completed movements, equals the blocks table exactly; no serial
 * is in one account more than once (or less than never) by the movements.
 */
export async function checkOwnership(sql: Sql, add: Add): Promise<void> {
  const rows = (await sql.query<Finding>(OWNERSHIP)).rows;
  for (const r of rows) {
    if (r.kind === "level") {
      add({
        invariant: "ownership-from-movements",
        message: `class ${r.code}: serial ${r.at} is in account ${r.acct} ${r.level} times by the movements`,
        facts: { classCode: r.code, accountId: r.acct, serial: String(r.at), level: Number(r.level) },
      });
    } else {
      const more = (r.n ?? 0n) > BigInt(SHOWN) ? ` (first ${SHOWN} of ${r.n} differing ranges)` : "";
      add({
        invariant: "ownership-from-movements",
        message: `class ${r.code}, account ${r.acct}: blocks [${r.blocks ?? ""}] differ from the movements' [${r.moved ?? ""}]${more}`,
        facts: { classCode: r.code, accountId: r.acct },
      });
    }
  }
}
