// Reading from the API inside a page: the answer, the failure or "loading", and a reload after a
// command changed what the page shows. A new path aborts the request for the old one.
import { useCallback, useEffect, useState } from "react";
import { get } from "./client.ts";

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
}

export function useApi<T>(path: string | null): Loaded<T> {
  return useLoaded(path, get<T>);
}

/**
 * What `read(path)` answers, loaded inside a page: the same states and reload for every kind of
 * reading (one request, or every page of a list: use-all.ts). `read` must be a stable function
 * (a module-level one), since a new one would read again at every render.
 */
export function useLoaded<T>(path: string | null, read: (path: string, signal: AbortSignal) => Promise<T>): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({ data: undefined, error: undefined, loading: path !== null });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (path === null) {
      setState({ data: undefined, error: undefined, loading: false });
      return;
    }
    const ctl = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    read(path, ctl.signal).then(
      // An answer that arrives after its path changed (its body already read when the request
      // was aborted) is dropped, as usePaged drops a late page: the newer read's answer stands.
      (data) => {
        if (!ctl.signal.aborted) setState({ data, error: undefined, loading: false });
      },
      (error: unknown) => {
        if (!ctl.signal.aborted) setState({ data: undefined, error, loading: false });
      },
    );
    return () => ctl.abort();
  }, [path, read, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { ...state, reload };
}
