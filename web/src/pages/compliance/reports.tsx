// Report submission, for the representatives of an installation: the monitoring plan in force for
// the year, the annual emission report entered as activity data per source, the emissions the API
// computes line by line, the report versions with their verification status, and the appointment
// of the year's verifier. The API decides; refusals are shown in the reader's language.
import { useEffect, useState } from "react";
import { commandId, post } from "../../api/client.ts";
import { useApi } from "../../api/use-api.ts";
import { CutNotice, Data, ErrorBox, Facts, Field, Notice, PageTitle, Show, Table } from "../../components/ui.tsx";
import { useT } from "../../i18n/context.tsx";
import { Dec, InstallationSelect, OpinionBadge, planFor, type PlanView, type Records, ReportLines, type ReportView, defaultPeriod, useInstallations } from "./common.tsx";

export function ReportsPage() {
  const { t } = useT();
  const list = useInstallations();
  return (
    <>
      <PageTitle title="cpl.reports.title" />
      <p className="intro">{t("cpl.reports.intro")}</p>
      <Show loaded={list}>
        {(l) => (
          <>
            <CutNotice all={l} />
            {l.items.length === 0 ? <p>{t("cpl.noInstallations")}</p> : <ReportsBody items={l.items} />}
          </>
        )}
      </Show>
    </>
  );
}

function ReportsBody(props: { items: Parameters<typeof InstallationSelect>[0]["items"] }) {
  const { t, f } = useT();
  const [inst, setInst] = useState(props.items[0]?.installation ?? "");
  const [yearText, setYearText] = useState(defaultPeriod());
  const year = /^\d{4}$/.test(yearText) ? Number(yearText) : null;
  const records = useApi<Records>(inst ? `/v1/compliance/installations/${encodeURIComponent(inst)}` : null);
  return (
    <>
      <div className="actions">
        <InstallationSelect items={props.items} value={inst} onChange={setInst} />
        <Field label="cpl.year" inputMode="numeric" value={yearText} onChange={(e) => setYearText(e.target.value)} />
      </div>
      <Show loaded={records}>
        {(r) => {
          const plan = year === null ? undefined : planFor(r.plans, year);
          const versions = r.reports.filter((x) => x.year === year);
          return (
            <>
              <section aria-labelledby="plan-h">
                <h2 id="plan-h">{t("cpl.reports.plan")}</h2>
                {plan ? <PlanInForce plan={plan} /> : <Notice>{t("cpl.reports.noPlan")}</Notice>}
              </section>
              {plan && year !== null ? <ReportForm installation={inst} year={year} plan={plan} correctable={versions[versions.length - 1]} reload={records.reload} /> : null}
              <section aria-labelledby="versions-h">
                <h2 id="versions-h">{t("cpl.reports.status")}</h2>
                <Table
                  caption={t("cpl.reports.versionsCaption")}
                  rows={r.reports}
                  rowKey={(x) => `${x.year}-${x.version}`}
                  empty="cpl.reports.none"
                  columns={[
                    { head: "cpl.year", cell: (x) => f.year(x.year) },
                    { head: "cpl.version", cell: (x) => <span className="num">{x.version}</span>, numeric: true },
                    { head: "cpl.total", cell: (x) => <Dec v={x.total} />, numeric: true },
                    { head: "cpl.submittedAt", cell: (x) => f.dateTime(x.submittedAt) },
                    { head: "cpl.opinion", cell: (x) => <OpinionBadge verification={x.verification} /> },
                    { head: "cpl.verifiedTotal", cell: (x) => (x.verification?.locked ? <Dec v={x.verification.verifiedTotal} /> : t("cpl.notLocked")), numeric: true },
                  ]}
                />
              </section>
              {year !== null ? <AppointForm installation={inst} year={year} /> : null}
            </>
          );
        }}
      </Show>
    </>
  );
}

function PlanInForce(props: { plan: PlanView }) {
  const { t, f, code } = useT();
  const p = props.plan;
  return (
    <>
      <Facts
        rows={[
          ["cpl.version", <span key="v" className="num">{p.version}</span>],
          ["cpl.validFrom", f.year(p.validFrom)],
          ["cpl.validTo", p.validTo === null ? t("cpl.openEnded") : f.year(p.validTo)],
          ["cpl.submittedAt", f.dateTime(p.submittedAt)],
        ]}
      />
      <Table
        caption={t("cpl.reports.sourcesCaption")}
        rows={p.plan.sources}
        rowKey={(s) => s.id}
        columns={[
          { head: "cpl.source", cell: (s) => <Data>{s.id}</Data> },
          { head: "cpl.kind", cell: (s) => code("cpl.sourceKind", s.kind) },
          { head: "cpl.fuelOrGas", cell: (s) => <Data>{s.fuel ?? s.gas ?? "-"}</Data> },
          { head: "cpl.unit", cell: (s) => <Data>{s.unit ?? "-"}</Data> },
          { head: "cpl.emissionFactor", cell: (s) => (s.emissionFactor ? <Dec v={String(s.emissionFactor.value)} /> : t("cpl.fromRulebook")), numeric: true },
        ]}
      />
    </>
  );
}

