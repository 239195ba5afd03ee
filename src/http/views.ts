// Ledger views to JSON: bigint amounts become decimal strings; pagination with opaque cursors.
import { checkProblem, jsonSafe, ProblemError } from "./problem.ts";

export function toJson<T>(v: T): unknown {
  return jsonSafe(v);
}

export const DEFAULT_PAGE = 50;

export function encodeCursor(key: string): string {
  return Buffer.from(key, "utf8").toString("base64url");
}

/** The problem of a cursor this API did not make (8206). */
export function cursorInvalid(): ProblemError {
  return new ProblemError(checkProblem("CURSOR_INVALID", "cursor is not one this API returned: pass the nextCursor of the previous page"));
}

/** A cursor's key parsed by the list's own rule (src/registry/page-key.ts); one it cannot read answers 8206. */
export function parsedKey<K>(key: string, parse: (key: string) => K | undefined): K {
  const k = parse(key);
  if (k === undefined) throw cursorInvalid();
  return k;
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined || cursor === "") return undefined;
  const bad = cursorInvalid;
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) throw bad();
  const key = Buffer.from(cursor, "base64url").toString("utf8");
  if (key.length === 0 || key.length > 300 || /[\u0000-\u001f\ufffd]/.test(key)) throw bad();
  return key;
}

/**
 * A keyset page asked for by PageQuery: the key to start after (the decoded cursor), the page
 * size (default 50) and how many rows to fetch: one more than the page, to know whether more exist
 * (pageOf then cuts the page and makes the next cursor).
 */
export function pageRequest(query: { limit?: number | undefined; cursor?: string | undefined }, defaultLimit = DEFAULT_PAGE): { after: string | undefined; limit: number; take: number } {
  const limit = query.limit ?? defaultLimit;
  return { after: decodeCursor(query.cursor), limit, take: limit + 1 };
}

/** pageRequest for a list keyed by a whole number (a bid number): any other cursor answers 8206. */
export function pageRequestNumber(query: { limit?: number | undefined; cursor?: string | undefined }, defaultLimit = DEFAULT_PAGE): { after: number | undefined; limit: number; take: number } {
  const r = pageRequest(query, defaultLimit);
  if (r.after !== undefined && !/^(0|[1-9][0-9]{0,14})$/.test(r.after)) throw cursorInvalid();
  return { ...r, after: r.after === undefined ? undefined : Number(r.after) };
}

/** A page of a service list as the API's JSON page: the next cursor made opaque. */
export function pageJson<T>(p: { items: T[]; next: string | null }): { items: T[]; nextCursor: string | null } {
  return { items: p.items, nextCursor: p.next === null ? null : encodeCursor(p.next) };
}

/** Given up to limit+1 items (fetched one more than asked), the page and the cursor of the next. */
export function pageOf<T>(items: T[], limit: number, key: (t: T) => string): { items: T[]; nextCursor: string | null } {
  const more = items.length > limit;
  const shown = more ? items.slice(0, limit) : items;
  const last = shown[shown.length - 1];
  return { items: shown, nextCursor: more && last !== undefined ? encodeCursor(key(last)) : null };
}

/**
 * A page of a list a service answers whole (an account's representatives or trusted list, a
 * user's tokens: short lists, but every list of the API pages the same way): the items in the
 * order of their key, those after the cursor, at most `limit`, and the cursor of the next page.
 */
export function pageWhole<T>(all: readonly T[], query: { limit?: number | undefined; cursor?: string | undefined }, key: (t: T) => string, defaultLimit = 50): { items: T[]; nextCursor: string | null } {
  const after = decodeCursor(query.cursor);
  const limit = query.limit ?? defaultLimit;
  const sorted = [...all].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const rest = after === undefined ? sorted : sorted.filter((x) => key(x) > after);
  return pageOf(rest.slice(0, limit + 1), limit, key);
}

/** The order of a user's tokens: oldest first, then by id. */
export const tokenKey = (t: { createdAt: string; tokenId: string }): string => `${t.createdAt}/${t.tokenId}`;

/** The order of a trusted list: by trusted account, then entry id (numeric, so padded). */
export const trustedKey = (e: { trustedAccountId: string; entryId: string }): string => `${e.trustedAccountId}/${e.entryId.padStart(19, "0")}`;

/** Drops keys whose value is undefined (zod's optional output meets exactOptionalPropertyTypes). */
export function defined<T extends Record<string, unknown>>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as { [K in keyof T]: Exclude<T[K], undefined> };
}
