// Linked registries (src/http/routes/links.ts; docs/concepts/linked-registries.md): a
// representative sends units from an account it represents to an account of a linked registry
// (escrow under the registry's rules, then one signed proposal to the peer) and looks a transfer up
// by its id to learn how it ended; administrators and the authority see the links, every transfer
// sent (escrowed and in flight, delivered, returned) and the decisions on those received. The page
// reads and writes only through the public API, so the API's rules decide who sees what.
import { type FormEvent, useState } from "react";
import { ApiError, commandId, get, post } from "../../api/client.ts";
import type { Transaction } from "../../api/types.ts";
import { usePaged } from "../../api/use-paged.ts";
import { Badge, Data, ErrorBox, Facts, Field, Notice, PagedList, PageTitle, Qty, Select, Table } from "../../components/ui.tsx";
import { useT } from "../../i18n/context.tsx";
import type { MessageKey } from "../../../../src/i18n/index.ts";
import { abilities, useSession } from "../../session.tsx";

export interface OutboundTransfer {
  linkId: string;
  transferId: string;
  status: "escrowed" | "delivered" | "returned";
  source: string;
  destination: string;
  classCode: string;
  quantity: string;
  serials: Array<{ start: string; end: string }>;
  decision: "accepted" | "refused" | null;
  refusal: { code: number; check: string; message: string } | null;
  attempts: number;
  lastError: string | null;
  updatedAt: string;
}
interface InboundDecision {
  linkId: string;
  transferId: string;
  decision: "accepted" | "refused";
  refusal: { code: number; check: string } | null;
  classCode: string;
  quantity: string;
  destination: string;
  creditTx: string | null;
  decidedAt: string;
}
interface LinkRow {
  linkId: string;
  peerRegistry: string;
  peerParty: string | null;
  peerUrl: string;
  version: number;
  approvedBy: string | null;
  configuredBy: string;
}

const LINK_ID = /^[A-Z0-9][A-Z0-9-]{1,31}$/;
const ACCOUNT_ID = /^[A-Z0-9][A-Z0-9-]{1,63}$/;
const QUANTITY = /^[1-9][0-9]{0,17}$/;
const TRANSFER_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const STATUS: Record<OutboundTransfer["status"], MessageKey> = { escrowed: "lnk.status.escrowed", delivered: "lnk.status.delivered", returned: "lnk.status.returned" };
const DECISION: Record<InboundDecision["decision"], MessageKey> = { accepted: "lnk.decision.accepted", refused: "lnk.decision.refused" };
const transferPath = (linkId: string, transferId: string) => `/v1/links/${encodeURIComponent(linkId)}/transfers/${encodeURIComponent(transferId)}`;

export function LinksPage() {
  const { t } = useT();
  const { me } = useSession();
  const can = abilities(me);
  const sources = (me?.representing ?? []).filter((r) => r.initiate).map((r) => r.accountId);
  const [found, setFound] = useState<{ linkId: string; transferId: string } | null>(null);
  return (
    <>
      <PageTitle title="lnk.title" />
      <p className="intro">{t("lnk.intro")}</p>
      {sources.length > 0 ? <SendForm sources={sources} onSent={setFound} /> : null}
      <Lookup key={found ? `${found.linkId}/${found.transferId}` : "none"} initial={found} />
      {can.admin || can.authority ? <Overview /> : null}
    </>
  );
}

/** Where a transfer stands, in words: its status, and the peer's decision or the last failed attempt. */
function StatusText(props: { t: OutboundTransfer }) {
  const { t } = useT();
  const x = props.t;
  return (
    <>
      <Badge kind={x.status}>{t(STATUS[x.status])}</Badge>
      {x.refusal ? <> {t("lnk.refusedWith", { code: String(x.refusal.code), check: x.refusal.check })}</> : null}
    </>
  );
}

