// What a proposal sends, as the ledger records and compares it: the canonical request a repeated
// key is checked against (the hold left out, as the registry decides it), and the validated
// proposal with what its attempts share.
import type { ValidProposal } from "../../domain/ledger/commands.ts";

/** A validated proposal and what its attempts share. */
export interface Proposal {
  readonly p: ValidProposal;
  readonly scope: string;
  readonly id: string;
  readonly now: string;
  readonly request: unknown;
  readonly classes: readonly string[];
  readonly accountIds: readonly string[];
}

/** The request without its hold: what a repeated key must match. */
export function withoutHold(r: unknown): unknown {
  if (typeof r !== "object" || r === null) return r;
  const { hold: _h, ...rest } = r as Record<string, unknown>;
  return rest;
}

/** The proposal's request as recorded (canonicalised by the caller). */
export function proposalRequest(p: ValidProposal): Record<string, unknown> {
  return {
    kind: p.kind,
    legs: p.legs.map((l) => ({ classCode: l.classCode, from: l.from, to: l.to, quantity: l.quantity })),
    initiator: p.initiator,
    purpose: p.purpose,
    beneficiary: p.beneficiary,
    note: p.note,
    hold: p.hold,
  };
}
