// The rulebook's `ledger` section: the registry rules the ledger keeps on every write, as data
// (src/domain/ledger/rules.ts holds their meaning and defaults). Which kinds of transaction pass
// in which account state (graded restrictions), which government account may send to which, the
// windows within which a surrender or deletion may be reversed, the kinds of which an account may
// have only one pending, and account numbers with check digits. Every field is optional: an absent
// section, or an absent field, keeps the defaults (today's behaviour).
import { z } from "zod";
import { ACCOUNT_TYPES, TRANSACTION_KINDS } from "../ledger/catalog.ts";
import {
  ALL, DEFAULT_LEDGER_RULES, GRADED_STATES, type KindSet, type LedgerRules, NONE, type StateRule,
} from "../ledger/rules.ts";

const KIND_CODES = TRANSACTION_KINDS.map((k) => k.code);
const GOVERNMENT_TYPES = ACCOUNT_TYPES.filter((t) => t.government).map((t) => t.code);
const kindCode = z.enum(KIND_CODES as [string, ...string[]]);
const governmentType = z.enum(GOVERNMENT_TYPES as [string, ...string[]]);

const kindSet = z
  .union([
    z.enum(["all", "none", "administrative"]),
    z.strictObject({
      kinds: z.array(kindCode).default([]).describe("transaction kinds that pass"),
      administrative: z.boolean().default(false).describe("every administrative kind passes too"),
    }),
  ])
  .describe("the kinds that pass: all, none, administrative (every administrative kind), or { kinds, administrative }");

const stateRule = z
  .strictObject({
    send: kindSet.optional().describe("kinds that may take units out of an account in this state"),
    receive: kindSet.optional().describe("kinds that may bring units into it"),
  })
  .describe("what the state lets through; a direction left out keeps its default");

export const ledgerSection = z
  .strictObject({
    accountStates: z
      .partialRecord(z.enum(GRADED_STATES), stateRule)
      .optional()
      .describe("what each graded state lets through (blocked, restricted, suspended, transfer_pending, closure_pending); open lets everything pass and closed nothing; a state or direction left out keeps its default"),
    governmentRoutes: z
      .partialRecord(governmentType, z.array(governmentType))
      .optional()
      .describe("from a government account type, the government account types it may send to (a type listed replaces its default routes)"),
    reversalWindows: z
      .partialRecord(kindCode, z.number().int().min(1).max(3650))
      .optional()
      .describe("kinds reversible only within this many days of completion; a surrender or deletion listed here may be reversed although its units are in a terminal account (UK: surrender 14 days)"),
    onePendingPerAccount: z.array(kindCode).optional().describe("kinds of which an account may have only one transaction pending (awaiting approval or delayed)"),
    accountNumbers: z
      .strictObject({
        prefix: z.string().regex(/^[A-Z]{2}$/, { error: "expected two capital letters (the registry's code)" }).describe("the registry's code, e.g. GB"),
        typeCodes: z
          .partialRecord(z.enum(ACCOUNT_TYPES.map((t) => t.code) as [string, ...string[]]), z.string().regex(/^\d{3}$/, { error: "expected three digits" }))
          .describe("the three-digit number of each account type that may be opened"),
      })
      .optional()
      .describe("number accounts PREFIX-TYPE-SEQUENCE-CC with ISO 7064 MOD 97-10 check digits: ids given are validated, ids the registry assigns carry them"),
  })
  .describe("the registry rules the ledger keeps on every write (issue 17); absent: the defaults of src/domain/ledger/rules.ts");

export type LedgerSection = z.output<typeof ledgerSection>;

function toKindSet(s: z.output<typeof kindSet>): KindSet {
  if (s === "all") return ALL;
  if (s === "none") return NONE;
  if (s === "administrative") return { all: false, kinds: [], administrative: true };
  return { all: false, kinds: s.kinds, administrative: s.administrative };
}

/** The ledger rules of a rulebook's section: each field given replaces its default. */
export function ledgerRules(section: LedgerSection | undefined): LedgerRules {
  if (!section) return DEFAULT_LEDGER_RULES;
  const states = { ...DEFAULT_LEDGER_RULES.states };
  for (const [state, rule] of Object.entries(section.accountStates ?? {}) as Array<[(typeof GRADED_STATES)[number], z.output<typeof stateRule> | undefined]>) {
    if (!rule) continue;
    const base: StateRule = states[state];
    states[state] = { send: rule.send === undefined ? base.send : toKindSet(rule.send), receive: rule.receive === undefined ? base.receive : toKindSet(rule.receive) };
  }
  const routes: Record<string, readonly string[]> = { ...DEFAULT_LEDGER_RULES.governmentRoutes };
  for (const [from, to] of Object.entries(section.governmentRoutes ?? {})) if (to) routes[from] = to;
  const windows: Record<string, number> = {};
  for (const [kind, days] of Object.entries(section.reversalWindows ?? {})) if (days !== undefined) windows[kind] = days;
  const numbers = section.accountNumbers;
  return {
    states,
    governmentRoutes: routes,
    reversalWindowDays: windows,
    onePendingPerAccount: section.onePendingPerAccount ?? DEFAULT_LEDGER_RULES.onePendingPerAccount,
    accountNumbers: numbers
      ? { prefix: numbers.prefix, typeCodes: Object.fromEntries(Object.entries(numbers.typeCodes).filter((e): e is [string, string] => e[1] !== undefined)) }
      : null,
  };
}
