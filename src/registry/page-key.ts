// The keys lists page by, shared by the API's cursors (src/http/views.ts) and the CLI's --after
// (src/cli/commands/registry/accounts.ts pages): a cursor is the key of the last item shown,
// base64url-encoded by either door, so a page printed by one continues on the other.

/**
 * A key of two parts joined by the first "/": the first matching `head` (a year, a link id: never
 * holding a "/"), the rest any text (an id that may itself hold one). Undefined when the key is
 * not of that form (each door answers its own error: 8206 on the API, --after on the CLI).
 */
export function splitKey(key: string, head: RegExp): [string, string] | undefined {
  const at = key.indexOf("/");
  if (at < 1 || at === key.length - 1) return undefined;
  const first = key.slice(0, at);
  return head.test(first) ? [first, key.slice(at + 1)] : undefined;
}

/** A key as the cursor both doors print and take (base64url), for a document that says where one of its lists goes on. */
export const cursorOf = (key: string): string => Buffer.from(key, "utf8").toString("base64url");

/** Given up to limit+1 rows (fetched one more than asked), the page and the key of its last row when more exist. */
export function rowsPage<T>(rows: T[], limit: number, key: (t: T) => string): { items: T[]; next: string | null } {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return { items, next: more && last !== undefined ? key(last) : null };
}

/** A link feed's key: the link, then the transfer (a link id holds no "/"). */
export const linkFeedKey = (t: { linkId: string; transferId: string }): string => `${t.linkId}/${t.transferId}`;
export function parseLinkFeedKey(key: string): { linkId: string; transferId: string } | undefined {
  const k = splitKey(key, /^[A-Z0-9][A-Z0-9-]{1,31}$/);
  return k === undefined ? undefined : { linkId: k[0], transferId: k[1] };
}

/** A verifier assignment's key: the year, then the installation (so an installation id may hold a "/"). */
export const assignmentKey = (a: { installation: string; year: number }): string => `${a.year}/${a.installation}`;
export function parseAssignmentKey(key: string): { installation: string; year: number } | undefined {
  const k = splitKey(key, /^[0-9]{4}$/);
  return k === undefined ? undefined : { year: Number(k[0]), installation: k[1] };
}

/** A key that is a whole number from 1 (a sequence number, as the Article 6 book's records are keyed). */
export function parseSeqKey(key: string): bigint | undefined {
  return /^[1-9][0-9]{0,17}$/.test(key) ? BigInt(key) : undefined;
}

/** A bidder's name (auction_bidders.bidder), the key an auction's payment records page by. */
export function parseBidderKey(key: string): string | undefined {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(key) ? key : undefined;
}
