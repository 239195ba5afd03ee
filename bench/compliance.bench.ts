// Closing a compliance period of 13,000 installations on a real PostgreSQL server (surrenders
// already made), beside inserting the same number of plain rows in one transaction in the same
// run. Figure: milliseconds of the close (reads of every installation's emissions, allocation,
// surrenders and carry-over; the domain's closePeriod; the close and one result row per
// installation, in one database transaction); baseline: milliseconds of 13,000 one-row INSERTs
// of a plain table in one transaction. Goal: ratio <= 10. Setup: GX-ETS recorded; installations,
// their operator accounts (ledger), registrations and estimates (the compliance tables, written
// directly: setup is not under test), the allocation and one surrender each as ledger batches of
// 10,000 (the surrender hook runs for every transfer of a batch, as for a single surrender).
// Surrender needs a second representative's approval, and a batch carries only kinds that complete
// without one (3006): the bench's ledger catalogue drops the approval of `surrender` so that the
// surrenders can be made as a batch; what the close reads is the same. BENCH_COMPLIANCE_N
// overrides the count. Measured at the full 13,000 on the 2-core build machine, shared (load
// average 9.0 before, 10.2 after, `uptime`), 2026-12-06: setup 140 s (accounts and allocation 89 s,
// surrender batches 52 s; about 20 minutes before the batches), close 4,834 ms against 1,450 ms of
// plain inserts, ratio 3.3 (goal <= 10). Also in docs/concepts/compliance.md.
import { AuditLog } from "../src/audit/index.ts";
import { catalogue, DEFAULT_CATALOGUE } from "../src/domain/ledger/catalog.ts";
import { DEFAULT_SECURITY_CONFIG } from "../src/domain/security/config.ts";
import { systemPrincipal } from "../src/domain/security/roles.ts";
import { rulebookValue } from "../src/io/rulebook.ts";
import { ManualClock } from "../src/platform/clock.ts";
import { ComplianceService } from "../src/registry/compliance/index.ts";
import { SecureRegistry } from "../src/registry/secure/index.ts";
import { recordRulebook } from "../src/registry/settings.ts";
import { migrate } from "../src/store/migrate.ts";
import { openPostgres } from "../src/store/postgres.ts";
import { startPgCluster } from "../test/support/pg-cluster.ts";
import { type Figure, figure } from "./figure.ts";

const N = Number(process.env.BENCH_COMPLIANCE_N ?? 13_000);
const WORKERS = 8;

function must<T extends { ok: boolean }>(r: T): T & { ok: true } {
  if (!r.ok) throw new Error(`bench setup refused: ${JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? v.toString() : v))}`);
  return r as T & { ok: true };
}

async function inParallel(n: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: WORKERS }, async () => {
    while (next < n) await fn(next++);
  }));
}

