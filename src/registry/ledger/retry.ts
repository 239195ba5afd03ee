// The ledger's one retry rule. A command is tried again from the start (a fresh snapshot, a new
// plan) when the database says the plan was made on a state that changed (EL001), or reports a
// serialization failure, a deadlock, or a unique-key race (a concurrent command created the same
// row first: the next attempt sees it). Bounded; a short random back-off separates racers.
import { isRetryable, sqlState } from "../../store/db.ts";

/** At most this many attempts; the last ones read their snapshot under the plan's locks. */
export const MAX_ATTEMPTS = 30;

/** Serialization failures, deadlocks and unique-key races: the whole command is tried again. */
export function retryable(err: unknown): boolean {
  return isRetryable(err) || sqlState(err) === "23505";
}

/** A short random pause before attempt n + 1, so racing commands do not collide again at once. */
export function backOff(attempt: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.min(50, attempt * 2) * Math.random()));
}

/** The database was too busy for a command to get through in MAX_ATTEMPTS: the caller may retry later (HTTP 503). */
export class LedgerBusyError extends Error {
  constructor(what: string) {
    super(`${what}: the ledger was changing too fast to apply it after ${MAX_ATTEMPTS} attempts; try again`);
  }
}
