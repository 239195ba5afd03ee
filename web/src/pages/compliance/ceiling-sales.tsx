// Sales at a hard price ceiling (src/http/routes/collars.ts: sellAtCeiling, listCeilingSales,
// listPendingCeilingSales, completeCeilingSale): for a chosen scheme year, the sales recorded
// (buyer, class, allowances, the ceiling price, the exact amount, the transfer and the issuance
// beyond the cap, who sold and when), their totals, and the registry's own count of what they
// issued beyond the cap; then the sales requested and not yet made, read from the registry's own
// list of requests (a page at a time), each with its issuance's status: by default those that can
// still complete, or on choice those whose issuance was rejected or cancelled, or both. A national
// administrator sells here: the API records the request, prices the sale from the rulebook, issues
// beyond the cap and answers 11709 while that issuance awaits approval; once a second national
// administrator approves it, any national administrator completes the sale from the pending list
// by its command id alone (the request names the rest), in any tab or browser. The form
// (ceiling-sale-form.tsx) also keeps the command id of a sale whose answer was lost, so selling
// again with the same figures is the same sale. National administrators and the authority read the page (the API's rule); the
// navigation offers it only where the rulebook keeps its ceiling by fixed-price sales
// (`features.ceilingSales`).
import { useState } from "react";
import { post } from "../../api/client.ts";
import type { Page, Scheme } from "../../api/types.ts";
import { firstPage, type Paged, usePaged } from "../../api/use-paged.ts";
import { Data, ErrorBox, Field, PagedFooter, PageTitle, Select, Show, Table } from "../../components/ui.tsx";
import { sumDecimals } from "../../decimal.ts";
import { useT } from "../../i18n/context.tsx";
import { Link } from "../../router.tsx";
import { useScheme } from "../../scheme.tsx";
import { abilities, useSession } from "../../session.tsx";
import { Outcome, SaleForm, TxLink } from "./ceiling-sale-form.tsx";
import { Dec, Money } from "./common.tsx";

export interface CeilingSale {
  id: string;
  transactionId: string;
  issuanceId: string;
  account: string;
  installation: string;
  classCode: string;
  year: number;
  quantity: string;
  price: string;
  amount: string;
  currency: string;
  beyondCap: true;
  soldBy: string | null;
  recordedAt: string;
}

/** A page of sales, with the registry's count of what sales issued beyond the cap in the year asked. */
interface SalePage extends Page<CeilingSale> {
  issuedBeyondCap: Array<{ year: number; quantity: string }>;
}

/** A sale requested and not yet made (GET /v1/ceiling-sales/pending). */
export interface PendingSale {
  commandId: string;
  transactionId: string;
  issuanceId: string;
  /** null: the issuance was never written (completing the sale issues it). */
  issuanceStatus: "awaiting_approval" | "delayed" | "completed" | "rejected" | "cancelled" | null;
  account: string;
  installation: string;
  classCode: string;
  quantity: string;
  issuanceAccount: string;
  year: number;
  price: string;
  amount: string;
  currency: string;
  requestedBy: string;
  requestedAt: string;
}

/**
 * The scheme year a moment falls in, in the registry's time zone: the calendar year, or where the
 * rulebook counts fiscal years, the year in which the fiscal year starting in its month began.
 */
export function schemeYear(at: Date, scheme: Pick<Scheme, "timeZone" | "yearBasis"> | undefined): number {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone: scheme?.timeZone || "UTC", year: "numeric", month: "numeric" }).formatToParts(at);
  const year = Number(parts.find((p) => p.type === "year")?.value);
  const month = Number(parts.find((p) => p.type === "month")?.value);
  return scheme?.yearBasis.kind === "fiscal" && month < scheme.yearBasis.startMonth ? year - 1 : year;
}

export function CeilingSalesPage() {
  const { t } = useT();
  const can = abilities(useSession().me);
  const scheme = useScheme();
  const [typed, setYear] = useState<string | null>(null);
  const year = typed ?? String(schemeYear(new Date(), scheme));
  // The API's bounds on a year: anything else would only be refused.
  const valid = /^\d{4}$/.test(year) && Number(year) >= 1990 && Number(year) <= 2200;
  const sales = usePaged<CeilingSale, SalePage>(valid ? `/v1/ceiling-sales?year=${year}` : null);
  // What the pending list shows: by default only the requests a completion can still make.
  const [pendingState, setPendingState] = useState<PendingState>("open");
  const pending = usePaged<PendingSale>(`/v1/ceiling-sales/pending${pendingState === "all" ? "" : `?state=${pendingState}`}`);
  const reload = () => {
    sales.reload();
    pending.reload();
  };
  return (
    <>
      <PageTitle title="cs.title" />
      <p className="intro">{t("cs.intro")}</p>
      <Field label="cs.year" inputMode="numeric" value={year} onChange={(e) => setYear(e.target.value.trim())} />
      {valid ? <Sales year={Number(year)} paged={sales} /> : null}
      <Pending paged={pending} state={pendingState} onState={setPendingState} canComplete={can.admin} onDone={reload} />
      {can.admin ? <SaleForm onDone={reload} /> : null}
    </>
  );
}

