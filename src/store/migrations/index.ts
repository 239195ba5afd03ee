// The ordered list of every migration. Append only; never edit or reorder a landed entry.
import type { Migration } from "../migration.ts";
import { auctionMigrations } from "./auction.ts";
import { auditMigrations } from "./audit.ts";
import { authMigrations } from "./auth.ts";
import { authNotifyMigrations } from "./auth-notify.ts";
import { checkpointMigrations } from "./checkpoints.ts";
import { ceilingSaleRequestMigrations } from "./ceiling-sale-requests.ts";
import { ceilingSaleMigrations, collarMigrations } from "./collars.ts";
import { complianceMigrations } from "./compliance.ts";
import { complianceTrueUpMigrations } from "./compliance-002.ts";
import { complianceExPostMigrations } from "./compliance-003.ts";
import { internationalMigrations } from "./international.ts";
import { internationalBookIndexMigrations } from "./international-002.ts";
import { intlLinkBatchMigrations, intlLinkMigrations } from "./intl-link.ts";
import { ledgerMigrations } from "./ledger.ts";
import { ledgerBatchMigrations } from "./ledger-batch.ts";
import { ledgerV2Migrations } from "./ledger-v2.ts";
import { ledgerV5Migrations } from "./ledger-005.ts";
import { ledgerPerfMigrations } from "./ledger-perf.ts";
import { ledgerPerf002Migrations } from "./ledger-perf-002.ts";
import { ledgerPerf003Migrations } from "./ledger-perf-003.ts";
import { ledgerPerf004Migrations } from "./ledger-perf-004.ts";
import { ledgerPerf005Migrations } from "./ledger-perf-005.ts";
import { registryMigrations } from "./registry.ts";
import { securityMigrations } from "./security.ts";

export const migrations: readonly Migration[] = [
  {
    id: "base-001",
    statements: ["CREATE EXTENSION IF NOT EXISTS btree_gist"],
  },
  ...ledgerMigrations,
  ...authMigrations,
  ...securityMigrations,
  ...auditMigrations,
  ...ledgerV2Migrations,
  ...registryMigrations,
  ...checkpointMigrations,
  ...ledgerBatchMigrations,
  ...auctionMigrations,
  ...ledgerV5Migrations,
  ...complianceMigrations,
  ...internationalMigrations,
  ...collarMigrations,
  ...ledgerPerfMigrations,
  ...intlLinkMigrations,
  ...complianceTrueUpMigrations,
  ...ceilingSaleMigrations,
  ...complianceExPostMigrations,
  ...intlLinkBatchMigrations,
  ...ledgerPerf002Migrations,
  ...ledgerPerf003Migrations,
  ...authNotifyMigrations,
  ...ledgerPerf004Migrations,
  ...ledgerPerf005Migrations,
  ...internationalBookIndexMigrations,
  ...ceilingSaleRequestMigrations,
];