function SendForm(props: { sources: string[]; onSent: (t: { linkId: string; transferId: string }) => void }) {
  const { t, code } = useT();
  const [linkId, setLinkId] = useState("");
  const [from, setFrom] = useState(props.sources[0] ?? "");
  const [cls, setCls] = useState("");
  const [quantity, setQuantity] = useState("");
  const [destination, setDestination] = useState("");
  const [errors, setErrors] = useState<Partial<Record<"link" | "quantity" | "destination", string>>>({});
  const [error, setError] = useState<unknown>(undefined);
  const [result, setResult] = useState<{ transaction: Transaction; transfer: OutboundTransfer | null; linkId: string } | null>(null);
  const [id, setId] = useState(() => commandId("lnk"));
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const link = linkId.trim().toUpperCase();
    const dest = destination.trim().toUpperCase();
    const q = quantity.trim();
    const v: typeof errors = {};
    if (!LINK_ID.test(link)) v.link = t("lnk.linkInvalid");
    if (!QUANTITY.test(q)) v.quantity = t("transfer.quantityInvalid");
    if (!ACCOUNT_ID.test(dest)) v.destination = t("transfer.toInvalid");
    setErrors(v);
    if (v.link || v.quantity || v.destination) return;
    setBusy(true);
    setError(undefined);
    setResult(null);
    try {
      const r = await post<{ transaction: Transaction; transfer: OutboundTransfer | null }>(`/v1/links/${encodeURIComponent(link)}/transfers`, {
        commandId: id, from, classCode: cls.trim(), quantity: q, destination: dest,
      });
      setResult({ ...r, linkId: link });
      setId(commandId("lnk"));
      setQuantity("");
      props.onSent({ linkId: link, transferId: r.transaction.id });
    } catch (err) {
      // A lost answer may have escrowed the units: the same command id again reads what happened.
      if (!(err instanceof ApiError) || !err.network) setId(commandId("lnk"));
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <section aria-labelledby="lnk-send-h">
      <h2 id="lnk-send-h">{t("lnk.sendTitle")}</h2>
      <p>{t("lnk.sendIntro")}</p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field label="lnk.link" required value={linkId} error={errors.link ?? null} onChange={(e) => setLinkId(e.target.value)} />
        <Select label="transfer.from" value={from} onChange={(e) => setFrom(e.target.value)}>
          {props.sources.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </Select>
        <Field label="lnk.class" required value={cls} onChange={(e) => setCls(e.target.value)} />
        <Field label="transfer.quantity" inputMode="numeric" required value={quantity} error={errors.quantity ?? null} onChange={(e) => setQuantity(e.target.value)} />
        <Field label="lnk.destination" hint="lnk.destinationHint" required value={destination} error={errors.destination ?? null} onChange={(e) => setDestination(e.target.value)} />
        <ErrorBox error={error} />
        {result ? (
          <Notice kind="ok">
            {result.transfer
              ? t("lnk.sent", { id: result.transaction.id, link: result.linkId, status: t(STATUS[result.transfer.status]) })
              : t("lnk.sentEscrow", { id: result.transaction.id, link: result.linkId, status: code("txStatus", result.transaction.status) })}
          </Notice>
        ) : null}
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {t("lnk.send")}
          </button>
        </div>
      </form>
    </section>
  );
}

function Lookup(props: { initial: { linkId: string; transferId: string } | null }) {
  const { t, f, code } = useT();
  const [linkId, setLinkId] = useState(props.initial?.linkId ?? "");
  const [transferId, setTransferId] = useState(props.initial?.transferId ?? "");
  const [shown, setShown] = useState<OutboundTransfer | null>(null);
  const [notSent, setNotSent] = useState<{ status: string; delayUntil: string | null } | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setShown(null);
    setNotSent(null);
    setError(undefined);
    const link = linkId.trim().toUpperCase();
    const id = transferId.trim();
    if (!LINK_ID.test(link) || !TRANSFER_ID.test(id)) return setError(new ApiError(400, { type: "field", title: t("lnk.lookupInvalid"), status: 400, detail: t("lnk.lookupInvalid") }));
    try {
      setShown(await get<OutboundTransfer>(transferPath(link, id)));
    } catch (err) {
      // 10763: nothing has gone over the link yet (or never will); the escrow's status says why.
      const facts = err instanceof ApiError && err.problem?.code === 10763 ? err.problem.facts : undefined;
      if (facts && typeof facts.status === "string") setNotSent({ status: facts.status, delayUntil: typeof facts.delayUntil === "string" ? facts.delayUntil : null });
      else setError(err);
    }
  }
  return (
    <section aria-labelledby="lnk-find-h">
      <h2 id="lnk-find-h">{t("lnk.findTitle")}</h2>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field label="lnk.link" required value={linkId} onChange={(e) => setLinkId(e.target.value)} />
        <Field label="lnk.transferId" hint="lnk.transferIdHint" required value={transferId} onChange={(e) => setTransferId(e.target.value)} />
        <div className="actions">
          <button type="submit" className="secondary">
            {t("lnk.find")}
          </button>
        </div>
      </form>
      <ErrorBox error={error} />
      {notSent ? (
        <Notice kind="info">
          {notSent.status === "awaiting_approval"
            ? t("lnk.notSentApproval")
            : notSent.status === "delayed"
              ? t("lnk.notSentDelayed", { until: notSent.delayUntil ? f.dateTime(notSent.delayUntil) : "-" })
              : t("lnk.neverSent", { status: code("txStatus", notSent.status) })}
        </Notice>
      ) : null}
      {shown ? (
        <Facts
          rows={[
            ["lnk.statusHead", <StatusText key="s" t={shown} />],
            ["transfer.from", <Data key="f">{shown.source}</Data>],
            ["lnk.destination", <Data key="d">{shown.destination}</Data>],
            ["lnk.class", <Data key="c">{shown.classCode}</Data>],
            ["transfer.quantity", <Qty key="q" v={shown.quantity} />],
            ["lnk.serials", <Data key="r">{shown.serials.map((r) => `${r.start}-${r.end}`).join(", ")}</Data>],
            ["lnk.attempts", f.q(shown.attempts)],
            ["lnk.lastError", shown.lastError ? <Data key="e">{shown.lastError}</Data> : "-"],
            ["lnk.updated", f.dateTime(shown.updatedAt)],
          ]}
        />
      ) : null}
    </section>
  );
}

