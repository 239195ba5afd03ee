// Booked true-ups, completed (src/registry/compliance/true-up.ts): compliance-001 made the table;
// booking one needs what it rests on beside the figures: the verified output given, the allowance
// class and the allocation account the units moved from or back to, and the administrator's command
// id. The database keeps the arithmetic and the ledger link: the true-up is the final amount less
// the pre-allocation, or 0 where the rulebook keeps a pre-allocation above the final amount, and a
// transaction exists exactly when units moved. The table stays append-only (compliance-001's trigger).
import type { Migration } from "../migration.ts";

export const complianceTrueUpMigrations: readonly Migration[] = [
  {
    id: "compliance-002",
    statements: [
      "ALTER TABLE true_ups ADD COLUMN command_id text",
      "ALTER TABLE true_ups ADD COLUMN verified_output text",
      "ALTER TABLE true_ups ADD COLUMN class_code text",
      "ALTER TABLE true_ups ADD COLUMN source_account text",
      "ALTER TABLE true_ups ADD CONSTRAINT true_ups_transaction_fk FOREIGN KEY (transaction_id) REFERENCES transactions(id)",
      "ALTER TABLE true_ups ADD CONSTRAINT true_ups_arithmetic CHECK (pre_allocation >= 0 AND final >= 0 AND (true_up = final - pre_allocation OR (true_up = 0 AND final < pre_allocation)))",
      "ALTER TABLE true_ups ADD CONSTRAINT true_ups_moved CHECK ((transaction_id IS NULL) = (true_up = 0))",
    ],
  },
];
