// Starts one private PostgreSQL server for the whole test run and hands its URL to the suites
// (inject("pgUrl")). Each suite creates its own database on it (test/support/stores.ts).
import type { TestProject } from "vitest/node";
import { startPgCluster } from "./pg-cluster.ts";

declare module "vitest" {
  export interface ProvidedContext {
    pgUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  // Spawned ./bin/ets runs the compiled CLI only when it is current: build it from these sources.
  // @ts-expect-error: a plain ES module without types
  const { buildStep, STEPS } = await import("../../scripts/build.mjs");
  await buildStep((STEPS as Array<{ name: string }>).find((s) => s.name === "cli") as never);
  const cluster = await startPgCluster();
  project.provide("pgUrl", cluster.url);
  return () => cluster.stop();
}
