// Goal: `npm start` works: a fresh start seeds the demo registry and prints the demo users,
// /health answers, the demo users can sign in; a second start on the same data directory does
// not seed again; production mode refuses to start without an administrator from the environment.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "openets-main-"));

async function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, () => {
      const a = s.address();
      s.close(() => res(typeof a === "object" && a ? a.port : 0));
    });
  });
}

function start(env: Record<string, string>): { child: ChildProcess; output: () => string; ready: Promise<number | null> } {
  let out = "";
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: "warn", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const ready = new Promise<number | null>((res) => {
    child.stdout?.on("data", (d) => {
      out += String(d);
      if (out.includes("OpenETS listening")) res(0);
    });
    child.stderr?.on("data", (d) => {
      out += String(d);
    });
    child.on("exit", (code) => res(code));
  });
  return { child, output: () => out, ready };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((res) => {
    child.on("exit", () => res());
    child.kill("SIGTERM");
  });
}

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("npm start", () => {
  it("seeds the demo on the first start, answers /health, and lets demo users sign in", async () => {
    const port = await freePort();
    const s = start({ PORT: String(port), DATABASE_URL: join(dir, "data") });
    try {
      expect(await s.ready).toBe(0);
      expect(s.output()).toContain("DEMO registry seeded");
      expect(s.output()).toMatch(/demo-admin\s+password demo-admin-password/);
      expect(s.output()).toMatch(/demo-rep-b\s+password demo-rep-b-password/);
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(await health.json()).toEqual({ ok: true, store: "pglite" });
      const sign = await fetch(`http://127.0.0.1:${port}/v1/auth/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId: "demo-rep-b", password: "demo-rep-b-password" }) });
      expect(sign.status).toBe(200);
      const cookie = (sign.headers.get("set-cookie") ?? "").split(";")[0] as string;
      const waiting = (await (await fetch(`http://127.0.0.1:${port}/v1/transactions/awaiting-my-approval`, { headers: { cookie } })).json()) as { items: Array<{ id: string; key: string; initiator: string }> };
      expect(waiting.items.map((t) => [t.key, t.initiator])).toContainEqual(["demo-held-1", "demo-rep-a"]);
      const accounts = (await (await fetch(`http://127.0.0.1:${port}/v1/public/accounts?limit=500`)).json()) as { items: unknown[] };
      expect(accounts.items.length).toBe(19);
    } finally {
      await stop(s.child);
    }
  }, 180_000);

  it("does not seed again on a second start", async () => {
    const port = await freePort();
    const s = start({ PORT: String(port), DATABASE_URL: join(dir, "data") });
    try {
      expect(await s.ready).toBe(0);
      expect(s.output()).not.toContain("DEMO registry seeded");
      expect(s.output()).toContain("already seeded");
      const accounts = (await (await fetch(`http://127.0.0.1:${port}/v1/public/accounts?limit=500`)).json()) as { items: unknown[] };
      expect(accounts.items.length).toBe(19);
    } finally {
      await stop(s.child);
    }
  }, 180_000);

  it("refuses production mode without an administrator from the environment, and demo credentials", async () => {
    const a = start({ PORT: String(await freePort()), DATABASE_URL: join(dir, "prod"), OPENETS_MODE: "production" });
    expect(await a.ready).toBe(2);
    expect(a.output()).toContain("no default credentials");
    const b = start({ PORT: String(await freePort()), DATABASE_URL: join(dir, "prod"), OPENETS_MODE: "production", OPENETS_ADMIN_USER: "demo-admin", OPENETS_ADMIN_PASSWORD: "demo-admin-password" });
    expect(await b.ready).toBe(2);
    expect(b.output()).toContain("refuses demo");
  }, 180_000);

  it("creates the first administrator in production from the environment; sign-in then needs the second factor", async () => {
    const port = await freePort();
    const s = start({ PORT: String(port), DATABASE_URL: join(dir, "prod"), OPENETS_MODE: "production", OPENETS_ADMIN_USER: "registrar", OPENETS_ADMIN_PASSWORD: "a-long-registrar-password" });
    try {
      expect(await s.ready).toBe(0);
      expect(s.output()).toContain("First administrator registrar created");
      expect(s.output()).toMatch(/TOTP secret .*otpauth:\/\//);
      expect(s.output()).not.toContain("DEMO");
      const res = await fetch(`http://127.0.0.1:${port}/v1/auth/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId: "registrar", password: "a-long-registrar-password" }) });
      expect(((await res.json()) as { kind: string }).kind).toBe("totp-required");
      expect(res.headers.get("strict-transport-security")).toMatch(/max-age/);
    } finally {
      await stop(s.child);
    }
  }, 180_000);
});
