// The scenario file of `ets play`: who the users are, which rulebook the registry runs (or, for a
// scenario of linked registries, which registries there are, each with its users and rulebook), and
// the steps to play, each an operation of the HTTP API (by its operationId, the same vocabulary and
// the same rules), or a move of the registry's clock. Parsed from YAML with the line of every
// problem, so a regulator's typo is named where it is.
import { isNode, LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { GLOBAL_ROLES, USER_ID_PATTERN } from "../domain/security/roles.ts";

const time = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/, { error: "expected an RFC 3339 time with an offset, e.g. 2026-04-01T09:00:00+09:00" });
/** +26h, +3d, +90m: a move forward from the current time. */
const offset = z.string().regex(/^\+\d{1,5}(m|h|d)$/, { error: "expected a time, or a move forward such as +26h, +3d or +90m" });

const expectation = z
  .union([
    z.literal("ok").describe("any success (2xx)"),
    z.int().min(1000).max(99999).describe("the check code the step must be refused with"),
    z.record(z.string(), z.unknown()).describe("fields the answer must have (a subset; dotted paths reach inside, e.g. legs.0.quantity)"),
  ])
  .describe("what the step must come to");

const REGISTRY_NAME = /^[a-z][a-z0-9-]{0,31}$/;

const operationStep = z.strictObject({
  name: z.string().max(200).optional().describe("a label printed with the step"),
  at: z.string().regex(REGISTRY_NAME, { error: "expected a registry of the scenario's registries" }).optional().describe("the registry the step runs at (scenarios that declare registries); absent: the first one declared"),
  as: z.string().regex(USER_ID_PATTERN, { error: "expected a user id of the scenario" }).optional().describe("the user the step acts as; absent: the public"),
  do: z.string().regex(/^[A-Za-z][A-Za-z0-9]{1,63}$/, { error: "expected an operationId of the HTTP API" }).describe("the operation (its operationId, as in docs/reference/api.md)"),
  with: z.record(z.string(), z.unknown()).default({}).describe("the operation's input: path parameters by name, the rest as the body (or the query of a GET); strings may use {{name.path}} to reach a saved answer"),
  expect: expectation.default("ok"),
  save: z.string().regex(/^[a-z][a-zA-Z0-9_]{0,63}$/).optional().describe("a name to keep the answer under, for {{name.path}} in later steps"),
});

const clockStep = z.strictObject({
  name: z.string().max(200).optional(),
  clock: z.union([time, offset]).describe("move the registry's clock to this time, or forward by this much (never back)"),
});

const users = z
  .array(
    z.strictObject({
      id: z.string().regex(USER_ID_PATTERN, { error: "expected a user id (lower-case letters, digits, . _ @ -)" }),
      roles: z.array(z.enum(GLOBAL_ROLES)).default([]).describe("national-admin, authority, verifier; none for a representative"),
      name: z.string().max(200).optional(),
    }),
  )
  .max(200);

const registry = z.strictObject({
  rulebook: z.string().min(1).max(300).optional().describe("preset or rulebook file whose security section this registry runs with (defaults when absent)"),
  users: users.min(1).describe("this registry's users"),
});

export const scenarioSchema = z.strictObject({
  name: z.string().min(1).max(200).describe("what the scenario plays"),
  description: z.string().max(5000).optional(),
  rulebook: z.string().min(1).max(300).optional().describe("preset or rulebook file whose security section the registry runs with (defaults when absent)"),
  start: time.describe("the registry clock's time when the scenario starts"),
  users: users.default([]).describe("the registry's users (at least one, unless the scenario declares registries); the player creates them, signs them in (with their second factor) and keeps their sessions"),
  registries: z
    .record(z.string().regex(REGISTRY_NAME, { error: "expected a registry name (lower-case letters, digits, -)" }), registry)
    .optional()
    .describe("two or more registries, each on its own fresh store and served on a loopback port (so they can be linked: {{registries.NAME.url}} is each one's address); steps say at: NAME; one clock for all"),
  steps: z.array(z.union([clockStep, operationStep])).min(1).max(10_000),
});

