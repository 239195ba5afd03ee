// A list the API returns in pages (items + nextCursor): the first page, then "show more" appends
// the next. A new base path (a filter changed) or a reload starts again, and drops a "show more"
// still in flight: its page belongs to the list as it was, and appended to the new one it would
// show another list's rows (and hand on that list's cursor). `first` is the first page's whole
// answer, for a document whose items page (a period's status: its deadline beside its positions).
import { useCallback, useEffect, useRef, useState } from "react";
import { get, qs } from "./client.ts";
import type { Page } from "./types.ts";

export interface Paged<T, D extends Page<T> = Page<T>> {
  items: T[];
  first: D | undefined;
  error: unknown;
  loading: boolean;
  more: (() => void) | null;
  reload(): void;
}

export function usePaged<T, D extends Page<T> = Page<T>>(path: string | null, limit = 50): Paged<T, D> {
  const [items, setItems] = useState<T[]>([]);
  const [first, setFirst] = useState<D | undefined>(undefined);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(path !== null);
  const [tick, setTick] = useState(0);
  const moreCtl = useRef<AbortController | null>(null);
  const url = useCallback((c: string | null) => `${path}${path?.includes("?") ? "&" : "?"}${qs({ limit, cursor: c }).slice(1)}`, [path, limit]);
  useEffect(() => {
    setItems([]);
    setFirst(undefined);
    setCursor(null);
    setError(undefined);
    if (path === null) return;
    const ctl = new AbortController();
    setLoading(true);
    get<D>(url(null), ctl.signal).then(
      (p) => {
        if (ctl.signal.aborted) return;
        setFirst(p);
        setItems(p.items);
        setCursor(p.nextCursor ?? null);
        setLoading(false);
      },
      (e: unknown) => {
        if (ctl.signal.aborted) return;
        setError(e);
        setLoading(false);
      },
    );
    return () => {
      ctl.abort();
      moreCtl.current?.abort();
      moreCtl.current = null;
    };
  }, [path, url, tick]);
  const more = useCallback(() => {
    // One page at a time: a second press before the first's page came (a double click, two
    // activations before the button gave way to "loading") would fetch and append the same page.
    if (cursor === null || moreCtl.current !== null) return;
    const ctl = new AbortController();
    moreCtl.current = ctl;
    setError(undefined);
    setLoading(true);
    get<Page<T>>(url(cursor), ctl.signal).then(
      (p) => {
        if (ctl.signal.aborted) return;
        moreCtl.current = null;
        setItems((xs) => [...xs, ...p.items]);
        setCursor(p.nextCursor ?? null);
        setLoading(false);
      },
      (e: unknown) => {
        if (ctl.signal.aborted) return;
        moreCtl.current = null;
        setError(e);
        setLoading(false);
      },
    );
  }, [cursor, url]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { items, first, error, loading, more: cursor === null ? null : more, reload };
}

/**
 * The first page as `<Show>` takes it: "loading" or the failure until it arrives, then the page,
 * so a table shows once it has rows to show (later pages report through PagedFooter).
 */
export function firstPage<T, D extends Page<T>>(p: Paged<T, D>): { data: D | undefined; error: unknown; loading: boolean } {
  return { data: p.first, error: p.first === undefined ? p.error : undefined, loading: p.first === undefined && p.loading };
}
