// THE authorization matrix: one row per API operation, one letter per role, in the order
//   admin  authority  rep-own  rep-other  verifier  public
// Y = allowed (the access rule lets the request through; a rule may still refuse it, e.g. 409 or
//     422, but never with a denial), N = denied (a problem whose check is one of DENIALS below,
//     i.e. 401 not signed in, 403 not permitted, or 404 because the object is not visible to you),
// F = allowed but filtered (the answer is a list with nothing of the other holder's in it).
// "rep-own" is rep-a1, a representative of account A acting on A; "rep-other" is rep-b, the
// representative of B, making the very same request on A. Each row builds its request, with a
// `prepare` step for operations that need a fresh object (a held transaction, a token).
import { systemPrincipal } from "../../src/domain/security/roles.ts";
import { loadRulebook } from "../../src/io/rulebook.ts";
import { AuctionService } from "../../src/registry/auction/index.ts";
import { ComplianceService } from "../../src/registry/compliance/index.ts";
import { LinkConfig } from "../../src/registry/international/links/config.ts";
import { LinkService } from "../../src/registry/international/links/service.ts";
import { listLinks } from "../../src/registry/international/links/store.ts";
import { newKeyPair } from "../../src/registry/international/links/crypto.ts";
import { AUCTION, AUCTION_ACCOUNT, auctionWorld, BIDDER, freeEntry, freshAuction, MSR_ACCOUNT } from "./auction-world.ts";
import type { Fixture } from "./fixture.ts";
import { A, B, C, CLASS, NAT, SYSTEM } from "./world.ts";

export const MATRIX_ROLES = ["admin", "authority", "repOwn", "repOther", "verifier", "public"] as const;
export type MatrixRole = (typeof MATRIX_ROLES)[number];
export const ROLE_USER: Record<MatrixRole, string | null> = { admin: "admin", authority: "auditor", repOwn: "rep-a1", repOther: "rep-b", verifier: "verifier", public: null };

export interface Req {
  method: string;
  path: string;
  body?: unknown;
  /** Use a fresh session (for operations that end or change the caller's session). */
  fresh?: boolean;
}

export interface Row {
  expect: string;
  req: (ctx: { f: Fixture; role: MatrixRole; user: string | null; n: number }) => Promise<Req> | Req;
}

const tx = (p: string, n: number) => `${p}-${n}`;

/** A link change proposed by the system (the matrix's administrator is another person). */
async function linkChange(f: Fixture, n: number): Promise<string> {
  const config = new LinkConfig(f.registry, f.db, f.clock);
  const r = await config.configure(SYSTEM, { commandId: tx("lchange", n), linkId: "MX-LINK", peerUrl: "http://127.0.0.1:9", peerRegistry: "PEER01", peerPublicKey: newKeyPair().publicKey });
  if (!r.ok) throw new Error(`link change: ${JSON.stringify(r)}`);
  return r.value.changeId;
}

/**
 * A sale at the ceiling requested by the administrator under a rulebook that sells at its ceiling
 * (the request is recorded, its issuance waits for approval): its commandId. The world's own
 * rulebook keeps no such ceiling, so completing it through the API is refused by rule (422).
 */
async function requestedSale(f: Fixture, n: number): Promise<string> {
  const principal = await f.auth.principalOf("admin", "session", "all");
  if (!principal) throw new Error("no principal for admin");
  const svc = new AuctionService(f.registry, { rulebook: { name: "gx-hard-ceiling", rulebook: loadRulebook("examples/play/gx-hard-ceiling.rulebook.yaml") } });
  const id = tx("pending-sale", n);
  // the buyer must be a covered entity: A's installation registered for compliance (the matrix asks this once, as the administrator)
  const reg = await new ComplianceService(f.registry).registerInstallation({ principal, ip: null }, { commandId: "mx-sale-inst", installation: "INST-A", accountId: A });
  if (!reg.ok) throw new Error(`registering INST-A: ${JSON.stringify(reg)}`);
  const r = await svc.sellAtCeiling({ principal, ip: null }, { commandId: id, account: A, classCode: CLASS, quantity: "1" });
  if (r.ok || r.code !== 11709) throw new Error(`requested sale ${id}: ${JSON.stringify(r)}`);
  return id;
}

/** A transfer A -> B initiated by `by` that waits for approval. */
async function heldTransfer(f: Fixture, by: string, n: number, prefix: string): Promise<string> {
  const principal = await f.auth.principalOf(by, "session", "all");
  if (!principal) throw new Error(`no principal for ${by}`);
  const id = tx(prefix, n);
  const r = await f.registry.initiate({ principal, ip: null }, { transactionId: id, kind: "transfer", legs: [{ classCode: CLASS, from: A, to: B, quantity: "1" }] });
  if (!r.ok || r.value.status !== "awaiting_approval") throw new Error(`held transfer ${id}: ${JSON.stringify(r)}`);
  return r.value.id;
}

