// Sign-in in two steps: user id and password; then, when the user's role needs a second factor,
// the 6-digit code of the authenticator app (the server's challenge is kept only in this page).
// On a demo server the demo users are listed, since their passwords are public anyway.
import { type FormEvent, useState } from "react";
import type { MessageKey } from "../../../src/i18n/index.ts";
import { post, setCsrfToken } from "../api/client.ts";
import type { SignInAnswer } from "../api/types.ts";
import { Data, ErrorBox, Field, PageTitle } from "../components/ui.tsx";
import { useT } from "../i18n/context.tsx";
import { navigate, useLocation } from "../router.tsx";
import { useScheme } from "../scheme.tsx";
import { useSession } from "../session.tsx";

const DEMO_USERS = ["demo-admin", "demo-admin-2", "demo-auditor", "demo-rep-a", "demo-rep-b", "demo-verifier"] as const;

/** Only paths of this site: an open redirect through ?next= is not possible. */
function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

export function SignInPage() {
  const { t, tn } = useT();
  const { me, refresh } = useSession();
  const scheme = useScheme();
  const { search } = useLocation();
  const [userId, setUserId] = useState("");
  const [password, setPassword] = useState("");
  const [challenge, setChallenge] = useState<string | null>(null);
  const [code, setCode] = useState("");
  const [codeError, setCodeError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  async function done(a: SignInAnswer): Promise<void> {
    if (a.kind === "totp-required") {
      setChallenge(a.challenge);
      return;
    }
    setCsrfToken(a.csrfToken);
    await refresh();
    navigate(safeNext(search.get("next")), { replace: true });
  }

  async function submitPassword(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await done(await post<SignInAnswer>("/v1/auth/sign-in", { userId: userId.trim(), password }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function submitCode(e: FormEvent) {
    e.preventDefault();
    if (!/^[0-9]{6}$/.test(code.trim())) {
      setCodeError(t("signIn.codeFormat"));
      return;
    }
    setCodeError(null);
    setBusy(true);
    setError(undefined);
    try {
      await done(await post<SignInAnswer>("/v1/auth/totp", { challenge, code: code.trim() }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <PageTitle title="signIn.title" />
      {me ? <p>{tn("signIn.already", { user: <Data>{me.userId}</Data> })}</p> : null}
      <ErrorBox error={error} />
      {challenge === null ? (
        <form onSubmit={submitPassword} aria-describedby="sign-in-intro">
          <p id="sign-in-intro">{t("signIn.intro")}</p>
          <Field label="signIn.userId" name="userId" autoComplete="username" required value={userId} onChange={(e) => setUserId(e.target.value)} />
          <Field label="signIn.password" name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
          <button type="submit" className="primary" disabled={busy}>
            {t("signIn.submit")}
          </button>
        </form>
      ) : (
        <form onSubmit={submitCode}>
          <h2>{t("signIn.codeTitle")}</h2>
          <Field
            label="signIn.code"
            hint="signIn.codeHint"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]{6}"
            maxLength={6}
            required
            autoFocus
            value={code}
            error={codeError}
            onChange={(e) => setCode(e.target.value)}
          />
          <div className="actions">
            <button type="submit" className="primary" disabled={busy}>
              {t("signIn.codeSubmit")}
            </button>
            <button type="button" className="secondary" onClick={() => { setChallenge(null); setCode(""); setPassword(""); }}>
              {t("signIn.restart")}
            </button>
          </div>
        </form>
      )}
      {scheme?.demo ? (
        <section aria-labelledby="demo-h">
          <h2 id="demo-h">{t("signIn.demoTitle")}</h2>
          <p>{tn("signIn.demoText", { suffix: <code translate="no">-password</code>, example: <code translate="no">demo-rep-a-password</code> })}</p>
          <ul>
            {DEMO_USERS.map((u) => (
              <li key={u}>
                <Data>{u}</Data>: {tn(`signIn.demo.${u}` as MessageKey, { a: <Data>Hokkai Steel</Data>, b: <Data>Kanto Cement</Data> })}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
