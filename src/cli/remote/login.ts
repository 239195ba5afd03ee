// `ets login` and `ets logout`: sign in to a registry server as a person does (password, then the
// one-time code when the user's roles need one), create an API token for the CLI with that
// session (tokens need a session: src/auth/tokens.ts), end the session, and keep the token in
// the user's config folder (credentials.ts, 0600). The token's scopes are every scope; the server
// still lets it do only what the user's roles allow. `ets logout` revokes the token and forgets it.
import { hostname } from "node:os";
import { printJson, t, UsageError } from "../io.ts";
import { ApiClient, problemError, RemoteProblem } from "./client.ts";
import { credentialFor, forgetCredential, storeCredential } from "./credentials.ts";
import { readSecret } from "./prompt.ts";
import { findTarget } from "./target.ts";

const ALL_SCOPES = ["read", "transfer:initiate", "transfer:approve", "admin", "audit:read", "verify"] as const;

/** The server a sign-in command means: --server, OPENETS_URL, or the server holding the data directory or recorded in the PostgreSQL store. */
async function serverOf(o: { server?: string | undefined; database?: string | undefined }): Promise<string> {
  const target = await findTarget(o);
  if (target.kind !== "http") throw new UsageError(t("cli.remote.noServer"), { code: "no-server", field: "--server" });
  return target.url;
}

async function call<T>(api: ApiClient, op: string, req: Parameters<ApiClient["call"]>[1], headers?: Record<string, string>): Promise<{ status: number; body: T; headers: Headers }> {
  try {
    return await api.callRaw<T>(op, req, headers);
  } catch (err) {
    throw err instanceof RemoteProblem ? problemError(err) : err;
  }
}

/** The session cookie (name=value) a sign-in answer set. */
function cookieOf(h: Headers): string | undefined {
  const raw = h.getSetCookie?.() ?? [];
  for (const c of raw) {
    const first = c.split(";")[0];
    if (first && first.includes("=")) return first;
  }
  return undefined;
}

export async function login(o: { server?: string; database?: string; user: string; totp?: string; days: string; json?: boolean }): Promise<void> {
  if (!/^\d{1,4}$/.test(o.days) || Number(o.days) < 1) throw new UsageError(`option --days: not a whole number of days from 1: ${JSON.stringify(o.days)}`, { field: "--days" });
  if (o.totp !== undefined && !/^\d{6}$/.test(o.totp)) throw new UsageError("option --totp: the one-time code is 6 digits", { field: "--totp" });
  const url = await serverOf(o);
  const password = await readSecret("OPENETS_PASSWORD", t("cli.remote.passwordPrompt", { user: o.user, url }));
  if (!password) throw new UsageError(t("cli.remote.noPassword"), { code: "password-missing", field: "--user" });
  const api = new ApiClient(url, undefined);
  let r = await call<{ kind: string; challenge?: string; csrfToken?: string }>(api, "signIn", { body: { userId: o.user, password, ...(o.totp ? { totp: o.totp } : {}) } });
  if (r.body.kind === "totp-required") {
    const code = o.totp ?? (await readSecret("OPENETS_TOTP", t("cli.remote.totpPrompt")));
    if (!code || !/^\d{6}$/.test(code)) throw new UsageError("option --totp: this user needs the 6-digit one-time code", { field: "--totp" });
    r = await call(api, "signInTotp", { body: { challenge: r.body.challenge, code } });
  }
  const cookie = cookieOf(r.headers);
  const csrf = r.body.csrfToken;
  if (!cookie || !csrf) throw new UsageError(t("cli.remote.noSession", { url }), { code: "server-unexpected" });
  const session = { cookie, "x-csrf-token": csrf };
  const created = await call<{ token: string; view: { tokenId: string; expiresAt: string } }>(
    api,
    "createToken",
    { body: { name: `ets CLI on ${hostname()}`.slice(0, 100), scopes: [...ALL_SCOPES], days: Number(o.days) } },
    session,
  );
  await call(api, "signOut", {}, session).catch(() => undefined);
  const tokenId = created.body.view.tokenId;
  const path = storeCredential(url, { userId: o.user, token: created.body.token, tokenId, expiresAt: created.body.view.expiresAt });
  if (o.json) printJson({ server: url, userId: o.user, tokenId, expiresAt: created.body.view.expiresAt, credentials: path });
  else process.stdout.write(`${t("cli.remote.signedIn", { user: o.user, url, until: created.body.view.expiresAt, path })}\n`);
}

export async function logout(o: { server?: string; database?: string; user?: string; json?: boolean }): Promise<void> {
  const url = await serverOf(o);
  const c = credentialFor(url, o.user);
  if (!c) throw new UsageError(t(o.user === undefined ? "cli.remote.notSignedIn" : "cli.remote.notSignedInAs", { url, user: o.user ?? "" }), { code: "not-signed-in", ...(o.user ? { field: "--user" } : {}) });
  const api = new ApiClient(url, c.token);
  // A token already revoked or expired is forgotten all the same.
  let revoked = true;
  try {
    await api.call("revokeToken", { params: { tokenId: c.tokenId } });
  } catch {
    revoked = false;
  }
  forgetCredential(url, c.userId);
  if (o.json) printJson({ server: url, userId: c.userId, revoked });
  else process.stdout.write(`${t("cli.remote.signedOut", { user: c.userId, url })}\n`);
}
