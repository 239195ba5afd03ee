// Goal (issue 18): a client generated from the served OpenAPI document works without help. The
// real server (startServer, as `npm start` runs it, in demo mode on a fresh PGlite directory and a
// free port) serves the document; openapi-typescript turns it into types; the client flow in
// test/http/openapi-client/flow.ts (sign-in with the cookie and CSRF header the document declares,
// a transfer, a problem, the second representative's approval) type-checks under tsc --strict,
// with the misuses it marks refused by the types; then the flow runs against the server.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import openapiTS, { astToString } from "openapi-typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pathToFileURL } from "node:url";
import { startServer } from "../../src/http/server.ts";

/** The flow module's shape. It is loaded by path, so that the project's own type-check (which cannot see the generated types) leaves it to this test's. */
interface FlowModule {
  schemesOf(doc: unknown): { session: { in: "cookie"; name: string }; csrf: { in: "header"; name: string } };
  flow(baseUrl: string, schemes: ReturnType<FlowModule["schemesOf"]>, run: string): Promise<{
    signedIn: string[];
    transfer: { id: string; status: string; replayStatus: number };
    ownApproval: { status: number; code: number; check: string };
    approval: { status: string; by: string };
    unknownTransaction: { status: number; code: number };
  }>;
}

const ROOT = resolve(import.meta.dirname, "../..");
const CLIENT_DIR = join(ROOT, "test/http/openapi-client");
const dir = mkdtempSync(join(tmpdir(), "openets-client-"));
let server: { port: number; close(): Promise<void> } | undefined;
let baseUrl = "";
let doc: Record<string, unknown> = {};

beforeAll(async () => {
  server = await startServer({ PORT: "0", DATABASE_URL: join(dir, "pglite"), OPENETS_MODE: "demo" }, () => {});
  baseUrl = `http://127.0.0.1:${server.port}`;
  const res = await fetch(`${baseUrl}/openapi.json`);
  expect(res.status).toBe(200);
  doc = (await res.json()) as Record<string, unknown>;
}, 180_000);

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("a client generated from the served document", () => {
  it("generates types that type-check the client flow under tsc --strict, and refuse its marked misuses", async () => {
    const types = astToString(await openapiTS(doc as never));
    writeFileSync(join(dir, "api.d.ts"), types);
    // The generated types carry the security-relevant shapes: the discriminated sign-in answer and the problem's code.
    expect(types).toMatch(/kind: "session"/);
    expect(types).toMatch(/"totp-required"/);
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: "ES2023",
          lib: ["ES2023", "DOM", "DOM.Iterable"],
          module: "NodeNext",
          moduleResolution: "NodeNext",
          types: [],
          skipLibCheck: true,
          noUncheckedIndexedAccess: true,
          exactOptionalPropertyTypes: true,
          allowImportingTsExtensions: true,
          // The generated types, under the name the flow imports them by.
          paths: { "openets-api": [join(dir, "api.d.ts")] },
        },
        files: [join(CLIENT_DIR, "flow.ts")],
      }),
    );
    const tsc = spawnSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", join(dir, "tsconfig.json")], { encoding: "utf8", timeout: 180_000 });
    expect(`${tsc.stdout}${tsc.stderr}`).toBe("");
    expect(tsc.status).toBe(0);
  }, 240_000);

  it("runs the flow against the real server: sign-in through the declared schemes, a transfer, a problem, the approval", async () => {
    const { flow, schemesOf } = (await import(pathToFileURL(join(CLIENT_DIR, "flow.ts")).href)) as FlowModule;
    const schemes = schemesOf(doc);
    expect(schemes).toEqual({ session: { in: "cookie", name: "ets_session" }, csrf: { in: "header", name: "X-CSRF-Token" } });
    const run = String(Date.now());
    const r = await flow(baseUrl, schemes, run);
    expect(r.signedIn).toEqual(["demo-rep-a", "demo-rep-b"]);
    expect(r.transfer).toMatchObject({ key: `client-${run}`, status: "awaiting_approval", replayStatus: 200 });
    expect(r.transfer.id).toMatch(/^TX-[A-Z2-9]{20}$/);
    expect(r.ownApproval).toEqual({ status: 403, code: 8004, check: "four-eyes-same-person" });
    // JP-200-0003 is not on JP-200-0001's trusted list: approved, it waits for the transfer delay.
    expect(r.approval).toEqual({ status: "delayed", by: "demo-rep-b" });
    expect(r.unknownTransaction.status).toBe(404);
    expect(typeof r.unknownTransaction.code).toBe("number");
  }, 60_000);
});
