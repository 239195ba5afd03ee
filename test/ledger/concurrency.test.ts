// Goal: the ledger stays exact under concurrent, conflicting transfers on a real PostgreSQL
// server. 16 clients (one pooled connection each) send 20,000 random transfers among 200 trading
// accounts, a third of them touching the same 8 hot accounts, with quantities that sometimes exceed
// what the source holds. Afterwards: no balance below zero, no serial in two places, totals
// conserved, every acknowledged transfer present exactly once and every refused one absent, each
// account's balance equal to its start plus the acknowledged transfers in and out, and verify passes.
import { describe, expect, it } from "vitest";
import { LedgerService } from "../../src/registry/ledger/index.ts";
import { verifyLedger } from "../../src/registry/verify.ts";
import { openPostgres } from "../../src/store/postgres.ts";
import { migrate } from "../../src/store/migrate.ts";
import { createServerDatabase } from "../support/stores.ts";

const CLIENTS = 16;
const ACCOUNTS = 200;
const TRANSFERS = Number(process.env.ETS_CONCURRENCY_TRANSFERS ?? 20_000);
const HOT = 8;
const START = 1_000n;

/** A small seeded generator (mulberry32), so a failing run can be repeated. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("concurrent transfers on PostgreSQL", () => {
  it(`${CLIENTS} clients, ${TRANSFERS} transfers among ${ACCOUNTS} accounts stay exact`, async () => {
    const url = await createServerDatabase();
    const db = openPostgres(url, { max: CLIENTS });
    try {
      await migrate(db);
      const ledger = await LedgerService.open(db);
      const id = (i: number) => `CC-${String(i).padStart(3, "0")}`;
      const must = <T,>(r: { ok: boolean; message?: string } & T): T => {
        if (!r.ok) throw new Error(`setup refused: ${r.message}`);
        return r;
      };
      must(await ledger.defineClass({ commandId: "cc-class", code: "CC-2026", unitType: "allowance", scheme: "CC", vintage: 2026 }));
      must(await ledger.openAccount({ commandId: "cc-nha", accountId: "CC-NHA", type: "national_issuance", holder: "state", name: "issuance" }));
      await Promise.all(
        Array.from({ length: CLIENTS }, async (_, w) => {
          for (let i = w; i < ACCOUNTS; i += CLIENTS) {
            must(await ledger.openAccount({ commandId: `cc-open-${i}`, accountId: id(i), type: "trading", holder: `h${i}`, name: `trader ${i}` }));
          }
        }),
      );
      // One issuance, then two 100-leg corrections hand every account its starting units.
      must(await ledger.propose({ transactionId: "cc-issue", kind: "issuance", legs: [{ classCode: "CC-2026", from: null, to: "CC-NHA", quantity: (START * BigInt(ACCOUNTS)).toString() }] }));
      for (let k = 0; k < ACCOUNTS; k += 100) {
        const legs = Array.from({ length: 100 }, (_, j) => ({ classCode: "CC-2026", from: "CC-NHA", to: id(k + j), quantity: START.toString() }));
        must(await ledger.propose({ transactionId: `cc-seed-${k}`, kind: "correction", legs }));
      }

      const seed = Number(process.env.ETS_SEED ?? Date.now() % 1_000_000);
      const acked: Array<{ id: string; from: string; to: string; q: bigint }> = [];
      const refused = new Map<number, number>();
      const refusedIds: string[] = [];
      let next = 0;
      const started = Date.now();
      await Promise.all(
        Array.from({ length: CLIENTS }, async (_, w) => {
          const r = rng(seed * 31 + w);
          const pick = () => (r() < 0.33 ? Math.floor(r() * HOT) : Math.floor(r() * ACCOUNTS));
          for (;;) {
            const n = next++;
            if (n >= TRANSFERS) return;
            const from = pick();
            let to = pick();
            if (to === from) to = (to + 1) % ACCOUNTS;
            // Mostly small amounts (blocks split), sometimes more than a source can hold.
            const q = BigInt(r() < 0.05 ? 2_000 + Math.floor(r() * 3_000) : 1 + Math.floor(r() * 60));
            const txId = `cc-t${n}`;
            const res = await ledger.propose({ transactionId: txId, kind: "transfer", legs: [{ classCode: "CC-2026", from: id(from), to: id(to), quantity: q.toString() }] });
            if (res.ok) {
              expect(res.replayed).toBe(false);
              acked.push({ id: txId, from: id(from), to: id(to), q });
            } else {
              refused.set(res.code, (refused.get(res.code) ?? 0) + 1);
              refusedIds.push(txId);
            }
          }
        }),
      );
      const seconds = (Date.now() - started) / 1000;
      process.stderr.write(`[concurrency] seed ${seed}: ${acked.length} acknowledged, refused ${JSON.stringify([...refused])}, ${(TRANSFERS / seconds).toFixed(0)} transfers/s\n`);

      // Many transfers really moved units, and the refusals are the expected one (insufficient units).
      expect(acked.length).toBeGreaterThan(TRANSFERS / 2);
      expect([...refused.keys()].every((c) => c === 3003), JSON.stringify([...refused])).toBe(true);

      // Replays of acknowledged transfers return the first result and move nothing.
      for (const a of acked.slice(0, 20)) {
        const again = await ledger.propose({ transactionId: a.id, kind: "transfer", legs: [{ classCode: "CC-2026", from: a.from, to: a.to, quantity: a.q.toString() }] });
        expect(again).toMatchObject({ ok: true, replayed: true });
      }

      // Every acknowledged transfer is there exactly once, completed; no refused one is.
      const rows = await db.query<{ id: string; n: bigint; status: string; moved: bigint | null }>(
        `SELECT t.id, count(*) OVER (PARTITION BY t.id) AS n,
                (SELECT e.status FROM transaction_events e WHERE e.tx_id = t.id ORDER BY e.seq DESC LIMIT 1) AS status,
                (SELECT sum(m.serial_end - m.serial_start + 1)::int8 FROM movements m WHERE m.tx_id = t.id) AS moved
         FROM transactions t WHERE t.id LIKE 'cc-t%'`,
      );
      const stored = new Map(rows.rows.map((r) => [r.id, r]));
      expect(rows.rows.length).toBe(acked.length);
      for (const a of acked) {
        const s = stored.get(a.id);
        expect(s, a.id).toBeDefined();
        expect(s?.n).toBe(1n);
        expect(s?.status).toBe("completed");
        expect(s?.moved).toBe(a.q);
      }
      for (const id of refusedIds) expect(stored.has(id), id).toBe(false);

      // Each balance is its start plus the acknowledged transfers in and out; none below zero; total conserved.
      const expected = new Map<string, bigint>(Array.from({ length: ACCOUNTS }, (_, i) => [id(i), START]));
      for (const a of acked) {
        expected.set(a.from, (expected.get(a.from) ?? 0n) - a.q);
        expected.set(a.to, (expected.get(a.to) ?? 0n) + a.q);
      }
      const balances = await db.query<{ account_id: string; quantity: bigint }>("SELECT account_id, quantity FROM balances WHERE account_id LIKE 'CC-%' AND account_id <> 'CC-NHA'");
      let total = 0n;
      for (const b of balances.rows) {
        expect(b.quantity, b.account_id).toBeGreaterThanOrEqual(0n);
        expect(b.quantity, b.account_id).toBe(expected.get(b.account_id));
        total += b.quantity;
      }
      expect(total).toBe(START * BigInt(ACCOUNTS));

      // No serial in two places, blocks = balances = movements, chains intact.
      const report = await verifyLedger(db);
      expect(report.violations).toEqual([]);
      expect(report.ok).toBe(true);
      expect(report.units).toBe((START * BigInt(ACCOUNTS)).toString());
    } finally {
      await db.close();
    }
  }, 400_000);
});
