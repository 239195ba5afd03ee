// Public routes: health, and the published data a registry shows to everyone (like the EU's
// public transaction log): accounts, allocations, compliance status, completed transactions, and
// the checkpoints (Merkle roots over the ledger) anyone may keep to hold the registry to later.
import { z } from "@hono/zod-openapi";
import { listCheckpoints } from "../../registry/checkpoints/index.ts";
import { localDay } from "../../registry/compliance/hook.ts";
import { latestPublishedYear, publication } from "../../registry/compliance/publish.ts";
import { recordedRulebook } from "../../registry/settings.ts";
import type { AccountView, TransactionView } from "../../registry/ledger/index.ts";
import { PUBLIC_ACCESS as PUBLIC } from "../access.ts";
import type { AppDeps, HttpConfig } from "../context.ts";
import { op, type Op } from "../route.ts";
import { Since } from "./read.ts";
import { checkProblem, ProblemError } from "../problem.ts";
import { Account, AccountId, AccountTypeName, Allocation, ComplianceStatus, PageQuery, page, PublicTransaction, Time, TransactionKindName } from "../schemas.ts";
import { DEFAULT_PAGE, decodeCursor, encodeCursor, pageJson, pageOf, toJson } from "../views.ts";

const Checkpoint = z
  .object({
    id: z.number().int().openapi({ description: "1, 2, 3, ... in the order recorded" }),
    at: Time,
    root: z.string().openapi({ description: "RFC 6962 Merkle root (SHA-256, hex) over the first `count` leaves of the checkpoint log", examples: ["5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"] }),
    count: z.number().int().openapi({ description: "Leaves covered (the size of the tree)" }),
  })
  .openapi("Checkpoint");

const OPERATOR_TYPES = ["operator_holding", "aircraft_operator_holding", "maritime_operator_holding"];

