// The Article 6 book's records as JSON, for a registry's store and for the messages between linked
// registries: serials and quantities (bigint) are written as decimal strings and read back as
// bigints, by field name (`start`, `end`, `quantity`, `serialOffset`: no other field of a record carries a number
// of units or a serial). Reading checks the shape of what it is given (a record from a peer
// registry is data from outside): a record of an unknown kind, a serial that is not a whole number,
// or a missing field is refused naming the path, never half-read.
import { intlRefusal, type Outcome, ok } from "../codes.ts";
import { isObject } from "../input.ts";
import type { A6Record } from "./types.ts";

const UNITS = new Set(["start", "end", "quantity", "serialOffset"]);
export const RECORD_KINDS = ["issuance", "authorization", "cover", "revocation", "first-transfer", "transfer", "use", "cancellation", "entity"] as const;

/** Fields each kind of record must carry (besides kind, id and date). */
const REQUIRED: Record<A6Record["kind"], readonly string[]> = {
  issuance: ["series", "start", "end", "host", "registry", "vintage", "sector", "activityType", "mitigationType", "metric", "gwp", "underlying"],
  authorization: ["version", "party", "cooperativeApproach", "purposes", "oimpPurposes", "authorizedParties", "authorizedEntities", "quantity", "gwp", "sectors", "activityTypes", "timeframe", "firstTransferDefinition", "terms"],
  cover: ["authorization", "blocks"],
  revocation: ["authorization", "version", "blocks", "quantity", "full"],
  "first-transfer": ["party", "to", "definition", "authorization", "blocks"],
  transfer: ["from", "to", "blocks"],
  use: ["party", "purpose", "oimpPurpose", "entity", "forYear", "blocks"],
  cancellation: ["party", "reason", "blocks"],
  entity: ["party", "name", "country", "identification", "cooperativeApproach", "conditions", "changeConditions"],
};

/** A record as JSON-ready data (bigints as decimal strings). */
export function encodeRecord(r: A6Record): Record<string, unknown> {
  return JSON.parse(JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? v.toString() : v))) as Record<string, unknown>;
}

function revive(v: unknown, key: string, path: string): Outcome<unknown> {
  if (UNITS.has(key)) {
    // a serial offset (units acquired over a link) may be negative; serials and quantities never are
    if (typeof v === "string" && (key === "serialOffset" ? /^-?\d{1,19}$/ : /^\d{1,19}$/).test(v)) return ok(BigInt(v));
    if (typeof v === "bigint") return ok(v);
    return intlRefusal("FIELD_INVALID", `${path}: a whole number as a decimal string`, { field: path });
  }
  if (Array.isArray(v)) {
    if (v.length > 1000) return intlRefusal("FIELD_INVALID", `${path}: at most 1000 entries`, { field: path });
    const out: unknown[] = [];
    for (const [i, x] of v.entries()) {
      const r = revive(x, "", `${path}[${i}]`);
      if (!r.ok) return r;
      out.push(r.value);
    }
    return ok(out);
  }
  if (isObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const r = revive(x, k, `${path}.${k}`);
      if (!r.ok) return r;
      out[k] = r.value;
    }
    return ok(out);
  }
  return ok(v);
}

/** A record read back from JSON, or a refusal naming what is wrong. The record's rules are the book's (evolve.ts) to check. */
export function decodeRecord(v: unknown, path = "record"): Outcome<A6Record> {
  if (!isObject(v)) return intlRefusal("FIELD_INVALID", `${path}: must be an object`, { field: path });
  const kind = v.kind as A6Record["kind"];
  if (!RECORD_KINDS.includes(kind)) return intlRefusal("FIELD_INVALID", `${path}.kind: one of ${RECORD_KINDS.join(", ")}`, { field: `${path}.kind` });
  for (const f of ["id", "date", ...REQUIRED[kind]]) {
    if (!(f in v)) return intlRefusal("FIELD_INVALID", `${path}.${f}: missing`, { field: `${path}.${f}` });
  }
  if (typeof v.id !== "string" || typeof v.date !== "string") return intlRefusal("FIELD_INVALID", `${path}.id, date: text`, { field: `${path}.id` });
  const r = revive(v, "", path);
  if (!r.ok) return r;
  const blocks = (r.value as { blocks?: unknown }).blocks;
  if (blocks !== undefined && (!Array.isArray(blocks) || blocks.some((b) => !isObject(b) || typeof b.series !== "string" || typeof b.start !== "bigint" || typeof b.end !== "bigint" || b.start > b.end))) {
    return intlRefusal("FIELD_INVALID", `${path}.blocks: a list of { series, start, end, issuance, vintage }`, { field: `${path}.blocks` });
  }
  return ok(r.value as A6Record);
}
