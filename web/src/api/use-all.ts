// A list a page needs whole (the choices of a picker, a check against every entry): every page of a
// paged route, its cursor followed to the end, at the API's largest page. Bounded all the same: at
// most ALL_MAX_PAGES pages (10,000 items), past which the list stops and `complete` is false, so
// the page says it is cut (CutNotice) rather than look whole. A new path aborts the old reading.
import { useCallback } from "react";
import { get, qs } from "./client.ts";
import type { Page } from "./types.ts";
import { type Loaded, useLoaded } from "./use-api.ts";

/** The page size the reading asks for: the API's largest. */
export const ALL_PAGE_SIZE = 500;
/** How many pages a list a page needs whole is followed for, at most. */
export const ALL_MAX_PAGES = 20;

export interface All<T> {
  items: T[];
  /** False when the list has more than ALL_MAX_PAGES pages: `items` is its beginning only. */
  complete: boolean;
}

async function readAll<T>(path: string, signal: AbortSignal, maxPages: number): Promise<All<T>> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let n = 0; n < maxPages; n++) {
    const p: Page<T> = await get<Page<T>>(`${path}${path.includes("?") ? "&" : "?"}${qs({ limit: ALL_PAGE_SIZE, cursor }).slice(1)}`, signal);
    items.push(...p.items);
    cursor = p.nextCursor ?? null;
    if (cursor === null) return { items, complete: true };
  }
  return { items, complete: false };
}

export function useAll<T>(path: string | null, maxPages = ALL_MAX_PAGES): Loaded<All<T>> {
  const read = useCallback((p: string, signal: AbortSignal) => readAll<T>(p, signal, maxPages), [maxPages]);
  return useLoaded(path, read);
}
