// The Merkle tree of RFC 6962 (Certificate Transparency, section 2.1), over SHA-256:
//   leaf hash   = SHA-256(0x00 || leaf bytes)
//   node hash   = SHA-256(0x01 || left || right)
//   empty tree  = SHA-256("")
// and for n > 1 leaves the left subtree holds the largest power of two smaller than n. Being
// RFC 6962's, a root can be checked by any Certificate Transparency tool, and the tree of the
// first m leaves is a prefix of the tree of n >= m leaves (the log only grows).
//
// The Frontier keeps only the roots of the perfect subtrees the leaves so far make (one per set
// bit of the size, at most 64), so leaves are added one at a time, in any number, in constant
// memory, and the root of the leaves so far is one fold of those roots from right to left.
import { createHash } from "node:crypto";

export const EMPTY_ROOT = createHash("sha256").digest("hex");

/** The hash of a leaf from its bytes (a string is taken as UTF-8). */
export function leafHash(bytes: string | Uint8Array): string {
  return createHash("sha256").update(Uint8Array.of(0)).update(bytes).digest("hex");
}

/** The hash of an interior node from its two children's hex hashes. */
export function nodeHash(left: string, right: string): string {
  return createHash("sha256").update(Uint8Array.of(1)).update(Buffer.from(left, "hex")).update(Buffer.from(right, "hex")).digest("hex");
}

const HEX64 = /^[0-9a-f]{64}$/;

export interface FrontierJson {
  size: number;
  /** levels[k]: the root of the perfect subtree of 2^k leaves when bit k of size is set, else null. */
  levels: Array<string | null>;
}

export class Frontier {
  private constructor(
    private count: number,
    private readonly levels: Array<string | null>,
  ) {}

  static empty(): Frontier {
    return new Frontier(0, []);
  }

  /** A frontier as stored; throws when it is not one (a level set where the size's bit is not, or a bad hash). */
  static from(json: unknown): Frontier {
    const j = json as Partial<FrontierJson> | null;
    if (!j || !Number.isSafeInteger(j.size) || (j.size as number) < 0 || !Array.isArray(j.levels) || j.levels.length > 64) {
      throw new Error(`not a Merkle frontier: ${JSON.stringify(json)}`);
    }
    const size = j.size as number;
    const levels = j.levels.map((h, k) => {
      const bit = Math.floor(size / 2 ** k) % 2 === 1;
      if (bit ? typeof h !== "string" || !HEX64.test(h) : h !== null) throw new Error(`not a Merkle frontier of size ${size}: level ${k} is ${JSON.stringify(h)}`);
      return h as string | null;
    });
    if (size >= 2 ** levels.length) throw new Error(`not a Merkle frontier of size ${size}: ${levels.length} levels`);
    return new Frontier(size, levels);
  }

  get size(): number {
    return this.count;
  }

  /** Appends the next leaf (its leaf hash). */
  push(leaf: string): void {
    let carry = leaf;
    let k = 0;
    for (; this.levels[k] != null; k++) {
      carry = nodeHash(this.levels[k] as string, carry);
      this.levels[k] = null;
    }
    this.levels[k] = carry;
    this.count++;
  }

  /** The root of the leaves so far: the perfect subtrees folded from the smallest (rightmost) up. */
  root(): string {
    let acc: string | undefined;
    for (const h of this.levels) {
      if (h != null) acc = acc === undefined ? h : nodeHash(h, acc);
    }
    return acc ?? EMPTY_ROOT;
  }

  toJSON(): FrontierJson {
    const levels = [...this.levels];
    while (levels.length > 0 && levels[levels.length - 1] == null) levels.pop();
    return { size: this.count, levels: levels.map((h) => h ?? null) };
  }
}
