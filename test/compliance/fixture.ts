// A GX-ETS registry with two installations under compliance, for the compliance tests: the
// rulebook recorded in the store (so SecureRegistry.open installs the surrender hook), users
// (administrator, authority, two representatives, two verifiers), operator accounts of INST-A
// (Alpha Corp) and INST-B (Beta Corp), a surrender account, allowances of 2026 and J-Credits.
import { rulebookValue } from "../../src/io/rulebook.ts";
import { ComplianceService } from "../../src/registry/compliance/index.ts";
import { recordRulebook } from "../../src/registry/settings.ts";
import type { Caller } from "../../src/domain/security/roles.ts";
import type { Db } from "../../src/store/db.ts";
import { createUsers, type Fixture, setUp } from "../security/fixture.ts";

export interface ComplianceFixture extends Fixture {
  svc: ComplianceService;
  admin: Caller;
  authority: Caller;
  rep1: Caller;
  rep2: Caller;
  ver1: Caller;
  ver2: Caller;
}

export function must<T extends { ok: boolean }>(r: T, what = "step"): T & { ok: true } {
  if (!r.ok) throw new Error(`${what}: ${JSON.stringify(r)}`);
  return r as T & { ok: true };
}

/** A process source: 0.5 t CO2 per tonne of material, so activity 2,000 t reports 1,000 t CO2. */
export const PLAN = { validFrom: 2026, sources: [{ id: "kiln", kind: "process" as const, unit: "t", emissionFactor: { value: "0.5" } }] };

export async function setUpCompliance(db: Db, preset = "japan-gx-ets"): Promise<ComplianceFixture> {
  await recordRulebook(db, preset, rulebookValue(preset), "2026-04-01T00:00:00.000Z");
  const f = await setUp(db, undefined, "2026-04-10T01:00:00Z");
  await createUsers(f, [["admin", ["national-admin"]], ["auth", ["authority"]], ["rep1", []], ["rep2", []], ["ver1", ["verifier"]], ["ver2", ["verifier"]]]);
  const sys = f.system;
  must(await f.reg.defineClass(sys, { commandId: "c1", code: "GX-2026", unitType: "allowance", scheme: "JP-GX", vintage: 2026 }), "class");
  must(await f.reg.defineClass(sys, { commandId: "c2", code: "JCR-2026", unitType: "J-Credit", scheme: "JP", vintage: 2026 }), "class");
  const accounts: Array<[string, string, string, string | undefined]> = [
    ["NAT", "national_issuance", "State", undefined], ["SUR", "surrender", "State", undefined],
    ["OP-A", "operator_holding", "Alpha Corp", "INST-A"], ["OP-B", "operator_holding", "Beta Corp", "INST-B"],
  ];
  for (const [id, type, holder, installation] of accounts) must(await f.reg.openAccount(sys, { commandId: `open-${id}`, accountId: id, type, holder, name: id, ...(installation ? { installation } : {}) }), id);
  for (const [acc, user, initiate, approve] of [["OP-A", "rep1", true, true], ["OP-A", "rep2", false, true], ["OP-B", "rep2", true, true], ["OP-B", "rep1", false, true]] as const)
    must(await f.reg.addRepresentative(sys, { accountId: acc, userId: user, initiate, approve }), "rep");
  must(await f.reg.ledger.propose({ transactionId: "issue-gx", kind: "issuance", legs: [{ classCode: "GX-2026", to: "NAT", quantity: 100_000n }] }), "issue");
  must(await f.reg.ledger.propose({ transactionId: "issue-jcr", kind: "issuance", legs: [{ classCode: "JCR-2026", to: "NAT", quantity: 10_000n }] }), "issue");
  must(await f.reg.ledger.propose({ transactionId: "seed-a", kind: "correction", legs: [{ classCode: "GX-2026", from: "NAT", to: "OP-A", quantity: 2_000n }, { classCode: "JCR-2026", from: "NAT", to: "OP-A", quantity: 500n }] }), "seed");
  must(await f.reg.ledger.propose({ transactionId: "seed-b", kind: "correction", legs: [{ classCode: "GX-2026", from: "NAT", to: "OP-B", quantity: 100n }] }), "seed");
  const svc = new ComplianceService(f.reg);
  return { ...f, svc, admin: await f.as("admin"), authority: await f.as("auth"), rep1: await f.as("rep1"), rep2: await f.as("rep2"), ver1: await f.as("ver1"), ver2: await f.as("ver2") };
}
