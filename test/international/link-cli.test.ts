// Goal: `ets link ...` drives the link service with the same rules as the API, on a store opened
// as the CLI opens it: the identity made once (same key again), a link proposed by one
// administrator and approved by another under four eyes (not by the proposer: exit 1, 8004), the
// link listed; a send refused for want of the initiate right (exit 1, 8002, nothing escrowed);
// bad usage exits 2 naming the flag; one transfer read by id (`ets link transfer`), by whoever may
// see it.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditLog } from "../../src/audit/index.ts";
import { AuthService } from "../../src/auth/index.ts";
import { DEFAULT_SECURITY_CONFIG } from "../../src/domain/security/config.ts";
import { systemPrincipal } from "../../src/domain/security/roles.ts";
import { systemClock } from "../../src/platform/clock.ts";
import { newKeyPair } from "../../src/registry/international/links/crypto.ts";
import { SecureRegistry } from "../../src/registry/secure/index.ts";
import { recordSecurity } from "../../src/registry/settings.ts";
import { openStore } from "../../src/store/open.ts";
import { runEts } from "../support/ets.ts";
import { FAST_ARGON2, PASSWORD } from "../security/fixture.ts";

const dir = mkdtempSync(join(tmpdir(), "openets-link-cli-"));
const database = join(dir, "db");
const keyFile = join(dir, "peer.pub");
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ets = (...args: string[]) => runEts([...args, "--database", database]);

