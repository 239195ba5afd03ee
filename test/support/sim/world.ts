// The simulation test's world (test/ledger/simulation.test.ts): its classes and accounts, the
// commands its clients send (each with its own time, which the client's clock reads), the script
// that sets the world up, and the seeded generators the workload and the fault plan draw from.

/** A small seeded generator (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A number in [0, 1) from a seed and a key, the same for the same pair (for fault plans). */
export function hashUnit(seed: number, key: string): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return rng(h)();
}

export const START = "2026-04-01T00:00:00.000Z";
export const MAIN = "SIM-A";
export const SECOND = "SIM-B";
/** A class with a small issuance limit: held issuances of it that are approved late fail with 3004. */
export const LIMITED = "SIM-L";
export const LIMITED_CAP = 6_000;

export const NHA = "SIM-NHA";
export const ALLOC = "SIM-ALLOC";
export const SUR = "SIM-SUR";
export const OPS = ["SIM-OP-0", "SIM-OP-1", "SIM-OP-2", "SIM-OP-3"];
export const TRS = ["SIM-TR-0", "SIM-TR-1", "SIM-TR-2", "SIM-TR-3", "SIM-TR-4", "SIM-TR-5"];
export const HOLDING = [...OPS, ...TRS];

/** What the coverage assertions count: every command kind of the ledger. */
export const LABELS = ["define", "open", "issue", "transfer", "hold", "approve", "reject", "cancel", "release", "reverse", "block", "unblock", "close", "batch"] as const;
export type Label = (typeof LABELS)[number];

export interface LegInput {
  classCode: string;
  from: string | null;
  to: string;
  quantity: string;
}

export type Op =
  | { op: "define"; input: { commandId: string; code: string; unitType: string; scheme: string; issuanceLimit?: string } }
  | { op: "open"; input: { commandId: string; accountId: string; type: string; holder: string; name: string; installation?: string } }
  | { op: "status"; input: { commandId: string; accountId: string; status: "open" | "blocked" | "closed" } }
  | { op: "propose"; input: { transactionId: string; kind: string; legs: LegInput[]; initiator: string; hold?: { approval?: boolean; delayUntil?: string } } }
  | { op: "approve" | "reject" | "cancel"; input: { transactionId: string; actor: string } }
  | { op: "release"; transactionId: string | null }
  | { op: "reverse"; input: { transactionId: string; reverses: string; actor: string } }
  | { op: "batch"; input: { batchId: string; kind: string; initiator: string; transfers: Array<{ classCode: string; from: string; to: string; quantity: string }> } };

export interface Command {
  /** Position in its client's script. */
  readonly n: number;
  /** The command's time: the client's clock reads this while it runs (and when it is retried). */
  readonly at: string;
  readonly label: Label;
  readonly op: Op;
}

/** The id a command is known by (its idempotency key), or null for decisions and releases, which have none. */
export function idOf(op: Op): string | null {
  switch (op.op) {
    case "define":
    case "open":
    case "status":
      return op.input.commandId;
    case "propose":
    case "reverse":
      return op.input.transactionId;
    case "batch":
      return op.input.batchId;
    default:
      return null;
  }
}

export const actorOf = (client: number) => `sim-c${client}`;

/** The world every run starts from, run by one client before the others start. */
export function setupScript(): Command[] {
  const ops: Array<[Label, Op]> = [
    ["define", { op: "define", input: { commandId: "setup-class-a", code: MAIN, unitType: "allowance", scheme: "SIM" } }],
    ["define", { op: "define", input: { commandId: "setup-class-b", code: SECOND, unitType: "allowance", scheme: "SIM" } }],
    ["define", { op: "define", input: { commandId: "setup-class-l", code: LIMITED, unitType: "allowance", scheme: "SIM", issuanceLimit: String(LIMITED_CAP) } }],
    ["open", { op: "open", input: { commandId: "setup-nha", accountId: NHA, type: "national_issuance", holder: "state", name: "issuance" } }],
    ["open", { op: "open", input: { commandId: "setup-alloc", accountId: ALLOC, type: "allocation", holder: "state", name: "allocation" } }],
    ["open", { op: "open", input: { commandId: "setup-sur", accountId: SUR, type: "surrender", holder: "state", name: "surrender" } }],
    ...OPS.map((id, i): [Label, Op] => ["open", { op: "open", input: { commandId: `setup-${id}`, accountId: id, type: "operator_holding", holder: `op-${i}`, name: id, installation: `INST-${i}` } }]),
    ...TRS.map((id, i): [Label, Op] => ["open", { op: "open", input: { commandId: `setup-${id}`, accountId: id, type: "trading", holder: `tr-${i}`, name: id } }]),
    ["issue", propose("setup-issue-a", "issuance", [leg(MAIN, null, NHA, 400_000)], "setup")],
    ["issue", propose("setup-issue-b", "issuance", [leg(SECOND, null, NHA, 100_000)], "setup")],
    ["transfer", propose("setup-pool", "internal_transfer", [leg(MAIN, NHA, ALLOC, 100_000)], "setup")],
    ["transfer", propose("setup-trs", "correction", TRS.flatMap((to) => [leg(MAIN, NHA, to, 4_000), leg(SECOND, NHA, to, 1_500)]), "setup")],
    ["transfer", propose("setup-ops", "allocation", OPS.map((to) => leg(MAIN, ALLOC, to, 4_000)), "setup")],
  ];
  return ops.map(([label, op], n) => ({ n, at: new Date(Date.parse(START) - (ops.length - n) * 1000).toISOString(), label, op }));
}

export function leg(classCode: string, from: string | null, to: string, q: number): LegInput {
  return { classCode, from, to, quantity: String(q) };
}

export function propose(id: string, kind: string, legs: LegInput[], initiator: string, hold?: { approval?: boolean; delayUntil?: string }): Op {
  return { op: "propose", input: { transactionId: id, kind, legs, initiator, ...(hold ? { hold } : {}) } };
}
