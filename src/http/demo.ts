// The demo registry that `npm start` seeds on its first start (never in production): a
// Japanese-style national scheme (an allowance class per fiscal-year vintage, a J-Credit class,
// national, allocation, auction and terminal accounts, twelve operators) with a few months of
// activity: issuance with a second administrator's approval, free allocation, trades between
// operators under four-eyes and the trusted list, surrenders, a retirement, and one transfer
// still waiting for its second approval. The demo users' passwords are published: demo only.
import type { AuthService } from "../auth/index.ts";
import type { SecurityConfig } from "../domain/security/config.ts";
import { type Caller, systemPrincipal } from "../domain/security/roles.ts";
import { ManualClock } from "../platform/clock.ts";
import { AuditLog } from "../audit/index.ts";
import { AuthService as Auth } from "../auth/index.ts";
import { SecureRegistry } from "../registry/secure/index.ts";
import type { Db } from "../store/db.ts";

export const DEMO_USERS = [
  { userId: "demo-admin", displayName: "Demo national administrator", roles: ["national-admin"] as const },
  { userId: "demo-admin-2", displayName: "Demo second administrator (approves issuance)", roles: ["national-admin"] as const },
  { userId: "demo-auditor", displayName: "Demo authority / auditor", roles: ["authority"] as const },
  { userId: "demo-rep-a", displayName: "Demo representative A (Hokkai Steel, Kanto Cement)", roles: [] as const },
  { userId: "demo-rep-b", displayName: "Demo representative B (Hokkai Steel, Kanto Cement)", roles: [] as const },
  { userId: "demo-verifier", displayName: "Demo verifier", roles: ["verifier"] as const },
];

export const demoPassword = (userId: string) => `${userId}-password`;

export const OPERATORS = [
  ["Hokkai Steel", "Muroran works"],
  ["Kanto Cement", "Chichibu plant"],
  ["Chubu Power", "Hekinan thermal station"],
  ["Kansai Chemical", "Sakai complex"],
  ["Seto Paper", "Iyo mill"],
  ["Kyushu Refining", "Oita refinery"],
  ["Tohoku Glass", "Sendai works"],
  ["Hokuriku Aluminium", "Toyama smelter"],
  ["Chugoku Ceramics", "Okayama kilns"],
  ["Shikoku Fibres", "Tokushima plant"],
  ["Kinki Motors", "Suzuka assembly"],
  ["Okinawa Energy", "Nakagusuku station"],
] as const;

export const opAccount = (i: number) => `JP-200-${String(i + 1).padStart(4, "0")}`;

/** True when the store already holds a registry (a second start must not seed again). */
export async function isSeeded(db: Db): Promise<boolean> {
  const r = await db.query<{ n: bigint }>("SELECT count(*) AS n FROM accounts");
  return (r.rows[0]?.n ?? 0n) > 0n;
}

function must<T>(what: string, r: { ok: boolean }): T {
  if (!r.ok) throw new Error(`demo seed: ${what} refused: ${JSON.stringify(r)}`);
  return (r as unknown as { value: T }).value;
}

/**
 * Seeds the demo on a migrated, empty store. Past activity runs on its own clock from April to
 * `now`; the last, still-held transfer is made at `now` so it has not expired when the server starts.
 */
