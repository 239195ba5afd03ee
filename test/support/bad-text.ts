// Generators of malformed text for the fuzz tests: strings with lone UTF-16 surrogates (what a
// JSON \u escape can carry), and byte sequences that are not UTF-8 in each way RFC 3629 forbids:
// overlong forms, encoded surrogates, code points above U+10FFFF, stray continuation bytes, cut
// sequences and bytes that never occur (C0, C1, F5-FF).
import fc from "fast-check";

const cont = (n: number) => fc.array(fc.integer({ min: 0x80, max: 0xbf }), { minLength: n, maxLength: n });

/** One ill-formed UTF-8 byte sequence. */
export const invalidUtf8: fc.Arbitrary<number[]> = fc.oneof(
  // Overlong: an ASCII character in two bytes (C0/C1 lead), a 2-byte one in three (E0 80-9F), a 3-byte one in four (F0 80-8F).
  fc.tuple(fc.integer({ min: 0xc0, max: 0xc1 }), cont(1)).map(([a, b]) => [a, ...b]),
  fc.tuple(fc.integer({ min: 0x80, max: 0x9f }), cont(1)).map(([a, b]) => [0xe0, a, ...b]),
  fc.tuple(fc.integer({ min: 0x80, max: 0x8f }), cont(2)).map(([a, b]) => [0xf0, a, ...b]),
  // A surrogate (U+D800-U+DFFF) encoded as if it were a character.
  fc.tuple(fc.integer({ min: 0xa0, max: 0xbf }), cont(1)).map(([a, b]) => [0xed, a, ...b]),
  // Above U+10FFFF.
  fc.tuple(fc.integer({ min: 0x90, max: 0xbf }), cont(2)).map(([a, b]) => [0xf4, a, ...b]),
  // A continuation byte with no lead.
  cont(1),
  // A sequence cut short (followed by ASCII in every use here).
  fc.constantFrom<number[]>([0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xc3], [0xe3, 0x81]),
  // Bytes that never occur in UTF-8.
  fc.integer({ min: 0xf5, max: 0xff }).map((b) => [b]),
);

/** A string holding at least one lone surrogate (high or low, at the start, middle or end). */
export const loneSurrogate: fc.Arbitrary<string> = fc
  .tuple(fc.string({ maxLength: 6 }), fc.integer({ min: 0xd800, max: 0xdfff }), fc.string({ maxLength: 6 }), fc.boolean())
  .map(([a, unit, b, twice]) => {
    const lone = String.fromCharCode(unit);
    // Two highs or two lows in a row are still unpaired; a high then a low would pair, so never that.
    return `${a}${lone}${twice ? lone : ""}${b}`;
  });

/** The bytes as percent-escapes, as they would appear in a URL. */
export const percent = (bytes: readonly number[]): string => bytes.map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join("");

/** A JSON text with `bytes` spliced raw into the string value at `marker` (which must occur once). */
export function spliceBytes(json: string, marker: string, bytes: readonly number[]): Uint8Array {
  const [head, tail] = json.split(marker) as [string, string];
  return new Uint8Array(Buffer.concat([Buffer.from(head), Buffer.from(bytes), Buffer.from(tail ?? "")]));
}

/**
 * What a service could be handed by a lenient caller that decoded such bytes: lone surrogates,
 * replacement characters, or the bytes read as Latin-1 (mojibake).
 */
export const badText: fc.Arbitrary<string> = fc.oneof(
  loneSurrogate,
  invalidUtf8.map((b) => `x${Buffer.from(b).toString("utf8")}y`),
  invalidUtf8.map((b) => `x${Buffer.from(b).toString("latin1")}y`),
);
