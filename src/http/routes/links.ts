// Linked registries (docs/concepts/linked-registries.md, docs/guides/linked-registries.md): this
// registry's link identity (registry id and Ed25519 public key), the links an administrator
// configures (four eyes when the security rules ask for them), transfers of units to a linked
// registry and their state on both sides, the recovery step, and the one operation a peer
// registry calls: POST /v1/links/inbound, open to the network but answered only for a message
// signed with the key the link records (10753), with a new nonce and a current time (10754).
import { z } from "@hono/zod-openapi";
import { INTL_CHECKS } from "../../domain/international/codes.ts";
import { LinkService } from "../../registry/international/links/service.ts";
import { inboundView, outboundView } from "../../registry/international/links/service.ts";
import { type LinkFeedPage, listInbound, listLinks, listOutbound } from "../../registry/international/links/store.ts";
import { PUBLIC_ACCESS, roles } from "../access.ts";
import type { AppDeps, HttpConfig } from "../context.ts";
import { jsonSafe, ProblemError, type RefusalLike, refusalProblem } from "../problem.ts";
import { op, type Op } from "../route.ts";
import { page, PageQuery, Transaction } from "../schemas.ts";
import { linkFeedKey, parseLinkFeedKey } from "../../registry/page-key.ts";
import { pageOf, pageRequest, pageWhole, parsedKey } from "../views.ts";

const TAG = "links";
const ADMIN = roles(["national-admin"], "admin");
const ADMIN_READ = roles(["national-admin", "authority"], "read");
const READ_OWN = roles(["national-admin", "authority", "representative"], "read", "representatives: only transfers from accounts they represent");
const REP = roles(["representative"], "transfer:initiate", "representative with the initiate right on the source account");

const STATUS = new Map<number, number>(Object.values(INTL_CHECKS).map((c) => [c.code, c.status]));

function value<T>(r: { ok: true; value: T } | RefusalLike): T {
  if (!r.ok) throw new ProblemError(refusalProblem(r, ...(STATUS.has(r.code) ? [STATUS.get(r.code) as number] : [])), {}, true);
  return r.value;
}
function answer<T>(c: { json: (body: never, status: never) => Response }, r: { ok: true; value: T; replayed?: boolean } | RefusalLike): Response {
  const v = value(r);
  return c.json(jsonSafe(v) as never, (r.ok && r.replayed ? 200 : 201) as never);
}

