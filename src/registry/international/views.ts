// What the registry shows of international units: the classes with every credit attribute (the
// attributes travel with the class), the Article 6.2 book (the corresponding adjustments per Party
// and year; the first page of its authorizations, first transfers and records, which page on in
// book-pages.ts) and the AEF of this registry's Party for a year, computed from the records the registry holds.
import { adjustmentEntries } from "../../domain/international/article6/adjustments.ts";
import { type Aef, buildAef } from "../../domain/international/aef.ts";
import type { CreditAttributes } from "../../domain/international/attributes.ts";
import { intlRefusal, type Outcome, ok } from "../../domain/international/codes.ts";
import type { Sql } from "../../store/db.ts";
import { getClass } from "../ledger/reads.ts";
import { cursorOf, rowsPage } from "../page-key.ts";
import type { Book } from "./book.ts";
import { bookAuthorizations, bookCounts, bookFirstTransfers, type BookItem, bookRecords, type SeqPage } from "./book-pages.ts";
import { recordedInternational, rulesByParty } from "./config.ts";

export interface IntlClassView {
  code: string;
  attributes: CreditAttributes;
  definedAt: string;
  issued: bigint;
}

/** The classes in code order; with a page, those after the code `after`, at most `take`. */
export async function listIntlClasses(sql: Sql, page: { after?: string | undefined; take?: number | undefined } = {}): Promise<IntlClassView[]> {
  const r = await sql.query<{ code: string; attributes: CreditAttributes; defined_at: Date | string }>(
    "SELECT class_code AS code, attributes, defined_at FROM intl_classes WHERE ($1::text IS NULL OR class_code > $1) ORDER BY class_code LIMIT $2",
    [page.after ?? null, page.take ?? null],
  );
  const out: IntlClassView[] = [];
  for (const x of r.rows) {
    const cls = await getClass(sql, x.code);
    out.push({ code: x.code, attributes: x.attributes, definedAt: new Date(x.defined_at).toISOString(), issued: cls?.issued ?? 0n });
  }
  return out;
}

export interface AdjustmentRow {
  party: string;
  year: number;
  /** Sum of the year's entries: first transfers add, uses towards the NDC subtract. */
  quantity: bigint;
  firstTransferred: bigint;
  used: bigint;
}

/** How many items of each growing list the book document shows; the rest page (book-pages.ts). */
export const BOOK_LIST_SHOWN = 100;

export interface BookView {
  party: string | null;
  adjustments: AdjustmentRow[];
  /** How many items each list holds: the lists below show the first BOOK_LIST_SHOWN of each. */
  counts: { records: number; authorizations: number; firstTransfers: number };
  records: BookItem[];
  authorizations: BookItem[];
  firstTransfers: BookItem[];
  /** Per list, the cursor of its paged route after the items shown here; null when all are shown. */
  more: { records: string | null; authorizations: string | null; firstTransfers: string | null };
}

/** The first page of a list and the cursor of the rest. */
async function firstPage(read: (page: SeqPage) => Promise<BookItem[]>): Promise<{ items: BookItem[]; next: string | null }> {
  const p = rowsPage(await read({ take: BOOK_LIST_SHOWN + 1 }), BOOK_LIST_SHOWN, (x) => x.seq);
  return { items: p.items, next: p.next === null ? null : cursorOf(p.next) };
}

/**
 * The book as one document: the Party, the corresponding adjustments per Party and year (bounded
 * by the Parties and years), the size of each growing list and its first page with the cursor of
 * the rest (never the whole list: records, authorizations and first transfers grow for good).
 */
export async function bookView(sql: Sql, book: Book): Promise<Outcome<BookView>> {
  const view = await book.load(sql);
  const rules = (await recordedInternational(sql)).rules;
  const entries = adjustmentEntries(view.records, rulesByParty(rules));
  if (!entries.ok) return entries;
  const byKey = new Map<string, AdjustmentRow>();
  for (const e of entries.value) {
    const k = `${e.party}|${e.year}`;
    const row = byKey.get(k) ?? { party: e.party, year: e.year, quantity: 0n, firstTransferred: 0n, used: 0n };
    row.quantity += e.quantity;
    if (e.reason === "first-transfer") row.firstTransferred += e.quantity;
    else row.used -= e.quantity;
    byKey.set(k, row);
  }
  const [records, authorizations, firstTransfers] = [await firstPage((p) => bookRecords(sql, p)), await firstPage((p) => bookAuthorizations(sql, book, p)), await firstPage((p) => bookFirstTransfers(sql, p))];
  return ok({
    party: rules?.article6?.party ?? null,
    adjustments: [...byKey.values()].sort((a, b) => a.party.localeCompare(b.party) || a.year - b.year),
    counts: await bookCounts(sql),
    records: records.items,
    authorizations: authorizations.items,
    firstTransfers: firstTransfers.items,
    more: { records: records.next, authorizations: authorizations.next, firstTransfers: firstTransfers.next },
  });
}

/** The AEF of this registry's Party for a year, from the records it holds (never defaults: a Party without rules is refused). */
export async function aefOf(sql: Sql, book: Book, input: { party: string; partyName?: string; year: number; version?: string; submittedOn?: string | null }): Promise<Outcome<Aef>> {
  const rules = (await recordedInternational(sql)).rules?.article6;
  if (!rules) return intlRefusal("RULES_MISSING", "the registry has no Article 6 configuration (international.article6)", { rule: "international.article6" });
  if (rules.party !== input.party) return intlRefusal("FIELD_INVALID", `party: this registry reports for ${rules.party}, not ${input.party}`, { field: "party", party: input.party });
  const view = await book.load(sql);
  return buildAef({ rules, partyName: input.partyName ?? rules.party, year: input.year, version: input.version ?? "1.0", submittedOn: input.submittedOn ?? null, records: view.records });
}
