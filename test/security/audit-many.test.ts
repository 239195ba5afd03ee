// Goal: recordMany writes one audit row per entry in one statement, exactly as record would write
// each (same columns, same cleaning of text PostgreSQL refuses), in the entries' order, and writes
// nothing at all when one entry cannot be stored; on both stores. A link flight settling many
// transfers in one batch records its outcomes this way (src/registry/international/links/sender.ts).
import { expect, it } from "vitest";
import { type AuditEntry, AuditLog } from "../../src/audit/index.ts";
import { PUBLIC } from "../../src/domain/security/roles.ts";
import { ManualClock } from "../../src/platform/clock.ts";
import { forEachStore } from "../support/stores.ts";

const caller = { principal: { ...PUBLIC, userId: "link\u0000sys" }, ip: "192.0.2.7", requestId: "req-1" };
const COLS = "at, actor, via, ip, request_id, action, target, outcome, code, detail";

forEachStore("audit rows written together", (db) => {
  it("writes what record writes, entry by entry, in order", async () => {
    const entries: AuditEntry[] = [
      { action: "many.deliver", target: "T-2", outcome: "ok", detail: { linkId: "L1", quantity: "5" } },
      { action: "many.deliver", target: null, outcome: "refused", code: 3003, detail: { note: "a\ud800b" } },
      { action: "many.return\u0000", target: "T-1", outcome: "error" },
    ];
    const clock = new ManualClock("2026-04-06T09:00:00Z");
    await new AuditLog(db(), clock).recordMany(caller, entries);
    for (const e of entries) await new AuditLog(db(), clock).record(caller, { ...e, action: e.action.replace("many.", "one.") });
    const rows = async (prefix: string) =>
      (await db().query<Record<string, unknown>>(`SELECT ${COLS} FROM audit_log WHERE action LIKE $1 ORDER BY seq`, [`${prefix}%`])).rows.map((r): Record<string, unknown> => ({ ...r, action: String(r.action).replace(/^(many|one)\./, "") }));
    const many = await rows("many.");
    expect(many.map((r) => r.target)).toEqual(["T-2", null, "T-1"]);
    expect(many[1]).toMatchObject({ outcome: "refused", code: 3003, detail: { note: "a\ufffdb" }, actor: "link\ufffdsys", ip: "192.0.2.7", request_id: "req-1" });
    expect(many[2]).toMatchObject({ action: "return\ufffd", detail: {} });
    expect(many).toEqual(await rows("one."));
  });

  it("writes nothing when one entry cannot be stored, and nothing for no entries", async () => {
    const log = new AuditLog(db(), new ManualClock("2026-04-06T09:00:00Z"));
    const before = (await db().query<{ n: string }>("SELECT count(*)::text AS n FROM audit_log")).rows[0]?.n;
    await log.recordMany(caller, []);
    await expect(
      log.recordMany(caller, [
        { action: "bad.first", target: "x", outcome: "ok" },
        { action: "bad.second", target: "y", outcome: "maybe" as AuditEntry["outcome"] },
      ]),
    ).rejects.toThrow();
    expect((await db().query<{ n: string }>("SELECT count(*)::text AS n FROM audit_log")).rows[0]?.n).toBe(before);
  });
});
