// Goal (issue 15 item 4): one pagination rule for the whole API. Every GET operation whose 200
// answer is a collection (an `items` array) takes `limit` (1-500) and `cursor` in its query and
// answers `{ items, nextCursor }`, nextCursor null on the last page: the same PageQuery and
// page(...) every list uses, so a client (the CLI's --all, the console) follows any list alike.
// Read from the OpenAPI document the server serves, so a new list route that answers whole fails
// here before a user meets a cut list.
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/http/app.ts";

type Json = Record<string, any>;

/**
 * Lists that answer whole, each with why: only a list bounded by a small constant of the scheme
 * itself may (none today).
 */
const EXCEPTIONS: ReadonlyMap<string, string> = new Map<string, string>([]);

const doc = createApp({} as never).openapi() as Json;
const resolve = (s: Json | undefined): Json => {
  if (s === undefined || typeof s.$ref !== "string") return s ?? {};
  let v: any = doc;
  for (const k of (s.$ref as string).slice(2).split("/")) v = v[k];
  return v as Json;
};

interface ListOp {
  id: string;
  path: string;
  body: Json;
  params: Json[];
}
const lists: ListOp[] = [];
for (const [path, methods] of Object.entries(doc.paths as Json)) {
  const o = (methods as Json).get as Json | undefined;
  if (o === undefined) continue;
  const body = resolve(o.responses?.["200"]?.content?.["application/json"]?.schema);
  // a bare array is a collection too (and breaks the rule: it has no room for a cursor)
  if (body.type !== "array" && resolve(body.properties?.items).type !== "array") continue;
  lists.push({ id: String(o.operationId), path, body, params: ((o.parameters ?? []) as Json[]).map(resolve) });
}

describe("every GET list pages by one rule", () => {
  it("finds the lists of the API (the rule covers something)", () => {
    expect(lists.length).toBeGreaterThan(20);
    expect(lists.map((l) => l.id)).toEqual(expect.arrayContaining(["listAccounts", "listAuctionBids", "listVerifierAssignments", "listLinkChanges"]));
  });

  it("exceptions name operations that exist and answer a list", () => {
    for (const id of EXCEPTIONS.keys()) expect(lists.map((l) => l.id), id).toContain(id);
  });

  it("each takes limit (1..500) and cursor, and answers items and a nullable nextCursor", () => {
    const broken: string[] = [];
    for (const l of lists) {
      if (EXCEPTIONS.has(l.id)) continue;
      const q = new Map(l.params.filter((p) => p.in === "query").map((p) => [String(p.name), p]));
      const limit = q.get("limit")?.schema as Json | undefined;
      const cursor = q.get("cursor")?.schema as Json | undefined;
      const next = resolve(l.body.properties?.nextCursor);
      const nullable = (Array.isArray(next.type) && next.type.includes("null")) || next.nullable === true || (Array.isArray(next.anyOf) && next.anyOf.some((a: Json) => a.type === "null"));
      const faults = [
        limit === undefined ? "no limit" : limit.minimum !== 1 || limit.maximum !== 500 ? "limit not 1..500" : null,
        cursor === undefined ? "no cursor" : null,
        next.type === undefined && next.anyOf === undefined ? "no nextCursor" : !nullable ? "nextCursor not nullable" : null,
        (l.body.required ?? []).includes("nextCursor") ? null : "nextCursor not required",
      ].filter((x) => x !== null);
      if (faults.length > 0) broken.push(`${l.id} (${l.path}): ${faults.join(", ")}`);
    }
    expect(broken).toEqual([]);
  });
});
