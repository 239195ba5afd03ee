// The simulation's killed client: a child process that runs one client's script on the ledger and
// appends a line to its acknowledgement file before sending each command and after its answer.
// The parent kills it with SIGKILL at the seed's moments and starts it again; a new process
// resumes at the first command without an answer, so the one in flight at the kill is sent again
// with the same id and the same time. Usage: child.ts CONFIG_JSON (see ChildConfig).
import { appendFileSync, readFileSync } from "node:fs";
import { ManualClock } from "../../../src/platform/clock.ts";
import { LedgerService } from "../../../src/registry/ledger/index.ts";
import { openPostgres } from "../../../src/store/postgres.ts";
import { type AckLine, type ChildConfig, errorOutcome, readAcks } from "./client.ts";
import { execute } from "./execute.ts";

const file = process.argv[2];
if (!file) {
  process.stderr.write("usage: child.ts CONFIG_JSON\n");
  process.exit(2);
}
const cfg = JSON.parse(readFileSync(file, "utf8")) as ChildConfig;
const acks = readAcks(cfg.ackFile);
// Resume after the last command the ledger answered (an error is no answer: that command is sent again).
const start = acks.reduce((m, l) => (l.phase === "done" && l.outcome.ack !== "error" ? Math.max(m, l.n + 1) : m), 0);
const write = (line: AckLine) => appendFileSync(cfg.ackFile, `${JSON.stringify(line)}\n`);

const clock = new ManualClock();
const db = openPostgres(cfg.url, { max: 2 });
const ledger = await LedgerService.open(db, clock);
for (const cmd of cfg.script.slice(start)) {
  // Without injected faults an error is unexpected: it is recorded (the parent fails the run) and the command sent again.
  for (let attempt = 1; attempt <= 5; attempt++) {
    clock.set(cmd.at);
    write({ n: cmd.n, phase: "sent" });
    try {
      write({ n: cmd.n, phase: "done", outcome: await execute(ledger, cmd) });
      break;
    } catch (err) {
      write({ n: cmd.n, phase: "done", outcome: errorOutcome(err, null) });
    }
  }
}
await db.close();
