// The rules other parts of the registry keep on the ledger's writes (hooks on transaction kinds,
// src/registry/ledger/hooks.ts), installed in one place from the scheme's recorded rulebook. The
// registry installs them whenever it opens (SecureRegistry.open), so the server, the CLI, `ets
// play` and every test that opens a registry on a store keep the same rules: no door enforces
// fewer. Each part adds one installer to the list.
import type { Rulebook } from "../domain/rulebook/index.ts";
import type { Db } from "../store/db.ts";
import { installCompliance } from "./compliance/hook.ts";
import { installAuctionRules } from "./auction/hooks.ts";
import { installCeilingSales } from "./auction/ceiling-sale-hook.ts";
import { installExPost } from "./compliance/ex-post-hook.ts";
import { installInternational } from "./international/hooks.ts";
import type { LedgerService } from "./ledger/index.ts";

/** Registers a part's hooks on the ledger for this scheme (nothing when its rules do not apply). */
export type RuleInstaller = (ledger: LedgerService, db: Db, rulebook: Rulebook | null) => void;

const INSTALLERS: readonly RuleInstaller[] = [
  // One line per part, e.g. compliance's surrender rules.
  installCompliance,
  (ledger) => installAuctionRules(ledger), // auctions: a payment record beside every delivery; settled deliveries final
  installInternational,
  (ledger, _db, rb) => installCeilingSales(ledger, rb ? { name: rb.scheme.id, rulebook: rb } : null), // a hard ceiling: the sale row beside every ceiling_sale
  installExPost, // Tokyo: the ex-post issuance row beside every ex_post_issuance, once per period and installation
];

export function installSchemeRules(ledger: LedgerService, db: Db, rulebook: Rulebook | null, installers: readonly RuleInstaller[] = INSTALLERS): void {
  for (const install of installers) install(ledger, db, rulebook);
}
