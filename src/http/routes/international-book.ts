// The Article 6.2 book's three growing lists as paged routes (GET /v1/international/book/records,
// /authorizations, /first-transfers): the one paging rule of the API (limit 1-500, cursor, `{ items,
// nextCursor }`), keyed by the record's sequence number in the book (src/registry/international/
// book-pages.ts). The book document (GET /v1/international/book) shows the first page of each
// with the cursor to continue here. Read by the national administrator and the authority, as the
// book.
import { z } from "@hono/zod-openapi";
import { bookAuthorizations, bookFirstTransfers, type BookItem, bookRecords, type SeqPage } from "../../registry/international/book-pages.ts";
import type { Book } from "../../registry/international/book.ts";
import { parseSeqKey } from "../../registry/page-key.ts";
import { roles } from "../access.ts";
import type { AppDeps } from "../context.ts";
import { jsonSafe } from "../problem.ts";
import { op, type Op } from "../route.ts";
import { page, PageQuery } from "../schemas.ts";
import { pageOf, pageRequest, parsedKey } from "../views.ts";

const TAG = "international";
const BOOK_READ = roles(["national-admin", "authority"], "read");

export const BookRecord = z
  .record(z.string(), z.unknown())
  .openapi("Article6BookItem", { description: "A record of the Article 6.2 book (kind, id, date and the fields of its kind; an authorization at its latest version) with `seq`, its sequence number in the book; units and serials as decimal strings" });

interface BookList {
  path: string;
  operationId: string;
  summary: string;
  description: string;
  read: (deps: AppDeps, book: Book, page: SeqPage) => Promise<BookItem[]>;
}

const LISTS: readonly BookList[] = [
  {
    path: "/v1/international/book/records", operationId: "listArticle6Records", summary: "The Article 6.2 book's records",
    description: "Every record of the book (issuances, authorizations, covers, revocations, first transfers, transfers, uses, cancellations, entities) in the order made, a page at a time with a cursor.",
    read: (deps, _book, p) => bookRecords(deps.ledger.db, p),
  },
  {
    path: "/v1/international/book/authorizations", operationId: "listArticle6Authorizations", summary: "The Article 6.2 book's authorizations",
    description: "The authorizations in the order made, each at its latest version (with the units it covers and whether it is revoked), a page at a time with a cursor.",
    read: (deps, book, p) => bookAuthorizations(deps.ledger.db, book, p),
  },
  {
    path: "/v1/international/book/first-transfers", operationId: "listArticle6FirstTransfers", summary: "The Article 6.2 book's first transfers",
    description: "The first transfers of ITMOs in the order made (each adds to the corresponding adjustment of its Party and year), a page at a time with a cursor.",
    read: (deps, _book, p) => bookFirstTransfers(deps.ledger.db, p),
  },
];

/** The paged lists of the book; `book` is the international service's (built on first use). */
export function bookListOps(deps: AppDeps, book: () => Book): Op[] {
  return LISTS.map((l) =>
    op({
      method: "get", path: l.path, operationId: l.operationId, tag: TAG, access: BOOK_READ, summary: l.summary, description: l.description,
      query: PageQuery,
      responses: { 200: { description: "A page of the list", schema: page(BookRecord, `${l.operationId.replace(/^list/, "")}Page`) } },
      handler: async ({ c, query }) => {
        const p = pageRequest(query);
        const after = p.after === undefined ? undefined : parsedKey(p.after, parseSeqKey);
        return c.json(jsonSafe(pageOf(await l.read(deps, book(), { after, take: p.take }), p.limit, (x) => x.seq)) as never);
      },
    }),
  );
}
