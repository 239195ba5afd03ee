// Goal (issue 15, item 3): a busy port is said in one line naming the port and how to pick another,
// before anything else happens (no store opened or seeded, no stack trace).
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { StartupError, startServer } from "../../src/http/server.ts";

const dir = mkdtempSync(join(tmpdir(), "ets-port-"));
let holder: Server | undefined;

afterAll(async () => {
  await new Promise<void>((r) => (holder ? holder.close(() => r()) : r()));
  rmSync(dir, { recursive: true, force: true });
});

describe("a port in use", () => {
  it("is refused in one line naming the port and another to use, before the store is opened", async () => {
    holder = createServer();
    const port = await new Promise<number>((res) => holder?.listen({ port: 0 }, () => res((holder?.address() as { port: number }).port)));
    const data = join(dir, "pglite");
    const lines: string[] = [];
    const err = await startServer({ PORT: String(port), DATABASE_URL: data, OPENETS_MODE: "demo" }, (l) => lines.push(l)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StartupError);
    expect((err as Error).message).toBe(`port ${port} is in use by another process: stop it, or start on another port, e.g. PORT=${port + 1} npm start`);
    expect((err as Error).message).not.toContain("\n");
    expect(existsSync(data)).toBe(false);
    expect(lines).toEqual([]);
  }, 60_000);
});
