// Runs in a child process of the verify benchmark, so that its peak memory is its own: the
// kernel's high-water mark of resident memory (process.resourceUsage().maxRSS), read at the end.
// `node --import tsx bench/support/verify-child.ts <database url> verify|count`; prints one JSON line.
import { verifyLedger } from "../../src/registry/verify.ts";
import { openPostgres } from "../../src/store/postgres.ts";

const [url, mode] = process.argv.slice(2);
if (!url || (mode !== "verify" && mode !== "count")) {
  process.stderr.write("usage: verify-child.ts <database url> verify|count\n");
  process.exit(2);
}
const db = openPostgres(url, { max: 1 });
try {
  const started = performance.now();
  let out: Record<string, unknown>;
  if (mode === "verify") {
    const r = await verifyLedger(db);
    out = { ok: r.ok, violations: r.violations.slice(0, 5), movements: r.movements, transactions: r.transactions, links: r.links, checkpoints: r.checkpoints };
  } else {
    const r = await db.query<{ n: bigint }>("SELECT count(*) AS n FROM movements");
    out = { movements: Number(r.rows[0]?.n ?? 0n) };
  }
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`${JSON.stringify({ ...out, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
} finally {
  await db.close();
}
