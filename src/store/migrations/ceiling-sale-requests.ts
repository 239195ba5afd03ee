// The requests for sales at a hard ceiling (src/registry/auction/ceiling-sale-requests.ts): what a
// national administrator asked when a sale was first sent (buyer, class, quantity, issuance
// account, the price of the year asked), by its commandId, so that any national administrator can
// finish the sale knowing only that id once a second one has approved its issuance beyond the cap.
// Written once, before the issuance; append-only like the sales themselves (a request is done when
// its sale row exists, never by changing the request).
import type { Migration } from "../migration.ts";
import { appendOnly } from "./collars.ts";

export const ceilingSaleRequestMigrations: readonly Migration[] = [
  {
    id: "collars-003",
    statements: [
      `CREATE TABLE ceiling_sale_requests (
         command_id text PRIMARY KEY CHECK (command_id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$'),
         transaction_id text NOT NULL UNIQUE CHECK (transaction_id = 'ceiling-sale.' || command_id),
         issuance_id text NOT NULL UNIQUE CHECK (issuance_id = 'ceiling-sale.' || command_id || '.issue'),
         buyer_account text NOT NULL CHECK (length(buyer_account) BETWEEN 1 AND 64),
         installation text NOT NULL REFERENCES compliance_installations(installation),
         class_code text NOT NULL CHECK (length(class_code) BETWEEN 1 AND 64),
         quantity int8 NOT NULL CHECK (quantity > 0),
         issuance_account text NOT NULL CHECK (length(issuance_account) BETWEEN 1 AND 64),
         year int NOT NULL CHECK (year BETWEEN 1990 AND 2200),
         price_minor int8 NOT NULL CHECK (price_minor >= 0),
         amount_minor numeric(40, 0) NOT NULL CHECK (amount_minor = quantity::numeric * price_minor::numeric),
         currency text NOT NULL,
         decimals int NOT NULL CHECK (decimals BETWEEN 0 AND 6),
         requested_by text NOT NULL,
         requested_at timestamptz NOT NULL
       )`,
      `CREATE INDEX ceiling_sale_requests_position ON ceiling_sale_requests (requested_at, command_id)`,
      ...appendOnly("ceiling_sale_requests"),
    ],
  },
];
