// What the middleware reads of a request: whether its method changes state, the client's address
// (behind the configured number of trusted proxies), and its path as sent.
import { randomBytes } from "node:crypto";
import type { Context } from "hono";
import { clientAddress } from "../client-address.ts";

/** Methods that change state: CSRF proofs, text checks and audit rows of refusals apply to them. */
export const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function clientIp(c: Context, trustProxy: number): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return clientAddress(env?.incoming?.socket?.remoteAddress, c.req.header("x-forwarded-for"), trustProxy);
}

/** The path of a URL as sent, before percent-decoding. */
export function rawPath(url: string): string {
  const start = url.indexOf("/", url.indexOf("://") + 3);
  const end = url.slice(start).search(/[?#]/);
  return end < 0 ? url.slice(start) : url.slice(start, start + end);
}

/**
 * A request's id: 16 random hex digits, cut from a pool of random bytes drawn 4 KiB at a time (a
 * draw of 8 bytes per request was a measurable part of a cheap request's cost). An id is a label
 * for logs and problems, not a secret.
 */
let pool = Buffer.alloc(0);
let used = 0;
export function requestId(): string {
  if (used + 8 > pool.length) {
    pool = randomBytes(4096);
    used = 0;
  }
  used += 8;
  return pool.toString("hex", used - 8, used);
}
