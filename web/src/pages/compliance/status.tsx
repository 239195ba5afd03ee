// Status and penalties of a compliance period: per installation the caller may see, the status
// (open until the deadline; then compliant, short, not verified or estimated), the obligation,
// what counted by the deadline and the shortfall; once the period is closed, the penalty of each
// installation with the rulebook's explanation, and the totals. A national administrator closes
// the period here, after its deadline (the API refuses before, and answers the stored close after).
import { useState } from "react";
import { ApiError, commandId, post } from "../../api/client.ts";
import { useApi } from "../../api/use-api.ts";
import { firstPage, usePaged } from "../../api/use-paged.ts";
import { Data, ErrorBox, Facts, Field, Notice, PagedFooter, PageTitle, Show, Table } from "../../components/ui.tsx";
import { useT } from "../../i18n/context.tsx";
import { abilities, useSession } from "../../session.tsx";
import { Dec, defaultPeriod, Money, MoneyMinor, periodLabel, StatusBadge } from "./common.tsx";

interface Position {
  installation: string;
  status: string;
  due: string | null;
  emissions: string | null;
  estimatedYears: number[];
  surrendered: string;
  shortfall: string;
  reason: string;
  closed: boolean;
}

interface PeriodStatus {
  period: string;
  deadline: string | null;
  asOf: string;
  items: Position[];
  nextCursor: string | null;
}

interface Close {
  period: string;
  deadline: string;
  closedBy: string;
  closedAt: string;
  currency: string;
  totals: { installations: number; byStatus: Record<string, number>; shortfall: string; carryOver: string; amountMinor: string };
  results: Array<{ installation: string; status: string; due: string | null; surrendered: string; shortfall: string; amount: string; upTo: boolean; carryOver: string; explanation: string[] }>;
}

const day = (d: string) => `${d}T12:00:00Z`;

export function StatusPage() {
  const { t, f } = useT();
  const { me } = useSession();
  const can = abilities(me);
  const [period, setPeriod] = useState(defaultPeriod());
  const valid = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(period);
  // the positions page ("show more"); the first page's answer carries the period's deadline
  const status = usePaged<Position, PeriodStatus>(valid ? `/v1/compliance/periods/${encodeURIComponent(period)}` : null);
  const readsAll = can.admin || can.authority;
  const close = useApi<Close>(valid && readsAll ? `/v1/compliance/periods/${encodeURIComponent(period)}/close` : null);
  const notClosed = close.error instanceof ApiError && close.error.problem?.check === "period-unknown";
  const reload = () => {
    status.reload();
    close.reload();
  };
  return (
    <>
      <PageTitle title="cpl.status.title" />
      <p className="intro">{t("cpl.status.intro")}</p>
      <Field label="cpl.period" value={period} onChange={(e) => setPeriod(e.target.value.trim())} />
      <Show loaded={firstPage(status)}>
        {(s) => (
          <section aria-labelledby="pos-h">
            <h2 id="pos-h">{t("cpl.status.positions", { period: periodLabel(f, s.period) })}</h2>
            <Facts
              rows={[
                ["cpl.deadline", s.deadline ? f.date(day(s.deadline)) : t("cpl.noDeadline")],
                ["cpl.asOf", f.date(day(s.asOf))],
              ]}
            />
            <Table
              caption={t("cpl.status.caption", { period: periodLabel(f, s.period) })}
              rows={status.items}
              rowKey={(x) => x.installation}
              empty="cpl.status.none"
              columns={[
                { head: "cpl.installation", cell: (x) => <Data>{x.installation}</Data> },
                { head: "col.status", cell: (x) => <StatusBadge status={x.status} /> },
                { head: "cpl.emissions", cell: (x) => <Dec v={x.emissions} />, numeric: true },
                { head: "cpl.due", cell: (x) => <Dec v={x.due} />, numeric: true },
                { head: "cpl.surrendered", cell: (x) => <Dec v={x.surrendered} />, numeric: true },
                { head: "cpl.shortfall", cell: (x) => <Dec v={x.shortfall} />, numeric: true },
                { head: "cpl.closed", cell: (x) => t(x.closed ? "cpl.yes" : "cpl.no") },
              ]}
            />
            <PagedFooter paged={status} />
          </section>
        )}
      </Show>
      {readsAll ? (
        notClosed ? (
          <p>{t("cpl.status.notClosed")}</p>
        ) : (
          <Show loaded={close}>{(c) => <ClosedPeriod close={c} />}</Show>
        )
      ) : null}
      {can.admin && valid && notClosed ? <CloseAction period={period} reload={reload} /> : null}
    </>
  );
}