const CommandId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/).openapi({ description: "The caller's idempotency key: the same command again answers the first result" });
const LinkId = z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,31}$/).openapi({ description: "The link's id, the same on both registries", examples: ["THA-CHE"] });
const Units = z.string().regex(/^[1-9]\d{0,17}$/).openapi({ description: "Whole units, as a decimal string", examples: ["1916"] });
const At = z.string().openapi({ format: "date-time", description: "ISO-8601, UTC" });
const Runs = z.array(z.object({ start: z.string(), end: z.string() }));
const Identity = z.object({ registryId: z.string(), publicKey: z.string().openapi({ description: "Ed25519 public key, PEM (SPKI): give it to the peer's administrator" }) }).openapi("LinkIdentity");
const Link = z.object({
  linkId: z.string(), peerUrl: z.string(), peerRegistry: z.string(), peerPublicKey: z.string(), peerParty: z.string().nullable(), version: z.number().int(),
  configuredAt: At, configuredBy: z.string(), approvedBy: z.string().nullable(),
}).openapi("Link");
const LinkChange = z.object({
  changeId: z.string(), linkId: z.string(), status: z.enum(["awaiting_approval", "applied", "rejected"]), proposedBy: z.string(), proposedAt: At,
  decidedBy: z.string().nullable(), decidedAt: At.nullable(), link: Link.nullable(),
}).openapi("LinkChange");
const Outbound = z.object({
  linkId: z.string(), transferId: z.string(), status: z.enum(["escrowed", "delivered", "returned"]), source: z.string(), destination: z.string(), classCode: z.string(),
  quantity: z.string(), serials: Runs, escrowAccount: z.string(), escrowTx: z.string(), settleTx: z.string().nullable(), decision: z.enum(["accepted", "refused"]).nullable(),
  refusal: z.object({ code: z.number().int(), check: z.string(), message: z.string() }).nullable(), receiptTx: z.string().nullable(), attempts: z.number().int(),
  lastError: z.string().nullable(), createdAt: At, updatedAt: At,
}).openapi("LinkTransferOut");
const Inbound = z.object({
  linkId: z.string(), transferId: z.string(), decision: z.enum(["accepted", "refused"]), refusal: z.object({ code: z.number().int(), check: z.string(), message: z.string() }).nullable(),
  classCode: z.string(), quantity: z.string(), destination: z.string(), originSerials: Runs, localSerials: z.object({ start: z.string(), end: z.string() }).nullable(),
  receiptTx: z.string().nullable(), creditTx: z.string().nullable(), decidedAt: At, creditedAt: At.nullable(),
}).openapi("LinkTransferIn");
const Envelope = z.object({
  linkId: z.string(), type: z.enum(["propose", "answer"]), nonce: z.string(), sentAt: At, body: z.record(z.string(), z.unknown()), signature: z.string(),
}).openapi("LinkEnvelope", { description: "A signed message between linked registries: Ed25519 over the link id, type, nonce, time and the SHA-256 of the body's canonical JSON. A proposal's body is { transfers: [...] }, an answer's { answers: [...] }, one per transfer" });
const ListQuery = PageQuery.extend({
  linkId: LinkId.optional(),
  after: z.string().max(200).optional().openapi({ description: "Only transfers whose id sorts after this one (kept for earlier clients; follow `nextCursor` instead)" }),
});
/**
 * A page of a link feed asked for: the store's query (`limit`: one more row than the page, to know
 * whether more exist) and the page size. The cursor names the last transfer shown (link id, then
 * transfer id); the transfers are append-only rows, so the feed's order is stable.
 */
function feedPage(query: z.output<typeof ListQuery>): { feed: LinkFeedPage; size: number } {
  const p = pageRequest(query);
  return { feed: { linkId: query.linkId, after: query.after, from: p.after === undefined ? undefined : parsedKey(p.after, parseLinkFeedKey), limit: p.take }, size: p.limit };
}

