// The Article 6.2 book: decide(state, command, rules) gives the records a command makes or a
// refusal with its code; applying the records (evolve.ts) gives the next state. The state is
// nothing but the replay of the records, so a registry can keep only the records (phase 2: in its
// ledger, per serial block) and rebuild or verify the state at any time. Rules are per Party
// (the `international.article6` section of each Party's rulebook or configuration).
import type { Outcome } from "../codes.ts";
import { ok } from "../codes.ts";
import { cancel, authorizeEntity, firstTransfer, transfer, use } from "./actions.ts";
import { authorize, cover, issue, revoke } from "./authorize.ts";
import type { RulesByParty } from "./common.ts";
import { replay } from "./evolve.ts";
import type { A6Command, A6Record, A6State } from "./types.ts";

export type { RulesByParty } from "./common.ts";

export function decide(state: A6State, c: A6Command, rules: RulesByParty): Outcome<A6Record[]> {
  switch (c.type) {
    case "issue":
      return issue(state, c, rules);
    case "authorize":
      return authorize(state, c, rules);
    case "cover":
      return cover(state, c, rules);
    case "revoke":
      return revoke(state, c, rules);
    case "transfer":
      return transfer(state, c);
    case "use":
      return use(state, c, rules);
    case "cancel":
      return cancel(state, c);
    case "firstTransfer":
      return firstTransfer(state, c);
    case "authorizeEntity":
      return authorizeEntity(state, c);
  }
}

/** Decides and applies: the records made and the state after them, or the refusal (state unchanged). */
export function applyA6(state: A6State, c: A6Command, rules: RulesByParty): Outcome<{ state: A6State; records: A6Record[] }> {
  const d = decide(state, c, rules);
  if (!d.ok) return d;
  return ok({ state: replay(d.value, state), records: d.value });
}
