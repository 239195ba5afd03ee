// Goal: the audit trail can always record what it was given. Text PostgreSQL refuses (NUL, and a
// lone surrogate inside the JSON detail, SQLSTATE 22021 / 22P02 / 22P05) is written with U+FFFD in
// its place instead of making the audit write, and with it the operation, fail; on both stores.
import { expect, it } from "vitest";
import { AuditLog } from "../../src/audit/index.ts";
import { PUBLIC } from "../../src/domain/security/roles.ts";
import { ManualClock } from "../../src/platform/clock.ts";
import { forEachStore } from "../support/stores.ts";

forEachStore("audit rows with malformed text", (db) => {
  it("replaces NUL and lone surrogates in every text column and in the detail", async () => {
    const log = new AuditLog(db(), new ManualClock("2026-04-06T09:00:00Z"));
    await log.record(
      { principal: { ...PUBLIC, userId: "who\u0000m" }, ip: "192.0.2.1\ud800", requestId: "r\udfff" },
      { action: "test.text\u0000", target: "t\u0000x\ud800", outcome: "refused", detail: { note: "a\ud800b", nested: { k: "\u0000" }, "key\udc00": 1 } },
    );
    const r = await db().query<{ actor: string; ip: string; request_id: string; action: string; target: string; detail: Record<string, unknown> }>(
      "SELECT actor, ip, request_id, action, target, detail FROM audit_log WHERE action LIKE 'test.text%'",
    );
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]).toEqual({
      actor: "who\ufffdm", ip: "192.0.2.1\ufffd", request_id: "r\ufffd", action: "test.text\ufffd", target: "t\ufffdx\ufffd",
      detail: { note: "a\ufffdb", nested: { k: "\ufffd" }, "key\ufffd": 1 },
    });
  });
});
