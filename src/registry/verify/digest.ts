// The digest of a chain link's payload, built while the transaction's movements stream past, so
// that a transaction with millions of movements (a big issuance split into many blocks) is hashed
// without holding them. The bytes are exactly those payloadDigest (src/registry/ledger/hash.ts)
// hashes: JSON.stringify of the canonical payload, whose keys in sorted order are completedAt,
// id, kind, movements, request. A test compares the two on random payloads.
import { createHash, type Hash } from "node:crypto";
import { canonical } from "../../domain/ledger/commands.ts";

export type MovementEntry = [legNo: number, partNo: number, classCode: string, from: string | null, to: string, start: string, end: string];

export class PayloadHasher {
  private readonly hash: Hash = createHash("sha256");
  private first = true;

  constructor(head: { id: string; kind: string; completedAt: string }) {
    this.hash.update(`{"completedAt":${JSON.stringify(head.completedAt)},"id":${JSON.stringify(head.id)},"kind":${JSON.stringify(head.kind)},"movements":[`);
  }

  /** The next movement, in (leg, part) order. */
  movement(m: MovementEntry): void {
    this.hash.update(this.first ? JSON.stringify(m) : `,${JSON.stringify(m)}`);
    this.first = false;
  }

  /** The hex digest, once every movement has been given. */
  finish(request: unknown): string {
    this.hash.update(request === undefined ? "]}" : `],"request":${JSON.stringify(canonical(request))}}`);
    return this.hash.digest("hex");
  }
}
