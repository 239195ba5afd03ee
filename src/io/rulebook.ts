// Loading rulebooks: a preset name (presets/<name>.yaml) or a path to a .yaml/.yml/.json file.
// Errors name the file, the field path, the line when the file is YAML, and the reason.
import { readdirSync, readFileSync } from "node:fs";
import { basename, extname, join, resolve } from "node:path";
import { isNode, LineCounter, parseDocument } from "yaml";
import { formatPath, parseRulebook } from "../domain/rulebook/index.ts";
import type { Rulebook, RulebookError } from "../domain/rulebook/index.ts";
import { DEFAULT_SECURITY_CONFIG, type SecurityConfig } from "../domain/security/config.ts";

export const PRESETS_DIR = resolve(import.meta.dirname, "../../presets");

export interface LocatedError extends RulebookError {
  /** 1-based line in the file, when known. */
  line?: number;
}

export class RulebookLoadError extends Error {
  constructor(
    readonly file: string,
    readonly errors: readonly LocatedError[],
  ) {
    const only = errors.length === 1 ? errors[0] : undefined;
    if (only && only.path === "" && only.line === undefined) {
      super(`${file}: ${only.message}`);
      return;
    }
    super(`${file}: invalid rulebook\n${errors.map((e) => `  ${e.path || "(top level)"}${e.line === undefined ? "" : ` (line ${e.line})`}: ${e.message}`).join("\n")}`);
  }
}

/** Names of the presets shipped in presets/, sorted. */
export function listPresets(): string[] {
  return readdirSync(PRESETS_DIR)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => basename(f, ".yaml"))
    .sort();
}

/** Where a name or path points: presets/<name>.yaml for a bare preset name, else the path itself. */
export function rulebookFile(nameOrPath: string): string {
  if (/^[a-z0-9][a-z0-9-]*$/.test(nameOrPath) && listPresets().includes(nameOrPath)) return join(PRESETS_DIR, `${nameOrPath}.yaml`);
  return nameOrPath;
}

/** Parses rulebook text (YAML or JSON by the file's extension); returns the rulebook or located errors. */
export function parseRulebookText(text: string, file: string): { ok: true; rulebook: Rulebook } | { ok: false; errors: LocatedError[] } {
  const ext = extname(file).toLowerCase();
  if (ext === ".json") {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      return { ok: false, errors: [{ path: "", message: `not valid JSON (${err instanceof Error ? err.message : String(err)})` }] };
    }
    return parseRulebook(value);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => {
        const err: LocatedError = { path: "", message: `not valid YAML (${e.message.split("\n")[0] ?? e.code})` };
        const at = e.linePos?.[0]?.line ?? lineCounter.linePos(e.pos[0]).line;
        if (at !== undefined) err.line = at;
        return err;
      }),
    };
  }
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (err) {
    // An alias bomb (aliases of aliases expanding to billions of nodes): the yaml package stops it.
    return { ok: false, errors: [{ path: "", message: `not valid YAML (${err instanceof Error ? err.message : String(err)})` }] };
  }
  const r = parseRulebook(value);
  if (r.ok) return r;
  return {
    ok: false,
    errors: r.errors.map((e) => {
      const line = lineOf(doc, lineCounter, e.path);
      return line === undefined ? e : { ...e, line };
    }),
  };
}

/** The line of the deepest node on the path that exists in the YAML document. */
export function lineOf(doc: ReturnType<typeof parseDocument>, lc: LineCounter, path: string): number | undefined {
  const segs: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) segs.push(m[2] !== undefined ? Number(m[2]) : (m[1] as string));
  for (let n = segs.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(segs.slice(0, n), true);
    if (isNode(node) && node.range) return lc.linePos(node.range[0]).line;
  }
  return undefined;
}

/** Loads a preset by name or a rulebook file by path. Throws RulebookLoadError (file, paths, lines) when invalid. */
export function loadRulebook(nameOrPath: string): Rulebook {
  const file = rulebookFile(nameOrPath);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const presets = listPresets().join(", ");
    throw new RulebookLoadError(file, [
      { path: "", message: code === "ENOENT" ? `no such file or preset (presets: ${presets})` : `cannot read (${err instanceof Error ? err.message : String(err)})` },
    ]);
  }
  const r = parseRulebookText(text, file);
  if (!r.ok) throw new RulebookLoadError(file, r.errors);
  return r.rulebook;
}

/** A rulebook's value as written (YAML or JSON parsed, not validated): what a registry records. */
export function rulebookValue(nameOrPath: string): unknown {
  const file = rulebookFile(nameOrPath);
  const text = readFileSync(file, "utf8");
  return extname(file).toLowerCase() === ".json" ? (JSON.parse(text) as unknown) : parseDocument(text).toJS();
}

export { formatPath };

/**
 * The security rules of a rulebook: its `security` section (already a full SecurityConfig, absent
 * fields defaulted), or all defaults when the rulebook has no section or no rulebook is named.
 * Throws RulebookLoadError (file, field path, line) for a missing or invalid rulebook.
 */
export function securityConfigOf(nameOrPath: string | undefined): SecurityConfig {
  if (!nameOrPath) return DEFAULT_SECURITY_CONFIG;
  return loadRulebook(nameOrPath).security ?? DEFAULT_SECURITY_CONFIG;
}
