// Goal: the keys lists page by read back what they wrote (src/registry/page-key.ts), for any id the
// list may hold, so a cursor never skips or repeats an item: an installation id may itself hold a
// "/", a transfer id anything; and a key of the wrong form is told apart (each door then answers
// its own error: 8206 on the API, bad usage naming --after on the CLI).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assignmentKey, linkFeedKey, parseAssignmentKey, parseLinkFeedKey, rowsPage, splitKey } from "../../src/registry/page-key.ts";

const text = fc.string({ minLength: 1, maxLength: 64 });

describe("page keys", () => {
  it("an assignment's key reads back as the same installation and year", () => {
    fc.assert(fc.property(text, fc.integer({ min: 1990, max: 2200 }), (installation, year) => {
      expect(parseAssignmentKey(assignmentKey({ installation, year }))).toEqual({ installation, year });
    }));
    expect(parseAssignmentKey("DE-1/2026/x")).toBeUndefined();
    expect(parseAssignmentKey("2026/")).toBeUndefined();
    expect(parseAssignmentKey("2026")).toBeUndefined();
  });

  it("a link feed's key reads back as the same link and transfer", () => {
    fc.assert(fc.property(fc.stringMatching(/^[A-Z0-9][A-Z0-9-]{1,31}$/), text, (linkId, transferId) => {
      expect(parseLinkFeedKey(linkFeedKey({ linkId, transferId }))).toEqual({ linkId, transferId });
    }));
    expect(parseLinkFeedKey("no-link-part")).toBeUndefined();
    expect(parseLinkFeedKey("tha-che/T1")).toBeUndefined();
    expect(splitKey("/x", /^.*$/)).toBeUndefined();
  });

  it("rowsPage cuts limit+1 rows to a page and names its last key only when more exist", () => {
    fc.assert(fc.property(fc.array(fc.integer(), { maxLength: 30 }), fc.integer({ min: 1, max: 20 }), (rows, limit) => {
      const fetched = rows.slice(0, limit + 1);
      const p = rowsPage(fetched, limit, String);
      expect(p.items).toEqual(rows.slice(0, limit));
      expect(p.next).toBe(rows.length > limit ? String(rows[limit - 1]) : null);
    }));
  });
});
