// The simulation test's workload (test/ledger/simulation.test.ts): a seeded, deterministic script
// of ledger commands for each client, every command stamped with its own time (the injected clock),
// so that a seed always produces the same commands, the same ids and the same times. Which client
// runs which command when is the operating system's business.
//
// The mix covers every command kind: defining classes, opening accounts, issuance (one class has
// a small issuance limit, so held issuances that are approved late fail on completion), transfers
// of several kinds, held transfers (approval, delay, both), approvals, rejections, cancellations,
// releases (by id and the scheduler's releaseDue), reversals, blocking and unblocking, closing
// (an account filled, emptied, closed, and a reversal trying to put units back), and batches.
// Targets of decisions and reversals are drawn from what any client proposed earlier in the
// generation order, so clients race over the same transactions; twins race over the same id.
import { actorOf, ALLOC, type Command, HOLDING, type Label, leg, type LegInput, LIMITED, MAIN, NHA, type Op, OPS, propose, rng, SECOND, START, SUR, TRS } from "./world.ts";

/** Simulated time between two consecutive commands of the generation order. */
const STEP_MS = 20_000;

interface Held {
  id: string;
  approval: boolean;
  delayUntil: string | null;
}

/** What the generation has proposed so far, shared by every client's script (so clients race). */
interface Pools {
  held: Held[];
  reversible: string[];
}

/** A command an action emits: `twin` also gives it, with the same time, to the next client (both send it). */
interface Emit {
  label: Label;
  op: Op;
  time?: string;
  twin?: boolean;
}

interface ClientGen {
  readonly c: number;
  readonly r: () => number;
  readonly out: Command[];
  /** Commands to emit once the script reaches a length (an unblock after a block, an issuance into a new class). */
  readonly later: Array<Emit & { at: number }>;
  next: number;
}

/**
 * The scripts of `clients` clients of about `perClient` commands each, for a seed. Generated in
 * round-robin order so that a decision or reversal targets what any client proposed before it.
 */
export function generate(seed: number, clients: number, perClient: number): Command[][] {
  const pools: Pools = { held: [], reversible: [] };
  const gens: ClientGen[] = Array.from({ length: clients }, (_, c) => ({ c, r: rng(seed * 977 + c * 131 + 7), out: [], later: [], next: 0 }));
  // Every client defines a class of its own early on (and issues into it), so every run defines some.
  for (const g of gens) for (const x of newClass(g)) g.later.unshift({ at: 0, ...x });
  let tick = 0;
  const at = (t: number) => new Date(Date.parse(START) + t * STEP_MS).toISOString();
  while (gens.some((g) => g.out.length < perClient)) {
    for (const g of gens) {
      if (g.out.length >= perClient) continue;
      const due = g.later.findIndex((x) => x.at <= g.out.length);
      // `at(tick)` is the time of the first command the action emits.
      const batch = due >= 0 ? [g.later.splice(due, 1)[0] as Emit] : action(g, pools, at(tick));
      for (const x of batch) {
        const time = x.time ?? at(tick);
        tick++;
        g.out.push({ n: g.out.length, at: time, label: x.label, op: x.op });
        if (x.twin && gens.length > 1) (gens[(g.c + 1) % gens.length] as ClientGen).later.unshift({ at: 0, label: x.label, op: x.op, time });
      }
    }
  }
  return gens.map((g) => g.out);
}

const pick = <T,>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const int = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

