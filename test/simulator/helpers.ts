// Shared helpers of the simulator tests.
import { parseScenario } from "../../src/simulator/scenario.ts";
import type { Scenario } from "../../src/simulator/scenario.ts";

export function parse(v: Record<string, unknown>): Scenario {
  const r = parseScenario(v);
  if (!r.ok) throw new Error(`${r.path}: ${r.message}`);
  return r.scenario;
}
