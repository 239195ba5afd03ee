// The shape of one migration (kept apart from the runner so the migration list does not import it).
export interface Migration {
  /** Stable, unique, never renamed: e.g. "ledger-001". */
  readonly id: string;
  /** One statement per entry (PGlite's extended protocol takes one at a time). */
  readonly statements: readonly string[];
}
