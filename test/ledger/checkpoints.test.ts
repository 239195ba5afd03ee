// Goal: checkpoints record an RFC 6962 root over a log of leaves that only grows: the first one
// takes every account type, command, account event and chain head; later ones add only what is
// new (a chain whose head moved, a new record), so a checkpoint costs what changed; a schedule
// records only when the last one is old enough; two processes recording at once queue. Every
// recorded root can be recomputed from the ledger's own tables by a verifier that shares no code
// with the recorder (below: SQL, the documented leaf encoding and RFC 6962 written out), and
// verify proves each earlier checkpoint against today's ledger. PGlite and PostgreSQL.
import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/platform/clock.ts";
import { type Checkpoint, leafBytes, listCheckpoints, recordCheckpoint } from "../../src/registry/checkpoints/index.ts";
import { LedgerService } from "../../src/registry/ledger/index.ts";
import { verifyLedger } from "../../src/registry/verify.ts";
import type { Db, Sql } from "../../src/store/db.ts";
import { buildSmallLedger, SM } from "../support/small-ledger.ts";
import { forEachStore, openTestDb } from "../support/stores.ts";

const sha = (...parts: Array<string | Uint8Array>) => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest();
};

/** RFC 6962, section 2.1, as the RFC writes it: no code shared with src/registry/checkpoints. */
function rfc6962(leaves: Buffer[]): string {
  const mth = (d: Buffer[]): Buffer => {
    if (d.length === 0) return sha("");
    if (d.length === 1) return d[0] as Buffer;
    let k = 1;
    while (k * 2 < d.length) k *= 2;
    return sha(Uint8Array.of(1), mth(d.slice(0, k)), mth(d.slice(k)));
  };
  return mth(leaves).toString("hex");
}

/** Sorted keys, no whitespace (RFC 8785 for these values). */
function jcs(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(jcs).join(",")}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${jcs(o[k])}`).join(",")}}`;
}

/**
 * A verifier's recomputation of every published root from the ledger's tables alone: the log says
 * which record or chain head each leaf is; the leaf's bytes come from today's record.
 */
async function recomputeRoots(sql: Sql): Promise<Map<number, string>> {
  const at = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  const rows = await sql.query<{ kind: string; key: string; seq: string | null; a: unknown; b: unknown; c: unknown; d: unknown; e: unknown }>(
    `SELECT l.kind, l.key, l.seq::text AS seq,
            CASE l.kind WHEN 'account-type' THEN t.definition WHEN 'command' THEN to_jsonb(k.kind) WHEN 'account-event' THEN to_jsonb(e.account_id) ELSE to_jsonb(h.hash) END AS a,
            CASE l.kind WHEN 'command' THEN to_jsonb(k.target) WHEN 'account-event' THEN to_jsonb(e.status) END AS b,
            CASE l.kind WHEN 'command' THEN k.request WHEN 'account-event' THEN to_jsonb(e.reason) END AS c,
            CASE l.kind WHEN 'command' THEN to_jsonb(${at("k.at")}) WHEN 'account-event' THEN e.request END AS d,
            CASE l.kind WHEN 'account-event' THEN to_jsonb(${at("e.at")}) END AS e
     FROM checkpoint_leaves l
     LEFT JOIN account_types t ON t.code = l.key LEFT JOIN ledger_commands k ON k.id = l.key
     LEFT JOIN account_events e ON e.command_id = l.key LEFT JOIN chain_links h ON h.chain = l.key AND h.seq = l.seq
     ORDER BY l.position`,
  );
  const leaves = rows.rows.map((r) => {
    const parts =
      r.kind === "account-type" ? [r.kind, r.key, r.a] :
      r.kind === "command" ? [r.kind, r.key, r.a, r.b, r.c, r.d] :
      r.kind === "account-event" ? [r.kind, r.key, r.a, r.b, r.c, r.d, r.e] :
      [r.kind, r.key, r.seq, r.a];
    return sha(Uint8Array.of(0), jcs(parts));
  });
  const cps = await sql.query<{ id: bigint; count: bigint }>("SELECT id, count FROM checkpoints ORDER BY id");
  return new Map(cps.rows.map((c) => [Number(c.id), rfc6962(leaves.slice(0, Number(c.count)))]));
}

const counts = async (sql: Sql) => {
  const n = async (q: string) => Number((await sql.query<{ n: bigint }>(q)).rows[0]?.n);
  return {
    records: (await n("SELECT count(*) AS n FROM account_types")) + (await n("SELECT count(*) AS n FROM ledger_commands")) + (await n("SELECT count(*) AS n FROM account_events")),
    chains: await n("SELECT count(DISTINCT chain) AS n FROM chain_links"),
  };
};

