// Loads the HiGHS LP solver (the `highs` package, WebAssembly) for the simulator's differential
// test and benchmark. The package is CommonJS with an ES default export in its types, so the
// loader is picked from whichever shape the module system hands over.
import * as highsModule from "highs";
import type { Highs } from "highs";
import type { Scenario } from "../../src/simulator/scenario.ts";
import { scenarioToLp } from "../../src/simulator/lp.ts";

type Loader = () => Promise<Highs>;

export async function loadHighs(): Promise<Highs> {
  const m = highsModule as unknown as { default: Loader | { default: Loader } };
  const f = typeof m.default === "function" ? m.default : m.default.default;
  return f();
}

/** Prices of a deterministic scenario from the LP duals (per year, undiscounted). */
export function lpPrices(h: Highs, s: Scenario): number[] {
  const m = scenarioToLp(s);
  const r = h.solve(m.text, { output_flag: false });
  if (r.Status !== "Optimal") throw new Error(`LP status ${r.Status}`);
  const rows = r.Rows as unknown as readonly { Name: string; Dual: number }[];
  const byName = new Map<string, number>(rows.map((row) => [row.Name, row.Dual]));
  return m.rows.map((name, t) => (byName.get(name) as number) / (m.discount[t] as number));
}
