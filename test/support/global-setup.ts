// Starts one private PostgreSQL server for the whole test run and hands its URL to the suites
// (inject("pgUrl")). Each suite creates its own database on it (test/support/stores.ts).
//
// It also migrates, once per run, the two starting points of a suite's migrated store: an archive
// of a migrated PGlite data directory (inject("pgliteImage"), a file) and a migrated database on
// the server to copy (inject("pgTemplate")). A new PGlite store in memory runs initdb inside WASM
// (2.7-3.1 s) and the migrations (0.4 s); one started from the archive takes about 1.1 s. A new
// server database and its migrations take 0.6-0.75 s; a copy of the template 0.05-0.1 s
// (docs/internals/testing.md). The migrations themselves still run in every test run: here, on
// both stores, and in the suites that migrate an empty store.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { migrate } from "../../src/store/migrate.ts";
import { pgliteImage } from "../../src/store/pglite.ts";
import { openPostgres } from "../../src/store/postgres.ts";
import { startPgCluster } from "./pg-cluster.ts";

declare module "vitest" {
  export interface ProvidedContext {
    pgUrl: string;
    /** The file holding the archive of a migrated PGlite data directory. */
    pgliteImage: string;
    /** A migrated database on the server, nobody connected, to copy (CREATE DATABASE ... TEMPLATE). */
    pgTemplate: string;
  }
}

export const TEMPLATE_DATABASE = "openets_migrated";

export default async function setup(project: TestProject): Promise<() => void> {
  // Spawned ./bin/ets runs the compiled CLI only when it is current: build it from these sources.
  // @ts-expect-error: a plain ES module without types
  const { buildStep, STEPS } = await import("../../scripts/build.mjs");
  await buildStep((STEPS as Array<{ name: string }>).find((s) => s.name === "cli") as never);
  const cluster = await startPgCluster();
  const dir = mkdtempSync(join(tmpdir(), "openets-image-"));
  const stop = () => {
    cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const admin = openPostgres(cluster.url, { max: 1 });
    try {
      await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
    } finally {
      await admin.close();
    }
    const template = openPostgres(cluster.urlFor(TEMPLATE_DATABASE), { max: 1 });
    try {
      await migrate(template);
    } finally {
      await template.close();
    }
    const image = join(dir, "pglite-migrated.tar");
    writeFileSync(image, new Uint8Array(await (await pgliteImage(migrate)).arrayBuffer()));
    project.provide("pgUrl", cluster.url);
    project.provide("pgliteImage", image);
    project.provide("pgTemplate", TEMPLATE_DATABASE);
  } catch (err) {
    stop();
    throw err;
  }
  return stop;
}
