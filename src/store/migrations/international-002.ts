// Indexes for the Article 6 book's two hot reads (migration international-002). The book grows
// by every ITMO issued, authorized, transferred and used, and two reads ran a whole scan of it:
// - every plain retirement or cancellation, and every transfer over a link, asks whether the
//   book tracks any of the classes it moves (an `issuance` record naming the class as its
//   `series`: src/registry/international/hooks-article6.ts guardExit, links/hooks.ts tracksAny);
//   that is now one probe of a partial expression index, inside the writing transaction as before;
// - the book's paged lists (src/registry/international/book-pages.ts) read one kind in `seq`
//   order after a cursor; (kind, seq) makes a page one index range scan.
// Indexes only: no row, check or result changes.
import type { Migration } from "../migration.ts";

export const internationalBookIndexMigrations: readonly Migration[] = [
  {
    id: "international-002",
    statements: [
      "CREATE INDEX intl_book_issuance_series ON intl_book ((record->>'series')) WHERE kind = 'issuance'",
      "CREATE INDEX intl_book_kind_seq ON intl_book (kind, seq)",
    ],
  },
];
