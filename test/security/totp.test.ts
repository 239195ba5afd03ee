// Goal: TOTP and base32 match their RFCs exactly (published test vectors), and verification
// accepts one step of drift, refuses other codes, and reports the step so replays can be refused.
import { describe, expect, it } from "vitest";
import { base32Decode, base32Encode, hotp, totp, verifyTotpCode } from "../../src/auth/totp.ts";

// RFC 6238 Appendix B (https://www.rfc-editor.org/rfc/rfc6238#appendix-B): 8 digits, T0 = 0, X = 30 s.
// Seeds: ASCII "12345678901234567890" repeated to 20 (SHA1), 32 (SHA256) and 64 (SHA512) bytes.
const SEED = "12345678901234567890";
const seed = (n: number) => Buffer.from(SEED.repeat(4).slice(0, n), "ascii");
const RFC6238: Array<[number, string, string, string]> = [
  [59, "94287082", "46119246", "90693936"],
  [1111111109, "07081804", "68084774", "25091201"],
  [1111111111, "14050471", "67062674", "99943326"],
  [1234567890, "89005924", "91819424", "93441116"],
  [2000000000, "69279037", "90698825", "38618901"],
  [20000000000, "65353130", "77737706", "47863826"],
];

describe("TOTP (RFC 6238)", () => {
  for (const [t, sha1, sha256, sha512] of RFC6238) {
    it(`appendix B vector at T=${t}`, () => {
      const at = new Date(t * 1000);
      expect(totp(seed(20), at, { digits: 8, algorithm: "sha1" })).toBe(sha1);
      expect(totp(seed(32), at, { digits: 8, algorithm: "sha256" })).toBe(sha256);
      expect(totp(seed(64), at, { digits: 8, algorithm: "sha512" })).toBe(sha512);
    });
  }

  it("HOTP matches RFC 4226 appendix D (counters 0..9)", () => {
    const expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"];
    expect(expected.map((_, i) => hotp(seed(20), BigInt(i)))).toEqual(expected);
  });

  it("accepts the current code and one step either side, and nothing further", () => {
    const at = new Date(1_700_000_000_000);
    const secret = seed(20);
    const step = BigInt(Math.floor(at.getTime() / 30_000));
    expect(verifyTotpCode(secret, totp(secret, at), at)).toBe(step);
    expect(verifyTotpCode(secret, totp(secret, new Date(at.getTime() - 30_000)), at)).toBe(step - 1n);
    expect(verifyTotpCode(secret, totp(secret, new Date(at.getTime() + 30_000)), at)).toBe(step + 1n);
    expect(verifyTotpCode(secret, totp(secret, new Date(at.getTime() - 90_000)), at)).toBeNull();
  });

  it("refuses wrong, malformed and other secrets' codes", () => {
    const at = new Date(1_700_000_000_000);
    const good = totp(seed(20), at);
    const wrong = String((Number(good) + 1) % 1_000_000).padStart(6, "0");
    expect(verifyTotpCode(seed(20), wrong, at)).toBeNull();
    for (const bad of ["", "12345", "1234567", "abcdef", " 12345", "١٢٣٤٥٦"]) expect(verifyTotpCode(seed(20), bad, at)).toBeNull();
    expect(verifyTotpCode(Buffer.from("another secret value"), good, at)).toBeNull();
  });
});

describe("base32 (RFC 4648 §10 vectors, unpadded)", () => {
  const vectors: Array<[string, string]> = [["", ""], ["f", "MY"], ["fo", "MZXQ"], ["foo", "MZXW6"], ["foob", "MZXW6YQ"], ["fooba", "MZXW6YTB"], ["foobar", "MZXW6YTBOI"]];
  for (const [plain, enc] of vectors) {
    it(`${JSON.stringify(plain)} <-> ${enc}`, () => {
      expect(base32Encode(Buffer.from(plain))).toBe(enc);
      expect(base32Decode(enc).toString()).toBe(plain);
      expect(base32Decode(`${enc.toLowerCase()}===`).toString()).toBe(plain);
    });
  }
  it("refuses characters outside the alphabet", () => {
    expect(() => base32Decode("MZ1W")).toThrow(/base32/);
  });
});