function shuffle<T>(r: () => number, xs: readonly T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** Weighted choice of the next action of a client; returns its commands (one, or a short pattern). */
function action(g: ClientGen, pools: Pools, now: string): Emit[] {
  const table: Array<[number, () => Emit[]]> = [
    [5, () => issue(g, pools)],
    [2, () => limitedIssue(g, pools)],
    [4, () => fund(g, pools)],
    [20, () => transfer(g, pools)],
    [10, () => hold(g, pools, now)],
    [6, () => decide(g, pools, "approve")],
    [2, () => decide(g, pools, "reject")],
    [3, () => decide(g, pools, "cancel")],
    [1.5, () => holdThenDecide(g, pools, "cancel")],
    [1.5, () => holdThenDecide(g, pools, "reject")],
    [3, () => release(g, pools, now)],
    [2, () => holdThenRelease(g, pools, now)],
    [3, () => reverse(g, pools)],
    [2, () => transferThenReverse(g, pools)],
    [2, () => twin(g, pools, now)],
    [2, () => surrender(g, pools)],
    [1.5, () => blockUnblock(g)],
    [1.5, () => closePattern(g, pools)],
    [3, () => batch(g, pools)],
    [0.5, () => newClass(g)],
  ];
  const total = table.reduce((s, [w]) => s + w, 0);
  let x = g.r() * total;
  for (const [w, f] of table) {
    if ((x -= w) < 0) return f();
  }
  return (table[0] as [number, () => Emit[]])[1]();
}

const tid = (g: ClientGen, what: string) => `${what}-${g.c}-${g.next++}`;

/**
 * Of the last `n` entries of a pool, those not among the newest few: proposed a round or two of
 * generation ago, so that the clients have mostly sent them when a decision or reversal comes
 * (the newest are still likely unknown: 6001). All of them while the pool is small.
 */
function settled<T>(pool: readonly T[], n: number): readonly T[] {
  const older = pool.slice(-n, -8);
  return older.length > 0 ? older : pool.slice(-n);
}

function issue(g: ClientGen, pools: Pools): Emit[] {
  const id = tid(g, "iss");
  const approval = g.r() < 0.15;
  if (approval) pools.held.push({ id, approval: true, delayUntil: null });
  return [{ label: approval ? "hold" : "issue", op: propose(id, "issuance", [leg(g.r() < 0.7 ? MAIN : SECOND, null, NHA, int(g.r, 200, 2000))], actorOf(g.c), approval ? { approval: true } : undefined) }];
}

function limitedIssue(g: ClientGen, pools: Pools): Emit[] {
  const id = tid(g, "lim");
  pools.held.push({ id, approval: true, delayUntil: null });
  return [{ label: "hold", op: propose(id, "issuance", [leg(LIMITED, null, NHA, int(g.r, 800, 2000))], actorOf(g.c), { approval: true }) }];
}

function fund(g: ClientGen, pools: Pools): Emit[] {
  const id = tid(g, "fund");
  pools.reversible.push(id);
  const k = g.r();
  const l = k < 0.4 ? ["correction", leg(MAIN, NHA, pick(g.r, TRS), int(g.r, 500, 1500))] as const
    : k < 0.6 ? ["internal_transfer", leg(MAIN, NHA, ALLOC, int(g.r, 1000, 3000))] as const
    : ["allocation", leg(MAIN, ALLOC, pick(g.r, OPS), int(g.r, 200, 1000))] as const;
  return [{ label: "transfer", op: propose(id, l[0], [l[1]], actorOf(g.c)) }];
}

function twoHolding(g: ClientGen): [string, string] {
  const from = pick(g.r, HOLDING);
  let to = pick(g.r, HOLDING);
  if (to === from) to = HOLDING[(HOLDING.indexOf(from) + 1) % HOLDING.length] as string;
  return [from, to];
}

function transferLegs(g: ClientGen): LegInput[] {
  const [from, to] = twoHolding(g);
  const legs = [leg(MAIN, from, to, int(g.r, 1, 400))];
  if (g.r() < 0.25) legs.push(leg(SECOND, from, to, int(g.r, 1, 150)));
  return legs;
}

function transfer(g: ClientGen, pools: Pools): Emit[] {
  const id = tid(g, "trf");
  pools.reversible.push(id);
  return [{ label: "transfer", op: propose(id, "transfer", transferLegs(g), actorOf(g.c)) }];
}

function hold(g: ClientGen, pools: Pools, now: string): Emit[] {
  const id = tid(g, "held");
  const k = g.r();
  // The delay counts from this command's time, in simulated minutes.
  const at = Date.parse(now);
  const delay = (min: number, max: number) => new Date(at + int(g.r, min, max) * 60_000).toISOString();
  const h = k < 0.4 ? { approval: true } : k < 0.8 ? { delayUntil: delay(2, 40) } : { approval: true, delayUntil: delay(1, 20) };
  pools.held.push({ id, approval: h.approval === true, delayUntil: h.delayUntil ?? null });
  pools.reversible.push(id);
  return [{ label: "hold", op: propose(id, "transfer", transferLegs(g), actorOf(g.c), h) }];
}

function decide(g: ClientGen, pools: Pools, what: "approve" | "reject" | "cancel"): Emit[] {
  // Approvals and rejections mostly target what waits for approval; cancellations anything held.
  const candidates = settled(what === "cancel" ? pools.held : pools.held.filter((h) => h.approval), 40);
  const target = candidates.length > 0 ? pick(g.r, candidates).id : `held-none-${g.c}`;
  return [{ label: what, op: { op: what, input: { transactionId: target, actor: actorOf(g.c) } } }];
}

function release(g: ClientGen, pools: Pools, now: string): Emit[] {
  if (g.r() < 0.3) return [{ label: "release", op: { op: "release", transactionId: null } }];
  const delayed = pools.held.filter((h) => h.delayUntil !== null);
  const due = delayed.filter((h) => (h.delayUntil as string) <= now);
  const from = due.length > 0 && g.r() < 0.85 ? due.slice(-30) : delayed.slice(-30);
  return [{ label: "release", op: { op: "release", transactionId: from.length > 0 ? pick(g.r, from).id : `held-none-${g.c}` } }];
}

function reverse(g: ClientGen, pools: Pools): Emit[] {
  const candidates = settled(pools.reversible, 60);
  const target = candidates.length > 0 ? pick(g.r, candidates) : "setup-trs";
  return [{ label: "reverse", op: { op: "reverse", input: { transactionId: tid(g, "rev"), reverses: target, actor: actorOf(g.c) } } }];
}

/** A transfer delayed a few simulated minutes, released by id by the same client a few commands later (if no one else did). */
function holdThenRelease(g: ClientGen, pools: Pools, now: string): Emit[] {
  const id = tid(g, "held");
  const delayUntil = new Date(Date.parse(now) + int(g.r, 1, 3) * 60_000).toISOString();
  pools.held.push({ id, approval: false, delayUntil });
  pools.reversible.push(id);
  g.later.push({ at: g.out.length + int(g.r, 4, 7), label: "release", op: { op: "release", transactionId: id } });
  return [{ label: "hold", op: propose(id, "transfer", transferLegs(g), actorOf(g.c), { delayUntil }) }];
}

/** A transfer held for approval, and a few commands later the same client's cancellation or rejection (unless another client decided first). */
function holdThenDecide(g: ClientGen, pools: Pools, what: "cancel" | "reject"): Emit[] {
  const id = tid(g, "held");
  pools.held.push({ id, approval: true, delayUntil: null });
  pools.reversible.push(id);
  g.later.push({ at: g.out.length + int(g.r, 2, 5), label: what, op: { op: what, input: { transactionId: id, actor: actorOf(g.c) } } });
  return [{ label: "hold", op: propose(id, "transfer", transferLegs(g), actorOf(g.c), { approval: true }) }];
}

/**
 * The same command sent by two clients at about the same time (a client retrying through another
 * server): a transfer, a held transfer or a batch. It takes effect once; the other gets the replay.
 */
function twin(g: ClientGen, pools: Pools, now: string): Emit[] {
  const k = g.r();
  const [x] = k < 0.5 ? transfer(g, pools) : k < 0.8 ? hold(g, pools, now) : batch(g, pools);
  return [{ ...(x as Emit), twin: true }];
}

/** A transfer and at once its reversal (by the same client), before others move its units on. */
function transferThenReverse(g: ClientGen, pools: Pools): Emit[] {
  const id = tid(g, "trf");
  pools.reversible.push(id);
  return [
    { label: "transfer", op: propose(id, "transfer", transferLegs(g), actorOf(g.c)) },
    { label: "reverse", op: { op: "reverse", input: { transactionId: tid(g, "rev"), reverses: id, actor: actorOf(g.c) } } },
  ];
}

function surrender(g: ClientGen, pools: Pools): Emit[] {
  const id = tid(g, "sur");
  pools.reversible.push(id);
  return [{ label: "transfer", op: propose(id, "surrender", [leg(MAIN, pick(g.r, OPS), SUR, int(g.r, 10, 200))], actorOf(g.c)) }];
}

function blockUnblock(g: ClientGen): Emit[] {
  const acc = pick(g.r, HOLDING);
  g.later.push({ at: g.out.length + int(g.r, 3, 8), label: "unblock", op: { op: "status", input: { commandId: tid(g, "unblock"), accountId: acc, status: "open" } } });
  return [{ label: "block", op: { op: "status", input: { commandId: tid(g, "block"), accountId: acc, status: "blocked" } } }];
}

/** An account opened, filled, emptied and closed; then perhaps a reversal that would put units back into it (2002). */
function closePattern(g: ClientGen, pools: Pools): Emit[] {
  const x = `SIM-X-${g.c}-${g.next++}`;
  const q = int(g.r, 1, 50);
  const into = tid(g, "xin");
  const out = tid(g, "xout");
  pools.reversible.push(into, out);
  const cmds: Emit[] = [
    { label: "open", op: { op: "open", input: { commandId: tid(g, "open"), accountId: x, type: "trading", holder: `x-${g.c}`, name: x } } },
    { label: "transfer", op: propose(into, "transfer", [leg(MAIN, pick(g.r, TRS), x, q)], actorOf(g.c)) },
    { label: "transfer", op: propose(out, "transfer", [leg(MAIN, x, pick(g.r, TRS), q)], actorOf(g.c)) },
    { label: "close", op: { op: "status", input: { commandId: tid(g, "close"), accountId: x, status: "closed" } } },
  ];
  if (g.r() < 0.5) cmds.push({ label: "reverse", op: { op: "reverse", input: { transactionId: tid(g, "rev"), reverses: out, actor: actorOf(g.c) } } });
  return cmds;
}

function batch(g: ClientGen, pools: Pools): Emit[] {
  const id = tid(g, "batch");
  const n = int(g.r, 2, 4);
  const to = shuffle(g.r, OPS).slice(0, n);
  const transfers = to.map((acc) => ({ classCode: MAIN, from: ALLOC, to: acc, quantity: String(int(g.r, 50, 300)) }));
  // Each transfer of a batch is a transaction of its own, reversible like any other.
  for (let i = 1; i <= n; i++) pools.reversible.push(`${id}:${i}`);
  return [{ label: "batch", op: { op: "batch", input: { batchId: id, kind: "allocation", initiator: actorOf(g.c), transfers } } }];
}

function newClass(g: ClientGen): Emit[] {
  const code = `SIM-C${g.c}-${g.next}`;
  g.later.push({ at: g.out.length + 2, label: "issue", op: propose(tid(g, "iss"), "issuance", [leg(code, null, NHA, int(g.r, 100, 900))], actorOf(g.c)) });
  return [{ label: "define", op: { op: "define", input: { commandId: tid(g, "define"), code, unitType: "allowance", scheme: "SIM" } } }];
}
