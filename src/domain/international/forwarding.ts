// Forwarding a block out of a pending account: instructions name recipients and quantities, and
// each recipient gets the next consecutive serials of the block in instruction order. The
// instructions must move exactly the whole block (a pending account is emptied in one step), so
// the CDM's and Article 6.4's forwarding share one rule and one check.
import { type IntlCheckKey, intlRefusal, type Outcome, ok } from "./codes.ts";
import { parseUnits } from "./input.ts";

export interface Instruction {
  recipient: string;
  quantity: bigint | string | number;
}

export interface Forwarded {
  recipient: string;
  start: bigint;
  end: bigint;
}

/**
 * Splits [block.start, block.end] (or nothing, when block is null) over the instructions. Refuses
 * with `key` when a recipient is not allowed or the quantities do not add up to the block.
 */
export function forwardBlock(block: { start: bigint; end: bigint } | null, instructions: unknown, allowed: (recipient: string) => boolean, key: IntlCheckKey): Outcome<Forwarded[]> {
  const pending = block ? block.end - block.start + 1n : 0n;
  if (!Array.isArray(instructions)) return intlRefusal("FIELD_INVALID", "instructions: must be a list", { field: "instructions" });
  const out: Forwarded[] = [];
  let next = block?.start ?? 1n;
  for (const [i, raw] of instructions.entries()) {
    const ins = raw as Partial<Instruction> | null;
    if (typeof ins?.recipient !== "string" || !allowed(ins.recipient)) {
      return intlRefusal(key, `instructions[${i}]: ${String(ins?.recipient).slice(0, 64)} may not receive these units`, { field: `instructions[${i}].recipient` });
    }
    const q = parseUnits(ins.quantity, `instructions[${i}].quantity`);
    if (!q.ok) return q;
    out.push({ recipient: ins.recipient, start: next, end: next + q.value - 1n });
    next += q.value;
  }
  const moved = next - (block?.start ?? 1n);
  if (moved !== pending) return intlRefusal(key, `the instructions move ${moved} units; the pending account holds ${pending}, which must be forwarded exactly`, { moved: String(moved), pending: String(pending) });
  return ok(out);
}