function ClosedPeriod(props: { close: Close }) {
  const { t, tn, f, code } = useT();
  const c = props.close;
  return (
    <section aria-labelledby="close-h">
      <h2 id="close-h">{t("cpl.status.closedTitle", { period: periodLabel(f, c.period) })}</h2>
      <Facts
        rows={[
          ["cpl.status.closedBy", <Data key="b">{c.closedBy}</Data>],
          ["cpl.status.closedAt", f.dateTime(c.closedAt)],
          ["cpl.status.installations", <span key="n" className="num">{c.totals.installations}</span>],
          ["cpl.shortfall", <Dec key="s" v={c.totals.shortfall} />],
          ["cpl.status.carryOver", <Dec key="o" v={c.totals.carryOver} />],
          ["cpl.status.totalPenalty", <MoneyMinor key="m" minor={c.totals.amountMinor} currency={c.currency} />],
        ]}
      />
      <Table
        caption={t("cpl.status.penaltiesCaption", { period: periodLabel(f, c.period) })}
        rows={c.results}
        rowKey={(r) => r.installation}
        columns={[
          { head: "cpl.installation", cell: (r) => <Data>{r.installation}</Data> },
          { head: "col.status", cell: (r) => <StatusBadge status={r.status} /> },
          { head: "cpl.shortfall", cell: (r) => <Dec v={r.shortfall} />, numeric: true },
          { head: "cpl.penalty", cell: (r) => (r.upTo ? tn("cpl.status.upTo", { amount: <Money amount={r.amount} currency={c.currency} /> }) : <Money amount={r.amount} currency={c.currency} />), numeric: true },
          { head: "cpl.status.carryOver", cell: (r) => <Dec v={r.carryOver} />, numeric: true },
          {
            head: "cpl.status.explanation",
            cell: (r) => (
              <ul className="explanation" translate="no" lang="en">
                {r.explanation.map((line, i) => (
                  <li key={i}>{line}</li>
                ))}
              </ul>
            ),
          },
        ]}
      />
      <p className="hint">{t("cpl.status.explanationHint")}</p>
    </section>
  );
}

function CloseAction(props: { period: string; reload: () => void }) {
  const { t, f } = useT();
  const [price, setPrice] = useState("");
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  async function act(e: { preventDefault(): void }) {
    e.preventDefault();
    if (!window.confirm(t("cpl.status.closeConfirm", { period: periodLabel(f, props.period) }))) return;
    setBusy(true);
    setError(undefined);
    try {
      const body: Record<string, unknown> = { commandId: commandId("close") };
      if (price.trim()) body.price = price.trim();
      await post(`/v1/compliance/periods/${encodeURIComponent(props.period)}/close`, body);
      setDone(true);
      props.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <section aria-labelledby="close-action-h">
      <h2 id="close-action-h">{t("cpl.status.closeTitle")}</h2>
      <p>{t("cpl.status.closeText")}</p>
      <form onSubmit={(e) => void act(e)}>
        <Field label="cpl.status.price" hint="cpl.status.priceHint" inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} />
        <ErrorBox error={error} />
        {done ? <Notice kind="ok">{t("cpl.status.closedNotice")}</Notice> : null}
        <div className="actions">
          <button type="submit" className="danger" disabled={busy}>
            {t("cpl.status.close", { period: periodLabel(f, props.period) })}
          </button>
        </div>
      </form>
    </section>
  );
}
