// Loading international rules: a mechanism file (presets/international/<name>.yaml, such as the
// UN mechanisms' rules in `unfccc`) or any YAML/JSON file in the shape of a rulebook's
// `international` section with an id, a name and sources. Errors name the file, the field path,
// the line (YAML) and the reason, as for rulebooks.
import { readdirSync, readFileSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { LineCounter, parseDocument } from "yaml";
import { formatPath } from "../domain/rulebook/index.ts";
import { type InternationalFile, internationalFileSchema } from "../domain/rulebook/international.ts";
import { type LocatedError, lineOf, PRESETS_DIR, RulebookLoadError } from "./rulebook.ts";

export const INTERNATIONAL_DIR = join(PRESETS_DIR, "international");

/** Names of the mechanism files in presets/international, sorted. */
export function listInternationalPresets(): string[] {
  return readdirSync(INTERNATIONAL_DIR)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => basename(f, ".yaml"))
    .sort();
}

function fileOf(nameOrPath: string): string {
  if (/^[a-z0-9][a-z0-9-]*$/.test(nameOrPath) && listInternationalPresets().includes(nameOrPath)) return join(INTERNATIONAL_DIR, `${nameOrPath}.yaml`);
  return nameOrPath;
}

/** Parses mechanism-file text (YAML, or JSON by extension); the rules, or errors with paths and lines. */
export function parseInternationalText(text: string, file: string): { ok: true; rules: InternationalFile } | { ok: false; errors: LocatedError[] } {
  let value: unknown;
  const lineCounter = new LineCounter();
  const doc = extname(file).toLowerCase() === ".json" ? undefined : parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc) {
    if (doc.errors.length > 0) return { ok: false, errors: doc.errors.map((e) => ({ path: "", message: `not valid YAML (${e.message.split("\n")[0] ?? e.code})`, line: lineCounter.linePos(e.pos[0]).line })) };
    value = doc.toJS();
  } else {
    try {
      value = JSON.parse(text);
    } catch (err) {
      return { ok: false, errors: [{ path: "", message: `not valid JSON (${err instanceof Error ? err.message : String(err)})` }] };
    }
  }
  const r = internationalFileSchema.safeParse(value);
  if (r.success) return { ok: true, rules: r.data };
  const errors: LocatedError[] = r.error.issues.flatMap((i) => {
    const paths = i.code === "unrecognized_keys" ? i.keys.map((k) => formatPath([...i.path, k])) : [formatPath(i.path)];
    const message = i.code === "unrecognized_keys" ? "unknown field (misspelt, or not part of the format)" : i.message;
    return paths.map((path) => {
      const line = doc ? lineOf(doc, lineCounter, path) : undefined;
      return line === undefined ? { path, message } : { path, message, line };
    });
  });
  return { ok: false, errors };
}

/** Loads a mechanism file by preset name or path; throws RulebookLoadError (file, paths, lines) when invalid. */
export function loadInternationalRules(nameOrPath: string): InternationalFile {
  const file = fileOf(nameOrPath);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new RulebookLoadError(file, [
      { path: "", message: code === "ENOENT" ? `no such file or preset (presets/international: ${listInternationalPresets().join(", ")})` : `cannot read (${err instanceof Error ? err.message : String(err)})` },
    ]);
  }
  const r = parseInternationalText(text, file);
  if (!r.ok) throw new RulebookLoadError(file, r.errors);
  return r.rules;
}