forEachStore("checkpoints", (get, kind) => {
  const clock = new ManualClock("2026-05-01T00:00:00Z");
  let ledger: LedgerService;
  const recorded: Checkpoint[] = [];

  beforeAll(async () => {
    ledger = await LedgerService.open(get(), clock);
    await buildSmallLedger(ledger);
  }, 120_000);

  it("the first checkpoint takes every record and every chain head", async () => {
    const cp = await recordCheckpoint(get(), { clock, by: "test", pageSize: 4 });
    if (!cp) throw new Error("not recorded");
    recorded.push(cp);
    const { records, chains } = await counts(get());
    expect(cp).toMatchObject({ id: 1, at: "2026-05-01T00:00:00.000Z", count: records + chains });
    expect(cp.root).toMatch(/^[0-9a-f]{64}$/);
    expect(chains).toBe(5); // class:SM-2026, account:NHA, account:TRA-1, account:TRA-2 (r3, t4), account:TRA-3
  });

  it("a second checkpoint with nothing new covers the same leaves, under the same root", async () => {
    clock.advance(60_000);
    const cp = await recordCheckpoint(get(), { clock, by: "test" });
    expect(cp).toEqual({ id: 2, at: "2026-05-01T00:01:00.000Z", root: recorded[0]?.root, count: recorded[0]?.count });
    recorded.push(cp as Checkpoint);
  });

  it("a later one adds only what changed: the heads that moved and the new records", async () => {
    clock.advance(60_000);
    const leg = (from: string, to: string, quantity: string) => ({ classCode: SM, from, to, quantity });
    expect((await ledger.propose({ transactionId: "later-1", kind: "transfer", legs: [leg("TRA-2", "TRA-3", "5")] })).ok).toBe(true);
    expect((await ledger.openAccount({ commandId: "open-TRA-5", accountId: "TRA-5", type: "trading", holder: "h", name: "TRA-5" })).ok).toBe(true);
    const cp = await recordCheckpoint(get(), { clock, by: "test" });
    // account:TRA-2's new head, plus the opening command and its account event
    expect(cp?.count).toBe((recorded[1]?.count ?? 0) + 3);
    expect(cp?.root).not.toBe(recorded[1]?.root);
    recorded.push(cp as Checkpoint);
    const log = await get().query<{ kind: string; key: string; seq: bigint | null }>("SELECT kind, key, seq FROM checkpoint_leaves WHERE position >= $1 ORDER BY position", [recorded[1]?.count]);
    expect(log.rows).toEqual([
      { kind: "command", key: "open-TRA-5", seq: null },
      { kind: "account-event", key: "open-TRA-5", seq: null },
      { kind: "chain-head", key: "account:TRA-2", seq: 3n },
    ]);
  });

  it("on a schedule, records only when the last checkpoint is old enough", async () => {
    const hour = 3_600_000;
    expect(await recordCheckpoint(get(), { clock, by: "scheduler", ifOlderThanMs: hour })).toBeNull();
    clock.advance(hour);
    const cp = await recordCheckpoint(get(), { clock, by: "scheduler", ifOlderThanMs: hour });
    expect(cp?.id).toBe(4);
    recorded.push(cp as Checkpoint);
  });

  it("every published root is recomputed from the ledger's tables by an independent verifier", async () => {
    const roots = await recomputeRoots(get());
    expect([...roots.entries()]).toEqual(recorded.map((c) => [c.id, c.root]));
  });

  it("verify proves every checkpoint against today's ledger", async () => {
    const r = await verifyLedger(get(), { pageSize: 2 });
    expect(r.violations).toEqual([]);
    expect(r.checkpoints).toBe(4);
    expect(r.checkpointLeaves).toBe(recorded[3]?.count);
  });

  it("lists checkpoints newest first, in pages", async () => {
    const first = await listCheckpoints(get(), { limit: 3 });
    expect(first.items.map((c) => c.id)).toEqual([4, 3, 2]);
    expect(first.next).toBe(2);
    const second = await listCheckpoints(get(), { before: 2, limit: 3 });
    expect(second).toEqual({ items: [recorded[0]], next: null });
  });

  it("a leaf's bytes are the documented canonical JSON", () => {
    const base = { seq: null, definition: null, c_kind: null, target: null, request: null, at: null, account_id: null, status: null, reason: null, hash: null };
    expect(leafBytes({ ...base, kind: "command", key: "c-1", c_kind: "account.open", target: "A-1", request: { type: "trading", accountId: "A-1", holder: "H \"K\"" }, at: "2026-05-01T00:00:00.000Z" })).toBe(
      '["command","c-1","account.open","A-1",{"accountId":"A-1","holder":"H \\"K\\"","type":"trading"},"2026-05-01T00:00:00.000Z"]',
    );
    expect(leafBytes({ ...base, kind: "chain-head", key: "account:A-1", seq: 12n, hash: "ab".repeat(32) })).toBe(`["chain-head","account:A-1","12","${"ab".repeat(32)}"]`);
  });

  if (kind === "postgres") {
    it("two processes recording at once queue: ids follow each other and no leaf is logged twice", async () => {
      const db: Db = await openTestDb("postgres", { poolSize: 4 });
      try {
        await buildSmallLedger(await LedgerService.open(db, clock));
        const both = await Promise.all([recordCheckpoint(db, { clock, by: "p1" }), recordCheckpoint(db, { clock, by: "p2" })]);
        expect(both.map((c) => c?.id).sort()).toEqual([1, 2]);
        expect(both[0]?.root).toBe(both[1]?.root);
        expect(both[0]?.count).toBe(both[1]?.count);
        expect((await verifyLedger(db)).violations).toEqual([]);
      } finally {
        await db.close();
      }
    });
  }
});

describe("recording refuses a bad page size", () => {
  it("names the option", async () => {
    const db = await openTestDb("pglite");
    try {
      await expect(recordCheckpoint(db, { clock: new ManualClock(), by: "t", pageSize: 0 })).rejects.toThrow(/pageSize/);
      expect((await db.query<{ n: bigint }>("SELECT count(*) AS n FROM checkpoints")).rows[0]?.n).toBe(0n);
    } finally {
      await db.close();
    }
  });
});
