// The messages of linked registries (docs/concepts/linked-registries.md): the sender proposes a
// transfer of units it holds in escrow, the receiver answers with its one durable decision
// (accepted or refused). This module fixes the bodies' shape and reads one from the wire field by
// field, naming the first bad field (10755). Quantities and serials are decimal strings; the
// serials are the sender's, so both registries name the same units alike. Pure: the signing is
// the registry's (src/registry/international/links/crypto.ts).
import { intlRefusal, type Outcome, ok } from "./codes.ts";

export const LINK_ID = /^[A-Z0-9][A-Z0-9-]{1,31}$/;
export const TRANSFER_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
export const MAX_LINK_RUNS = 1000;

/** The ledger fields of the class, enough to define it in the receiving registry. */
export interface LinkClass {
  code: string;
  unitType: string;
  scheme: string;
  vintage: number | null;
  commitmentPeriod: string | null;
  project: string | null;
  hostCountry: string | null;
  creditKind: string | null;
  methodology: string | null;
}

export interface SerialRun {
  start: string;
  end: string;
}

export interface ProposeBody {
  transferId: string;
  /** The sending registry's id. */
  sender: string;
  unitClass: LinkClass;
  /** The class's credit attributes when it was defined from them (src/domain/international/attributes.ts), else null. */
  attributes: Record<string, unknown> | null;
  quantity: string;
  /** The sender's serial runs of the units, in the order they left the source. */
  serials: SerialRun[];
  /** The receiving account in the receiver's registry. */
  destination: string;
  /** For units the sender's Article 6 book holds (ITMOs): their Article 6 facts (article6/travel.ts), which the receiver reads and imports. */
  article6?: unknown;
}

export type Decision = "accepted" | "refused";

export interface AnswerBody {
  transferId: string;
  decision: Decision;
  /** The receiver's ledger transaction that issued the units (accepted only). */
  receiptTx: string | null;
  /** Why it was refused (refused only). */
  refusal: { code: number; check: string; message: string } | null;
}

const bad = (field: string, reason: string) => intlRefusal("LINK_MESSAGE_INVALID", `${field}: ${reason}`, { field });
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown, max = 200): v is string => typeof v === "string" && v.length > 0 && v.length <= max;
const optStr = (v: unknown) => v === null || str(v);
const DECIMAL = /^[1-9]\d{0,17}$/;

/** The number of units in the runs, or the index of the first bad run. */
export function runUnits(runs: readonly SerialRun[]): bigint {
  return runs.reduce((s, r) => s + BigInt(r.end) - BigInt(r.start) + 1n, 0n);
}

function checkClass(v: unknown): string | undefined {
  if (!isObj(v)) return "unitClass";
  if (!str(v.code, 64)) return "unitClass.code";
  if (!str(v.unitType, 64)) return "unitClass.unitType";
  if (!str(v.scheme, 32)) return "unitClass.scheme";
  if (v.vintage !== null && !Number.isInteger(v.vintage)) return "unitClass.vintage";
  for (const k of ["commitmentPeriod", "project", "hostCountry", "creditKind", "methodology"]) if (!optStr(v[k])) return `unitClass.${k}`;
  return undefined;
}

/** A proposal body read from the wire, or a refusal (10755) naming the first bad field. */
export function readPropose(v: unknown): Outcome<ProposeBody> {
  if (!isObj(v)) return bad("body", "must be an object");
  if (!str(v.transferId, 128) || !TRANSFER_ID.test(v.transferId)) return bad("transferId", "an id of letters, digits and . _ : -");
  if (!str(v.sender, 64)) return bad("sender", "the sending registry's id");
  const cls = checkClass(v.unitClass);
  if (cls) return bad(cls, "the class's ledger fields");
  if (v.attributes !== null && !isObj(v.attributes)) return bad("attributes", "an object or null");
  if (!str(v.destination, 64)) return bad("destination", "the receiving account's id");
  if (!Array.isArray(v.serials) || v.serials.length < 1 || v.serials.length > MAX_LINK_RUNS) return bad("serials", `1 to ${MAX_LINK_RUNS} serial runs`);
  for (const [i, r] of v.serials.entries()) {
    if (!isObj(r) || typeof r.start !== "string" || typeof r.end !== "string" || !DECIMAL.test(r.start) || !DECIMAL.test(r.end) || BigInt(r.end) < BigInt(r.start)) {
      return bad(`serials[${i}]`, "{ start, end } decimal serials, start <= end");
    }
  }
  const total = runUnits(v.serials as SerialRun[]);
  if (typeof v.quantity !== "string" || !DECIMAL.test(v.quantity) || BigInt(v.quantity) !== total) return bad("quantity", `the units of the serial runs (${total})`);
  return ok(v as unknown as ProposeBody);
}