export type Scenario = z.output<typeof scenarioSchema>;
export type Step = Scenario["steps"][number];
export type OperationStep = z.output<typeof operationStep>;

export interface ScenarioProblem {
  path: string;
  line?: number;
  message: string;
}

export class ScenarioError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly ScenarioProblem[],
  ) {
    super(`${file}: invalid scenario\n${problems.map((p) => `  ${p.path || "(top level)"}${p.line === undefined ? "" : ` (line ${p.line})`}: ${p.message}`).join("\n")}`);
  }
}

/** Parses scenario YAML; throws ScenarioError naming the file, the field and its line. */
export function parseScenario(text: string, file: string): Scenario {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ScenarioError(file, doc.errors.map((e) => {
      const line = e.linePos?.[0]?.line;
      return { path: "", message: e.message.split("\n")[0] ?? "not valid YAML", ...(line === undefined ? {} : { line }) };
    }));
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new ScenarioError(file, [{ path: "", message: err instanceof Error ? err.message : String(err) }]);
  }
  const r = scenarioSchema.safeParse(value);
  if (!r.success) {
    throw new ScenarioError(
      file,
      r.error.issues.slice(0, 20).map((i) => {
        const path = i.path.map((p, k) => (typeof p === "number" ? `[${p}]` : k === 0 ? String(p) : `.${String(p)}`)).join("");
        const line = lineOf(doc, lc, i.path as (string | number)[]);
        return { path, message: i.message, ...(line === undefined ? {} : { line }) };
      }),
    );
  }
  const problems: ScenarioProblem[] = [];
  const at = (path: (string | number)[]) => {
    const line = lineOf(doc, lc, path);
    return line === undefined ? {} : { line };
  };
  const regs = r.data.registries;
  const names = regs ? Object.keys(regs) : [];
  if (regs && (names.length < 2 || r.data.users.length > 0 || r.data.rulebook !== undefined)) {
    problems.push({ path: "registries", message: "declare two or more registries, each with its users and rulebook, and no top-level users or rulebook", ...at(["registries"]) });
  }
  if (!regs && r.data.users.length === 0) problems.push({ path: "users", message: "list at least one user", ...at(["users"]) });
  // the users of each registry (the top level's when none are declared)
  const userSets = new Map<string, Set<string>>();
  const lists: Array<[string | null, Scenario["users"], (string | number)[]]> = regs ? names.map((n) => [n, (regs[n] as { users: Scenario["users"] }).users, ["registries", n, "users"]]) : [[null, r.data.users, ["users"]]];
  for (const [name, list, path] of lists) {
    const ids = new Set<string>();
    list.forEach((u, i) => {
      if (ids.has(u.id)) problems.push({ path: `${path.join(".")}[${i}].id`, message: `user ${u.id} is listed twice`, ...at([...path, i, "id"]) });
      ids.add(u.id);
    });
    userSets.set(name ?? "", ids);
  }
  r.data.steps.forEach((s, i) => {
    if (!("do" in s)) return;
    if (s.at !== undefined && !names.includes(s.at)) {
      problems.push({ path: `steps[${i}].at`, message: regs ? `no registry ${s.at} in registries (${names.join(", ")})` : "at: names a registry, and the scenario declares no registries", ...at(["steps", i, "at"]) });
      return;
    }
    const ids = userSets.get(regs ? (s.at ?? (names[0] as string)) : "") as Set<string>;
    if (s.as !== undefined && !ids.has(s.as)) {
      problems.push({ path: `steps[${i}].as`, message: `no user ${s.as} in ${regs ? `the users of ${s.at ?? names[0]}` : "users"} (${[...ids].join(", ")})`, ...at(["steps", i, "as"]) });
    }
  });
  if (problems.length > 0) throw new ScenarioError(file, problems);
  return r.data;
}

function lineOf(doc: ReturnType<typeof parseDocument>, lc: LineCounter, path: (string | number)[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return lc.linePos(node.range[0]).line;
  }
  return undefined;
}
