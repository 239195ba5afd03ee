// API tokens `ets login` keeps for talking to a registry server: one file under the user's config
// folder ($XDG_CONFIG_HOME/openets, else ~/.config/openets; OPENETS_CONFIG_DIR overrides), folder
// 0700 and file 0600 (a token is as good as the password for what its scopes allow), written
// atomically. Per server (its origin), per user, and which user is the default there.
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export interface Credential {
  userId: string;
  token: string;
  tokenId: string;
  expiresAt: string;
}

export interface CredentialsFile {
  servers: Record<string, { default?: string; users: Record<string, Credential> }>;
}

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.OPENETS_CONFIG_DIR) return env.OPENETS_CONFIG_DIR;
  return join(env.XDG_CONFIG_HOME || join(homedir(), ".config"), "openets");
}

export const credentialsPath = (env: NodeJS.ProcessEnv = process.env) => join(configDir(env), "credentials.json");

/** A server URL as the key of its credentials: its origin (scheme, host, port). */
export function serverKey(url: string): string {
  return new URL(url).origin;
}

export function loadCredentials(env: NodeJS.ProcessEnv = process.env): CredentialsFile {
  try {
    const v = JSON.parse(readFileSync(credentialsPath(env), "utf8")) as Partial<CredentialsFile>;
    return { servers: typeof v.servers === "object" && v.servers !== null ? v.servers : {} };
  } catch {
    return { servers: {} };
  }
}

export function saveCredentials(file: CredentialsFile, env: NodeJS.ProcessEnv = process.env): string {
  const dir = configDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = credentialsPath(env);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
  return path;
}

/** The credential for a user at a server (the server's default user when none is named). */
export function credentialFor(url: string, userId: string | undefined, env: NodeJS.ProcessEnv = process.env): Credential | undefined {
  const s = loadCredentials(env).servers[serverKey(url)];
  if (!s) return undefined;
  const who = userId ?? s.default;
  return who === undefined ? undefined : s.users[who];
}

export function storeCredential(url: string, c: Credential, env: NodeJS.ProcessEnv = process.env): string {
  const file = loadCredentials(env);
  const key = serverKey(url);
  const s = file.servers[key] ?? { users: {} };
  s.users[c.userId] = c;
  s.default = c.userId;
  file.servers[key] = s;
  return saveCredentials(file, env);
}

/** Forgets a user's credential at a server; returns it (to revoke its token) when there was one. */
export function forgetCredential(url: string, userId: string | undefined, env: NodeJS.ProcessEnv = process.env): Credential | undefined {
  const file = loadCredentials(env);
  const key = serverKey(url);
  const s = file.servers[key];
  const who = userId ?? s?.default;
  if (!s || who === undefined || !s.users[who]) return undefined;
  const c = s.users[who];
  delete s.users[who];
  if (s.default === who) {
    const rest = Object.keys(s.users);
    if (rest[0] === undefined) delete s.default;
    else s.default = rest[0];
  }
  if (Object.keys(s.users).length === 0) delete file.servers[key];
  saveCredentials(file, env);
  return c;
}