function Overview() {
  const { t, f } = useT();
  const links = usePaged<LinkRow>("/v1/links");
  const out = usePaged<OutboundTransfer>("/v1/links/transfers/outbound");
  const inbound = usePaged<InboundDecision>("/v1/links/transfers/inbound");
  return (
    <>
      <section aria-labelledby="lnk-links-h">
        <h2 id="lnk-links-h">{t("lnk.linksTitle")}</h2>
        <PagedList paged={links}>
          <Table
            caption={t("lnk.linksTitle")}
            rows={links.items}
            rowKey={(l) => l.linkId}
            empty="lnk.noLinks"
            columns={[
              { head: "lnk.link", cell: (l) => <Data>{l.linkId}</Data> },
              { head: "lnk.peer", cell: (l) => <Data>{l.peerParty ? `${l.peerRegistry} (${l.peerParty})` : l.peerRegistry}</Data> },
              { head: "lnk.peerUrl", cell: (l) => <Data>{l.peerUrl}</Data> },
              { head: "lnk.version", cell: (l) => f.q(l.version), numeric: true },
              { head: "lnk.approvedBy", cell: (l) => <Data>{l.approvedBy ?? l.configuredBy}</Data> },
            ]}
          />
        </PagedList>
      </section>
      <section aria-labelledby="lnk-out-h">
        <h2 id="lnk-out-h">{t("lnk.outTitle")}</h2>
        <PagedList paged={out}>
          <Table
            caption={t("lnk.outTitle")}
            rows={out.items}
            rowKey={(x) => `${x.linkId}/${x.transferId}`}
            empty="lnk.noneSent"
            columns={[
              { head: "lnk.transferId", cell: (x) => <Data>{x.transferId}</Data> },
              { head: "lnk.link", cell: (x) => <Data>{x.linkId}</Data> },
              { head: "lnk.statusHead", cell: (x) => <StatusText t={x} /> },
              { head: "lnk.class", cell: (x) => <Data>{x.classCode}</Data> },
              { head: "transfer.quantity", cell: (x) => <Qty v={x.quantity} />, numeric: true },
              { head: "lnk.route", cell: (x) => <Data>{`${x.source} → ${x.destination}`}</Data> },
              { head: "lnk.attempts", cell: (x) => f.q(x.attempts), numeric: true },
              { head: "lnk.lastError", cell: (x) => (x.lastError ? <Data>{x.lastError}</Data> : "-") },
            ]}
          />
        </PagedList>
      </section>
      <section aria-labelledby="lnk-in-h">
        <h2 id="lnk-in-h">{t("lnk.inTitle")}</h2>
        <PagedList paged={inbound}>
          <Table
            caption={t("lnk.inTitle")}
            rows={inbound.items}
            rowKey={(x) => `${x.linkId}/${x.transferId}`}
            empty="lnk.noneReceived"
            columns={[
              { head: "lnk.transferId", cell: (x) => <Data>{x.transferId}</Data> },
              { head: "lnk.link", cell: (x) => <Data>{x.linkId}</Data> },
              { head: "lnk.decision", cell: (x) => (x.refusal ? t("lnk.refusedWith", { code: String(x.refusal.code), check: x.refusal.check }) : t(DECISION[x.decision])) },
              { head: "lnk.class", cell: (x) => <Data>{x.classCode}</Data> },
              { head: "transfer.quantity", cell: (x) => <Qty v={x.quantity} />, numeric: true },
              { head: "lnk.destination", cell: (x) => <Data>{x.destination}</Data> },
              { head: "lnk.credited", cell: (x) => (x.creditTx ? t("lnk.yes") : t("lnk.no")) },
              { head: "lnk.decided", cell: (x) => f.dateTime(x.decidedAt) },
            ]}
          />
        </PagedList>
      </section>
    </>
  );
}