export async function seedDemo(db: Db, config: SecurityConfig, now: Date): Promise<{ users: Array<{ userId: string; password: string; roles: string }> }> {
  if (!config.demoMode) throw new Error("the demo seed runs only in demo mode");
  const clock = new ManualClock(`${now.getUTCFullYear() - (now.getUTCMonth() < 6 ? 1 : 0)}-04-01T00:00:00Z`);
  const audit = new AuditLog(db, clock);
  const auth: AuthService = await Auth.open(db, clock, config, audit);
  const R = await SecureRegistry.open(db, clock, config, { audit });
  const L = R.ledger;
  const admin1: Caller = { principal: systemPrincipal("demo-seed"), ip: null };
  const admin2: Caller = { principal: systemPrincipal("demo-seed-approver"), ip: null };
  const year = clock.now().getUTCFullYear();
  const cls = `JPA-${year}`;
  const jcr = `JCR-${year - 1}`;

  must("class", await R.defineClass(admin1, { commandId: "demo-class-1", code: cls, unitType: "allowance", scheme: "JP-GX", vintage: year, issuanceLimit: "300000000" }));
  must("class", await R.defineClass(admin1, { commandId: "demo-class-2", code: jcr, unitType: "J-Credit", scheme: "J-Credit", vintage: year - 1, creditKind: "reduction", hostCountry: "JP", methodology: "EN-S-001 (boiler upgrade)" }));
  const gov = [
    ["JP-100-0001", "national_issuance", "National issuance account"],
    ["JP-110-0001", "allocation", "Free allocation account"],
    ["JP-120-0001", "auction", "Auction account"],
    ["JP-130-0001", "party_holding", "J-Credit holding account"],
    ["JP-900-0001", "surrender", "Surrender account"],
    ["JP-900-0002", "retirement", "Retirement account"],
    ["JP-900-0003", "voluntary_cancellation", "Voluntary cancellation account"],
  ] as const;
  for (const [id, type, name] of gov) must("account", await R.openAccount(admin1, { commandId: `demo-open-${id}`, accountId: id, type, holder: "Government of Japan", name }));
  for (const [i, [holder, site]] of OPERATORS.entries()) {
    must("account", await R.openAccount(admin1, { commandId: `demo-open-op-${i}`, accountId: opAccount(i), type: "operator_holding", holder, name: `${holder} ${site}`, installation: `JP-INST-${String(i + 1).padStart(3, "0")}` }));
  }

  const users: Array<{ userId: string; password: string; roles: string }> = [];
  for (const u of DEMO_USERS) {
    must("user", await auth.createUser(admin1, { userId: u.userId, displayName: u.displayName, password: demoPassword(u.userId), roles: [...u.roles], demo: true }));
    users.push({ userId: u.userId, password: demoPassword(u.userId), roles: u.roles.length ? u.roles.join(", ") : "representative" });
  }
  for (const acc of [opAccount(0), opAccount(1)]) {
    for (const u of ["demo-rep-a", "demo-rep-b"]) must("representative", await R.addRepresentative(admin1, { accountId: acc, userId: u, initiate: true, approve: true }));
  }
  const principal = async (u: string) => {
    const p = await auth.principalOf(u, "session", "all");
    if (!p) throw new Error(`demo seed: no principal for ${u}`);
    return p;
  };
  const repA: Caller = { principal: await principal("demo-rep-a"), ip: null };
  const repB: Caller = { principal: await principal("demo-rep-b"), ip: null };

  // April: issuance (four-eyes between two administrators), then the allocation pool and free allocation.
  const issue = must<{ status: string }>("issuance", await R.initiate(admin1, { transactionId: "demo-iss-1", kind: "issuance", legs: [{ classCode: cls, from: null, to: "JP-100-0001", quantity: "120000000" }], note: "cap of the demo scheme's first year" }));
  if (issue.status === "awaiting_approval") must("approve issuance", await R.approve(admin2, { transactionId: "demo-iss-1" }));
  clock.advanceDays(2);
  await adminTx(R, admin1, admin2, "demo-pool-1", "internal_transfer", [{ classCode: cls, from: "JP-100-0001", to: "JP-110-0001", quantity: "90000000" }]);
  await adminTx(R, admin1, admin2, "demo-pool-2", "internal_transfer", [{ classCode: cls, from: "JP-100-0001", to: "JP-120-0001", quantity: "20000000" }]);
  clock.advanceDays(8);
  // The year's free allocation in one batch: one transaction per installation, all or nothing.
  must("allocation", await R.batch(admin1, {
    batchId: "demo-alloc", kind: "allocation",
    transfers: OPERATORS.map((_, i) => ({ key: `demo-alloc-${i + 1}`, classCode: cls, from: "JP-110-0001", to: opAccount(i), quantity: String(1_500_000 + ((i * 733_331) % 5_000_000)) })),
  }));
  // J-Credits: issued into the national holding account, sold to an operator.
  await adminTx(R, admin1, admin2, "demo-jcr-iss", "issuance", [{ classCode: jcr, from: null, to: "JP-130-0001", quantity: "250000" }]);

  // May: the representatives of Hokkai Steel put Kanto Cement (another holder) on its trusted list.
  clock.advanceDays(30);
  const entry = must<{ entryId: string }>("trusted", await R.addTrusted(repA, { accountId: opAccount(0), trustedAccountId: opAccount(1) }));
  must("trusted approval", await R.approveTrusted(repB, { accountId: opAccount(0), trustedAccountId: opAccount(1), entryId: entry.entryId }));
  // A transfer outside the trusted list: four-eyes, then the 26-hour delay.
  const sale = must<{ id: string }>("transfer", await R.initiate(repA, { transactionId: "demo-trf-1", kind: "transfer", legs: [{ classCode: cls, from: opAccount(0), to: opAccount(4), quantity: "150000" }], note: "sale to Seto Paper" }));
  must("approve", await R.approve(repB, { transactionId: sale.id }));
  clock.advanceHours(27);
  must("release", await R.releaseDue(admin1));

  // June to September: trades over the trusted list, and between other operators (recorded by the ledger).
  clock.advanceDays(30);
  for (let m = 0; m < 4; m++) {
    const t = must<{ id: string }>("transfer", await R.initiate(repB, { transactionId: `demo-trf-t${m + 1}`, kind: "transfer", legs: [{ classCode: cls, from: opAccount(0), to: opAccount(1), quantity: String(50_000 + m * 10_000) }] }));
    must("approve", await R.approve(repA, { transactionId: t.id }));
    for (let k = 0; k < 3; k++) {
      const from = 2 + ((m * 3 + k) % 10);
      const to = 2 + ((m * 3 + k + 4) % 10);
      must("trade", await L.propose({ transactionId: `demo-trade-${m + 1}-${k + 1}`, kind: "transfer", initiator: "demo-seed", legs: [{ classCode: cls, from: opAccount(from), to: opAccount(to), quantity: String(20_000 + 5_000 * k) }] }));
    }
    clock.advanceDays(30);
  }
  // October: surrenders for the previous period, and a voluntary retirement.
  for (const [i] of OPERATORS.entries()) {
    if (i < 2) continue;
    must("surrender", await L.propose({ transactionId: `demo-surrender-${i + 1}`, kind: "surrender", initiator: "demo-seed", legs: [{ classCode: cls, from: opAccount(i), to: "JP-900-0001", quantity: String(900_000 + i * 10_000) }] }));
  }
  const surrender = must<{ id: string }>("surrender", await R.initiate(repA, { transactionId: "demo-surrender-1", kind: "surrender", legs: [{ classCode: cls, from: opAccount(0), to: "JP-900-0001", quantity: "800000" }] }));
  must("approve", await R.approve(repB, { transactionId: surrender.id }));
  must("retire", await L.propose({ transactionId: "demo-retire-1", kind: "retirement", initiator: "demo-seed", purpose: "voluntary offset of company travel", beneficiary: "Seto Paper", legs: [{ classCode: cls, from: opAccount(4), to: "JP-900-0002", quantity: "10000" }] }));

  // Now: a transfer waiting for the second representative (demo-rep-b can approve it).
  clock.set(now);
  must("held transfer", await R.initiate(repA, { transactionId: "demo-held-1", kind: "transfer", legs: [{ classCode: cls, from: opAccount(0), to: opAccount(2), quantity: "25000" }], note: "awaiting demo-rep-b's approval" }));
  return { users };
}

async function adminTx(R: SecureRegistry, a: Caller, b: Caller, id: string, kind: string, legs: Array<{ classCode: string; from: string | null; to: string; quantity: string }>): Promise<void> {
  const t = must<{ status: string }>(id, await R.initiate(a, { transactionId: id, kind, legs }));
  if (t.status === "awaiting_approval") must(`${id} approval`, await R.approve(b, { transactionId: id }));
}
