// The client's address, for rate limits, sign-in throttling and the audit trail. Behind N trusted
// reverse proxies (OPENETS_TRUST_PROXY=N) it is the X-Forwarded-For entry N hops from the right:
// each proxy appends the address it saw, so the rightmost N entries were written by proxies we
// trust and the one they saw is the N-th from the right. Entries further left came from the client
// and prove nothing. With 0 hops (the default) only the socket's peer address counts.
import { isIP } from "node:net";

/** How much of the end of X-Forwarded-For is read: the trusted entries are the last ones, whatever a client put before them. */
const MAX_TAIL = 2048;

/** An address as written by a proxy: "a.b.c.d", "a.b.c.d:port", "v6" or "[v6]:port"; undefined if it is none of those. */
function address(entry: string): string | undefined {
  if (entry.length > 64) return undefined;
  const bracketed = /^\[([0-9A-Fa-f:.]+)\](?::\d{1,5})?$/.exec(entry);
  const candidate = bracketed ? (bracketed[1] as string) : /^[0-9.]+:\d{1,5}$/.test(entry) ? (entry.split(":")[0] as string) : entry;
  return isIP(candidate) === 0 ? undefined : candidate;
}

/**
 * The client address: `socket` when hops is 0 or no usable header came; else the X-Forwarded-For
 * entry `hops` from the right (or the leftmost, when fewer arrived: every entry was then written by
 * a trusted proxy). A trusted entry that is not an address falls back to the socket.
 */
export function clientAddress(socket: string | undefined, forwardedFor: string | undefined, hops: number): string {
  const peer = socket ?? "local";
  if (hops <= 0 || forwardedFor === undefined) return peer;
  // A long header is cut from the left (where the client writes), dropping the entry the cut split.
  const cut = forwardedFor.length > MAX_TAIL;
  const entries = (cut ? forwardedFor.slice(-MAX_TAIL) : forwardedFor).split(",").slice(cut ? 1 : 0).map((e) => e.trim()).filter((e) => e.length > 0);
  if (entries.length === 0) return peer;
  const trusted = entries[Math.max(0, entries.length - hops)] as string;
  return address(trusted) ?? peer;
}
