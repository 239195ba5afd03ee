// Goal: the streaming payload digest verify builds while movements stream past is byte for byte
// the digest the ledger hashes (payloadDigest over the whole canonical payload), for any ids,
// kinds, times, movements and requests, including quotes, control characters and non-ASCII text.
import { fc, test } from "@fast-check/vitest";
import { expect } from "vitest";
import { type ChainPayload, payloadDigest } from "../ledger/hash.ts";
import { type MovementEntry, PayloadHasher } from "./digest.ts";

const text = fc.string({ unit: "grapheme", maxLength: 12 });
const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small" }, fc.constant(null), fc.boolean(), fc.integer(), text, tie("array"), tie("object")),
  array: fc.array(tie("value"), { maxLength: 4 }),
  object: fc.dictionary(text, tie("value"), { maxKeys: 4 }),
})).value;
const movement: fc.Arbitrary<MovementEntry> = fc.tuple(
  fc.integer({ min: 1, max: 100 }),
  fc.integer({ min: 1, max: 10_000 }),
  text,
  fc.option(text, { nil: null }),
  text,
  fc.bigInt({ min: 1n, max: 9n * 10n ** 18n }).map(String),
  fc.bigInt({ min: 1n, max: 9n * 10n ** 18n }).map(String),
);

test.prop([text, text, text, fc.array(movement, { maxLength: 30 }), json])("streams to the digest payloadDigest gives", (id, kind, completedAt, movements, request) => {
  const h = new PayloadHasher({ id, kind, completedAt });
  for (const m of movements) h.movement(m);
  const whole: ChainPayload = { id, kind, completedAt, request, movements };
  expect(h.finish(request)).toBe(payloadDigest(whole));
});
