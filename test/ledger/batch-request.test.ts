// A batch's requests are built in canonical form directly (src/registry/ledger/batch.ts) instead
// of being passed through canonical(): the text ledger_apply stores and hashes into each chain link
// is JSON.stringify of them, so they must be exactly what canonical() makes of the same content,
// key order included, or verify (which hashes canonical() of the stored request) would fail.
import fc from "fast-check";
import { expect, it } from "vitest";
import { canonical } from "../../src/domain/ledger/commands.ts";
import { batchRequest, transferRequest, type ValidTransfer } from "../../src/registry/ledger/batch.ts";

const transfer: fc.Arbitrary<ValidTransfer> = fc.record({
  key: fc.string({ minLength: 1, maxLength: 8 }),
  leg: fc.record({ classCode: fc.string({ minLength: 1, maxLength: 8 }), from: fc.string({ minLength: 1, maxLength: 8 }), to: fc.string({ minLength: 1, maxLength: 8 }), quantity: fc.bigInt({ min: 1n, max: 2n ** 62n }) }),
  note: fc.option(fc.string({ maxLength: 20 }), { nil: null }),
});
const initiator = fc.option(fc.string({ maxLength: 8 }), { nil: null });

it("a transfer's request is what canonical() makes of the proposal-shaped request, key order included", () => {
  fc.assert(
    fc.property(transfer, initiator, fc.string({ minLength: 1, maxLength: 8 }), fc.string({ minLength: 1, maxLength: 12 }), (t, who, kind, batchId) => {
      const built = transferRequest(kind, t, who, batchId);
      const proposalShaped = {
        kind, legs: [{ classCode: t.leg.classCode, from: t.leg.from, to: t.leg.to, quantity: t.leg.quantity }], initiator: who,
        purpose: null, beneficiary: null, note: t.note, hold: { approval: false, delayUntil: null }, batch: batchId,
      };
      expect(JSON.stringify(built)).toBe(JSON.stringify(canonical(proposalShaped)));
    }),
  );
});

it("a batch's request is what canonical() makes of its kind, initiator and transfers, key order included", () => {
  fc.assert(
    fc.property(fc.array(transfer, { minLength: 1, maxLength: 5 }), initiator, fc.string({ minLength: 1, maxLength: 8 }), (ts, who, kind) => {
      const expected = canonical({ kind, initiator: who, transfers: ts.map((t) => ({ key: t.key, ...t.leg, note: t.note })) });
      expect(JSON.stringify(batchRequest(kind, ts, who))).toBe(JSON.stringify(expected));
    }),
  );
});