/**
 * A transfer of 1 unit from A over a link of its own (MX-SEND, to a peer that never answers), sent
 * by rep-a1 and approved by rep-a2: its escrow then waits out the transfer delay (the slot is not
 * on A's trusted list), so reading it answers 10763 (409) to those who may see it. Its transfer id.
 */
async function linkTransfer(f: Fixture, n: number): Promise<string> {
  const links = new LinkService(f.registry, f.db, f.clock, { fetch: async () => Promise.reject(new Error("the matrix's peer never answers")) });
  const as = async (user: string) => {
    const principal = await f.auth.principalOf(user, "session", "all");
    if (!principal) throw new Error(`no principal for ${user}`);
    return { principal, ip: null };
  };
  const must = <T>(what: string, r: { ok: true; value: T } | { ok: false }): T => {
    if (!r.ok) throw new Error(`${what}: ${JSON.stringify(r)}`);
    return r.value;
  };
  if (!(await links.config.identity())) must("link identity", await links.config.setIdentity(SYSTEM, { registryId: "MATRIX01" }));
  if (!(await listLinks(f.db)).some((l) => l.linkId === "MX-SEND")) {
    const change = must("link MX-SEND", await links.config.configure(SYSTEM, { commandId: "mx-send-link", linkId: "MX-SEND", peerUrl: "http://127.0.0.1:9", peerRegistry: "PEER02", peerPublicKey: newKeyPair().publicKey }));
    if (change.status === "awaiting_approval") must("approving MX-SEND", await links.config.approve(await as("admin"), { changeId: change.changeId }));
  }
  const sent = must("link send", await links.send(await as("rep-a1"), { commandId: tx("lget", n), linkId: "MX-SEND", from: A, classCode: CLASS, quantity: "1", destination: "PEER-ACC-01" }));
  if (sent.transaction.status === "awaiting_approval") must("approving the escrow", await f.registry.approve(await as("rep-a2"), { transactionId: sent.transaction.id }));
  return sent.transaction.id;
}