/** An answer body read from the wire, or a refusal naming the first bad field. */
export function readAnswer(v: unknown): Outcome<AnswerBody> {
  if (!isObj(v)) return bad("body", "must be an object");
  if (!str(v.transferId, 128)) return bad("transferId", "the transfer id");
  if (v.decision !== "accepted" && v.decision !== "refused") return bad("decision", "accepted or refused");
  if ((v.decision === "accepted") !== str(v.receiptTx, 200)) return bad("receiptTx", "the receipt transaction, for an accepted transfer only");
  const r = v.refusal;
  if (v.decision === "refused" ? !isObj(r) || !Number.isInteger(r.code) || !str(r.check) || typeof r.message !== "string" : r !== null) {
    return bad("refusal", "the refusal of a refused transfer, null otherwise");
  }
  return ok(v as unknown as AnswerBody);
}

/**
 * The most transfers one proposal message carries (docs/concepts/linked-registries.md, Messages):
 * the sender coalesces the ready transfers of a link into messages of at most this many, the
 * receiver issues the accepted ones in one transaction of one leg each (the ledger takes at most
 * 100 legs) and credits them in one batch.
 */
export const MAX_LINK_BATCH = 50;

/**
 * The most proposal messages of one link out at once (the sender's flights). Each is signed with
 * its own nonce and decided on its own; messages never share a transfer, and the receiver decides
 * each transfer on its own content whatever message came first, so their order does not matter.
 */
export const MAX_LINK_IN_FLIGHT = 4;

/** A proposal message: the transfers, each its own object (its own id, idempotency and decision). */
export interface ProposeMessage {
  transfers: ProposeBody[];
}

/** An answer message: one decision per proposed transfer, in the proposal's order. */
export interface AnswerMessage {
  answers: AnswerBody[];
}

/** A proposal message read from the wire: 1 to MAX_LINK_BATCH transfers of distinct ids, each read by readPropose. */
export function readProposeMessage(v: unknown): Outcome<ProposeMessage> {
  if (!isObj(v)) return bad("body", "must be an object");
  if (!Array.isArray(v.transfers) || v.transfers.length < 1 || v.transfers.length > MAX_LINK_BATCH) return bad("transfers", `1 to ${MAX_LINK_BATCH} transfers`);
  const ids = new Set<string>();
  for (const [i, t] of v.transfers.entries()) {
    const r = readPropose(t);
    if (!r.ok) return bad(`transfers[${i}].${String(r.facts.field ?? "body")}`, r.message.replace(/^[^:]*: /, ""));
    if (ids.has(r.value.transferId)) return bad(`transfers[${i}].transferId`, `${r.value.transferId} appears twice in the message`);
    ids.add(r.value.transferId);
  }
  return ok(v as unknown as ProposeMessage);
}

/** An answer message read from the wire: one answer per transfer of `proposed`, in its order. */
export function readAnswerMessage(v: unknown, proposed: readonly string[]): Outcome<AnswerMessage> {
  if (!isObj(v)) return bad("body", "must be an object");
  if (!Array.isArray(v.answers) || v.answers.length !== proposed.length) return bad("answers", `one answer per proposed transfer (${proposed.length})`);
  for (const [i, a] of v.answers.entries()) {
    const r = readAnswer(a);
    if (!r.ok) return bad(`answers[${i}].${String(r.facts.field ?? "body")}`, r.message.replace(/^[^:]*: /, ""));
    if (r.value.transferId !== proposed[i]) return bad(`answers[${i}].transferId`, `the answer for ${proposed[i]}`);
  }
  return ok(v as unknown as AnswerMessage);
}
