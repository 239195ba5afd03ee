// Who is signed in: the answer of /v1/auth/me (undefined while loading, null when nobody), kept
// in a context so the header and the pages agree. Signing in stores the session's CSRF token for
// state-changing requests; a reloaded page gets it again from /v1/auth/me.
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { ApiError, get, post, setCsrfToken } from "./api/client.ts";
import type { Me } from "./api/types.ts";

export interface Session {
  me: Me | null | undefined;
  refresh(): Promise<Me | null>;
  signOut(): Promise<void>;
}

const Ctx = createContext<Session | null>(null);

export function SessionProvider(props: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const refresh = useCallback(async () => {
    try {
      const m = await get<Me>("/v1/auth/me");
      if (m.csrfToken) setCsrfToken(m.csrfToken);
      setMe(m);
      return m;
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        setCsrfToken(null);
        setMe(null);
        return null;
      }
      setMe(null);
      return null;
    }
  }, []);
  const signOut = useCallback(async () => {
    try {
      await post("/v1/auth/sign-out");
    } catch {
      // signed out on this side either way
    }
    setCsrfToken(null);
    setMe(null);
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const value = useMemo(() => ({ me, refresh, signOut }), [me, refresh, signOut]);
  return <Ctx.Provider value={value}>{props.children}</Ctx.Provider>;
}

export function useSession(): Session {
  const v = useContext(Ctx);
  if (!v) throw new Error("useSession outside SessionProvider");
  return v;
}

/** What the signed-in user may see in the console (the API decides what they may do). */
export function abilities(me: Me | null | undefined) {
  const roles = new Set(me?.roles ?? []);
  const representative = (me?.representing.length ?? 0) > 0;
  return {
    signedIn: !!me,
    admin: roles.has("national-admin"),
    authority: roles.has("authority"),
    verifier: roles.has("verifier"),
    representative,
    /** May read the registry (accounts, holdings, transactions). */
    registry: roles.has("national-admin") || roles.has("authority") || representative,
    /** May run analyses (allocation, simulator): any signed-in user with a role. */
    analyses: roles.size > 0 || representative,
  };
}
