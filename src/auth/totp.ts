// TOTP (RFC 6238) over HOTP (RFC 4226) with HMAC-SHA1, 30-second steps and 6 digits (what every
// authenticator app uses), plus the base32 encoding (RFC 4648) of secrets.
import { createHmac, timingSafeEqual } from "node:crypto";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

export function base32Encode(buf: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of buf) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s=]/g, "").toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const i = ALPHABET.indexOf(ch);
    if (i < 0) throw new Error(`not a base32 character: ${JSON.stringify(ch)}`);
    value = ((value << 5) | i) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export type TotpAlgorithm = "sha1" | "sha256" | "sha512";

/** HOTP value of a counter (RFC 4226 §5.3 dynamic truncation). */
export function hotp(secret: Uint8Array, counter: bigint, digits = 6, algorithm: TotpAlgorithm = "sha1"): string {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(counter);
  const mac = createHmac(algorithm, secret).update(msg).digest();
  const offset = (mac[mac.length - 1] as number) & 0x0f;
  const bin = (((mac[offset] as number) & 0x7f) << 24) | ((mac[offset + 1] as number) << 16) | ((mac[offset + 2] as number) << 8) | (mac[offset + 3] as number);
  return String(bin % 10 ** digits).padStart(digits, "0");
}

/** The time step of an instant (RFC 6238: T = floor((now - T0) / X), T0 = 0, X = 30 s). */
export function totpStep(at: Date, stepSeconds = 30): bigint {
  return BigInt(Math.floor(at.getTime() / 1000 / stepSeconds));
}

export function totp(secret: Uint8Array, at: Date, opts: { digits?: number; algorithm?: TotpAlgorithm; stepSeconds?: number } = {}): string {
  return hotp(secret, totpStep(at, opts.stepSeconds), opts.digits ?? 6, opts.algorithm ?? "sha1");
}

/**
 * Checks a 6-digit code against the steps now-window..now+window and returns the matching step
 * (so the caller can refuse its reuse), or null. Compares in constant time.
 */
export function verifyTotpCode(secret: Uint8Array, code: string, at: Date, window = 1): bigint | null {
  if (!/^\d{6}$/.test(code)) return null;
  const now = totpStep(at);
  let found: bigint | null = null;
  for (let d = -window; d <= window; d++) {
    const step = now + BigInt(d);
    if (step < 0n) continue;
    const expected = Buffer.from(hotp(secret, step));
    if (timingSafeEqual(expected, Buffer.from(code)) && found === null) found = step;
  }
  return found;
}

export function otpauthUri(issuer: string, account: string, secretBase32: string): string {
  const label = encodeURIComponent(`${issuer}:${account}`);
  return `otpauth://totp/${label}?secret=${secretBase32}&issuer=${encodeURIComponent(issuer)}&algorithm=SHA1&digits=6&period=30`;
}
