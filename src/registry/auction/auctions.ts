// An auction's life in the registry up to its result: created for an entry of the calendar with
// the rules of its year (stored with it: later rulebook changes do not alter an auction), bidders
// admitted with their accounts and guarantees, sealed bids placed (each checked at once by the
// clearing's own rules: lots, prices, the bidder's share of the volume, its guarantee), and the
// close, which clears the bids (src/domain/auction) and records the result and awards. Every
// command runs in one database transaction with the auction's row locked, so a bid and the close
// are serialized: no bid enters after the close.
import { randomBytes } from "node:crypto";
import { auctionRulesFor, checkBids, clearAuction, statementOf } from "../../domain/auction/index.ts";
import { auctionRefusal, bidRefusal } from "../../domain/auction/checks.ts";
import type { AuctionRules, AuctionTier, Bid, NonCompetitiveBid, QualifiedBidder } from "../../domain/auction/types.ts";
import type { Refusal } from "../../domain/ledger/checks.ts";
import { ArithmeticError, parseDecimal } from "../../domain/quantity/index.ts";
import { securityRefusal } from "../../domain/security/codes.ts";
import { type Caller, hasRole } from "../../domain/security/roles.ts";
import type { Sql } from "../../store/db.ts";
import type { Result } from "../ledger/index.ts";
import { rightsOf } from "../secure/store.ts";
import { auctionsPerYear, carriedInto, yearOf } from "./calendar.ts";
import { type AuctionCtx, BIDDER_RE, bad, checkKey, ID_RE, mayAdminister, ok, runCommand, scopeOf, whole } from "./context.ts";
import { revenueTerms } from "./revenue.ts";
import { rulesToJson } from "./rules.ts";
import { appendEvent, type AuctionRow, bidderRows, bidRows, loadAuction } from "./store.ts";

const HOLDING_TYPES = ["operator_holding", "aircraft_operator_holding", "maritime_operator_holding", "trading", "person_holding", "party_holding"];
const RESERVE_TYPES = ["market_stability_reserve", "cost_containment_reserve"];

export interface CreateInput {
  commandId: string;
  auctionId: string;
  year: number;
  number: number;
  classCode: string;
  auctionAccount: string;
  /** The account of each reserve tier taking part (CCR releases, ECR withholds), by tier id. */
  reserveAccounts?: Record<string, string> | undefined;
  /** Where unsold allowances go when the rules send them to a reserve or retire them. */
  unsoldAccount?: string | undefined;
}

async function accountOf(sql: Sql, id: unknown, field: string, types: readonly string[]): Promise<Refusal | undefined> {
  if (typeof id !== "string" || id.length > 64) return bad(field, "must be an account id");
  const r = await sql.query<{ type: string; status: string }>("SELECT type, status FROM accounts WHERE id = $1", [id]);
  const a = r.rows[0];
  if (!a) return auctionRefusal("ACCOUNT_INVALID", `${field}: no account ${id}`, { field, accountId: id });
  if (a.status !== "open" || !types.includes(a.type)) return auctionRefusal("ACCOUNT_INVALID", `${field}: ${id} is a ${a.status} ${a.type} account; expected an open account of type ${types.join(" or ")}`, { field, accountId: id, type: a.type, status: a.status });
  return undefined;
}

async function checkAccounts(sql: Sql, input: CreateInput, rules: AuctionRules): Promise<Refusal | undefined> {
  const auctionErr = await accountOf(sql, input.auctionAccount, "auctionAccount", ["auction"]);
  if (auctionErr) return auctionErr;
  const reserve = input.reserveAccounts ?? {};
  if (typeof reserve !== "object" || reserve === null || Array.isArray(reserve)) return bad("reserveAccounts", "must map reserve tier ids to accounts");
  for (const id of Object.keys(reserve)) if (!rules.tiers.some((t) => t.id === id)) return bad(`reserveAccounts.${id}`, `no reserve tier ${id} in this year's rules (tiers: ${rules.tiers.map((t) => t.id).join(", ") || "none"})`);
  for (const t of rules.tiers) {
    if (t.quantity === 0n && reserve[t.id] === undefined) continue;
    const e = await accountOf(sql, reserve[t.id], `reserveAccounts.${t.id}`, RESERVE_TYPES);
    if (e) return e;
  }
  if (rules.unsoldTo === "reserve" || rules.unsoldTo === "retire") {
    const e = await accountOf(sql, input.unsoldAccount, "unsoldAccount", rules.unsoldTo === "reserve" ? RESERVE_TYPES : ["mandatory_cancellation"]);
    if (e) return e;
  } else if (input.unsoldAccount !== undefined) return bad("unsoldAccount", `the rules keep unsold allowances (${rules.unsoldTo}); give no account`);
  return undefined;
}