export function linkOps(deps: AppDeps, _config: HttpConfig): Op[] {
  let service: LinkService | undefined;
  const svc = () => (service ??= deps.links ?? new LinkService(deps.registry, deps.ledger.db, deps.clock));
  const db = () => deps.ledger.db;
  return [
    op({
      method: "get", path: "/v1/links/identity", operationId: "getLinkIdentity", tag: TAG, access: ADMIN_READ,
      summary: "This registry's link identity",
      description: "The registry id and Ed25519 public key this registry signs its link messages with (null before it is set); the private key never leaves the store.",
      responses: { 200: { description: "The identity", schema: z.object({ identity: Identity.nullable() }) } },
      handler: async ({ c }) => c.json({ identity: await svc().config.identity() } as never),
    }),
    op({
      method: "post", path: "/v1/links/identity", operationId: "setLinkIdentity", tag: TAG, access: ADMIN, errors: [422],
      summary: "Make this registry's link identity",
      description: "Makes the registry's Ed25519 key pair under its registry id, once; the same id again answers the same public key (200), another id is refused (10752).",
      body: z.object({ registryId: z.string() }).strict(),
      responses: { 201: { description: "The identity made", schema: Identity }, 200: { description: "The identity made before", schema: Identity } },
      handler: async ({ c, caller, body }) => answer(c, await svc().config.setIdentity(caller, body)),
    }),
    op({
      method: "get", path: "/v1/links", operationId: "listLinks", tag: TAG, access: ADMIN_READ,
      summary: "Configured links",
      description: "Every link in id order, with the peer's URL, registry id, public key and Party, its version and who configured and approved it; a page at a time with a cursor.",
      query: PageQuery,
      responses: { 200: { description: "A page of links", schema: page(Link, "LinkPage") } },
      handler: async ({ c, query }) => c.json(jsonSafe(pageWhole(await listLinks(db()), query, (l) => l.linkId)) as never),
    }),
    op({
      method: "post", path: "/v1/links", operationId: "configureLink", tag: TAG, access: ADMIN, errors: [409, 422],
      summary: "Configure a link to a peer registry",
      description: "Proposes a link (or a change of one): its id, the peer's base URL, registry id, Ed25519 public key (PEM) and Party. It takes effect at once, or when a second administrator approves it where the security rules ask for four eyes.",
      body: z.object({ commandId: CommandId, linkId: LinkId, peerUrl: z.string(), peerRegistry: z.string(), peerPublicKey: z.string(), peerParty: z.string().nullable().optional() }).strict(),
      responses: { 201: { description: "The change (applied, or awaiting approval)", schema: LinkChange }, 200: { description: "A repeat: the same change", schema: LinkChange } },
      handler: async ({ c, caller, body }) => answer(c, await svc().config.configure(caller, body)),
    }),
    op({
      method: "get", path: "/v1/links/changes", operationId: "listLinkChanges", tag: TAG, access: ADMIN_READ,
      summary: "Link changes",
      description: "Every proposed link change, oldest first (then by change id), with its status (awaiting approval, applied); a page at a time with a cursor.",
      query: PageQuery,
      responses: { 200: { description: "A page of changes", schema: page(LinkChange, "LinkChangePage") } },
      handler: async ({ c, query }) => {
        const p = pageRequest(query);
        return c.json(jsonSafe(pageOf(await svc().config.listChanges({ after: p.after, take: p.take }), p.limit, (x) => x.changeId)) as never);
      },
    }),
    op({
      method: "post", path: "/v1/links/changes/{changeId}/approve", operationId: "approveLinkChange", tag: TAG, access: ADMIN, errors: [404, 409],
      summary: "Approve a link change",
      description: "A second administrator approves a proposed link change; it takes effect. The proposer cannot approve it (8004).",
      params: z.object({ changeId: z.string().max(100) }),
      responses: { 201: { description: "The change, applied", schema: LinkChange } },
      handler: async ({ c, caller, params }) => answer(c, await svc().config.approve(caller, { changeId: params.changeId })),
    }),
    op({
      method: "post", path: "/v1/links/{linkId}/transfers", operationId: "sendOverLink", tag: TAG, access: REP, errors: [404, 409, 422],
      summary: "Transfer units to a linked registry",
      description: "Moves the units into an escrow slot of the link that holds this transfer alone (roles, four-eyes, delays and limits apply), then proposes the transfer to the peer, signed, in one message with the link's other ready transfers; the peer decides each once, credits the same class and quantity to the destination and answers. Accepted: the units are delivered (the link's sent account); refused: they return to the source. The transfer id is the escrow transaction's id; recovery resends until answered. By default the answer comes once the transfer's message settled (delivered, returned, or still escrowed with the last error while the peer does not answer); with `wait: false` it comes once the units are escrowed and the transfer queued (status `escrowed`, in flight), and the same command again reads how it ended.",
      params: z.object({ linkId: LinkId }),
      body: z.object({
        commandId: CommandId, from: z.string(), classCode: z.string(), quantity: Units, destination: z.string(),
        wait: z.boolean().optional().openapi({ description: "true (the default): answer once the transfer's message settled; false: answer once escrowed and queued, the transfer ending delivered or returned later (never lost)" }),
      }).strict(),
      responses: {
        201: { description: "The escrow transaction and the transfer (null while the escrow awaits approval)", schema: z.object({ transaction: Transaction, transfer: Outbound.nullable() }) },
        200: { description: "A repeat of the same command", schema: z.object({ transaction: Transaction, transfer: Outbound.nullable() }) },
      },
      handler: async ({ c, caller, params, body }) => answer(c, await svc().send(caller, { ...body, linkId: params.linkId })),
    }),
    op({
      method: "get", path: "/v1/links/{linkId}/transfers/{transferId}", operationId: "getLinkTransfer", tag: TAG, access: READ_OWN, errors: [404, 409],
      summary: "One transfer sent over a link",
      description: "Where one outgoing linked transfer stands: escrowed (in flight, with the attempts and the last error), delivered or returned, with the peer's decision. The transfer id is the escrow transaction's id, as `sendOverLink` answered it. Administrators and the authority read every transfer; a representative those from an account it represents (any other answers 10751, as for a transfer that does not exist). How a sender that did not wait learns how its transfer ended. An escrow still awaiting approval or its delay, or rejected, cancelled or expired, has sent nothing: 10763 (409) with the escrow transaction's status and delay.",
      params: z.object({ linkId: LinkId, transferId: z.string().max(128).openapi({ description: "The escrow transaction's id (`transaction.id` in the send's answer)" }) }),
      responses: { 200: { description: "The transfer", schema: Outbound } },
      handler: async ({ c, caller, params }) => c.json(jsonSafe(value(await svc().transfer(caller, params.linkId, params.transferId))) as never),
    }),
    op({
      method: "get", path: "/v1/links/transfers/outbound", operationId: "listLinkTransfersOut", tag: TAG, access: ADMIN_READ,
      summary: "Transfers sent over links",
      description: "This registry's outgoing linked transfers in transfer id order (then link id), a page at a time with a cursor: escrowed, delivered or returned, with the peer's decision, the attempts and the last error.",
      query: ListQuery,
      responses: { 200: { description: "The transfers", schema: page(Outbound, "LinkTransferOutPage") } },
      handler: async ({ c, query }) => {
        const p = feedPage(query);
        return c.json(jsonSafe(pageOf((await listOutbound(db(), p.feed)).map(outboundView), p.size, linkFeedKey)) as never);
      },
    }),
    op({
      method: "get", path: "/v1/links/transfers/inbound", operationId: "listLinkTransfersIn", tag: TAG, access: ADMIN_READ,
      summary: "Transfers received over links",
      description: "The decisions this registry made on transfers proposed by its peers, in transfer id order (then link id), a page at a time with a cursor: accepted (with the local serials issued and the credit) or refused (with the refusal).",
      query: ListQuery,
      responses: { 200: { description: "The decisions", schema: page(Inbound, "LinkTransferInPage") } },
      handler: async ({ c, query }) => {
        const p = feedPage(query);
        return c.json(jsonSafe(pageOf((await listInbound(db(), p.feed)).map(inboundView), p.size, linkFeedKey)) as never);
      },
    }),
    op({
      method: "post", path: "/v1/links/recover", operationId: "recoverLinks", tag: TAG, access: ADMIN,
      summary: "Run the links' recovery now",
      description: "Resends every escrowed transfer without an answer, settles those with one, and credits accepted transfers not yet credited (the server also does this at start-up and on a timer).",
      responses: { 201: { description: "What each open transfer is left at", schema: z.object({ outbound: z.array(Outbound), credited: z.number().int() }) } },
      handler: async ({ c }) => c.json((await svc().recover()) as never, 201 as never),
    }),
    op({
      method: "post", path: "/v1/links/inbound", operationId: "receiveOverLink", tag: TAG, access: PUBLIC_ACCESS, errors: [401, 404, 409],
      summary: "A peer registry's signed proposal",
      description: "Called by a linked registry, not by people: a proposal of 1 to 50 transfers signed with the peer's key. The answer is this registry's one decision on each transfer, in the proposal's order (accepted: issued into the link's inbound account, and credited to the destination right after the answer; refused, with the refusal), signed once with this registry's key as soon as the decisions are recorded; a repeat gets the same decisions.",
      body: Envelope,
      responses: { 200: { description: "The signed answer", schema: Envelope } },
      handler: async ({ c, body }) => c.json(value(await svc().receive(body)) as never, 200 as never),
    }),
  ];
}
