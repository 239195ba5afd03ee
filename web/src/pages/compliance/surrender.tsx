// Surrender, for the representatives of an installation: the obligation of a period as the
// surrender rules count it now, what is already counted, each class the installation's account
// holds with what is available and how it counts (or the rule that keeps it out, and the room a
// credit limit leaves), and the surrender of a quantity of a class. The surrender is proposed; a
// second representative approves it (the approvals page). A refusal (a credit limit, a vintage,
// a closed period) is shown as the rule it broke, in the reader's language.
import { useState } from "react";
import { commandId, post } from "../../api/client.ts";
import { useApi } from "../../api/use-api.ts";
import type { Transaction as Tx } from "../../api/types.ts";
import { CutNotice, Data, ErrorBox, Facts, Field, Notice, PageTitle, Select, Show, Table } from "../../components/ui.tsx";
import { useT } from "../../i18n/context.tsx";
import { Link } from "../../router.tsx";
import { Dec, defaultPeriod, type Installation, InstallationSelect, periodLabel, useInstallations } from "./common.tsx";

export interface Options {
  installation: string;
  accountId: string;
  period: string;
  deadline: string | null;
  due: string;
  emissions: string;
  determined: boolean;
  counted: string;
  remaining: string;
  holdings: Array<{
    classCode: string;
    unitType: string;
    vintage: number | null;
    quantity: string;
    available: string;
    counts: { ok: true; category: string; rate: string; value: string; limitedTo: string | null } | { ok: false; code: number; check: string };
  }>;
}

export function SurrenderPage() {
  const { t } = useT();
  const list = useInstallations();
  return (
    <>
      <PageTitle title="cpl.surrender.title" />
      <p className="intro">{t("cpl.surrender.intro")}</p>
      <Show loaded={list}>
        {(l) => (
          <>
            <CutNotice all={l} />
            {l.items.length === 0 ? <p>{t("cpl.noInstallations")}</p> : <SurrenderBody items={l.items} />}
          </>
        )}
      </Show>
    </>
  );
}

function SurrenderBody(props: { items: Installation[] }) {
  const { t, f, code } = useT();
  const [inst, setInst] = useState(props.items[0]?.installation ?? "");
  const [period, setPeriod] = useState(defaultPeriod());
  const valid = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(period);
  const options = useApi<Options>(inst && valid ? `/v1/compliance/installations/${encodeURIComponent(inst)}/surrender-options?period=${encodeURIComponent(period)}` : null);
  return (
    <>
      <div className="actions">
        <InstallationSelect items={props.items} value={inst} onChange={setInst} />
        <Field label="cpl.period" value={period} onChange={(e) => setPeriod(e.target.value.trim())} />
      </div>
      <Show loaded={options}>
        {(o) => (
          <>
            <section aria-labelledby="obl-h">
              <h2 id="obl-h">{t("cpl.surrender.obligation")}</h2>
              <Facts
                rows={[
                  ["cpl.account", <Data key="a">{o.accountId}</Data>],
                  ["cpl.deadline", o.deadline ? f.date(`${o.deadline}T12:00:00Z`) : t("cpl.noDeadline")],
                  ["cpl.emissions", o.determined ? <Dec key="e" v={o.emissions} /> : t("cpl.surrender.notDetermined")],
                  ["cpl.due", <Dec key="d" v={o.due} />],
                  ["cpl.counted", <Dec key="c" v={o.counted} />],
                  ["cpl.remaining", <Dec key="r" v={o.remaining} />],
                ]}
              />
            </section>
            <section aria-labelledby="hold-h">
              <h2 id="hold-h">{t("cpl.surrender.holdings")}</h2>
              <Table
                caption={t("cpl.surrender.holdingsCaption")}
                rows={o.holdings}
                rowKey={(h) => h.classCode}
                columns={[
                  { head: "col.class", cell: (h) => <Data>{h.classCode}</Data> },
                  { head: "cpl.unitType", cell: (h) => code("unitType", h.unitType) },
                  { head: "cpl.available", cell: (h) => <Dec v={h.available} />, numeric: true },
                  { head: "cpl.eligible", cell: (h) => (h.counts.ok ? code("cpl.category", h.counts.category) : t("cpl.surrender.notEligible", { code: String(h.counts.code), rule: code("check", h.counts.check) })) },
                  { head: "cpl.rate", cell: (h) => (h.counts.ok ? <Data>{h.counts.rate === "1" ? "1:1" : h.counts.rate}</Data> : "-") },
                  { head: "cpl.limitRoom", cell: (h) => (h.counts.ok && h.counts.limitedTo !== null ? <Dec v={h.counts.limitedTo} /> : t("cpl.noLimit")), numeric: true },
                ]}
              />
            </section>
            <SurrenderForm options={o} reload={options.reload} />
          </>
        )}
      </Show>
    </>
  );
}

function SurrenderForm(props: { options: Options; reload: () => void }) {
  const { t, tn, f } = useT();
  const o = props.options;
  const eligible = o.holdings.filter((h) => h.counts.ok);
  const [cls, setCls] = useState(eligible[0]?.classCode ?? o.holdings[0]?.classCode ?? "");
  const [quantity, setQuantity] = useState("");
  const [error, setError] = useState<unknown>(undefined);
  const [result, setResult] = useState<Tx | null>(null);
  const [busy, setBusy] = useState(false);
  if (o.holdings.length === 0) return <p>{t("cpl.surrender.nothingHeld")}</p>;
  async function submit(e: { preventDefault(): void }) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setResult(null);
    try {
      const r = await post<Tx>(`/v1/compliance/installations/${encodeURIComponent(o.installation)}/surrenders`, { commandId: commandId("surrender"), period: o.period, lines: [{ classCode: cls, quantity: quantity.trim() }] });
      setResult(r);
      setQuantity("");
      props.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <section aria-labelledby="sur-h">
      <h2 id="sur-h">{t("cpl.surrender.formTitle", { period: periodLabel(f, o.period) })}</h2>
      <form onSubmit={(e) => void submit(e)}>
        <Select label="col.class" value={cls} onChange={(e) => setCls(e.target.value)}>
          {o.holdings.map((h) => (
            <option key={h.classCode} value={h.classCode} translate="no">
              {h.classCode}
            </option>
          ))}
        </Select>
        <Field label="cpl.surrender.quantity" inputMode="numeric" required value={quantity} onChange={(e) => setQuantity(e.target.value)} />
        <ErrorBox error={error} />
        {result ? (
          <Notice kind="ok">
            {tn(result.status === "completed" ? "cpl.surrender.completed" : "cpl.surrender.proposed", {
              id: (
                <Link to={`/registry/transactions/${encodeURIComponent(result.id)}`}>
                  <Data>{result.id}</Data>
                </Link>
              ),
            })}
          </Notice>
        ) : null}
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {t("cpl.surrender.submit")}
          </button>
        </div>
      </form>
    </section>
  );
}
