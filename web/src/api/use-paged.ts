// A list the API returns in pages (items + nextCursor): the first page, then "show more" appends
// the next. A new base path (a filter changed) starts again.
import { useCallback, useEffect, useState } from "react";
import { get, qs } from "./client.ts";
import type { Page } from "./types.ts";

export interface Paged<T> {
  items: T[];
  error: unknown;
  loading: boolean;
  more: (() => void) | null;
  reload(): void;
}

export function usePaged<T>(path: string | null, limit = 50): Paged<T> {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(path !== null);
  const [tick, setTick] = useState(0);
  const url = useCallback((c: string | null) => `${path}${path?.includes("?") ? "&" : "?"}${qs({ limit, cursor: c }).slice(1)}`, [path, limit]);
  useEffect(() => {
    setItems([]);
    setCursor(null);
    setError(undefined);
    if (path === null) return;
    const ctl = new AbortController();
    setLoading(true);
    get<Page<T>>(url(null), ctl.signal).then(
      (p) => {
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
    return () => ctl.abort();
  }, [path, url, tick]);
  const more = useCallback(() => {
    if (cursor === null) return;
    setLoading(true);
    get<Page<T>>(url(cursor)).then(
      (p) => {
        setItems((xs) => [...xs, ...p.items]);
        setCursor(p.nextCursor ?? null);
        setLoading(false);
      },
      (e: unknown) => {
        setError(e);
        setLoading(false);
      },
    );
  }, [cursor, url]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { items, error, loading, more: cursor === null ? null : more, reload };
}