export function publicOps(deps: AppDeps, _config: HttpConfig): Op[] {
  const { ledger } = deps;
  const holderCache = async (ids: string[]) => {
    const m = new Map<string, AccountView>();
    for (const id of new Set(ids)) {
      const a = await ledger.getAccount(id);
      if (a) m.set(id, a);
    }
    return m;
  };
  const completedAt = (t: TransactionView) => t.events.find((e) => e.status === "completed")?.at ?? t.createdAt;

  return [
    op({
      method: "get",
      path: "/health",
      operationId: "health",
      summary: "Liveness and store check",
      description: "Answers 200 when the server runs and its database answers a query; for load balancers and monitoring. No sign-in.",
      tag: "public",
      access: PUBLIC,
      responses: { 200: { description: "The server and its store answer", schema: z.object({ ok: z.boolean(), store: z.string() }).openapi("Health") } },
      handler: async ({ c }) => {
        await ledger.db.query("SELECT 1");
        return c.json({ ok: true, store: ledger.db.kind });
      },
    }),
    op({
      method: "get",
      path: "/v1/public/accounts",
      operationId: "publicAccounts",
      summary: "Published list of accounts (holder, type, installation, status)",
      description: "The published account register, as the EU's public transaction log shows it: every account with its holder, type, installation and status, in account id order, optionally of one type. No sign-in.",
      tag: "public",
      access: PUBLIC,
      query: PageQuery.extend({ type: AccountTypeName.optional() }),
      responses: { 200: { description: "A page of accounts", schema: page(Account, "AccountPage") } },
      handler: async ({ c, query }) => {
        const limit = query.limit ?? DEFAULT_PAGE;
        const after = decodeCursor(query.cursor);
        const list = await ledger.listAccounts({ ...(query.type ? { type: query.type } : {}), ...(after ? { after } : {}), limit });
        return c.json(toJson(pageJson(list)) as never);
      },
    }),
    op({
      method: "get",
      path: "/v1/public/allocations",
      operationId: "publicAllocations",
      summary: "Published free allocations: completed allocation transactions per operator account",
      description: "Completed free allocations, one item per leg (the account, its holder and installation, the class and quantity, when it completed), in time order (creation time, then id) and within a transaction in leg order. Optionally for one account. No sign-in.",
      tag: "public",
      access: PUBLIC,
      query: PageQuery.extend({ accountId: AccountId.optional() }),
      responses: { 200: { description: "A page of allocations", schema: page(Allocation, "AllocationPage") } },
      handler: async ({ c, query }) => {
        const limit = query.limit ?? DEFAULT_PAGE;
        const after = decodeCursor(query.cursor);
        const pg = await ledger.listTransactions({ kind: "allocation", status: "completed", ...(query.accountId ? { accounts: [query.accountId] } : {}), ...(after ? { after } : {}), limit });
        const accounts = await holderCache(pg.items.flatMap((t) => t.legs.map((l) => l.to)));
        const items = pg.items.flatMap((t) =>
          t.legs.map((l) => ({
            transactionId: t.id,
            accountId: l.to,
            holder: accounts.get(l.to)?.holder ?? "",
            installation: accounts.get(l.to)?.installation ?? null,
            classCode: l.classCode,
            quantity: l.quantity.toString(),
            at: completedAt(t),
          })),
        );
        return c.json({ items, nextCursor: pg.next === null ? null : encodeCursor(pg.next) } as never);
      },
    }),
    op({
      method: "get",
      path: "/v1/public/compliance",
      operationId: "publicCompliance",
      summary: "Published compliance status per operator account",
      description: "Per operator account (operator, aircraft operator and maritime operator holding accounts, in account id order): the units surrendered so far and, for an installation registered for compliance, the verified emissions and status of the latest year whose publication date has passed (the period's surrender deadline plus the rulebook's publication delay): compliant, or non-compliant (short, estimated or not verified at the close); not-determined before the close or the publication date. No sign-in.",
      tag: "public",
      access: PUBLIC,
      query: PageQuery,
      responses: { 200: { description: "A page of compliance rows", schema: page(ComplianceStatus, "CompliancePage") } },
      handler: async ({ c, query }) => {
        const limit = query.limit ?? DEFAULT_PAGE;
        const after = decodeCursor(query.cursor);
        // Operator accounts of every operator type, merged in id order.
        const rows: AccountView[] = [];
        for (const type of OPERATOR_TYPES) rows.push(...(await ledger.listAccounts({ type, ...(after ? { after } : {}), limit: limit + 1 })).items);
        rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        const pg = pageOf(rows.slice(0, limit + 1), limit, (a) => a.id);
        const items = [];
        for (const a of pg.items) {
          let surrendered = 0n;
          let txAfter: string | undefined;
          for (;;) {
            const txs = await ledger.listTransactions({ accounts: [a.id], kind: "surrender", status: "completed", ...(txAfter ? { after: txAfter } : {}), limit: 500 });
            for (const t of txs.items) for (const l of t.legs) if (l.from === a.id) surrendered += l.quantity;
            if (txs.next === null) break;
            txAfter = txs.next;
          }
          items.push({ accountId: a.id, holder: a.holder, installation: a.installation, surrendered: surrendered.toString(), verifiedEmissions: null as string | null, year: null as number | null, status: "not-determined" as "not-determined" | "compliant" | "non-compliant" });
        }
        // The compliance module's published rows, where the registry runs a rulebook with compliance rules.
        const rb = (await recordedRulebook(ledger.db))?.rulebook;
        if (rb?.compliance) {
          const asOf = localDay(rb, deps.clock.now());
          const year = latestPublishedYear(rb, asOf);
          const insts = items.map((i) => i.installation).filter((x): x is string => x !== null);
          if (year !== undefined && insts.length > 0) {
            const pub = await publication(ledger.db, rb, year, asOf, insts);
            const byAccount = new Map(pub.rows.map((r) => [r.accountId, r]));
            for (const i of items) {
              const row = byAccount.get(i.accountId);
              if (!row) continue;
              i.year = row.year;
              i.verifiedEmissions = row.verifiedEmissions;
              i.status = row.status === "compliant" ? "compliant" : row.status === "not-determined" ? "not-determined" : "non-compliant";
            }
          }
        }
        return c.json({ items, nextCursor: pg.nextCursor } as never);
      },
    }),
    op({
      method: "get",
      path: "/v1/public/transactions",
      operationId: "publicTransactions",
      summary: "Public transaction log: completed transactions with their legs",
      description: "Completed transactions with their legs and completion time, in time order (creation time, then id), optionally of one kind and created at or after `since`. Where the rulebook sets a publication delay (`publication.transactions.delayYears`, the EU's three years), a transaction appears only once that long has passed since it completed, so a page may hold fewer than `limit`. Who initiated them and notes are not published. No sign-in.",
      tag: "public",
      access: PUBLIC,
      query: PageQuery.extend({ kind: TransactionKindName.optional(), since: Since }),
      responses: { 200: { description: "A page of completed transactions", schema: page(PublicTransaction, "PublicTransactionPage") } },
      handler: async ({ c, query }) => {
        const limit = query.limit ?? DEFAULT_PAGE;
        const after = decodeCursor(query.cursor);
        const pg = await ledger.listTransactions({ status: "completed", ...(query.kind ? { kind: query.kind } : {}), ...(query.since ? { since: query.since } : {}), ...(after ? { after } : {}), limit });
        // The rulebook's publication delay (EU: three years): a transaction appears once that long has passed since it completed.
        const delayYears = (await recordedRulebook(ledger.db))?.rulebook.publication?.transactions.delayYears ?? 0;
        const cutoff = new Date(deps.clock.now());
        cutoff.setUTCFullYear(cutoff.getUTCFullYear() - delayYears);
        const shown = delayYears === 0 ? pg.items : pg.items.filter((t) => completedAt(t) <= cutoff.toISOString());
        const items = shown.map((t) => ({ id: t.id, kind: t.kind, completedAt: completedAt(t), legs: t.legs }));
        return c.json(toJson({ items, nextCursor: pg.next === null ? null : encodeCursor(pg.next) }) as never);
      },
    }),
    op({
      method: "get",
      path: "/v1/checkpoints",
      operationId: "listCheckpoints",
      summary: "Published checkpoints, newest first",
      description: "Merkle roots (RFC 6962, SHA-256) over every chain head and account record, newest first, which `ets verify` proves against the ledger; anyone may keep them and later check that history was not rewritten.",
      tag: "public",
      access: PUBLIC,
      query: PageQuery,
      responses: { 200: { description: "A page of checkpoints", schema: page(Checkpoint, "CheckpointPage") } },
      handler: async ({ c, query }) => {
        const key = decodeCursor(query.cursor);
        if (key !== undefined && !/^[1-9]\d{0,14}$/.test(key)) throw new ProblemError(checkProblem("CURSOR_INVALID", "cursor is not one this API returned: pass the nextCursor of the previous page"));
        const pg = await listCheckpoints(ledger.db, { ...(key === undefined ? {} : { before: Number(key) }), limit: query.limit ?? DEFAULT_PAGE });
        return c.json({ items: pg.items, nextCursor: pg.next === null ? null : encodeCursor(String(pg.next)) } as never);
      },
    }),
  ];
}
