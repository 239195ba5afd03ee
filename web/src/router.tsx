// A small history router: paths like /registry/accounts/:accountId, links that navigate without a
// reload, and the current location as a React store. The server answers every console path with
// the app (src/http/console.ts), so a reload or a shared link lands on the same page.
import { type AnchorHTMLAttributes, type MouseEvent, useSyncExternalStore } from "react";

type Listener = () => void;
const listeners = new Set<Listener>();
function emit(): void {
  for (const l of listeners) l();
}
if (typeof window !== "undefined") {
  window.addEventListener("popstate", () => {
    navigated = true;
    emit();
  });
}

function subscribe(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

const snapshot = () => window.location.pathname + window.location.search;

export function useLocation(): { pathname: string; search: URLSearchParams } {
  const href = useSyncExternalStore(subscribe, snapshot);
  const u = new URL(href, "http://x");
  return { pathname: u.pathname, search: u.searchParams };
}

let navigated = false;

/** True once the user moved to another page inside the app (not on the page the browser loaded). */
export function hasNavigated(): boolean {
  return navigated;
}

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (opts.replace) window.history.replaceState(null, "", to);
  else {
    window.history.pushState(null, "", to);
    navigated = true;
  }
  emit();
}

/** Parameters of a path against a pattern ("/a/:id"), or null when it does not match. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const p = pattern.split("/").filter(Boolean);
  const a = pathname.replace(/\/+$/, "").split("/").filter(Boolean);
  if (p.length !== a.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const seg = p[i] as string;
    const val = a[i] as string;
    if (seg.startsWith(":")) {
      try {
        params[seg.slice(1)] = decodeURIComponent(val);
      } catch {
        return null;
      }
    } else if (seg !== val) return null;
  }
  return params;
}

/** Builds a path from a pattern and values (each value encoded). */
export function pathTo(pattern: string, params: Record<string, string> = {}): string {
  return pattern.replace(/:([A-Za-z]+)/g, (_, k: string) => encodeURIComponent(params[k] ?? ""));
}

export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const { to, onClick, ...rest } = props;
  const click = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={click} {...rest} />;
}
