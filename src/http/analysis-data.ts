// What the analysis routes (allocation, baselines, simulator) read from the server's own files:
// the rulebook presets (presets/), the datasets (folders of data/ with a dataset.json) and the
// example scenarios (examples/scenarios/). Only these named files can be used, never a path from
// a request; each is read once and kept (a few of each). Results of allocation runs are pure
// functions of (rulebook, dataset, year) and kept in a small LRU.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, extname, join, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import type { Rulebook } from "../domain/rulebook/index.ts";
import { type Dataset, loadDataset } from "../io/dataset.ts";
import { listPresets, loadRulebook } from "../io/rulebook.ts";

export const DATA_DIR = resolve(import.meta.dirname, "../../data");
export const SCENARIO_DIR = resolve(import.meta.dirname, "../../examples/scenarios");

const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** A small least-recently-used map. */
export class Lru<K, V> {
  private readonly m = new Map<K, V>();
  constructor(private readonly max: number) {}
  get(k: K): V | undefined {
    const v = this.m.get(k);
    if (v !== undefined) {
      this.m.delete(k);
      this.m.set(k, v);
    }
    return v;
  }
  delete(k: K): void {
    this.m.delete(k);
  }
  set(k: K, v: V): void {
    this.m.delete(k);
    this.m.set(k, v);
    while (this.m.size > this.max) this.m.delete(this.m.keys().next().value as K);
  }
}

export interface DatasetInfo {
  id: string;
  name: string;
  description: string | null;
  currency: string;
  year: number;
}

export interface ScenarioPreset {
  id: string;
  name: string;
  description: string | null;
  rulebook: string | null;
  text: string;
}

export class AnalysisData {
  private readonly datasets = new Lru<string, Promise<Dataset>>(4);
  private readonly rulebooks = new Map<string, Rulebook>();
  readonly results = new Lru<string, unknown>(32);

  constructor(readonly dataDir: string = DATA_DIR, readonly scenarioDir: string = SCENARIO_DIR) {}

  presetIds(): string[] {
    return listPresets();
  }

  /** A rulebook preset by name, or undefined for a name that is not one. */
  rulebook(id: string): Rulebook | undefined {
    if (!ID.test(id) || !this.presetIds().includes(id)) return undefined;
    let rb = this.rulebooks.get(id);
    if (!rb) {
      rb = loadRulebook(id);
      this.rulebooks.set(id, rb);
    }
    return rb;
  }

  /** The datasets on the server: folders of data/ with a dataset.json. */
  datasetInfos(): DatasetInfo[] {
    if (!existsSync(this.dataDir)) return [];
    return readdirSync(this.dataDir)
      .filter((n) => ID.test(n) && statSync(join(this.dataDir, n)).isDirectory() && existsSync(join(this.dataDir, n, "dataset.json")))
      .sort()
      .map((id) => {
        const meta = JSON.parse(readFileSync(join(this.dataDir, id, "dataset.json"), "utf8")) as { name: string; description?: string; currency: string; year: number };
        return { id, name: meta.name, description: meta.description ?? null, currency: meta.currency, year: meta.year };
      });
  }

  /** A dataset by id (loaded once), or undefined for an id that is not one. */
  dataset(id: string): Promise<Dataset> | undefined {
    if (!ID.test(id) || !this.datasetInfos().some((d) => d.id === id)) return undefined;
    let p = this.datasets.get(id);
    if (!p) {
      p = loadDataset(join(this.dataDir, id));
      // A failed load is not kept: the next request tries again.
      p.catch(() => this.datasets.delete(id));
      this.datasets.set(id, p);
    }
    return p;
  }

  /** The example scenarios (not compare files), with their text for the simulator. */
  scenarios(): ScenarioPreset[] {
    if (!existsSync(this.scenarioDir)) return [];
    const out: ScenarioPreset[] = [];
    for (const f of readdirSync(this.scenarioDir).sort()) {
      if (![".yaml", ".yml", ".json"].includes(extname(f))) continue;
      const text = readFileSync(join(this.scenarioDir, f), "utf8");
      let value: unknown;
      try {
        value = extname(f) === ".json" ? JSON.parse(text) : parseYaml(text);
      } catch {
        continue;
      }
      if (typeof value !== "object" || value === null || "compare" in value) continue;
      const v = value as { name?: unknown; description?: unknown; rulebook?: unknown };
      const id = basename(f, extname(f));
      if (!ID.test(id)) continue;
      out.push({
        id,
        name: typeof v.name === "string" ? v.name : id,
        description: typeof v.description === "string" ? v.description : headerComment(text),
        rulebook: typeof v.rulebook === "string" ? v.rulebook : null,
        text,
      });
    }
    return out;
  }
}

/** The leading comment lines of a YAML file, joined: the examples describe themselves there. */
function headerComment(text: string): string | null {
  const lines: string[] = [];
  for (const l of text.split("\n")) {
    if (!l.startsWith("#")) break;
    lines.push(l.replace(/^#\s?/, ""));
  }
  return lines.length > 0 ? lines.join(" ") : null;
}