function ReportForm(props: { installation: string; year: number; plan: PlanView; correctable: ReportView | undefined; reload: () => void }) {
  const { t, tn, f } = useT();
  const sources = props.plan.plan.sources;
  const [activity, setActivity] = useState<Record<string, string>>({});
  const [reason, setReason] = useState("");
  const [error, setError] = useState<unknown>(undefined);
  const [result, setResult] = useState<ReportView | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    setActivity({});
    setResult(null);
    setError(undefined);
  }, [props.installation, props.year]);
  const correcting = props.correctable !== undefined;
  async function submit(e: { preventDefault(): void }) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setResult(null);
    try {
      const body: Record<string, unknown> = { commandId: commandId("report"), year: props.year, activity: sources.map((s) => ({ source: s.id, quantity: (activity[s.id] ?? "").trim() })) };
      if (props.correctable) Object.assign(body, { corrects: props.correctable.version, reasons: reason.trim() ? [reason.trim()] : [] });
      const r = await post<ReportView>(`/v1/compliance/installations/${encodeURIComponent(props.installation)}/reports`, body);
      setResult(r);
      props.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <section aria-labelledby="report-h">
      <h2 id="report-h">{t(correcting ? "cpl.reports.correctTitle" : "cpl.reports.formTitle", { year: f.year(props.year) })}</h2>
      <form onSubmit={(e) => void submit(e)}>
        {sources.map((s) => (
          <div className="field" key={s.id}>
            <label htmlFor={`act-${s.id}`}>{tn("cpl.reports.activityOf", { source: <Data>{s.id}</Data>, unit: <Data>{s.unit ?? "-"}</Data> })}</label>
            <input id={`act-${s.id}`} inputMode="decimal" required value={activity[s.id] ?? ""} onChange={(e) => setActivity({ ...activity, [s.id]: e.target.value })} />
          </div>
        ))}
        {correcting ? <Field label="cpl.reports.reason" required value={reason} onChange={(e) => setReason(e.target.value)} /> : null}
        <ErrorBox error={error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {t(correcting ? "cpl.reports.submitCorrection" : "cpl.reports.submit")}
          </button>
        </div>
      </form>
      {result ? (
        <>
          <Notice kind="ok">{tn("cpl.reports.submitted", { version: <span className="num">{result.version}</span>, total: <Dec v={result.total} /> })}</Notice>
          <ReportLines report={result} caption={t("cpl.reports.linesCaption")} />
        </>
      ) : null}
    </section>
  );
}

function AppointForm(props: { installation: string; year: number }) {
  const { t, tn, f } = useT();
  const [verifier, setVerifier] = useState("");
  const [error, setError] = useState<unknown>(undefined);
  const [done, setDone] = useState<string | null>(null);
  async function submit(e: { preventDefault(): void }) {
    e.preventDefault();
    setError(undefined);
    setDone(null);
    try {
      await post(`/v1/compliance/installations/${encodeURIComponent(props.installation)}/verifier`, { commandId: commandId("appoint"), year: props.year, verifier: verifier.trim() });
      setDone(verifier.trim());
    } catch (err) {
      setError(err);
    }
  }
  return (
    <section aria-labelledby="appoint-h">
      <h2 id="appoint-h">{t("cpl.reports.appointTitle", { year: f.year(props.year) })}</h2>
      <form onSubmit={(e) => void submit(e)}>
        <Field label="cpl.verifier" hint="cpl.reports.appointHint" required value={verifier} onChange={(e) => setVerifier(e.target.value)} />
        <ErrorBox error={error} />
        {done ? <Notice kind="ok">{tn("cpl.reports.appointed", { verifier: <Data>{done}</Data> })}</Notice> : null}
        <div className="actions">
          <button type="submit" className="secondary">
            {t("cpl.reports.appoint")}
          </button>
        </div>
      </form>
    </section>
  );
}
