// Every message of the catalogue, merged from the area files in messages/ and the allocation
// engine's own texts (src/domain/allocation/texts.ts, which explanations are made of). A key
// appears once (test/i18n.test.ts checks that no area redefines another's key).
import { ALLOCATION_TEXTS } from "../domain/allocation/texts.ts";
import { AUCTION_MESSAGES } from "./messages/auctions.ts";
import { AUCTION_CHECK_MESSAGES } from "./messages/auction-checks.ts";
import { CHECK_MESSAGES } from "./messages/checks.ts";
import { COMPLIANCE_CHECK_MESSAGES } from "./messages/compliance-checks.ts";
import { DASHBOARD_MESSAGES } from "./messages/dashboard.ts";
import { ERROR_MESSAGES } from "./messages/errors.ts";
import { PUBLIC_MESSAGES } from "./messages/public.ts";
import { AUTH_MESSAGES } from "./messages/auth.ts";
import { REGISTRY_MESSAGES } from "./messages/registry.ts";
import { ALLOCATION_MESSAGES } from "./messages/allocation.ts";
import { SIMULATOR_MESSAGES } from "./messages/simulator.ts";
import { REGISTRY_CODES } from "./messages/registry-codes.ts";
import { SHELL_MESSAGES } from "./messages/shell.ts";
import { ACCOUNT_STATE_MESSAGES } from "./messages/account-state.ts";
import { CLI_MESSAGES } from "./messages/cli.ts";
import { INTERNATIONAL_MESSAGES } from "./messages/international.ts";
import { INTERNATIONAL_CHECK_MESSAGES } from "./messages/international-checks.ts";
import { COMPLIANCE_MESSAGES } from "./messages/compliance.ts";
import { COLLAR_MESSAGES } from "./messages/collars.ts";
import { LINK_MESSAGES } from "./messages/links.ts";
import { COMPLIANCE_EX_POST_MESSAGES } from "./messages/compliance-ex-post.ts";
import { CLI_USAGE_MESSAGES } from "./messages/cli-usage.ts";
import { CLI_SIMULATE_MESSAGES } from "./messages/cli-simulate.ts";
import { CLI_COVERAGE_MESSAGES } from "./messages/cli-coverage.ts";
import { CLI_PENALTY_MESSAGES } from "./messages/cli-penalty.ts";
import { CLI_RULEBOOK_MESSAGES } from "./messages/cli-rulebook.ts";
import { CLI_AUCTION_MESSAGES } from "./messages/cli-auction.ts";
import { CLI_ALLOCATE_MESSAGES } from "./messages/cli-allocate.ts";
import { CLI_CATALOGUE } from "./cli.ts";

/** The areas, by name, for the completeness test. */
export const AREAS = {
  shell: SHELL_MESSAGES,
  dashboard: DASHBOARD_MESSAGES,
  public: PUBLIC_MESSAGES,
  auth: AUTH_MESSAGES,
  registry: REGISTRY_MESSAGES,
  allocation: ALLOCATION_MESSAGES,
  simulator: SIMULATOR_MESSAGES,
  registryCodes: REGISTRY_CODES,
  checks: CHECK_MESSAGES,
  allocationTexts: ALLOCATION_TEXTS,
  errors: ERROR_MESSAGES,
  auctions: AUCTION_MESSAGES,
  accountState: ACCOUNT_STATE_MESSAGES,
  cli: CLI_MESSAGES,
  international: INTERNATIONAL_MESSAGES,
  compliance: COMPLIANCE_MESSAGES,
  complianceExPost: COMPLIANCE_EX_POST_MESSAGES,
  collars: COLLAR_MESSAGES,
  links: LINK_MESSAGES,
  complianceChecks: COMPLIANCE_CHECK_MESSAGES,
  cliUsage: CLI_USAGE_MESSAGES,
  cliSimulate: CLI_SIMULATE_MESSAGES,
  cliCoverage: CLI_COVERAGE_MESSAGES,
  cliPenalty: CLI_PENALTY_MESSAGES,
  cliRulebook: CLI_RULEBOOK_MESSAGES,
  cliAuction: CLI_AUCTION_MESSAGES,
  cliAllocate: CLI_ALLOCATE_MESSAGES,
  auctionChecks: AUCTION_CHECK_MESSAGES,
  internationalChecks: INTERNATIONAL_CHECK_MESSAGES,
} as const;

export const MESSAGES = {
  ...SHELL_MESSAGES,
  ...DASHBOARD_MESSAGES,
  ...PUBLIC_MESSAGES,
  ...AUTH_MESSAGES,
  ...REGISTRY_MESSAGES,
  ...ALLOCATION_MESSAGES,
  ...SIMULATOR_MESSAGES,
  ...REGISTRY_CODES,
  ...CHECK_MESSAGES,
  ...ALLOCATION_TEXTS,
  ...ERROR_MESSAGES,
  ...AUCTION_MESSAGES,
  ...ACCOUNT_STATE_MESSAGES,
  // the CLI's areas, merged once in cli.ts (what a command loads alone)
  ...CLI_CATALOGUE,
  ...INTERNATIONAL_MESSAGES,
  ...COMPLIANCE_MESSAGES,
  ...COMPLIANCE_EX_POST_MESSAGES,
  ...COLLAR_MESSAGES,
  ...LINK_MESSAGES,
  ...COMPLIANCE_CHECK_MESSAGES,
  ...AUCTION_CHECK_MESSAGES,
  ...INTERNATIONAL_CHECK_MESSAGES,
} as const;
