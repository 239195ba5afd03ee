// Account numbers with check digits at the door: where the registry numbers its accounts (the
// rulebook's `ledger.accountNumbers`), an account id that is not a valid number is refused
// (5003, naming the field and the id) before anything is looked up, so a typo in a transfer that
// cannot be undone never reaches an account.
import { refuse, type Refusal } from "../../domain/ledger/checks.ts";
import { accountNumberProblem, type LedgerRules } from "../../domain/ledger/rules.ts";

/** The refusal for an id that is not a valid account number of the registry, or undefined (always when the registry does not number its accounts). */
export function numberRefusal(rules: LedgerRules, id: string | null | undefined, field: string): Refusal | undefined {
  const n = rules.accountNumbers;
  if (n === null || typeof id !== "string") return undefined;
  const problem = accountNumberProblem(n, id);
  return problem ? refuse("CHECK_DIGITS", `${field} ${JSON.stringify(id.slice(0, 80))} ${problem}`, { field, value: id.slice(0, 80) }) : undefined;
}

/** The first account id of a transaction's legs that is not a valid number, or undefined. */
export function legNumbersRefusal(rules: LedgerRules, legs: ReadonlyArray<{ from?: string | null | undefined; to?: string | undefined }>, prefix = "legs"): Refusal | undefined {
  if (rules.accountNumbers === null) return undefined;
  for (const [i, l] of legs.entries()) {
    const r = numberRefusal(rules, l.from ?? null, `${prefix}[${i}].from`) ?? numberRefusal(rules, l.to, `${prefix}[${i}].to`);
    if (r) return r;
  }
  return undefined;
}
