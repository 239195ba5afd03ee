// The CLI's own messages: every `cli.*` key of the catalogue (the area cli and the per-command
// areas cli-*.ts), merged apart from the whole catalogue (catalogue.ts) so that a command loads
// these and not the console's areas, the check catalogues and the allocation texts (about 14 ms of
// `ets holdings`' start, bench/cli.bench.ts). test/i18n.test.ts checks that these are exactly the
// catalogue's `cli.*` entries. The words of catalogue codes (a check's rule in Japanese, a status)
// come from the whole catalogue, loaded when the CLI speaks Japanese (src/cli/io.ts, codeText).
import { CLI_MESSAGES } from "./messages/cli.ts";
import { CLI_ALLOCATE_MESSAGES } from "./messages/cli-allocate.ts";
import { CLI_AUCTION_MESSAGES } from "./messages/cli-auction.ts";
import { CLI_COVERAGE_MESSAGES } from "./messages/cli-coverage.ts";
import { CLI_PENALTY_MESSAGES } from "./messages/cli-penalty.ts";
import { CLI_RULEBOOK_MESSAGES } from "./messages/cli-rulebook.ts";
import { CLI_SIMULATE_MESSAGES } from "./messages/cli-simulate.ts";
import { CLI_USAGE_MESSAGES } from "./messages/cli-usage.ts";

export const CLI_CATALOGUE = {
  ...CLI_MESSAGES,
  ...CLI_USAGE_MESSAGES,
  ...CLI_SIMULATE_MESSAGES,
  ...CLI_COVERAGE_MESSAGES,
  ...CLI_PENALTY_MESSAGES,
  ...CLI_RULEBOOK_MESSAGES,
  ...CLI_AUCTION_MESSAGES,
  ...CLI_ALLOCATE_MESSAGES,
} as const;

/** A key of the CLI's messages. */
export type CliKey = keyof typeof CLI_CATALOGUE;
