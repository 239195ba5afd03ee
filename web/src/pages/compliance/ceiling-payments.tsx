// Payments in place of allowances (GX-ETS keeps its price ceiling this way; src/http/routes/collars.ts):
// for a chosen compliance period, the payments recorded per installation (tonnes, the ceiling price of
// the period's last year, the exact amount, the payment's reference, who recorded it), with their
// totals. A national administrator records a payment here; the API prices it from the rulebook and
// refuses it once the period is closed. National administrators and the authority read the list (the
// API's rule); the navigation offers the page only where the rulebook has this mechanism.
import { useRef, useState } from "react";
import { ApiError, commandId, post } from "../../api/client.ts";
import { type Paged, usePaged } from "../../api/use-paged.ts";
import { sumDecimals } from "../../decimal.ts";
import { CutNotice, Data, ErrorBox, Field, Notice, PagedList, PageTitle, Show, Table } from "../../components/ui.tsx";
import { useT } from "../../i18n/context.tsx";
import { abilities, useSession } from "../../session.tsx";
import { Dec, defaultPeriod, type Installation, InstallationSelect, Money, periodLabel, useInstallations } from "./common.tsx";

export interface CeilingPayment {
  id: string;
  installation: string;
  period: string;
  priceYear: number;
  quantity: string;
  price: string;
  amount: string;
  currency: string;
  reference: string | null;
  recordedBy: string;
  recordedAt: string;
}

const VALID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function CeilingPaymentsPage() {
  const { t } = useT();
  const { me } = useSession();
  const can = abilities(me);
  // A compliance period as the compliance records name it (GX-ETS: the fiscal year, "2026"), as on the status page.
  const [period, setPeriod] = useState(defaultPeriod());
  const valid = VALID.test(period);
  const list = usePaged<CeilingPayment>(valid ? `/v1/ceiling-payments?period=${encodeURIComponent(period)}` : null);
  return (
    <>
      <PageTitle title="cp.title" />
      <p className="intro">{t("cp.intro")}</p>
      <Field label="cp.period" value={period} onChange={(e) => setPeriod(e.target.value.trim())} />
      {valid ? <Payments period={period} paged={list} /> : null}
      {can.admin && valid ? <PaymentForm key={period} period={period} onDone={list.reload} /> : null}
    </>
  );
}

function Payments(props: { period: string; paged: Paged<CeilingPayment> }) {
  const { t, tn, f } = useT();
  const items = props.paged.items;
  // "In all" only once every page is shown: until then the footer offers the next page.
  const complete = props.paged.more === null && !props.paged.loading && props.paged.error === undefined;
  const label = periodLabel(f, props.period);
  const currency = items[0]?.currency;
  // One period's payments share its price year and currency; the totals say so only when they do.
  const oneCurrency = currency !== undefined && items.every((p) => p.currency === currency);
  return (
    <section aria-labelledby="cp-list-h">
      <h2 id="cp-list-h">{t("cp.listTitle", { period: label })}</h2>
      <PagedList paged={props.paged}>
        <Table
          caption={t("cp.caption", { period: label })}
          rows={items}
          rowKey={(p) => p.id}
          empty="cp.none"
          columns={[
            { head: "cpl.installation", cell: (p) => <Data>{p.installation}</Data> },
            { head: "cp.quantity", cell: (p) => <Dec v={p.quantity} />, numeric: true },
            { head: "cp.priceYear", cell: (p) => f.year(p.priceYear) },
            { head: "cp.price", cell: (p) => <Money amount={p.price} currency={p.currency} />, numeric: true },
            { head: "cp.amount", cell: (p) => <Money amount={p.amount} currency={p.currency} />, numeric: true },
            { head: "cp.reference", cell: (p) => (p.reference ? <Data>{p.reference}</Data> : "-") },
            { head: "cp.recorded", cell: (p) => <>{<Data>{p.recordedBy}</Data>} {f.dateTime(p.recordedAt)}</> },
          ]}
        />
      </PagedList>
      {complete && currency !== undefined && oneCurrency ? (
        <p className="total">
          {tn("cp.total", {
            quantity: <Dec key="q" v={sumDecimals(items.map((p) => p.quantity))} />,
            amount: <Money key="a" amount={sumDecimals(items.map((p) => p.amount))} currency={currency} />,
          })}
        </p>
      ) : null}
    </section>
  );
}

function PaymentForm(props: { period: string; onDone: () => void }) {
  const { t, tn, f } = useT();
  const installations = useInstallations();
  const [chosen, setInst] = useState<string | null>(null);
  const [quantity, setQuantity] = useState("");
  const [reference, setReference] = useState("");
  const [error, setError] = useState<unknown>(undefined);
  const [done, setDone] = useState<CeilingPayment | null>(null);
  const [busy, setBusy] = useState(false);
  // One command id per filled-in payment, kept until it is answered: a retry after a lost answer
  // records the payment once.
  const pending = useRef<{ key: string; id: string } | null>(null);
  async function submit(e: { preventDefault(): void }, items: Installation[]) {
    e.preventDefault();
    const installation = chosen ?? items[0]?.installation ?? "";
    const key = JSON.stringify([props.period, installation, quantity.trim(), reference.trim()]);
    const id = pending.current?.key === key ? pending.current.id : commandId("cp");
    pending.current = { key, id };
    setBusy(true);
    setError(undefined);
    setDone(null);
    try {
      const body = { commandId: id, installation, period: props.period, quantity: quantity.trim(), ...(reference.trim() ? { reference: reference.trim() } : {}) };
      setDone(await post<CeilingPayment>("/v1/ceiling-payments", body));
      pending.current = null;
      setQuantity("");
      setReference("");
      props.onDone();
    } catch (err) {
      // Only a lost answer (the network) may have been recorded: keep its id for the retry.
      if (!(err instanceof ApiError) || err.network === false) pending.current = null;
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Show loaded={installations}>
      {(l) => (
        <section aria-labelledby="cp-form-h">
          <h2 id="cp-form-h">{t("cp.formTitle", { period: periodLabel(f, props.period) })}</h2>
          <p>{t("cp.formIntro")}</p>
          <CutNotice all={l} />
          {l.items.length === 0 ? (
            <p>{t("cpl.noInstallations")}</p>
          ) : (
            <form onSubmit={(e) => void submit(e, l.items)}>
              <InstallationSelect items={l.items} value={chosen ?? l.items[0]?.installation ?? ""} onChange={setInst} />
              <Field label="cp.quantityField" inputMode="numeric" required value={quantity} onChange={(e) => setQuantity(e.target.value)} />
              <Field label="cp.referenceField" value={reference} maxLength={200} onChange={(e) => setReference(e.target.value)} />
              <ErrorBox error={error} />
              {done ? (
                <Notice kind="ok">
                  {tn("cp.recordedNotice", {
                    quantity: <Dec key="q" v={done.quantity} />,
                    installation: <Data key="i">{done.installation}</Data>,
                    price: <Money key="p" amount={done.price} currency={done.currency} />,
                    amount: <Money key="a" amount={done.amount} currency={done.currency} />,
                  })}
                </Notice>
              ) : null}
              <div className="actions">
                <button type="submit" className="primary" disabled={busy}>
                  {t("cp.submit")}
                </button>
              </div>
            </form>
          )}
        </section>
      )}
    </Show>
  );
}