describe("ets link", () => {
  beforeAll(async () => {
    writeFileSync(keyFile, newKeyPair().publicKey);
    const db = await openStore({ database });
    try {
      await recordSecurity(db, null, { ...DEFAULT_SECURITY_CONFIG, transferDelayHours: 0 }, new Date().toISOString());
      const auth = await AuthService.open(db, systemClock, DEFAULT_SECURITY_CONFIG, new AuditLog(db, systemClock), { argon2: FAST_ARGON2 });
      const system = { principal: systemPrincipal("test-setup"), ip: null };
      for (const [id, roles] of [["admin1", ["national-admin"]], ["admin2", ["national-admin"]], ["rep1", []]] as const) {
        const r = await auth.createUser(system, { userId: id, displayName: id, password: PASSWORD, roles: [...roles] });
        if (!r.ok) throw new Error(r.message);
      }
    } finally {
      await db.close();
    }
  });

  it("makes the identity once, configures a link under four eyes and lists it", async () => {
    const made = await ets("link", "identity", "--registry-id", "THA01", "--as", "admin1", "--json");
    expect(made.code, made.stderr).toBe(0);
    const key = JSON.parse(made.stdout).publicKey as string;
    expect(key).toMatch(/BEGIN PUBLIC KEY/);
    const again = await ets("link", "identity", "--registry-id", "THA01", "--as", "admin1", "--json");
    expect(JSON.parse(again.stdout)).toMatchObject({ publicKey: key, replayed: true });
    const shown = await ets("link", "identity", "--json");
    expect(JSON.parse(shown.stdout).identity).toEqual({ registryId: "THA01", publicKey: key });
    const c = await ets("link", "configure", "--link", "THA-CHE", "--peer-url", "http://127.0.0.1:9", "--peer-registry", "CHE01", "--peer-key-file", keyFile, "--peer-party", "CHE", "--id", "ch-1", "--as", "admin1", "--json");
    expect(c.code, c.stderr).toBe(0);
    expect(JSON.parse(c.stdout)).toMatchObject({ changeId: "ch-1", status: "awaiting_approval", link: null });
    const self = await ets("link", "approve", "ch-1", "--as", "admin1");
    expect([self.code, self.stderr]).toEqual([1, expect.stringContaining("8004")]);
    const ok = await ets("link", "approve", "ch-1", "--as", "admin2", "--json");
    expect(JSON.parse(ok.stdout)).toMatchObject({ status: "applied", link: { linkId: "THA-CHE", peerParty: "CHE", approvedBy: "admin2" } });
    const list = await ets("link", "list", "--json");
    expect(JSON.parse(list.stdout).items.map((l: { linkId: string; version: number }) => [l.linkId, l.version])).toEqual([["THA-CHE", 1]]);
  });

  it("refuses a send without the initiate right (exit 1, nothing escrowed), and bad usage with exit 2 naming the flag", async () => {
    const r = await ets("link", "send", "--link", "THA-CHE", "--from", "TH-GOV", "--class", "JCM-1", "--quantity", "5", "--to", "CHE-GOV", "--as", "rep1");
    expect([r.code, r.stderr]).toEqual([1, expect.stringContaining("8002")]);
    const t = await ets("link", "transfers", "--json");
    expect(JSON.parse(t.stdout).items).toEqual([]);
    const usage = await ets("link", "send", "--link", "THA-CHE", "--from", "TH-GOV", "--class", "JCM-1", "--quantity", "-5", "--to", "CHE-GOV", "--as", "rep1");
    expect([usage.code, usage.stderr]).toEqual([2, expect.stringContaining("--quantity")]);
    const file = await ets("link", "configure", "--link", "THA-CHE", "--peer-url", "http://x", "--peer-registry", "CHE01", "--peer-key-file", join(dir, "missing.pub"), "--as", "admin1");
    expect([file.code, file.stderr]).toEqual([2, expect.stringContaining("--peer-key-file")]);
  });

  it("reads one transfer by id: an escrow awaiting its second approval has sent nothing (exit 1, 10763, JSON on stdout); a user who may not see it learns nothing (10751)", async () => {
    const db = await openStore({ database });
    try {
      const config = { ...DEFAULT_SECURITY_CONFIG, transferDelayHours: 0 };
      const audit = new AuditLog(db, systemClock);
      const reg = await SecureRegistry.open(db, systemClock, config, { audit });
      const auth = await AuthService.open(db, systemClock, config, audit, { argon2: FAST_ARGON2 });
      const system = { principal: systemPrincipal("test-setup"), ip: null };
      const must = async (what: string, r: Promise<{ ok: boolean }>) => {
        const v = await r;
        if (!v.ok) throw new Error(`${what}: ${JSON.stringify(v)}`);
        return v as { ok: true; value: { id: string; status?: string } };
      };
      await must("user", auth.createUser(system, { userId: "rep-other", displayName: "rep-other", password: PASSWORD, roles: [] }));
      await must("class", reg.defineClass(system, { commandId: "cls-jcm", code: "JCM-1", unitType: "JCM", scheme: "JCM", vintage: 2022 }));
      await must("account", reg.openAccount(system, { commandId: "acc-th", accountId: "TH-GOV", type: "party_holding", holder: "Thailand", name: "Government" }));
      await must("representative", reg.addRepresentative(system, { accountId: "TH-GOV", userId: "rep1", initiate: true, approve: true }));
      const issued = await must("issuance", reg.initiate(system, { transactionId: "iss-jcm", kind: "issuance", legs: [{ classCode: "JCM-1", from: null, to: "TH-GOV", quantity: "50" }] }));
      if (issued.value.status === "awaiting_approval") {
        const admin2 = await auth.principalOf("admin2", "cli", "all");
        await must("issuance approval", reg.approve({ principal: admin2!, ip: null }, { transactionId: issued.value.id }));
      }
    } finally {
      await db.close();
    }
    const sent = await ets("link", "send", "--link", "THA-CHE", "--from", "TH-GOV", "--class", "JCM-1", "--quantity", "5", "--to", "CHE-GOV", "--id", "send-1", "--as", "rep1", "--json");
    expect(sent.code, sent.stderr).toBe(0);
    const escrow = JSON.parse(sent.stdout).transaction as { id: string; status: string };
    expect(escrow.status).toBe("awaiting_approval");
    for (const as of [["--as", "rep1"], ["--as", "admin1"], []]) {
      const r = await ets("link", "transfer", escrow.id, "--link", "THA-CHE", ...as, "--json");
      expect(r.code, r.stderr).toBe(1);
      expect(JSON.parse(r.stdout).error).toMatchObject({ code: 10763, facts: { transactionId: escrow.id, status: "awaiting_approval" } });
    }
    const other = await ets("link", "transfer", escrow.id, "--link", "THA-CHE", "--as", "rep-other", "--json");
    expect([other.code, JSON.parse(other.stdout).error?.code]).toEqual([1, 10751]);
    const text = await ets("link", "transfer", escrow.id, "--link", "THA-CHE");
    expect([text.code, text.stderr]).toEqual([1, expect.stringContaining("awaits approval")]);
  });
});
