// Goal: the cheap paths of the request edge answer exactly as the full ones. A URL of plain
// printable ASCII (no "%" escape, no control character) is good text without decoding; any
// other URL is still decoded and checked. Request ids stay 16 random hex digits, all different,
// though drawn from a pool of random bytes.
import { describe, expect, it } from "vitest";
import { requestId } from "../../src/http/middleware/request.ts";
import { urlTextFault } from "../../src/http/text.ts";

describe("URL text check", () => {
  it("passes plain ASCII URLs, and still finds faults in escapes, raw NUL, control and non-ASCII characters", () => {
    expect(urlTextFault("http://x/v1/accounts/JP-200-0001/holdings?blocks=true&blockLimit=10")).toBeUndefined();
    expect(urlTextFault("http://x/v1/a b/~!$&'()*+,;=:@")).toBeUndefined();
    expect(urlTextFault("http://x/v1/accounts/%E6%97%A5")).toBeUndefined(); // escaped UTF-8 is good text
    expect(urlTextFault("http://x/v1/accounts/%FF")).toEqual({ kind: "invalid", where: "path" });
    expect(urlTextFault("http://x/v1/accounts/a%00b")).toEqual({ kind: "nul", where: "path" });
    expect(urlTextFault("http://x/v1/accounts?q=%ED%A0%80")).toEqual({ kind: "invalid", where: "query", field: "q" });
    expect(urlTextFault("http://x/v1/accounts/a\u0000b")).toEqual({ kind: "nul", where: "path" });
    expect(urlTextFault("http://x/v1/accounts/\u65e5")).toBeUndefined(); // a raw non-ASCII character takes the full check, and is good text
  });
});

describe("request ids", () => {
  it("are 16 hex digits, and 10,000 in a row (more than one pool) are all different", () => {
    const ids = Array.from({ length: 10_000 }, () => requestId());
    for (const id of ids.slice(0, 600)) expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
