// A child process for the crash test: sends random transfers among the accounts CR-00..CR-19 of
// class CR-2026 with a few concurrent workers, and appends the id of every acknowledged (committed)
// transfer to a file, one per line, only after the ledger has answered. The parent kills it with
// SIGKILL at a random moment. Usage: transfer-load.ts DATABASE ACK_FILE PREFIX SEED, where DATABASE
// is a postgres:// URL or a PGlite directory (opened as the CLI opens it, lock file included).
import { appendFileSync } from "node:fs";
import { LedgerService } from "../../src/registry/ledger/index.ts";
import { openStore } from "../../src/store/open.ts";

const [url, ackFile, prefix, seedText] = process.argv.slice(2);
if (!url || !ackFile || !prefix || !seedText) {
  process.stderr.write("usage: transfer-load.ts DATABASE ACK_FILE PREFIX SEED\n");
  process.exit(2);
}
const WORKERS = 4;
const ACCOUNTS = 20;
let seed = Number(seedText) >>> 0;
const rand = () => {
  seed = (seed * 1_664_525 + 1_013_904_223) >>> 0;
  return seed / 4_294_967_296;
};

const db = await openStore({ database: url, poolSize: WORKERS });
const ledger = await LedgerService.open(db);
let n = 0;
await Promise.all(
  Array.from({ length: WORKERS }, async () => {
    for (;;) {
      const from = Math.floor(rand() * ACCOUNTS);
      const to = (from + 1 + Math.floor(rand() * (ACCOUNTS - 1))) % ACCOUNTS;
      const id = `${prefix}-${n++}`;
      const legs = [{ classCode: "CR-2026", from: `CR-${String(from).padStart(2, "0")}`, to: `CR-${String(to).padStart(2, "0")}`, quantity: String(1 + Math.floor(rand() * 40)) }];
      const r = await ledger.propose({ transactionId: id, kind: "transfer", legs });
      if (r.ok) appendFileSync(ackFile, `${id}\n`);
    }
  }),
);
