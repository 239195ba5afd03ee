// What text the API accepts at all, checked at the edge before any schema, service or audit row
// sees a request: well-formed UTF-8 on the wire (bodies, and the bytes that percent-escapes in
// paths and query strings stand for), well-formed UTF-16 once decoded (no lone surrogate, which a
// JSON \u escape can carry although no UTF-8 text can), and no NUL (U+0000), which PostgreSQL
// text cannot hold. PostgreSQL refuses the first two inside JSON (SQLSTATE 22P02) and the last
// everywhere (22021, 22P05), so text that passes here can be stored.

/** Where a request carried malformed text, for the problem's facts. */
export interface TextFault {
  kind: "nul" | "invalid";
  where: "path" | "query" | "body";
  /** The query parameter, or the body field as a dotted path (legs.0.classCode); absent when unknown. */
  field?: string;
}

const LONE_SURROGATE = /\p{Cs}/u;
/** Printable ASCII and nothing else: no "%" escape, no control character (so no NUL), no non-ASCII. */
const PLAIN_URL = /^[\x20-\x24\x26-\x7e]*$/;
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The bytes a URL component stands for: %XX escapes as bytes, everything else as its UTF-8. */
function percentBytes(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (ch === 37) {
      const hex = s.slice(i + 1, i + 3);
      // A "%" not followed by two hex digits is not an escape; URL parsers keep it literally.
      if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
        out.push(Number.parseInt(hex, 16));
        i += 2;
        continue;
      }
    }
    if (ch < 0x80) out.push(ch);
    else for (const b of Buffer.from(s[i] as string, "utf8")) out.push(b);
  }
  return Uint8Array.from(out);
}

/** The fault of one URL component (already split from its neighbours), or undefined when it is good text. */
function componentFault(raw: string): "nul" | "invalid" | undefined {
  let text: string;
  try {
    text = strictUtf8.decode(percentBytes(raw));
  } catch {
    return "invalid";
  }
  return text.includes("\u0000") ? "nul" : undefined;
}

/** Checks the path and query string of a request URL (as sent: percent-escapes not yet decoded). */
export function urlTextFault(url: string): TextFault | undefined {
  // Most URLs are plain ASCII without escapes or NUL: good text as they stand, nothing to decode.
  if (PLAIN_URL.test(url)) return undefined;
  const schemeEnd = url.indexOf("://");
  const pathStart = url.indexOf("/", schemeEnd < 0 ? 0 : schemeEnd + 3);
  if (pathStart < 0) return undefined;
  const hash = url.indexOf("#", pathStart);
  const rest = hash < 0 ? url.slice(pathStart) : url.slice(pathStart, hash);
  const q = rest.indexOf("?");
  const path = q < 0 ? rest : rest.slice(0, q);
  for (const seg of path.split("/")) {
    const kind = componentFault(seg);
    if (kind) return { kind, where: "path" };
  }
  if (q < 0) return undefined;
  for (const pair of rest.slice(q + 1).split("&")) {
    const eq = pair.indexOf("=");
    const key = eq < 0 ? pair : pair.slice(0, eq);
    const keyFault = componentFault(key);
    if (keyFault) return { kind: keyFault, where: "query" };
    const valueFault = eq < 0 ? undefined : componentFault(pair.slice(eq + 1));
    // The key itself is good text here, so it can name the parameter.
    if (valueFault) return { kind: valueFault, where: "query", field: strictUtf8.decode(percentBytes(key.replace(/\+/g, " "))).slice(0, 64) };
  }
  return undefined;
}

/** Decodes a body strictly as UTF-8; undefined when its bytes are not UTF-8. */
export function strictBodyText(bytes: ArrayBuffer): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

function stringFault(s: string): "nul" | "invalid" | undefined {
  if (LONE_SURROGATE.test(s)) return "invalid";
  if (s.includes("\u0000")) return "nul";
  return undefined;
}

/** A place in a JSON value: its key and its parent's place (a list, so deep values cost no copying). */
interface Place {
  key: string;
  parent: Place | undefined;
}

/**
 * The first malformed string (or key) of a parsed JSON value, walked without recursion (a 64 KiB
 * body can nest tens of thousands of levels deep).
 */
export function jsonTextFault(value: unknown): TextFault | undefined {
  const stack: Array<[unknown, Place | undefined]> = [[value, undefined]];
  while (stack.length > 0) {
    const [v, at] = stack.pop() as [unknown, Place | undefined];
    if (typeof v === "string") {
      const kind = stringFault(v);
      if (kind) return fault(kind, at);
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], { key: String(i), parent: at }]);
    } else if (v !== null && typeof v === "object") {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, x] = entries[i] as [string, unknown];
        const kind = stringFault(k);
        // A malformed key is named by where it sits, since its own text cannot be shown.
        if (kind) return fault(kind, at);
        stack.push([x, { key: k, parent: at }]);
      }
    }
  }
  return undefined;
}

/** The fault with a dotted field path (legs.0.classCode), cut short for the facts. */
function fault(kind: "nul" | "invalid", at: Place | undefined): TextFault {
  if (at === undefined) return { kind, where: "body" };
  const keys: string[] = [];
  let p: Place | undefined = at;
  for (; p !== undefined && keys.length < 20; p = p.parent) keys.push(p.key);
  // A deep place keeps its last keys, marked as cut.
  const path = (p === undefined ? "" : "...") + keys.reverse().join(".");
  return { kind, where: "body", field: path.slice(0, 200) };
}