function Sales(props: { year: number; paged: Paged<CeilingSale, SalePage> }) {
  const { t, tn, f } = useT();
  const { items, first } = props.paged;
  const label = f.year(props.year);
  // "In all" only once every page is shown: until then the footer offers the next page.
  const complete = props.paged.more === null && !props.paged.loading && props.paged.error === undefined;
  const currency = items[0]?.currency;
  const oneCurrency = currency !== undefined && items.every((s) => s.currency === currency);
  const beyond = first?.issuedBeyondCap.find((x) => x.year === props.year);
  return (
    <section aria-labelledby="cs-list-h">
      <h2 id="cs-list-h">{t("cs.listTitle", { year: label })}</h2>
      {/* "No sales" only once the first page has come: until then the list is loading, not empty */}
      <Show loaded={firstPage(props.paged)}>
        {() => (
          <>
            <Table
              caption={t("cs.caption", { year: label })}
              rows={items}
              rowKey={(s) => s.id}
              empty="cs.none"
              columns={[
                { head: "cs.buyer", cell: (s) => <><Data>{s.account}</Data> (<Data>{s.installation}</Data>)</> },
                { head: "col.class", cell: (s) => <Data>{s.classCode}</Data> },
                { head: "cs.quantity", cell: (s) => <Dec v={s.quantity} />, numeric: true },
                { head: "cs.price", cell: (s) => <Money amount={s.price} currency={s.currency} />, numeric: true },
                { head: "cs.amount", cell: (s) => <Money amount={s.amount} currency={s.currency} />, numeric: true },
                { head: "cs.currency", cell: (s) => <Data>{s.currency}</Data> },
                { head: "cs.transfer", cell: (s) => <TxLink id={s.transactionId} /> },
                { head: "cs.issuance", cell: (s) => <TxLink id={s.issuanceId} /> },
                { head: "cs.recorded", cell: (s) => <><Data>{s.soldBy ?? "-"}</Data> {f.dateTime(s.recordedAt)}</> },
              ]}
            />
            <PagedFooter paged={props.paged} />
            {complete && currency !== undefined && oneCurrency ? (
              <p className="total">
                {tn("cs.total", {
                  quantity: <Dec key="q" v={sumDecimals(items.map((s) => s.quantity))} />,
                  amount: <Money key="a" amount={sumDecimals(items.map((s) => s.amount))} currency={currency} />,
                })}
              </p>
            ) : null}
            {beyond ? <p>{tn("cs.beyondCap", { year: label, quantity: <Dec key="q" v={beyond.quantity} /> })}</p> : null}
          </>
        )}
      </Show>
    </section>
  );
}

/**
 * The sales requested and not yet made, every one (a page at a time), with where each issuance
 * stands and the next step: the approvals page while it waits, the completion once it is approved
 * (or never written: completing issues it), nothing once it was rejected or cancelled. By default
 * only those that can still complete; the choice above the table shows the ended ones, or both.
 */
/** Which requests the pending list shows (the API's `state`, or both). */
type PendingState = "open" | "ended" | "all";
const PENDING_STATE_LABELS = { open: "cs.stateOpen", ended: "cs.stateEnded", all: "cs.stateAll" } as const;

function Pending(props: { paged: Paged<PendingSale>; state: PendingState; onState: (s: PendingState) => void; canComplete: boolean; onDone: () => void }) {
  const { t, f } = useT();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [done, setDone] = useState<CeilingSale | null>(null);
  async function complete(id: string) {
    setBusy(id);
    setError(undefined);
    setDone(null);
    try {
      setDone(await post<CeilingSale>(`/v1/ceiling-sales/${encodeURIComponent(id)}/complete`, {}));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
      props.onDone();
    }
  }
  const next = (x: PendingSale) => {
    switch (x.issuanceStatus) {
      case "awaiting_approval":
      case "delayed":
        return <Link to="/registry/approvals">{t("cs.toApprovals")}</Link>;
      case "rejected":
      case "cancelled":
        return t("cs.ended");
      case "completed":
      case null:
        return props.canComplete ? (
          <button type="button" disabled={busy !== null} aria-label={t("cs.completeLabel", { id: x.commandId })} onClick={() => void complete(x.commandId)}>
            {t("cs.complete")}
          </button>
        ) : (
          t(x.issuanceStatus === null ? "cs.notIssued" : "cs.ready")
        );
      default:
        return x.issuanceStatus satisfies never;
    }
  };
  return (
    <section aria-labelledby="cs-pending-h">
      <h2 id="cs-pending-h">{t("cs.pendingTitle")}</h2>
      <Select label="cs.pendingState" value={props.state} onChange={(e) => props.onState(e.target.value as PendingState)}>
        {(["open", "ended", "all"] as const).map((s) => (
          <option key={s} value={s}>
            {t(PENDING_STATE_LABELS[s])}
          </option>
        ))}
      </Select>
      <ErrorBox error={error} />
      <Outcome awaiting={null} done={done} />
      <Show loaded={firstPage(props.paged)}>
        {() => (
          <>
            <Table
              caption={t("cs.pendingCaption")}
              rows={props.paged.items}
              rowKey={(x) => x.commandId}
              empty={props.state === "ended" ? "cs.pendingEndedNone" : "cs.pendingNone"}
              columns={[
                { head: "cs.sale", cell: (x) => <Data>{x.commandId}</Data> },
                { head: "cs.buyer", cell: (x) => <><Data>{x.account}</Data> (<Data>{x.installation}</Data>)</> },
                { head: "col.class", cell: (x) => <Data>{x.classCode}</Data> },
                { head: "cs.quantity", cell: (x) => <Dec v={x.quantity} />, numeric: true },
                { head: "cs.amount", cell: (x) => <Money amount={x.amount} currency={x.currency} />, numeric: true },
                { head: "cs.issuance", cell: (x) => (x.issuanceStatus === null ? <Data>{x.issuanceId}</Data> : <TxLink id={x.issuanceId} />) },
                { head: "cs.requested", cell: (x) => <><Data>{x.requestedBy}</Data> {f.dateTime(x.requestedAt)}</> },
                { head: "cs.next", cell: next },
              ]}
            />
            <PagedFooter paged={props.paged} />
          </>
        )}
      </Show>
    </section>
  );
}
