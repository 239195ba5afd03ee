// The registry's own rules that the ledger keeps on every write, as data: which kinds pass in
// which account state (graded restrictions), which government account may send to which, the
// windows within which a kind may be reversed, the kinds of which an account may have only one
// pending, and the account numbers with check digits. A scheme sets them in its rulebook's
// `ledger` section (src/domain/rulebook/ledger.ts); without one the defaults below apply, which
// keep the behaviour of a ledger that knew only open, blocked and closed accounts (a blocked
// account sends nothing and receives only administrative kinds) and add what every registry needs
// (the market stability reserve never sends straight to an auction account).
import { ACCOUNT_STATE_CODES, type AccountState, type Catalogue, type TransactionKind } from "./catalog.ts";

/** The kinds a state lets through one way: every kind, or the listed kinds plus (optionally) every administrative kind. */
export interface KindSet {
  readonly all: boolean;
  readonly kinds: readonly string[];
  readonly administrative: boolean;
}

export interface StateRule {
  /** Kinds that may take units out of an account in this state. */
  readonly send: KindSet;
  /** Kinds that may bring units into it. */
  readonly receive: KindSet;
}

/** Account numbers PREFIX-TYPE-SEQUENCE-CC (e.g. JP-120-1234-53), CC the ISO 7064 MOD 97-10 check digits. */
export interface AccountNumbering {
  /** The registry's code: two capital letters (JP, GB, EU...). */
  readonly prefix: string;
  /** The three-digit number of each account type that may be opened (UK style: 100 party holding, 120 operator holding...). */
  readonly typeCodes: Readonly<Record<string, string>>;
}

export interface LedgerRules {
  readonly states: Readonly<Record<AccountState, StateRule>>;
  /** From a government account type, the government account types it may send to. */
  readonly governmentRoutes: Readonly<Record<string, readonly string[]>>;
  /** Kinds reversible only within this many days of completion (and, when their units went to a terminal account, only so). */
  readonly reversalWindowDays: Readonly<Record<string, number>>;
  /** Kinds of which an account may have only one transaction pending (awaiting approval or delayed). */
  readonly onePendingPerAccount: readonly string[];
  readonly accountNumbers: AccountNumbering | null;
}

export const ALL: KindSet = { all: true, kinds: [], administrative: true };
export const NONE: KindSet = { all: false, kinds: [], administrative: false };
const ADMINISTRATIVE: KindSet = { all: false, kinds: [], administrative: true };

/** The states whose rule a rulebook may set; open and closed are fixed. */
export const GRADED_STATES = ["blocked", "restricted", "suspended", "transfer_pending", "closure_pending"] as const satisfies readonly AccountState[];

export const DEFAULT_STATES: Readonly<Record<AccountState, StateRule>> = {
  open: { send: ALL, receive: ALL },
  // UK ALL_TRANSACTIONS_RESTRICTED (checks 1012, 2018): nothing leaves; the regulator may still deliver.
  blocked: { send: NONE, receive: ADMINISTRATIVE },
  // UK SOME_TRANSACTIONS_RESTRICTED (checks 1005, 1014): trading and deletion stop; surrender, returns of allocation and administrators' kinds go on.
  restricted: { send: { all: false, kinds: ["surrender", "excess_allocation_return", "reverse_allocation"], administrative: true }, receive: ALL },
  // UK SUSPENDED (checks 1004, 2004): only administrators take units out; nothing arrives, not even allocation.
  suspended: { send: ADMINISTRATIVE, receive: NONE },
  // UK TRANSFER_PENDING (checks 1011, 2506) and CLOSURE_PENDING (1003, 2003): nothing moves.
  transfer_pending: { send: NONE, receive: NONE },
  closure_pending: { send: NONE, receive: NONE },
  closed: { send: NONE, receive: NONE },
};

/**
 * Government routes (UK central transfers, checks 2015-2017): total quantity (national issuance)
 * feeds the pools; the pools send back to it; the reserves release through it, except that the
 * cost containment reserve may sell straight into an auction; and the market stability reserve
 * never sends straight to an auction account.
 */