export async function run(log: (s: string) => void): Promise<Figure[]> {
  const cluster = await startPgCluster({ maxConnections: 50 });
  try {
    const admin = openPostgres(cluster.url, { max: 1 });
    await admin.query("CREATE DATABASE bench_compliance");
    await admin.close();
    const db = openPostgres(cluster.urlFor("bench_compliance"), { max: WORKERS + 2 });
    await migrate(db);
    await recordRulebook(db, "japan-gx-ets", rulebookValue("japan-gx-ets"), "2026-04-01T00:00:00.000Z");
    const clock = new ManualClock("2027-05-10T01:00:00Z");
    // Surrender without approval, so that setup can make the surrenders as batches (see the header).
    const surrender = DEFAULT_CATALOGUE.kinds.get("surrender");
    if (!surrender) throw new Error("no surrender kind in the catalogue");
    const cat = catalogue({ kinds: [{ ...surrender, approval: false }] });
    const reg = await SecureRegistry.open(db, clock, DEFAULT_SECURITY_CONFIG, { audit: new AuditLog(db, clock), catalogue: cat });
    const l = reg.ledger;
    const id = (i: number) => `INST-${String(i).padStart(6, "0")}`;
    const acc = (i: number) => `OP-${String(i).padStart(6, "0")}`;
    must(await l.defineClass({ commandId: "c1", code: "GX-2026", unitType: "allowance", scheme: "JP-GX", vintage: 2026 }));
    must(await l.openAccount({ commandId: "o-nha", accountId: "NHA", type: "national_issuance", holder: "state", name: "NHA" }));
    must(await l.openAccount({ commandId: "o-sur", accountId: "SUR", type: "surrender", holder: "state", name: "SUR" }));
    must(await l.propose({ transactionId: "iss", kind: "issuance", legs: [{ classCode: "GX-2026", to: "NHA", quantity: BigInt(N) * 1000n }] }));
    let t0 = performance.now();
    await inParallel(N, async (i) => {
      must(await l.openAccount({ commandId: `o-${i}`, accountId: acc(i), type: "operator_holding", holder: `Operator ${i}`, name: acc(i), installation: id(i) }));
    });
    for (let from = 0; from < N; from += 10_000) {
      const to = Math.min(N, from + 10_000);
      must(await l.batch({ batchId: `alloc-${from}`, kind: "allocation", transfers: Array.from({ length: to - from }, (_, k) => ({ classCode: "GX-2026", from: "NHA", to: acc(from + k), quantity: "1000" })) }));
    }
    const at = clock.now().toISOString();
    await db.query(
      `INSERT INTO compliance_installations (installation, account_id, operator, registered_by, registered_at)
       SELECT 'INST-' || lpad(g::text, 6, '0'), 'OP-' || lpad(g::text, 6, '0'), 'Operator ' || g, 'bench', $2 FROM generate_series(0, $1 - 1) g`,
      [N, at],
    );
    await db.query(
      `INSERT INTO emission_estimates (installation, year, tonnes, method, reason, set_by, set_at)
       SELECT 'INST-' || lpad(g::text, 6, '0'), 2026, 900 + (g % 200), 'authority', 'bench', 'bench', $2 FROM generate_series(0, $1 - 1) g`,
      [N, at],
    );
    log(`accounts and allocation of ${N} installations: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    // The surrenders as batches; the hook takes the period from the clock (FY2026 is the earliest
    // period started and not past its deadline on 2027-05-10).
    for (let from = 0; from < N; from += 10_000) {
      const to = Math.min(N, from + 10_000);
      must(await l.batch({ batchId: `sur-${from}`, kind: "surrender", transfers: Array.from({ length: to - from }, (_, k) => ({ classCode: "GX-2026", from: acc(from + k), to: "SUR", quantity: "1000" })) }));
    }
    log(`setup of ${N} installations with a surrender each: ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    clock.set("2028-02-01T03:00:00Z");
    const svc = new ComplianceService(reg);
    const caller = { principal: systemPrincipal("bench"), ip: null };
    // baseline: the same number of one-row INSERTs into a plain table, in one transaction
    await db.query("CREATE TABLE bench_plain (installation text PRIMARY KEY, status text NOT NULL, shortfall int8 NOT NULL, explanation jsonb NOT NULL)");
    t0 = performance.now();
    await db.transaction(async (tx) => {
      for (let i = 0; i < N; i++) await tx.query("INSERT INTO bench_plain VALUES ($1, $2, $3, $4)", [id(i), "compliant", 0, JSON.stringify(["plain"])]);
    });
    const plain = performance.now() - t0;
    t0 = performance.now();
    const closed = must(await svc.close(caller, { commandId: "close-2026", period: "2026" }));
    const close = performance.now() - t0;
    log(`plain inserts ${plain.toFixed(0)} ms; close ${close.toFixed(0)} ms (${JSON.stringify(closed.value.totals.byStatus)})`);
    // Every surrender counted: each installation owes its estimate (900 + i % 200) and surrendered 1,000.
    let short = 0;
    for (let i = 0; i < N; i++) short += Math.max(0, 900 + (i % 200) - 1000);
    if (closed.value.totals.installations !== N || closed.value.totals.shortfall !== String(short)) throw new Error(`expected ${N} installations short by ${short} in all, got ${JSON.stringify(closed.value.totals)}`);
    await db.close();
    return [figure({ figure: `closing a compliance period of ${N} installations`, value: close, baseline: plain, unit: "ms", baselineName: `${N} one-row INSERTs in one transaction`, goal: "ratio <= 10" })];
  } finally {
    cluster.stop();
  }
}
