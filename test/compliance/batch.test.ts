// Goal: a batch of surrenders (many steps in one call of the surrender hook, which then reads what
// the rule needs for all installations at once) counts the steps in turn, on both stores: two
// transfers of J-Credits from one installation in one batch may not pass the 10% limit together
// (the whole batch is refused, nothing recorded), and a batch within the limits records every line.
// Surrender needs approval in the catalogue, and batches carry only kinds that complete without
// one; like the compliance benchmark, the test's second registry drops that approval.
import { expect, it } from "vitest";
import { catalogue, DEFAULT_CATALOGUE } from "../../src/domain/ledger/catalog.ts";
import { DEFAULT_SECURITY_CONFIG } from "../../src/domain/security/config.ts";
import { SecureRegistry } from "../../src/registry/secure/index.ts";
import { forEachStore } from "../support/stores.ts";
import { type ComplianceFixture, must, setUpCompliance } from "./fixture.ts";

forEachStore("a batch of surrenders", (get) => {
  let f: ComplianceFixture;
  let batchReg: SecureRegistry;
  const count = async (table: string) => Number((await get().query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`)).rows[0]?.n);
  const covered = async (inst: string) => (await get().query<{ c: string }>("SELECT covered::text AS c FROM compliance_positions WHERE installation = $1", [inst])).rows[0]?.c ?? "0";

  it("sets up two installations with estimated emissions (1,000 and 500 t)", async () => {
    f = await setUpCompliance(get());
    must(await f.svc.registerInstallation(f.admin, { commandId: "r1", installation: "INST-A", accountId: "OP-A" }));
    must(await f.svc.registerInstallation(f.admin, { commandId: "r2", installation: "INST-B", accountId: "OP-B" }));
    f.clock.set("2027-05-10T01:00:00Z");
    must(await f.svc.setEstimate(f.authority, { commandId: "e1", installation: "INST-A", year: 2026, tonnes: "1000", reason: "test" }));
    must(await f.svc.setEstimate(f.authority, { commandId: "e2", installation: "INST-B", year: 2026, tonnes: "500", reason: "test" }));
    const surrender = DEFAULT_CATALOGUE.kinds.get("surrender");
    if (!surrender) throw new Error("no surrender kind");
    batchReg = await SecureRegistry.open(get(), f.clock, DEFAULT_SECURITY_CONFIG, { catalogue: catalogue({ kinds: [{ ...surrender, approval: false }] }) });
  });

  it("refuses a batch whose two J-Credit transfers pass the 10% limit together, and records nothing", async () => {
    const r = await batchReg.ledger.batch({
      batchId: "b-over", kind: "surrender", initiator: null,
      transfers: [
        { classCode: "JCR-2026", from: "OP-A", to: "SUR", quantity: "60" },
        { classCode: "GX-2026", from: "OP-B", to: "SUR", quantity: "50" },
        { classCode: "JCR-2026", from: "OP-A", to: "SUR", quantity: "60" },
      ],
    });
    expect(r).toMatchObject({ ok: false, code: 9205 });
    expect(await count("surrender_lines")).toBe(0);
    expect(await covered("INST-A")).toBe("0");
  });

  it("records every line of a batch within the limits, counting each installation's steps in turn", async () => {
    must(await batchReg.ledger.batch({
      batchId: "b-ok", kind: "surrender", initiator: null,
      transfers: [
        { classCode: "JCR-2026", from: "OP-A", to: "SUR", quantity: "50" },
        { classCode: "GX-2026", from: "OP-B", to: "SUR", quantity: "100" },
        { classCode: "JCR-2026", from: "OP-A", to: "SUR", quantity: "50" },
        { classCode: "GX-2026", from: "OP-A", to: "SUR", quantity: "900" },
      ],
    }));
    expect(await count("surrender_lines")).toBe(4);
    expect(await covered("INST-A")).toBe("1000");
    expect(await covered("INST-B")).toBe("100");
    const st = must(await f.svc.status(f.admin, "2026"));
    expect(st.value.items.map((i) => [i.installation, i.due, i.surrendered])).toEqual([["INST-A", "1000", "1000"], ["INST-B", "500", "100"]]);
    // One more J-Credit passes the limit the batch filled.
    expect(await batchReg.ledger.batch({ batchId: "b-one", kind: "surrender", initiator: null, transfers: [{ classCode: "GX-2026", from: "OP-A", to: "SUR", quantity: "1" }, { classCode: "JCR-2026", from: "OP-A", to: "SUR", quantity: "1" }] })).toMatchObject({ ok: false, code: 9205 });
  });
});