export const MATRIX: Record<string, Row> = {
  // ---- public
  health: { expect: "YYYYYY", req: () => ({ method: "GET", path: "/health" }) },
  publicAccounts: { expect: "YYYYYY", req: () => ({ method: "GET", path: "/v1/public/accounts" }) },
  publicAllocations: { expect: "YYYYYY", req: () => ({ method: "GET", path: "/v1/public/allocations" }) },
  publicCompliance: { expect: "YYYYYY", req: () => ({ method: "GET", path: "/v1/public/compliance" }) },
  publicTransactions: { expect: "YYYYYY", req: () => ({ method: "GET", path: "/v1/public/transactions" }) },
  publicScheme: { expect: "YYYYYY", req: () => ({ method: "GET", path: "/v1/public/scheme" }) },
  publicDashboard: { expect: "YYYYYY", req: () => ({ method: "GET", path: "/v1/public/dashboard" }) },
  listCheckpoints: { expect: "YYYYYY", req: () => ({ method: "GET", path: "/v1/checkpoints" }) },
  // ---- sign-in and own profile
  signIn: { expect: "YYYYYY", req: ({ user }) => ({ method: "POST", path: "/v1/auth/sign-in", body: { userId: user ?? "verifier", password: `${user ?? "verifier"}-long-password` } }) },
  signInTotp: { expect: "YYYYYY", req: () => ({ method: "POST", path: "/v1/auth/totp", body: { challenge: "no-such-challenge", code: "123456" } }) },
  signOut: { expect: "YYYYYN", req: () => ({ method: "POST", path: "/v1/auth/sign-out", fresh: true }) },
  me: { expect: "YYYYYN", req: () => ({ method: "GET", path: "/v1/auth/me" }) },
  changeOwnPassword: { expect: "YYYYYN", req: () => ({ method: "POST", path: "/v1/auth/password", body: { oldPassword: "not-the-old-password", newPassword: "a-new-long-password" }, fresh: true }) },
  resetOwnTotp: { expect: "YYYYYN", req: () => ({ method: "POST", path: "/v1/auth/totp/reset" }) },
  listOwnTokens: { expect: "YYYYYN", req: () => ({ method: "GET", path: "/v1/tokens" }) },
  createToken: { expect: "YYYYYN", req: () => ({ method: "POST", path: "/v1/tokens", body: { name: "matrix", scopes: ["read"] } }) },
  revokeToken: {
    expect: "YYYYYN",
    req: async ({ f, user }) => {
      const r = await f.auth.createApiToken({ principal: systemPrincipal("matrix"), ip: null }, { userId: user ?? "verifier", name: "to-revoke", scopes: ["read"] });
      if (!r.ok) throw new Error(JSON.stringify(r));
      return { method: "DELETE", path: `/v1/tokens/${r.value.view.tokenId}` };
    },
  },
  // ---- reads
  // The account list is published (like the EU's); holdings and transactions are not.
  listAccounts: { expect: "YYYYNN", req: () => ({ method: "GET", path: `/v1/accounts?holder=${encodeURIComponent("Alpha Steel")}` }) },
  getAccount: { expect: "YYYYNN", req: () => ({ method: "GET", path: `/v1/accounts/${A}` }) },
  getHoldings: { expect: "YYYNNN", req: () => ({ method: "GET", path: `/v1/accounts/${A}/holdings?blocks=true` }) },
  listClasses: { expect: "YYYYYN", req: () => ({ method: "GET", path: "/v1/classes" }) },
  getClass: { expect: "YYYYYN", req: () => ({ method: "GET", path: `/v1/classes/${CLASS}` }) },
  listTransactions: { expect: "YYYFNN", req: () => ({ method: "GET", path: `/v1/transactions?accountId=${A}` }) },
  listAwaitingMyApproval: { expect: "YNYYNN", req: () => ({ method: "GET", path: "/v1/transactions/awaiting-my-approval" }) },
  getTransaction: { expect: "YYYNNN", req: () => ({ method: "GET", path: `/v1/transactions/seed-alloc-${A}` }) },
  getTransactionChecks: { expect: "YYYNNN", req: () => ({ method: "GET", path: `/v1/transactions/seed-alloc-${A}/checks` }) },
  // ---- administration of the ledger
  defineClass: { expect: "YNNNNN", req: ({ n }) => ({ method: "POST", path: "/v1/classes", body: { commandId: tx("cls", n), code: `JPA-M${n}`, unitType: "allowance", scheme: "JP-GX", vintage: 2027 } }) },
  openAccount: {
    expect: "YNNNNN",
    req: ({ n }) => ({ method: "POST", path: "/v1/accounts", body: { commandId: tx("acc", n), accountId: `JP-500-${String(n).padStart(4, "0")}`, type: "trading", holder: "Matrix", name: "Matrix trading" } }),
  },
  blockAccount: { expect: "YNNNNN", req: ({ n }) => ({ method: "POST", path: `/v1/accounts/${C}/block`, body: { commandId: tx("blk", n) } }) },
  unblockAccount: { expect: "YNNNNN", req: ({ n }) => ({ method: "POST", path: `/v1/accounts/${C}/unblock`, body: { commandId: tx("unblk", n) } }) },
  closeAccount: {
    expect: "YNNNNN",
    // An empty account of its own, so that closing it succeeds for the administrator and touches no other row's account.
    req: async ({ f, n }) => {
      const accountId = `JP-510-${String(n).padStart(4, "0")}`;
      const r = await f.registry.openAccount(SYSTEM, { commandId: tx("acc-close", n), accountId, type: "trading", holder: "Matrix", name: "Matrix account to close" });
      if (!r.ok) throw new Error(`opening ${accountId}: ${JSON.stringify(r)}`);
      return { method: "POST", path: `/v1/accounts/${accountId}/close`, body: { commandId: tx("cls", n) } };
    },
  },
  // ---- the registry rules administrators operate (issue 17); the freeze row lifts it, so the other rows still write
  setAccountState: { expect: "YNNNNN", req: ({ n }) => ({ method: "POST", path: `/v1/accounts/${C}/state`, body: { commandId: tx("state", n), status: "open" } }) },
  setFreeze: { expect: "YNNNNN", req: ({ n }) => ({ method: "POST", path: "/v1/registry/freeze", body: { commandId: tx("frz", n), frozen: false, reason: "matrix" } }) },
  setEntitlement: { expect: "YNNNNN", req: ({ n }) => ({ method: "POST", path: `/v1/accounts/${A}/entitlements`, body: { commandId: tx("ent", n), year: 2026, table: "NAT", quantity: "0" } }) },
  issue: { expect: "YNNNNN", req: ({ n }) => ({ method: "POST", path: "/v1/issuances", body: { commandId: tx("iss", n), classCode: CLASS, to: NAT, quantity: "10" } }) },
  administrativeTransaction: {
    expect: "YNNNNN",
    req: ({ n }) => ({ method: "POST", path: "/v1/administrative-transactions", body: { commandId: tx("adm", n), kind: "allocation", legs: [{ classCode: CLASS, from: NAT, to: A, quantity: "5" }] } }),
  },
  // ---- the representatives' transactions
  transfer: { expect: "NNYNNN", req: ({ n }) => ({ method: "POST", path: "/v1/transfers", body: { commandId: tx("trf", n), from: A, to: B, classCode: CLASS, quantity: "1" } }) },
  surrender: { expect: "NNYNNN", req: ({ n }) => ({ method: "POST", path: "/v1/surrenders", body: { commandId: tx("sur", n), from: A, classCode: CLASS, quantity: "1" } }) },
  retire: {
    expect: "NNYNNN",
    req: ({ n }) => ({ method: "POST", path: "/v1/retirements", body: { commandId: tx("ret", n), from: A, classCode: CLASS, quantity: "1", purpose: "voluntary offset", beneficiary: "Alpha Steel" } }),
  },
  cancelUnits: { expect: "NNYNNN", req: ({ n }) => ({ method: "POST", path: "/v1/cancellations", body: { commandId: tx("can", n), from: A, classCode: CLASS, quantity: "1" } }) },
  approveTransaction: { expect: "NNYNNN", req: async ({ f, n }) => ({ method: "POST", path: `/v1/transactions/${await heldTransfer(f, "rep-a2", n, "ap")}/approve`, body: {} }) },
  rejectTransaction: { expect: "NNYNNN", req: async ({ f, n }) => ({ method: "POST", path: `/v1/transactions/${await heldTransfer(f, "rep-a2", n, "rj")}/reject`, body: {} }) },
  cancelTransaction: { expect: "YNYNNN", req: async ({ f, n }) => ({ method: "POST", path: `/v1/transactions/${await heldTransfer(f, "rep-a1", n, "cx")}/cancel`, body: {} }) },
  reverseTransaction: { expect: "YNNNNN", req: ({ n }) => ({ method: "POST", path: `/v1/transactions/seed-alloc-${B}/reversal`, body: { commandId: tx("rev", n) } }) },
  releaseDue: { expect: "YNNNNN", req: () => ({ method: "POST", path: "/v1/release-due" }) },
  // ---- users
  listUsers: { expect: "YYNNNN", req: () => ({ method: "GET", path: "/v1/users" }) },
  createUser: { expect: "YNNNNN", req: ({ n }) => ({ method: "POST", path: "/v1/users", body: { userId: `matrix-${n}`, displayName: "Matrix", password: "matrix-long-password" } }) },
  getUser: { expect: "YYNNNN", req: () => ({ method: "GET", path: "/v1/users/spare" }) },
  setUserRoles: { expect: "YNNNNN", req: () => ({ method: "PUT", path: "/v1/users/spare/roles", body: { roles: ["verifier"] } }) },
  setUserDisabled: { expect: "YNNNNN", req: () => ({ method: "PUT", path: "/v1/users/spare/disabled", body: { disabled: false } }) },
  setUserPassword: { expect: "YNNNNN", req: () => ({ method: "PUT", path: "/v1/users/spare/password", body: { newPassword: "spare-long-password" } }) },
  resetUserTotp: { expect: "YNNNNN", req: () => ({ method: "POST", path: "/v1/users/spare/totp-reset" }) },
  unlockUser: { expect: "YNNNNN", req: () => ({ method: "POST", path: "/v1/users/spare/unlock" }) },
  revokeUserSessions: { expect: "YNNNNN", req: () => ({ method: "DELETE", path: "/v1/users/spare/sessions" }) },
  listUserTokens: { expect: "YNNNNN", req: () => ({ method: "GET", path: "/v1/users/spare/tokens" }) },
  // ---- representatives, trusted lists, limits, audit
  listRepresentatives: { expect: "YYYNNN", req: () => ({ method: "GET", path: `/v1/accounts/${A}/representatives` }) },
  addRepresentative: { expect: "YNNNNN", req: () => ({ method: "POST", path: `/v1/accounts/${A}/representatives`, body: { userId: "spare", initiate: false, approve: true } }) },
  removeRepresentative: {
    expect: "YNNNNN",
    req: async ({ f }) => {
      await f.registry.addRepresentative(SYSTEM, { accountId: B, userId: "spare", initiate: true, approve: false });
      return { method: "DELETE", path: `/v1/accounts/${B}/representatives/spare` };
    },
  },
  listTrusted: { expect: "YYYNNN", req: () => ({ method: "GET", path: `/v1/accounts/${A}/trusted` }) },
  addTrusted: { expect: "YNYNNN", req: () => ({ method: "POST", path: `/v1/accounts/${A}/trusted`, body: { trustedAccountId: C } }) },
  approveTrusted: {
    expect: "YNYNNN",
    req: async ({ f, n }) => {
      // A fresh proposal (by rep-a2) for each attempt: C, then B once C is taken.
      const target = n % 2 === 0 ? C : B;
      await f.registry.removeTrusted(SYSTEM, { accountId: A, trustedAccountId: target });
      const principal = await f.auth.principalOf("rep-a2", "session", "all");
      if (!principal) throw new Error("rep-a2");
      const r = await f.registry.addTrusted({ principal, ip: null }, { accountId: A, trustedAccountId: target });
      if (!r.ok) throw new Error(JSON.stringify(r));
      return { method: "POST", path: `/v1/accounts/${A}/trusted/${target}/approve`, body: { entryId: r.value.entryId } };
    },
  },
  removeTrusted: {
    expect: "YNYNNN",
    req: async ({ f }) => {
      await f.registry.addTrusted(SYSTEM, { accountId: A, trustedAccountId: B });
      return { method: "DELETE", path: `/v1/accounts/${A}/trusted/${B}` };
    },
  },
  createBatch: {
    expect: "YNNNNN",
    req: ({ n }) => ({ method: "POST", path: "/v1/batches", body: { commandId: tx("bat", n), kind: "allocation", transfers: [{ classCode: CLASS, from: NAT, to: A, quantity: "1" }] } }),
  },
  listBlocks: { expect: "YYYNNN", req: () => ({ method: "GET", path: `/v1/accounts/${A}/holdings/${CLASS}/blocks?limit=2` }) },
  getAccountLimit: { expect: "YYYNNN", req: () => ({ method: "GET", path: `/v1/accounts/${A}/limit` }) },
  setAccountLimit: { expect: "YNYNNN", req: () => ({ method: "PUT", path: `/v1/accounts/${A}/limit`, body: { limit: "3000000" } }) },
  approveAccountLimit: {
    expect: "YNYNNN",
    req: async ({ f }) => {
      // A raise proposed by rep-a2 for each attempt (the approval names its version).
      const principal = await f.auth.principalOf("rep-a2", "session", "all");
      if (!principal) throw new Error("rep-a2");
      await f.registry.setAccountLimit(SYSTEM, { accountId: A, limit: 1_000_000 });
      const r = await f.registry.setAccountLimit({ principal, ip: null }, { accountId: A, limit: 4_000_000 });
      if (!r.ok || !r.value.pending) throw new Error(JSON.stringify(r));
      return { method: "POST", path: `/v1/accounts/${A}/limit/approve`, body: { version: r.value.pending.version } };
    },
  },
  holderLimit: { expect: "YYYNNN", req: () => ({ method: "GET", path: `/v1/holders/${encodeURIComponent("Alpha Steel")}/limit` }) },
  queryAudit: { expect: "YYNNNN", req: () => ({ method: "GET", path: "/v1/audit?limit=5" }) },
  // ---- compliance (INST-A is the installation of A; the test registry records no compliance rulebook, so allowed writes answer 422 9309)
  listComplianceInstallations: { expect: "YYYYYN", req: () => ({ method: "GET", path: "/v1/compliance/installations" }) },
  registerInstallation: { expect: "YNNNNN", req: ({ n }) => ({ method: "POST", path: "/v1/compliance/installations", body: { commandId: tx("reg", n), installation: "INST-A", accountId: A } }) },
  setObligationTerms: { expect: "YNNNNN", req: ({ n }) => ({ method: "POST", path: "/v1/compliance/installations/INST-A/terms", body: { commandId: tx("terms", n), period: "2026", facilityCap: "100" } }) },
  getInstallationRecords: { expect: "YYYNNN", req: () => ({ method: "GET", path: "/v1/compliance/installations/INST-A" }) },
  submitMonitoringPlan: { expect: "NNYNNN", req: ({ n }) => ({ method: "POST", path: "/v1/compliance/installations/INST-A/plans", body: { commandId: tx("plan", n), plan: { validFrom: 2026, sources: [] } } }) },
  submitEmissionReport: { expect: "NNYNNN", req: ({ n }) => ({ method: "POST", path: "/v1/compliance/installations/INST-A/reports", body: { commandId: tx("rep", n), year: 2026, activity: [] } }) },
  appointVerifier: { expect: "NNYNNN", req: ({ n }) => ({ method: "POST", path: "/v1/compliance/installations/INST-A/verifier", body: { commandId: tx("appoint", n), year: 2026, verifier: "verifier" } }) },
  submitVerification: { expect: "NNNNYN", req: ({ n }) => ({ method: "POST", path: "/v1/compliance/installations/INST-A/verifications", body: { commandId: tx("ver", n), year: 2026, version: 1, opinion: "positive", misstatements: "0" } }) },
  setEmissionEstimate: { expect: "YYNNNN", req: ({ n }) => ({ method: "POST", path: "/v1/compliance/installations/INST-A/estimates", body: { commandId: tx("est", n), year: 2026, tonnes: "10", reason: "no report" } }) },
  recordAccreditation: { expect: "YYNNNN", req: ({ n }) => ({ method: "POST", path: "/v1/compliance/accreditations", body: { commandId: tx("acc", n), verifier: "verifier", accreditationId: "JAB-1", body: "JAB", standard: "ISO 14065", scopes: ["*"], validFrom: "2026-01-01", expires: "2020-01-01" } }) },
  recordVerifierFact: { expect: "YYNNNN", req: ({ n }) => ({ method: "POST", path: "/v1/compliance/verifier-facts", body: { commandId: tx("fact", n), verifier: "verifier", kind: "service", operator: "Alpha Steel" } }) },
  listVerifierAssignments: { expect: "NNNNYN", req: () => ({ method: "GET", path: "/v1/compliance/assignments" }) },
  complianceStatus: { expect: "YYYYYN", req: () => ({ method: "GET", path: "/v1/compliance/periods/2026" }) },
  surrenderForCompliance: { expect: "NNYNNN", req: ({ n }) => ({ method: "POST", path: "/v1/compliance/installations/INST-A/surrenders", body: { commandId: tx("csur", n), period: "2026", lines: [{ classCode: CLASS, quantity: "1" }] } }) },
  closeCompliancePeriod: { expect: "YNNNNN", req: ({ n }) => ({ method: "POST", path: "/v1/compliance/periods/2026/close", body: { commandId: tx("close", n) } }) },
  bookTrueUp: { expect: "YNNNNN", req: ({ n }) => ({ method: "POST", path: "/v1/compliance/installations/INST-A/true-ups", body: { commandId: tx("trueup", n), year: 2026, verifiedOutput: "1000" } }) },
  issueExPost: { expect: "YNNNNN", req: ({ n }) => ({ method: "POST", path: "/v1/compliance/periods/2026/ex-post-issuances", body: { commandId: tx("expost", n), installation: "INST-A" } }) },
  listExPostIssuances: { expect: "YYYYNN", req: () => ({ method: "GET", path: "/v1/compliance/periods/2026/ex-post-issuances" }) },
  listTrueUps: { expect: "YYNNNN", req: () => ({ method: "GET", path: "/v1/compliance/installations/INST-A/true-ups" }) },
  getCompliancePeriodClose: { expect: "YYNNNN", req: () => ({ method: "GET", path: "/v1/compliance/periods/2026/close" }) },
  listAccreditations: { expect: "YYNNYN", req: () => ({ method: "GET", path: "/v1/compliance/accreditations" }) },
  getSurrenderOptions: { expect: "YYYNNN", req: () => ({ method: "GET", path: "/v1/compliance/installations/INST-A/surrender-options?period=2026" }) },
  // ---- analyses (change nothing; any signed-in user with a role)
  analysisOptions: { expect: "YYYYYN", req: () => ({ method: "GET", path: "/v1/analysis/options" }) },
  allocationRun: { expect: "YYYYYN", req: () => ({ method: "GET", path: "/v1/analysis/allocation?rulebook=japan-gx-ets&dataset=demo-japan&year=2026" }) },
  baselines: { expect: "YYYYYN", req: () => ({ method: "GET", path: "/v1/analysis/baselines?dataset=demo-japan&rulebook=japan-gx-ets" }) },
  simulate: { expect: "YYYYYN", req: () => ({ method: "POST", path: "/v1/analysis/simulations", body: { preset: "two-firms" } }) },
  compareSimulations: { expect: "YYYYYN", req: () => ({ method: "POST", path: "/v1/analysis/simulations/compare", body: { runs: [{ preset: "two-firms" }, { preset: "two-firms", overrides: { capFactor: 1.1 } }] } }) },
  // ---- international units (src/http/routes/international.ts)
  listInternationalClasses: { expect: "YYYYYN", req: () => ({ method: "GET", path: "/v1/international/classes" }) },
  defineInternationalClass: {
    expect: "YNNNNN",
    req: ({ n }) => ({ method: "POST", path: "/v1/international/classes", body: { commandId: tx("icls", n), attributes: { mechanism: "A6.2", unitType: "ITMO", creditKind: "reduction", host: "THA", vintage: 2022, project: `P-${n}` } } }),
  },
  getInternationalConfiguration: { expect: "YYYYYN", req: () => ({ method: "GET", path: "/v1/international/configuration" }) },
  configureInternational: { expect: "YNNNNN", req: () => ({ method: "PUT", path: "/v1/international/configuration", body: { domesticUse: [], unknownSection: true } }) },
  getArticle6Book: { expect: "YYNNNN", req: () => ({ method: "GET", path: "/v1/international/book" }) },
  listArticle6Records: { expect: "YYNNNN", req: () => ({ method: "GET", path: "/v1/international/book/records" }) },
  listArticle6Authorizations: { expect: "YYNNNN", req: () => ({ method: "GET", path: "/v1/international/book/authorizations" }) },
  listArticle6FirstTransfers: { expect: "YYNNNN", req: () => ({ method: "GET", path: "/v1/international/book/first-transfers" }) },
  getAef: { expect: "YYNNNN", req: () => ({ method: "GET", path: "/v1/international/aef?party=THA&year=2023" }) },
  authorizeItmos: {
    expect: "YNNNNN",
    req: ({ n }) => ({
      method: "POST", path: "/v1/international/authorizations",
      body: { commandId: tx("loa", n), cooperativeApproach: "CA0001", purposes: "NDC", authorizedParties: ["CHE"], quantity: "10", gwp: "AR5", sectors: ["Transport"], activityTypes: ["Buses"], terms: "t" },
    }),
  },
  revokeAuthorization: { expect: "YNNNNN", req: ({ n }) => ({ method: "POST", path: "/v1/international/authorizations/NO-SUCH-LOA/revoke", body: { commandId: tx("rev", n) } }) },
  authorizeEntity: {
    expect: "YNNNNN",
    req: ({ n }) => ({ method: "POST", path: "/v1/international/entities", body: { commandId: tx("ent", n), name: "E", country: "CHE", identification: "X", cooperativeApproach: "CA0001", conditions: "c", changeConditions: "c" } }),
  },
  issueItmos: { expect: "YNNNNN", req: ({ n }) => ({ method: "POST", path: "/v1/international/issuances", body: { commandId: tx("iiss", n), classCode: "NO-SUCH-INTL-CLASS", account: NAT, quantity: "0" } }) },
  issueWithShares: { expect: "YNNNNN", req: ({ n }) => ({ method: "POST", path: "/v1/international/mechanism-issuances", body: { commandId: tx("mech", n), classCode: "NO-SUCH-INTL-CLASS", quantity: "0", to: A } }) },
  transferItmos: { expect: "NNYNNN", req: ({ n }) => ({ method: "POST", path: "/v1/international/transfers", body: { commandId: tx("itrf", n), from: A, to: "CHE", classCode: CLASS, quantity: "1" } }) },
  useItmos: { expect: "NNYNNN", req: ({ n }) => ({ method: "POST", path: "/v1/international/uses", body: { commandId: tx("iuse", n), from: A, classCode: CLASS, quantity: "1", purpose: "NDC", forYear: 2023 } }) },
  cancelItmos: { expect: "NNYNNN", req: ({ n }) => ({ method: "POST", path: "/v1/international/cancellations", body: { commandId: tx("ican", n), from: A, classCode: CLASS, quantity: "1", reason: "voluntary" } }) },
  // ---- auctions (test/http/auction-world.ts): public calendar, auctions and results; sealed bids
  listAuctions: { expect: "YYYYYY", req: async ({ f }) => (await auctionWorld(f), { method: "GET", path: "/v1/auctions" }) },
  getAuction: { expect: "YYYYYY", req: async ({ f }) => (await auctionWorld(f), { method: "GET", path: `/v1/auctions/${AUCTION}` }) },
  getAuctionCalendar: { expect: "YYYYYY", req: async ({ f }) => (await auctionWorld(f), { method: "GET", path: "/v1/auction-calendar/2030" }) },
  writeAuctionCalendar: { expect: "YNNNNN", req: ({ n }) => ({ method: "POST", path: "/v1/auction-calendar", body: { commandId: tx("cal", n), year: 2031, volume: "1000000" } }) },
  createAuction: {
    expect: "YNNNNN",
    req: async ({ f, n }) => ({ method: "POST", path: "/v1/auctions", body: { commandId: tx("auc", n), auctionId: `MX-${n}`, year: 2030, number: await freeEntry(f), classCode: CLASS, auctionAccount: AUCTION_ACCOUNT } }),
  },
  admitBidder: {
    expect: "YNNNNN",
    req: async ({ f, n }) => {
      await auctionWorld(f);
      const accountId = `JP-520-${String(n).padStart(4, "0")}`;
      const r = await f.registry.openAccount(SYSTEM, { commandId: tx("acc-bidder", n), accountId, type: "trading", holder: "Matrix", name: "Matrix bidder" });
      if (!r.ok) throw new Error(`opening ${accountId}: ${JSON.stringify(r)}`);
      return { method: "POST", path: `/v1/auctions/${AUCTION}/bidders`, body: { commandId: tx("bidder", n), bidder: `B${n}`, accountId } };
    },
  },
  listAuctionBidders: { expect: "YYYFNN", req: async ({ f }) => (await auctionWorld(f), { method: "GET", path: `/v1/auctions/${AUCTION}/bidders` }) },
  // rep-b bidding for A's bidder is refused; administrators and the authority may not read bids before the close (409 bids-sealed: a rule, not a denial)
  placeBid: { expect: "YNYNNN", req: async ({ f, n }) => (await auctionWorld(f), { method: "POST", path: `/v1/auctions/${AUCTION}/bids`, body: { commandId: tx("bid", n), bidder: BIDDER, quantity: "500", price: "81.00" } }) },
  listAuctionBids: { expect: "YYYFNN", req: async ({ f }) => (await auctionWorld(f), { method: "GET", path: `/v1/auctions/${AUCTION}/bids` }) },
  closeAuction: { expect: "YNNNNN", req: async ({ f, n, role }) => ({ method: "POST", path: `/v1/auctions/${role === "admin" ? await freshAuction(f, false) : AUCTION}/close`, body: { commandId: tx("close", n), seed: "matrix" } }) },
  settleAuction: { expect: "YNNNNN", req: async ({ f, n, role }) => ({ method: "POST", path: `/v1/auctions/${role === "admin" ? await freshAuction(f, true) : AUCTION}/settle`, body: { commandId: tx("settle", n) } }) },
  getAuctionResults: { expect: "YYYYYY", req: async ({ f }) => (await auctionWorld(f), { method: "GET", path: `/v1/auctions/${AUCTION}/results` }) },
  getAuctionSettlement: { expect: "YYYYNN", req: async ({ f }) => (await auctionWorld(f), { method: "GET", path: `/v1/auctions/${AUCTION}/settlement` }) },
  listAuctionPayments: { expect: "YYYFNN", req: async ({ f }) => (await auctionWorld(f), { method: "GET", path: `/v1/auctions/${AUCTION}/settlement/payments` }) },
  // a rule may refuse the administrator's payment (the world's rulebook keeps no ceiling by payment in lieu): allowed, never denied
  payCeilingPrice: { expect: "YNNNNN", req: ({ n }) => ({ method: "POST", path: "/v1/ceiling-payments", body: { commandId: tx("ceil", n), installation: "INST-A", period: "2025", quantity: "10" } }) },
  listCeilingPayments: { expect: "YYNNNN", req: () => ({ method: "GET", path: "/v1/ceiling-payments" }) },
  sellAtCeiling: { expect: "YNNNNN", req: ({ n }) => ({ method: "POST", path: "/v1/ceiling-sales", body: { commandId: tx("sale", n), account: "OP-A", classCode: "GX-2026", quantity: "10" } }) },
  listCeilingSales: { expect: "YYNNNN", req: () => ({ method: "GET", path: "/v1/ceiling-sales" }) },
  // the administrator completes a requested sale and is refused by rule (the world's rulebook keeps no ceiling by sales), never denied
  completeCeilingSale: { expect: "YNNNNN", req: async ({ f, n, role }) => ({ method: "POST", path: `/v1/ceiling-sales/${role === "admin" ? await requestedSale(f, n) : tx("sale", n)}/complete`, body: {} }) },
  listPendingCeilingSales: { expect: "YYNNNN", req: () => ({ method: "GET", path: "/v1/ceiling-sales/pending" }) },
  getTnac: { expect: "YYNNNN", req: async ({ f }) => (await auctionWorld(f), { method: "GET", path: "/v1/msr/tnac/2028?verifiedEmissions=0" }) },
  listMsrDecisions: { expect: "YYYYYY", req: () => ({ method: "GET", path: "/v1/msr/decisions" }) },
  decideMsr: {
    expect: "YNNNNN",
    req: async ({ f, n }) => (await auctionWorld(f), { method: "POST", path: "/v1/msr/decisions", body: { commandId: tx("msr", n), tnacYear: 2028, verifiedEmissions: "0", msrAccount: MSR_ACCOUNT, auctionAccount: AUCTION_ACCOUNT } }),
  },
  applyMsrMonth: { expect: "YNNNNN", req: async ({ f }) => (await auctionWorld(f), { method: "POST", path: "/v1/msr/decisions/2028/months/2029-09", body: { classCode: CLASS } }) },
  // ---- linked registries (src/http/routes/links.ts); the peer's endpoint is open, answered only for a signed message
  getLinkIdentity: { expect: "YYNNNN", req: () => ({ method: "GET", path: "/v1/links/identity" }) },
  setLinkIdentity: { expect: "YNNNNN", req: () => ({ method: "POST", path: "/v1/links/identity", body: { registryId: "MATRIX01" } }) },
  listLinks: { expect: "YYNNNN", req: () => ({ method: "GET", path: "/v1/links" }) },
  configureLink: { expect: "YNNNNN", req: ({ n }) => ({ method: "POST", path: "/v1/links", body: { commandId: tx("link", n), linkId: "MX-LINK", peerUrl: "http://127.0.0.1:9", peerRegistry: "PEER01", peerPublicKey: "not a key" } }) },
  listLinkChanges: { expect: "YYNNNN", req: () => ({ method: "GET", path: "/v1/links/changes" }) },
  // A change proposed by the system: under four eyes the administrator approves it (201), else it was applied (409 link-state).
  approveLinkChange: { expect: "YNNNNN", req: async ({ f, n }) => ({ method: "POST", path: `/v1/links/changes/${await linkChange(f, n)}/approve` }) },
  // A malformed destination: the representative of A gets 400 (allowed), others are denied before it is looked at.
  sendOverLink: { expect: "NNYNNN", req: ({ n }) => ({ method: "POST", path: "/v1/links/MX-LINK/transfers", body: { commandId: tx("lsend", n), from: A, classCode: CLASS, quantity: "1", destination: "not an account" } }) },
  // A's own transfer, its escrow delayed: its representative and the administrators learn so (409); B's representative learns nothing (404).
  getLinkTransfer: { expect: "YYYNNN", req: async ({ f, n }) => ({ method: "GET", path: `/v1/links/MX-SEND/transfers/${await linkTransfer(f, n)}` }) },
  listLinkTransfersOut: { expect: "YYNNNN", req: () => ({ method: "GET", path: "/v1/links/transfers/outbound" }) },
  listLinkTransfersIn: { expect: "YYNNNN", req: () => ({ method: "GET", path: "/v1/links/transfers/inbound" }) },
  recoverLinks: { expect: "YNNNNN", req: () => ({ method: "POST", path: "/v1/links/recover" }) },
  receiveOverLink: { expect: "YYYYYY", req: () => ({ method: "POST", path: "/v1/links/inbound", body: { linkId: "NO-LINK", type: "propose", nonce: "not-hex", sentAt: "2026-01-01T00:00:00Z", body: {}, signature: "x" } }) },
};

/** Problem checks that mean "you may not", as opposed to a rule refusing what you may ask. */
export const DENIALS = new Set([
  "permission-denied", "session-invalid", "scope-missing", "account-not-visible", "not-initiating-representative", "not-approving-representative", "cancel-not-allowed",
]);
