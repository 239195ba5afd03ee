// International units (docs/concepts/international.md): classes defined from credit attributes,
// the registry's international configuration, the Article 6.2 book (authorizations, revocations,
// authorized entities; its records, first transfers and corresponding adjustments per year, its
// growing lists paged in international-book.ts; the AEF), and the operations that move
// international units: an Article 6 issuance, a transfer of ITMOs to another Party, a use, a
// cancellation, a CDM or Article 6.4 issuance with its shares.
// Each goes through the international service (src/registry/international), which asks the
// secure registry for the ledger transaction; the book is written by the hooks in the same
// database transaction. `commandId` is the idempotency key. Refusals of the international
// catalogue (10xxx) answer with the status the catalogue names.
import { z } from "@hono/zod-openapi";
import { INTL_CHECKS } from "../../domain/international/codes.ts";
import { InternationalService } from "../../registry/international/service.ts";
import { aefOf, bookView, listIntlClasses } from "../../registry/international/views.ts";
import { roles } from "../access.ts";
import { BookRecord, bookListOps } from "./international-book.ts";
import type { AppDeps, HttpConfig } from "../context.ts";
import { jsonSafe, ProblemError, type RefusalLike, refusalProblem } from "../problem.ts";
import { op, type Op } from "../route.ts";
import { Amount, page, PageQuery, Transaction } from "../schemas.ts";
import { pageOf, pageRequest } from "../views.ts";

const TAG = "international";
const ADMIN = roles(["national-admin"], "admin");
const REP = roles(["representative"], "transfer:initiate", "representative with the initiate right on the source account");
const READ = roles(["national-admin", "authority", "representative", "verifier"], "read");
const BOOK_READ = roles(["national-admin", "authority"], "read");

const STATUS = new Map<number, number>(Object.values(INTL_CHECKS).map((c) => [c.code, c.status]));

/** The value of a result, or its refusal as a problem (international codes with their own status). */
function value<T>(r: { ok: true; value: T } | RefusalLike): T {
  if (!r.ok) throw new ProblemError(refusalProblem(r, ...(STATUS.has(r.code) ? [STATUS.get(r.code) as number] : [])), {}, true);
  return r.value;
}
function answer<T>(c: { json: (body: never, status: never) => Response }, r: { ok: true; value: T; replayed?: boolean } | RefusalLike): Response {
  const v = value(r);
  return c.json(jsonSafe(v) as never, (r.ok && r.replayed ? 200 : 201) as never);
}

const CommandId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/).openapi({ description: "The caller's idempotency key: the same command again answers the first result" });
const Units = z.string().regex(/^[1-9]\d{0,17}$/).openapi({ description: "Whole units, as a decimal string", examples: ["1916"] });
const Party = z.string().regex(/^[A-Z]{3}$/).openapi({ description: "A Party, ISO 3166 alpha-3 (as in the AEF)", examples: ["CHE"] });
const Id = z.string().min(1).max(100);
const Attributes = z.record(z.string(), z.unknown()).openapi("CreditAttributes", {
  description: "Credit attributes: mechanism, unitType, creditKind, host, vintage, and optionally methodology, project, sector, activityType, commitmentPeriod, cooperativeApproach, labels, expiry, gwp",
});
const IntlClass = z
  .object({ code: z.string(), attributes: Attributes, definedAt: z.string().openapi({ description: "When the class was defined (ISO-8601, UTC)", format: "date-time" }), issued: Amount })
  .openapi("InternationalClass");
const DefinedClass = z.object({ code: z.string(), attributes: Attributes }).openapi("InternationalClassDefined");
const Record6 = z.record(z.string(), z.unknown()).openapi("Article6Record", { description: "A record of the Article 6.2 book (kind, id, date and the fields of its kind); units and serials as decimal strings" });
const Transactions = z.object({}).passthrough();
const Blocks = z.array(z.object({ series: z.string(), start: z.string(), end: z.string() })).max(100);

