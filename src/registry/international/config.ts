// The international rules a registry runs with: its own Party's Article 6.2 choices (its NDC,
// revocation, first transfer definitions, how adjustments are dated), the mechanisms' rules it
// applies (CDM, Article 6.4, Kyoto) and which units count for domestic compliance. They are the
// `international` section of a rulebook's shape; an administrator records them in the registry
// (`configureInternational`, `ets article6 configure`), since a Party's registry need not run a
// cap-and-trade scheme. Without a recorded configuration the rulebook the registry recorded
// (src/registry/settings.ts) gives its `international` section. Read inside the writing
// transaction by the hooks, so every door applies the same rules.
import type { RulesByParty } from "../../domain/international/index.ts";
import { intlRefusal, type Outcome, ok } from "../../domain/international/codes.ts";
import { type InternationalRules, internationalSchema } from "../../domain/rulebook/international.ts";
import type { Sql } from "../../store/db.ts";
import { recordedRulebook } from "../settings.ts";

const KEY = "international";

export interface RecordedInternational {
  rules: InternationalRules | null;
  /** Where the rules come from: the recorded configuration, the rulebook, or nowhere. */
  source: "configuration" | "rulebook" | "none";
}

/** Validates a configuration (the section's shape); a refusal names the first bad field. */
export function parseInternational(value: unknown): Outcome<InternationalRules> {
  const r = internationalSchema.safeParse(value);
  if (r.success) return ok(r.data);
  const i = r.error.issues[0];
  const field = i ? i.path.map(String).join(".") || "(configuration)" : "(configuration)";
  return intlRefusal("FIELD_INVALID", `${field}: ${i?.message ?? "invalid"}`, { field });
}

const toJson = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));

export async function recordInternational(sql: Sql, rules: InternationalRules, at: string): Promise<void> {
  await sql.query(
    `INSERT INTO registry_settings (key, value, updated_at) VALUES ($1, $2, $3)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
    [KEY, toJson(rules), at],
  );
}

export async function recordedInternational(sql: Sql): Promise<RecordedInternational> {
  const r = await sql.query<{ value: unknown }>("SELECT value FROM registry_settings WHERE key = $1", [KEY]);
  const row = r.rows[0];
  if (row) {
    const p = parseInternational(row.value);
    if (!p.ok) throw new Error(`the recorded international configuration does not parse: ${p.message}`);
    return { rules: p.value, source: "configuration" };
  }
  const rb = await recordedRulebook(sql);
  const section = rb?.rulebook.international;
  return section ? { rules: section, source: "rulebook" } : { rules: null, source: "none" };
}

/** The Article 6.2 rules by Party: this registry's own Party (the book decides only its own Party's commands). */
export function rulesByParty(rules: InternationalRules | null): RulesByParty {
  const a6 = rules?.article6;
  return a6 ? new Map([[a6.party, a6]]) : new Map();
}