export const DEFAULT_GOVERNMENT_ROUTES: Readonly<Record<string, readonly string[]>> = {
  national_issuance: ["allocation", "auction", "new_entrants_reserve", "market_stability_reserve", "cost_containment_reserve"],
  allocation: ["national_issuance", "new_entrants_reserve"],
  new_entrants_reserve: ["national_issuance", "allocation"],
  auction: ["national_issuance", "market_stability_reserve", "cost_containment_reserve"],
  market_stability_reserve: ["national_issuance"],
  cost_containment_reserve: ["national_issuance", "auction", "allocation"],
};

export const DEFAULT_LEDGER_RULES: LedgerRules = {
  states: DEFAULT_STATES,
  governmentRoutes: DEFAULT_GOVERNMENT_ROUTES,
  reversalWindowDays: {},
  onePendingPerAccount: [],
  accountNumbers: null,
};

export function isAccountState(s: unknown): s is AccountState {
  return typeof s === "string" && (ACCOUNT_STATE_CODES as readonly string[]).includes(s);
}

function inSet(set: KindSet, kind: TransactionKind): boolean {
  return set.all || set.kinds.includes(kind.code) || (set.administrative && kind.administrative);
}

/** Whether units of this kind may leave an account in this state. */
export function sends(rules: LedgerRules, state: AccountState, kind: TransactionKind): boolean {
  return state !== "closed" && inSet(rules.states[state].send, kind);
}

/** Whether units of this kind may arrive in an account in this state. */
export function receives(rules: LedgerRules, state: AccountState, kind: TransactionKind): boolean {
  return state !== "closed" && inSet(rules.states[state].receive, kind);
}

/** Whether a leg between these account types passes the government routing table (legs not between two government accounts always do). */
export function routeAllowed(rules: LedgerRules, cat: Catalogue, fromType: string, toType: string): boolean {
  if (!cat.accountTypes.get(fromType)?.government || !cat.accountTypes.get(toType)?.government) return true;
  return (rules.governmentRoutes[fromType] ?? []).includes(toType);
}

const DAY_MS = 86_400_000;

/** The end of a kind's reversal window for a transaction completed at `completedAt`, or null when the kind has none. */
export function reversalDeadline(rules: LedgerRules, kind: string, completedAt: string): string | null {
  const days = rules.reversalWindowDays[kind];
  if (days === undefined) return null;
  return new Date(Date.parse(completedAt) + days * DAY_MS).toISOString();
}

// ---- account numbers (ISO 7064 MOD 97-10) ---------------------------------------------------

/** The MOD 97 remainder of a string of digits and capital letters, letters read as 10..35 (ISO 7064 MOD 97-10, as IBAN). */
export function mod97(text: string): number {
  let digits = "";
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    if (c >= 48 && c <= 57) digits += ch;
    else if (c >= 65 && c <= 90) digits += String(c - 55);
    else throw new Error(`mod97: ${JSON.stringify(ch)} is neither a digit nor a capital letter`);
  }
  let r = 0;
  for (const d of digits) r = (r * 10 + (d.charCodeAt(0) - 48)) % 97;
  return r;
}

/** The two check digits that make `payload` + digits leave remainder 1 (ISO 7064 MOD 97-10). */
export function checkDigits(payload: string): string {
  const cc = 98 - mod97(`${payload}00`);
  return cc.toString().padStart(2, "0");
}

export const ACCOUNT_NUMBER = /^([A-Z]{2})-(\d{3})-(\d{1,12})-(\d{2})$/;

/** An account number of the scheme: PREFIX-TYPE-SEQUENCE-CC. */
export function formatAccountNumber(n: AccountNumbering, typeCode: string, sequence: bigint): string {
  const seq = sequence.toString();
  return `${n.prefix}-${typeCode}-${seq}-${checkDigits(`${n.prefix}${typeCode}${seq}`)}`;
}

/** Why an account id is not a valid number of the scheme, or undefined when it is. */
export function accountNumberProblem(n: AccountNumbering, id: string): string | undefined {
  const m = ACCOUNT_NUMBER.exec(id);
  if (!m) return `is not an account number of the form ${n.prefix}-TTT-NNNN-CC`;
  const [, prefix, type, seq, cc] = m as unknown as [string, string, string, string, string];
  if (prefix !== n.prefix) return `belongs to registry ${prefix}, not ${n.prefix}`;
  if (!Object.values(n.typeCodes).includes(type)) return `has no account type numbered ${type}`;
  if (mod97(`${prefix}${type}${seq}${cc}`) !== 1) return "has wrong check digits (a mistyped number?)";
  return undefined;
}