export function internationalOps(deps: AppDeps, _config: HttpConfig): Op[] {
  // Built on first use (the reference generator lists the operations without a store).
  let service: InternationalService | undefined;
  const svc = () => (service ??= new InternationalService(deps.registry, deps.ledger.db, deps.clock));
  const txDone = { 201: { description: "The transaction (completed, or awaiting approval)", schema: Transaction }, 200: { description: "A repeat of the same command: the same transaction", schema: Transaction } };
  return [
    op({
      method: "get", path: "/v1/international/classes", operationId: "listInternationalClasses", tag: TAG, access: READ,
      summary: "International unit classes with their attributes",
      description: "Every class defined from credit attributes, in class code order, with all its attributes and the quantity issued; a page at a time with a cursor.",
      query: PageQuery,
      responses: { 200: { description: "A page of classes", schema: page(IntlClass, "InternationalClassPage") } },
      handler: async ({ c, query }) => {
        const p = pageRequest(query);
        return c.json(jsonSafe(pageOf(await listIntlClasses(deps.ledger.db, { after: p.after, take: p.take }), p.limit, (x) => x.code)) as never);
      },
    }),
    op({
      method: "post", path: "/v1/international/classes", operationId: "defineInternationalClass", tag: TAG, access: ADMIN, errors: [409, 422],
      summary: "Define a class from credit attributes",
      description: "Defines the unit class of units with these attributes; its code derives from them, so the same attributes again give the same class (200).",
      body: z.object({ commandId: CommandId, attributes: Attributes }).strict(),
      responses: { 201: { description: "The class", schema: DefinedClass }, 200: { description: "The class, defined before", schema: DefinedClass } },
      handler: async ({ c, caller, body }) => answer(c, await svc().defineClass(caller, body)),
    }),
    op({
      method: "get", path: "/v1/international/configuration", operationId: "getInternationalConfiguration", tag: TAG, access: READ,
      summary: "The registry's international rules",
      description: "The international rules the registry runs with (its Party's Article 6.2 choices, the CDM and Article 6.4 shares), or null.",
      responses: { 200: { description: "The rules", schema: z.object({ rules: z.record(z.string(), z.unknown()).nullable() }) } },
      handler: async ({ c }) => c.json(jsonSafe({ rules: await svc().rules() }) as never),
    }),
    op({
      method: "put", path: "/v1/international/configuration", operationId: "configureInternational", tag: TAG, access: ADMIN, errors: [422],
      summary: "Record the registry's international rules",
      description: "Records the international rules (the `international` section of a rulebook: article6, cdm, a64, kyoto, domesticUse); a bad field is named.",
      body: z.record(z.string(), z.unknown()),
      responses: { 201: { description: "The rules recorded", schema: z.record(z.string(), z.unknown()) } },
      handler: async ({ c, caller, body }) => answer(c, await svc().configure(caller, body)),
    }),
    op({
      method: "get", path: "/v1/international/book", operationId: "getArticle6Book", tag: TAG, access: BOOK_READ, errors: [422],
      summary: "The Article 6.2 book",
      description:
        "The Party, the corresponding adjustments per Party and year (first transfers add, uses towards the NDC subtract) and, for each list that grows with the book (authorizations at their latest version, first transfers, every record in order), its count and its first 100 items with the cursor of the rest on its paged route (/v1/international/book/authorizations, /first-transfers, /records); null when all are shown.",
      responses: {
        200: {
          description: "The book",
          schema: z.object({
            party: z.string().nullable(),
            adjustments: z.array(z.object({ party: z.string(), year: z.number().int(), quantity: z.string(), firstTransferred: z.string(), used: z.string() })),
            counts: z.object({ records: z.number().int(), authorizations: z.number().int(), firstTransfers: z.number().int() }),
            authorizations: z.array(BookRecord).max(100),
            firstTransfers: z.array(BookRecord).max(100),
            records: z.array(BookRecord).max(100),
            more: z.object({ records: z.string().nullable(), authorizations: z.string().nullable(), firstTransfers: z.string().nullable() }).openapi({ description: "Per list, the cursor of its paged route after the items shown; null when all are shown" }),
          }),
        },
      },
      handler: async ({ c }) => c.json(jsonSafe(value(await bookView(deps.ledger.db, svc().book))) as never),
    }),
    ...bookListOps(deps, () => svc().book),
    op({
      method: "get", path: "/v1/international/aef", operationId: "getAef", tag: TAG, access: BOOK_READ, errors: [422],
      summary: "The agreed electronic format (AEF) for a year",
      description: "The AEF tables of this registry's Party for a reported year, computed from the book's records (the CLI writes them as the template's workbook).",
      query: z.object({ party: Party, year: z.coerce.number().int().min(2021).max(2100), version: z.string().regex(/^\d+\.\d+$/).optional() }),
      responses: { 200: { description: "The AEF tables", schema: z.record(z.string(), z.unknown()) } },
      handler: async ({ c, query }) => c.json(jsonSafe(value(await aefOf(deps.ledger.db, svc().book, { party: query.party, year: query.year, ...(query.version ? { version: query.version } : {}) }))) as never),
    }),
    op({
      method: "post", path: "/v1/international/authorizations", operationId: "authorizeItmos", tag: TAG, access: ADMIN, errors: [409, 422],
      summary: "Authorize ITMOs (Article 6.2)",
      description: "Records an authorization of this registry's Party: cooperative approach, purposes, authorized Parties and entities, quantity, GWP, sectors, activity types, timeframe, first transfer definition (OIMP) and terms. Units are covered when issued under it.",
      body: z.object({
        commandId: CommandId, cooperativeApproach: z.string(), purposes: z.enum(["NDC", "OIMP", "NDC and OIMP"]), oimpPurposes: z.array(z.string()).optional(),
        authorizedParties: z.array(Party), authorizedEntities: z.array(z.string()).optional(), quantity: Units, gwp: z.string(), sectors: z.array(z.string()), activityTypes: z.array(z.string()),
        timeframe: z.object({ from: z.number().int(), to: z.number().int() }).optional(), firstTransferDefinition: z.string().optional(), terms: z.string(),
      }).strict(),
      responses: { 201: { description: "The records made", schema: z.array(Record6) }, 200: { description: "A repeat: the records made first", schema: z.array(Record6) } },
      handler: async ({ c, caller, body }) => answer(c, await svc().decideBook(caller, "authorize", body)),
    }),
    op({
      method: "post", path: "/v1/international/authorizations/{authorizationId}/revoke", operationId: "revokeAuthorization", tag: TAG, access: ADMIN, errors: [404, 409, 422],
      summary: "Revoke an authorization",
      description: "Revokes an authorization (whole, or the blocks named) within the Party's revocation rules; units already first transferred are never affected.",
      params: z.object({ authorizationId: Id }),
      body: z.object({ commandId: CommandId, blocks: Blocks.optional() }).strict(),
      responses: { 201: { description: "The records made", schema: z.array(Record6) }, 200: { description: "A repeat", schema: z.array(Record6) } },
      handler: async ({ c, caller, params, body }) => answer(c, await svc().decideBook(caller, "revoke", { ...body, authorization: params.authorizationId })),
    }),
    op({
      method: "post", path: "/v1/international/entities", operationId: "authorizeEntity", tag: TAG, access: ADMIN, errors: [409, 422],
      summary: "Authorize an entity (Article 6.2)",
      description: "Records an entity this registry's Party authorizes to acquire, use or cancel ITMOs under a cooperative approach.",
      body: z.object({ commandId: CommandId, name: z.string(), country: z.string(), identification: z.string(), cooperativeApproach: z.string(), conditions: z.string(), changeConditions: z.string() }).strict(),
      responses: { 201: { description: "The records made", schema: z.array(Record6) }, 200: { description: "A repeat", schema: z.array(Record6) } },
      handler: async ({ c, caller, body }) => answer(c, await svc().decideBook(caller, "authorizeEntity", body)),
    }),
    op({
      method: "post", path: "/v1/international/issuances", operationId: "issueItmos", tag: TAG, access: ADMIN, errors: [404, 409, 422],
      summary: "Issue ITMOs into the Article 6 book",
      description: "Issues units of an international class into a holding account; the book records the issuance (under the authorization named) in the same transaction, at completion.",
      body: z.object({
        commandId: CommandId, classCode: z.string(), account: z.string(), quantity: Units, authorization: z.string().optional(), sector: z.string().optional(), activityType: z.string().optional(),
        mitigationType: z.enum(["Emission reductions", "Removals"]).optional(), gwp: z.string().optional(),
      }).strict(),
      responses: txDone,
      handler: async ({ c, caller, body }) => answer(c, await svc().issue(caller, body)),
    }),
    op({
      method: "post", path: "/v1/international/mechanism-issuances", operationId: "issueWithShares", tag: TAG, access: ADMIN, errors: [404, 409, 422],
      summary: "A CDM or Article 6.4 issuance with its shares",
      description: "Issues the gross quantity into the mechanism's pending account, takes the shares the rules name (share of proceeds; for Article 6.4 the OMGE cancellation and a removal's buffer contribution) and forwards the rest. Run again to complete one cut short or awaiting approval.",
      body: z.object({ commandId: CommandId, classCode: z.string(), quantity: Units, to: z.string(), riskRating: z.string().optional() }).strict(),
      responses: { 201: { description: "The legs moved", schema: Transactions }, 200: { description: "A repeat", schema: Transactions } },
      handler: async ({ c, caller, body }) => answer(c, await svc().issueWithShares(caller, body)),
    }),
    op({
      method: "post", path: "/v1/international/transfers", operationId: "transferItmos", tag: TAG, access: REP, errors: [404, 409, 422],
      summary: "Transfer ITMOs to another Party",
      description: "Moves units to the outbound account kept for the acquiring Party; the book records the transfer, and the first transfer exactly once when the authorization makes it one, in the same transaction.",
      body: z.object({ commandId: CommandId, from: z.string(), to: Party, classCode: z.string(), quantity: Units }).strict(),
      responses: txDone,
      handler: async ({ c, caller, body }) => answer(c, await svc().transfer(caller, body)),
    }),
    op({
      method: "post", path: "/v1/international/uses", operationId: "useItmos", tag: TAG, access: REP, errors: [404, 409, 422],
      summary: "Use ITMOs towards the NDC or for OIMP",
      description: "Uses units towards the Party's NDC (for a calendar year) or for other international mitigation purposes; unauthorized units are refused (10701).",
      body: z.object({ commandId: CommandId, from: z.string(), classCode: z.string(), quantity: Units, purpose: z.enum(["NDC", "OIMP"]), forYear: z.number().int().optional(), oimpPurpose: z.string().optional(), entity: z.string().optional() }).strict(),
      responses: txDone,
      handler: async ({ c, caller, body }) => answer(c, await svc().useOrCancel(caller, "use", body)),
    }),
    op({
      method: "post", path: "/v1/international/cancellations", operationId: "cancelItmos", tag: TAG, access: REP, errors: [404, 409, 422],
      summary: "Cancel ITMOs",
      description: "Cancels units voluntarily or to deliver overall mitigation in global emissions (OMGE); the book records the cancellation in the same transaction.",
      body: z.object({ commandId: CommandId, from: z.string(), classCode: z.string(), quantity: Units, reason: z.enum(["omge", "voluntary"]) }).strict(),
      responses: txDone,
      handler: async ({ c, caller, body }) => answer(c, await svc().useOrCancel(caller, "cancel", body)),
    }),
  ];
}