/** Creates an auction for an entry of the calendar (national administrator). */
export async function createAuction(ctx: AuctionCtx, c: Caller, input: CreateInput): Promise<Result<AuctionRow>> {
  const perm = mayAdminister(c, "creating an auction");
  if (perm) return perm;
  if (typeof input !== "object" || input === null) return bad("(body)", "must be an object");
  const keyErr = checkKey(input.commandId);
  if (keyErr) return keyErr;
  if (typeof input.auctionId !== "string" || !ID_RE.test(input.auctionId)) return bad("auctionId", `must match ${ID_RE.source}`);
  const year = yearOf(input.year);
  if (typeof year !== "number") return year;
  if (!Number.isInteger(input.number) || input.number < 1 || input.number > 366) return bad("number", "must be the number of an auction of the year's calendar (1 or more)");
  if (typeof input.classCode !== "string" || input.classCode.length > 64) return bad("classCode", "must be a class code");
  const rb = await ctx.rulebook();
  if (!rb?.rulebook.auctions) return auctionRefusal("NO_RULES", "the registry records no rulebook with an auctions section", {});
  const rulebook = rb.rulebook;
  const rules = auctionRulesFor(rulebook, year);
  const perYear = auctionsPerYear(rulebook) ?? 1;
  const request = { auctionId: input.auctionId, year, number: input.number, classCode: input.classCode, auctionAccount: input.auctionAccount, reserveAccounts: input.reserveAccounts ?? {}, unsoldAccount: input.unsoldAccount ?? null };
  const res = await runCommand(
    ctx,
    { scope: scopeOf(c), key: input.commandId, kind: "create", request, actor: c.principal.userId },
    async (sql): Promise<Result<AuctionRow> & { target?: string }> => {
      const cls = await sql.query<{ id: number; unit_type: string }>("SELECT id, unit_type FROM unit_classes WHERE code = $1", [input.classCode]);
      const k = cls.rows[0];
      if (!k || k.unit_type !== "allowance") return auctionRefusal("CLASS_INVALID", `classCode: ${input.classCode} is ${k ? `a class of ${k.unit_type}` : "not a defined class"}; an auction sells allowances`, { field: "classCode", classCode: input.classCode });
      const accErr = await checkAccounts(sql, input, rules);
      if (accErr) return accErr;
      if ((await sql.query("SELECT 1 FROM auctions WHERE id = $1", [input.auctionId])).rows.length > 0) return auctionRefusal("AUCTION_EXISTS", `auction ${input.auctionId} exists`, { auctionId: input.auctionId });
      const entry = await sql.query<{ volume: bigint }>("SELECT volume FROM auction_calendar WHERE year = $1 AND number = $2", [year, input.number]);
      const e = entry.rows[0];
      if (!e) return auctionRefusal("CALENDAR_ENTRY_UNKNOWN", `the calendar of ${year} has no auction ${input.number}`, { year, number: input.number });
      const taken = await sql.query<{ id: string }>("SELECT id FROM auctions WHERE year = $1 AND number = $2", [year, input.number]);
      if (taken.rows[0]) return auctionRefusal("CALENDAR_ENTRY_TAKEN", `auction ${input.number} of ${year} is auction ${taken.rows[0].id}`, { year, number: input.number, auctionId: taken.rows[0].id });
      const carried = await carriedInto(sql, year, input.number, perYear);
      const now = ctx.now();
      await sql.query(
        `INSERT INTO auctions (id, year, number, scheme, currency, class_id, auction_account, reserve_accounts, unsold_account, rules, planned, carried_in, offered, created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
        [input.auctionId, year, input.number, rulebook.scheme.id, rulebook.currency, k.id, input.auctionAccount, JSON.stringify(input.reserveAccounts ?? {}), input.unsoldAccount ?? null,
          JSON.stringify({ ...rulesToJson(rules), revenue: revenueTerms(rulebook, year) }), e.volume, carried, e.volume + carried, now, c.principal.userId ?? "system"],
      );
      await appendEvent(sql, input.auctionId, "open", now, c.principal.userId);
      return { ...ok((await loadAuction(sql, input.auctionId)) as AuctionRow), target: input.auctionId };
    },
    async (target) => (await loadAuction(ctx.db, target)) as AuctionRow,
  );
  return ctx.registry.audit.outcome(c, "auction.create", typeof input.auctionId === "string" ? input.auctionId.slice(0, 64) : null, res, res.ok ? { replayed: res.replayed } : {});
}

// ---------------------------------------------------------------- bidders

export interface AdmitInput {
  commandId: string;
  bidder: string;
  accountId: string;
  /** The bid guarantee lodged, a decimal in the auction's currency. */
  guarantee?: string | undefined;
  covered?: boolean | undefined;
}

function money(v: unknown, field: string, decimals: number): bigint | Refusal {
  if (typeof v !== "string" || v.length > 40) return bad(field, "must be a decimal string, e.g. \"80.05\"");
  try {
    return parseDecimal(v, decimals);
  } catch (err) {
    if (err instanceof ArithmeticError) return bad(field, /more than/.test(err.message) ? `${v} has more than ${decimals} decimal places` : `not a decimal number: ${JSON.stringify(v)}`);
    throw err;
  }
}

/** Admits a bidder with its account (national administrator), while the auction is open. */
export async function admitBidder(ctx: AuctionCtx, c: Caller, auctionId: string, input: AdmitInput): Promise<Result<import("./store.ts").BidderRow>> {
  const perm = mayAdminister(c, "admitting bidders");
  if (perm) return perm;
  if (typeof input !== "object" || input === null) return bad("(body)", "must be an object");
  const keyErr = checkKey(input.commandId);
  if (keyErr) return keyErr;
  if (typeof input.bidder !== "string" || !BIDDER_RE.test(input.bidder)) return bad("bidder", `must match ${BIDDER_RE.source}`);
  if (input.covered !== undefined && typeof input.covered !== "boolean") return bad("covered", "must be true or false");
  const res = await runCommand(
    ctx,
    { scope: scopeOf(c), key: input.commandId, kind: "admit", request: { auctionId, bidder: input.bidder, accountId: input.accountId, guarantee: input.guarantee ?? null, covered: input.covered ?? false }, actor: c.principal.userId },
    async (sql) => {
      const a = await loadAuction(sql, auctionId, true);
      if (!a) return auctionRefusal("AUCTION_UNKNOWN", `no auction ${auctionId}`, { auctionId });
      if (a.status !== "open") return auctionRefusal("NOT_OPEN", `auction ${auctionId} is ${a.status}: bidders are admitted only while it is open`, { auctionId, status: a.status });
      let guarantee: bigint | null = null;
      if (input.guarantee !== undefined) {
        const g = money(input.guarantee, "guarantee", a.rules.priceDecimals);
        if (typeof g !== "bigint") return g;
        if (g < 0n) return bad("guarantee", "must not be negative");
        guarantee = g;
      }
      const accErr = await accountOf(sql, input.accountId, "accountId", HOLDING_TYPES);
      if (accErr) return accErr;
      const dup = await sql.query<{ bidder: string }>("SELECT bidder FROM auction_bidders WHERE auction_id = $1 AND (bidder = $2 OR account_id = $3)", [auctionId, input.bidder, input.accountId]);
      if (dup.rows[0]) return auctionRefusal("BIDDER_EXISTS", `bidder ${dup.rows[0].bidder} is admitted with ${dup.rows[0].bidder === input.bidder ? "an account" : `account ${input.accountId}`} already`, { auctionId, bidder: dup.rows[0].bidder });
      await sql.query("INSERT INTO auction_bidders (auction_id, bidder, account_id, guarantee_minor, covered, admitted_at, admitted_by) VALUES ($1, $2, $3, $4, $5, $6, $7)", [
        auctionId, input.bidder, input.accountId, guarantee, input.covered ?? false, ctx.now(), c.principal.userId ?? "system",
      ]);
      return { ...ok((await bidderRows(sql, auctionId)).find((b) => b.bidder === input.bidder) as import("./store.ts").BidderRow), target: `${auctionId}/${input.bidder}` };
    },
    async (target) => {
      const [aid, bidder] = target.split("/") as [string, string];
      return (await bidderRows(ctx.db, aid)).find((b) => b.bidder === bidder) as import("./store.ts").BidderRow;
    },
  );
  return ctx.registry.audit.outcome(c, "auction.admit", auctionId.slice(0, 64), res, res.ok ? { bidder: res.value.bidder, replayed: res.replayed } : {});
}

// ---------------------------------------------------------------- bids

export interface BidInput {
  commandId: string;
  bidder: string;
  quantity: string | number;
  /** A decimal in the auction's currency; absent or null: a non-competitive bid. */
  price?: string | null | undefined;
}

/** Who may bid for a bidder: a representative of its account with the initiate right, or a national administrator (loading bids the platform collected). */
export async function mayBidFor(ctx: AuctionCtx, c: Caller, accountId: string): Promise<Refusal | undefined> {
  if (hasRole(c.principal, "national-admin")) return mayAdminister(c, "placing bids for a bidder");
  const rights = await rightsOf(ctx.db, c.principal.userId, accountId);
  if (!rights?.initiate) return securityRefusal("NOT_INITIATOR_REPRESENTATIVE", `you are not a representative of ${accountId} with the initiate right`, { accountId });
  return undefined;
}

export async function placeBid(ctx: AuctionCtx, c: Caller, auctionId: string, input: BidInput): Promise<Result<import("./store.ts").BidRow>> {
  if (typeof input !== "object" || input === null) return bad("(body)", "must be an object");
  const keyErr = checkKey(input.commandId);
  if (keyErr) return keyErr;
  if (typeof input.bidder !== "string" || !BIDDER_RE.test(input.bidder)) return bad("bidder", `must match ${BIDDER_RE.source}`);
  const bidder = (await bidderRows(ctx.db, auctionId)).find((b) => b.bidder === input.bidder);
  if (!bidder) {
    if (!(await loadAuction(ctx.db, auctionId))) return auctionRefusal("AUCTION_UNKNOWN", `no auction ${auctionId}`, { auctionId });
    return auctionRefusal("BIDDER_UNKNOWN", `no bidder ${input.bidder} is admitted to auction ${auctionId}`, { auctionId, bidder: input.bidder });
  }
  const who = await mayBidFor(ctx, c, bidder.accountId);
  if (who) return ctx.registry.audit.outcome(c, "auction.bid", auctionId.slice(0, 64), who);
  const quantity = whole(input.quantity, "quantity");
  if (typeof quantity !== "bigint") return quantity;
  const request = { auctionId, bidder: input.bidder, quantity, price: input.price ?? null };
  const res = await runCommand(
    ctx,
    { scope: scopeOf(c), key: input.commandId, kind: "bid", request, actor: c.principal.userId },
    async (sql) => {
      const a = await loadAuction(sql, auctionId, true);
      if (!a) return auctionRefusal("AUCTION_UNKNOWN", `no auction ${auctionId}`, { auctionId });
      if (a.status !== "open") return auctionRefusal("NOT_OPEN", `auction ${auctionId} is ${a.status}: bids are placed only while it is open`, { auctionId, status: a.status });
      let price: bigint | null = null;
      if (input.price !== undefined && input.price !== null) {
        const p = money(input.price, "price", a.rules.priceDecimals);
        if (typeof p !== "bigint") return p;
        price = p;
      }
      const mine = await bidRows(sql, auctionId, [bidder.bidder]);
      const next = await sql.query<{ n: number | null }>("SELECT max(bid_no) AS n FROM auction_bids WHERE auction_id = $1", [auctionId]);
      const bidNo = (next.rows[0]?.n ?? 0) + 1;
      const issue = bidIssue(a, bidder, mine, { bidNo, quantity, priceMinor: price });
      if (issue) return issue;
      await sql.query("INSERT INTO auction_bids (auction_id, bid_no, bidder, quantity, price_minor, submitted_at, submitted_by, command_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", [
        auctionId, bidNo, bidder.bidder, quantity, price, ctx.now(), c.principal.userId ?? "system", input.commandId,
      ]);
      return { ...ok((await bidRows(sql, auctionId, [bidder.bidder])).find((b) => b.bidNo === bidNo) as import("./store.ts").BidRow), target: `${auctionId}/${bidNo}` };
    },
    async (target) => {
      const [aid, n] = target.split("/") as [string, string];
      return (await bidRows(ctx.db, aid)).find((b) => b.bidNo === Number(n)) as import("./store.ts").BidRow;
    },
  );
  return ctx.registry.audit.outcome(c, "auction.bid", auctionId.slice(0, 64), res, res.ok ? { bidNo: res.value.bidNo, replayed: res.replayed } : {});
}

/** The clearing's own checks of a bidder's bids with the new one last: the refusal of the new bid, if any. */
function bidIssue(a: AuctionRow, bidder: import("./store.ts").BidderRow, mine: readonly import("./store.ts").BidRow[], next: { bidNo: number; quantity: bigint; priceMinor: bigint | null }): Refusal | undefined {
  const all = [...mine, { bidNo: next.bidNo, bidder: bidder.bidder, quantity: next.quantity, priceMinor: next.priceMinor }];
  const bids: Bid[] = [];
  const nonCompetitive: NonCompetitiveBid[] = [];
  for (const b of all) {
    if (b.priceMinor === null) nonCompetitive.push({ bidder: b.bidder, quantity: b.quantity, row: b.bidNo });
    else bids.push({ bidder: b.bidder, quantity: b.quantity, priceMinor: b.priceMinor, row: b.bidNo });
  }
  const qualified: QualifiedBidder = { id: bidder.bidder, guaranteeMinor: bidder.guaranteeMinor ?? undefined, covered: bidder.covered };
  const issues = checkBids(a.rules, { offered: a.offered, bids, nonCompetitive, bidders: new Map([[bidder.bidder, qualified]]) });
  const issue = issues.find((i) => i.row === next.bidNo);
  return issue ? bidRefusal(issue) : undefined;
}

// ---------------------------------------------------------------- the close

export interface CloseInput {
  commandId: string;
  /** Seed of the random order of bids tied at the clearing price (drawn when absent; recorded in the result). */
  seed?: string | undefined;
  /** The secondary market's reference price, for the rules' reference-price check. */
  referencePrice?: string | undefined;
}

/** Units of a class an account holds and has not earmarked (read in the caller's transaction). */
export async function availableUnits(sql: Sql, accountId: string, classId: number): Promise<bigint> {
  const r = await sql.query<{ available: bigint }>("SELECT quantity - earmarked AS available FROM balances WHERE account_id = $1 AND class_id = $2", [accountId, classId]);
  return r.rows[0]?.available ?? 0n;
}

/**
 * The reserve tiers as they stand at this auction: a tier's yearly quantity less what earlier
 * auctions of the year drew from it (sold from a release tier, withheld by a withhold tier), and a
 * release tier no more than its account holds of the auction's class.
 */
async function tiersNow(sql: Sql, a: AuctionRow): Promise<AuctionTier[]> {
  const r = await sql.query<{ reserves: Array<{ id: string; sold: string; withheld: string }> }>(
    "SELECT r.statement->'reserves' AS reserves FROM auction_results r JOIN auctions x ON x.id = r.auction_id WHERE x.year = $1 AND x.id <> $2",
    [a.year, a.id],
  );
  const used = new Map<string, bigint>();
  for (const row of r.rows) for (const t of row.reserves ?? []) used.set(t.id, (used.get(t.id) ?? 0n) + BigInt(t.sold) + BigInt(t.withheld));
  const out: AuctionTier[] = [];
  for (const t of a.rules.tiers) {
    let q = t.quantity - (used.get(t.id) ?? 0n);
    const account = a.reserveAccounts[t.id];
    if (account === undefined) q = 0n;
    else if (t.direction === "release") {
      const available = await availableUnits(sql, account, a.classId);
      if (available < q) q = available;
    }
    out.push({ ...t, quantity: q < 0n ? 0n : q });
  }
  return out;
}

/** Closes the auction and clears it (national administrator): no bid enters after this. */
export async function closeAuction(ctx: AuctionCtx, c: Caller, auctionId: string, input: CloseInput): Promise<Result<AuctionRow>> {
  const perm = mayAdminister(c, "closing an auction");
  if (perm) return perm;
  if (typeof input !== "object" || input === null) return bad("(body)", "must be an object");
  const keyErr = checkKey(input.commandId);
  if (keyErr) return keyErr;
  if (input.seed !== undefined && (typeof input.seed !== "string" || input.seed.length < 1 || input.seed.length > 128)) return bad("seed", "must be 1 to 128 characters");
  // the seed is drawn here, at the edge of the domain, and recorded with the result
  const seed = input.seed ?? randomBytes(16).toString("hex");
  const res = await runCommand(
    ctx,
    { scope: scopeOf(c), key: input.commandId, kind: "close", request: { auctionId, seed: input.seed ?? null, referencePrice: input.referencePrice ?? null }, actor: c.principal.userId },
    async (sql) => {
      const a = await loadAuction(sql, auctionId, true);
      if (!a) return auctionRefusal("AUCTION_UNKNOWN", `no auction ${auctionId}`, { auctionId });
      if (a.status !== "open") return auctionRefusal("NOT_OPEN", `auction ${auctionId} is ${a.status}: it closes once`, { auctionId, status: a.status });
      let referencePriceMinor: bigint | undefined;
      if (input.referencePrice !== undefined) {
        const p = money(input.referencePrice, "referencePrice", a.rules.priceDecimals);
        if (typeof p !== "bigint") return p;
        referencePriceMinor = p;
      }
      return clearAndRecord(ctx, sql, c, a, seed, referencePriceMinor);
    },
    async (target) => (await loadAuction(ctx.db, target)) as AuctionRow,
  );
  return ctx.registry.audit.outcome(c, "auction.close", auctionId.slice(0, 64), res, res.ok ? { status: res.value.status, replayed: res.replayed } : {});
}

async function clearAndRecord(ctx: AuctionCtx, sql: Sql, c: Caller, a: AuctionRow, seed: string, referencePriceMinor: bigint | undefined): Promise<Result<AuctionRow> & { target?: string }> {
  const bidders = await bidderRows(sql, a.id);
  const rows = await bidRows(sql, a.id);
  const rules: AuctionRules = { ...a.rules, tiers: await tiersNow(sql, a) };
  const bids: Bid[] = [];
  const nonCompetitive: NonCompetitiveBid[] = [];
  for (const b of rows) {
    if (b.priceMinor === null) nonCompetitive.push({ bidder: b.bidder, quantity: b.quantity, row: b.bidNo });
    else bids.push({ bidder: b.bidder, quantity: b.quantity, priceMinor: b.priceMinor, row: b.bidNo });
  }
  const qualified = new Map(bidders.map((b) => [b.bidder, { id: b.bidder, guaranteeMinor: b.guaranteeMinor ?? undefined, covered: b.covered }]));
  const outcome = clearAuction(rules, { offered: a.offered, bids, nonCompetitive, bidders: qualified, seed, referencePriceMinor });
  if (!outcome.ok) {
    if (outcome.code === "auction-input-invalid") return bad(outcome.field, outcome.message);
    const first = outcome.issues[0];
    // every bid was checked when placed; a refusal here means the rules changed under them
    throw new Error(`auction ${a.id}: bids refused at the close: ${first ? `${first.code} row ${first.row}` : "?"}`);
  }
  const r = outcome.result;
  const statement = statementOf(r);
  const now = ctx.now();
  await sql.query(
    `INSERT INTO auction_results (auction_id, status, clearing_price_minor, offered, sold, reserve_sold, withheld, unsold, cancelled, proceeds_minor, seed, statement, cleared_at, cleared_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    [a.id, r.status, r.clearingPriceMinor, r.offered, r.sold, r.reserveSold, r.withheld, r.unsold, r.cancelled, r.proceedsMinor.toString(), r.seed, JSON.stringify(statement), now, c.principal.userId ?? "system"],
  );
  const accountOfBidder = new Map(bidders.map((b) => [b.bidder, b.accountId]));
  for (const w of r.awards) {
    await sql.query("INSERT INTO auction_awards (auction_id, bidder, account_id, quantity, non_competitive, payment_minor) VALUES ($1, $2, $3, $4, $5, $6)", [
      a.id, w.bidder, accountOfBidder.get(w.bidder), w.quantity, w.nonCompetitive, w.paymentMinor.toString(),
    ]);
  }
  await appendEvent(sql, a.id, r.status, now, c.principal.userId, { bids: rows.length, bidders: bidders.length });
  return { ...ok((await loadAuction(sql, a.id)) as AuctionRow), target: a.id };
}
