// Requests a route's schema refuses, as problems: the first issues with their paths, and a body
// that still names the caller's key by an older name (transactionId, reversalId, batchId) told the
// one name it has now, commandId (issue 15).
import { checkProblem, PROBLEM_TYPE_BASE, ProblemError } from "../problem.ts";
import { RENAMED_TO_COMMAND_ID } from "../schemas.ts";

type Issue = { code?: string; path: ReadonlyArray<PropertyKey>; message: string; keys?: readonly string[] };

/** The problem to throw for a request the validator refused (the app's defaultHook). */
export function invalidRequest(target: string, found: ReadonlyArray<Issue>): ProblemError {
  // A body that still names the caller's key by an older name (transactionId, reversalId,
  // batchId) is told the one name it has now, rather than only that a key is unknown.
  const renamed = target === "json" ? renamedKey(found) : undefined;
  if (renamed) {
    return new ProblemError(
      checkProblem("INPUT_INVALID", `json commandId: the field ${renamed.key} is now called commandId (the caller's key for this command); send {"commandId": ...} instead`, {
        type: `${PROBLEM_TYPE_BASE}request-invalid`,
        facts: { target, field: renamed.path ? `${renamed.path}.commandId` : "commandId", renamedFrom: renamed.key, issues: [{ path: renamed.path ? `${renamed.path}.commandId` : "commandId", message: `${renamed.key} is now commandId` }] },
      }),
    );
  }
  const issues = found.slice(0, 10).map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
  const first = issues[0];
  return new ProblemError(
    checkProblem("INPUT_INVALID", first ? `${target} ${first.path || "(root)"}: ${first.message}` : `${target} is invalid`, {
      type: `${PROBLEM_TYPE_BASE}request-invalid`,
      facts: { target, issues },
    }),
  );
}

/** The first unknown body key that is an older name of commandId, with the path of the object it is in. */
function renamedKey(issues: ReadonlyArray<{ code?: string; path: ReadonlyArray<PropertyKey>; keys?: readonly string[] }>): { key: string; path: string } | undefined {
  for (const i of issues) {
    if (i.code !== "unrecognized_keys" || !Array.isArray(i.keys)) continue;
    const key = i.keys.find((k) => (RENAMED_TO_COMMAND_ID as readonly string[]).includes(k));
    if (key !== undefined) return { key, path: i.path.map(String).join(".") };
  }
  return undefined;
}
