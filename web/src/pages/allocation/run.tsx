// A year's allocation per installation (a rulebook preset, a dataset of the server, a year) with
// each figure's explanation in the reader's language. The choice is kept in the address, so a
// link shows the same run.
import { type FormEvent, useEffect, useMemo, useRef, useState } from "react";
import { formatYear } from "../../../../src/i18n/format.ts";
import { qs } from "../../api/client.ts";
import type { AllocationRun, AnalysisOptions } from "../../api/types.ts";
import { useApi } from "../../api/use-api.ts";
import { Data, Facts, Field, PageTitle, Qty, Select, Show, Table } from "../../components/ui.tsx";
import { useT } from "../../i18n/context.tsx";
import { navigate, useLocation } from "../../router.tsx";
import { useScheme } from "../../scheme.tsx";

type Run = AllocationRun["results"][number];

/** The choice in the address, else sensible defaults: the server's own rulebook and the demo dataset. */
function useChoice(o: AnalysisOptions, path: string) {
  const scheme = useScheme();
  const { search } = useLocation();
  const rulebook = search.get("rulebook") ?? (o.rulebooks.some((r) => r.id === scheme?.rulebook) ? (scheme?.rulebook as string) : (o.rulebooks[0]?.id ?? ""));
  const dataset = search.get("dataset") ?? (o.datasets.find((d) => d.id === "demo-japan")?.id ?? o.datasets[0]?.id ?? "");
  const rb = o.rulebooks.find((r) => r.id === rulebook);
  const year = Number(search.get("year") ?? rb?.periods[0]?.from ?? new Date().getFullYear());
  const go = (next: Record<string, string | number | undefined>) => navigate(`${path}${qs({ rulebook, dataset, year, ...next })}`, { replace: true });
  return { rulebook, dataset, year, go, search };
}

export function AllocationPage() {
  const options = useApi<AnalysisOptions>("/v1/analysis/options");
  return (
    <>
      <PageTitle title="allocation.title" />
      <Show loaded={options}>{(o) => <AllocationBody o={o} />}</Show>
    </>
  );
}

function AllocationBody(props: { o: AnalysisOptions }) {
  const { t } = useT();
  const c = useChoice(props.o, "/allocation");
  const [year, setYear] = useState(String(c.year));
  const ran = c.search.has("rulebook");
  const run = useApi<AllocationRun>(ran ? `/v1/analysis/allocation${qs({ rulebook: c.rulebook, dataset: c.dataset, year: c.year })}` : null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    c.go({ year: year.trim() });
  };
  return (
    <>
      <p className="intro">{t("allocation.intro")}</p>
      <form className="grid2" onSubmit={submit}>
        <Select label="allocation.rulebook" value={c.rulebook} onChange={(e) => c.go({ rulebook: e.target.value })}>
          {props.o.rulebooks.map((r) => (
            <option key={r.id} value={r.id} translate="no">
              {r.name}
            </option>
          ))}
        </Select>
        <Select label="allocation.dataset" value={c.dataset} onChange={(e) => c.go({ dataset: e.target.value })}>
          {props.o.datasets.map((d) => (
            <option key={d.id} value={d.id} translate="no">
              {d.name}
            </option>
          ))}
        </Select>
        <Field label="allocation.year" inputMode="numeric" value={year} onChange={(e) => setYear(e.target.value)} />
        <div>
          <button type="submit" className="primary">
            {t("allocation.run")}
          </button>
        </div>
      </form>
      {ran ? <Show loaded={run}>{(r) => <RunView run={r} fiscal={props.o.rulebooks.find((x) => x.id === r.rulebook)?.yearBasis.kind === "fiscal"} />}</Show> : null}
    </>
  );
}

function RunView(props: { run: AllocationRun; fiscal: boolean }) {
  const { t, tn, f, code, text, lang } = useT();
  const r = props.run;
  const [open, setOpen] = useState<string | null>(null);
  const shown = useMemo(() => r.results.find((x) => x.installation === open), [r, open]);
  return (
    <section aria-labelledby="run-h" data-testid="allocation-run">
      <h2 id="run-h">{tn("allocation.summary", { scheme: <Data>{r.scheme}</Data>, year: formatYear(lang, r.year, props.fiscal), n: f.q(r.results.length), skipped: f.q(r.skipped.length) })}</h2>
      <Facts
        rows={[
          ["allocation.entitlement", <Qty key="e" v={r.totals.entitlement} />],
          ["allocation.auctioned", <Qty key="a" v={r.totals.auctioned} />],
          ["allocation.free", <Qty key="f" v={r.totals.free} />],
        ]}
      />
      {r.correction ? (
        <p>
          {r.correction.applied
            ? t("allocation.correction", { factor: r.correction.factor, before: f.q(r.correction.before), after: f.q(r.correction.after) })
            : t("allocation.correctionNotNeeded", { factor: r.correction.factor })}
        </p>
      ) : null}
      <div id="explanation">{shown ? <Explanation x={shown} /> : null}</div>
      {r.reserve ? <p>{t("allocation.reserve", { size: f.q(r.reserve.size), granted: f.q(r.reserve.granted), remaining: f.q(r.reserve.remaining), unmet: f.q(r.reserve.unmet) })}</p> : null}
      <Table
        caption={t("allocation.caption")}
        rows={r.results}
        rowKey={(x) => x.installation}
        columns={[
          {
            head: "col.installation",
            cell: (x) => (
              <button type="button" className="link" aria-expanded={open === x.installation} aria-controls="explanation" onClick={() => setOpen(open === x.installation ? null : x.installation)}>
                <Data>{x.installation}</Data>
              </button>
            ),
          },
          { head: "col.name", cell: (x) => <Data>{x.name ?? ""}</Data> },
          { head: "allocation.company", cell: (x) => <Data>{x.company ?? ""}</Data> },
          { head: "allocation.sector", cell: (x) => <Data>{x.sector}</Data> },
          { head: "allocation.method", cell: (x) => `${code("method", x.method)}${x.newEntrant ? ` (${t("allocation.newEntrant")})` : ""}` },
          { head: "allocation.entitlement", cell: (x) => <Qty v={x.entitlement} />, numeric: true },
          { head: "allocation.auctionShare", cell: (x) => f.pct(Number(x.auctionShare), 2), numeric: true },
          { head: "allocation.auctioned", cell: (x) => <Qty v={x.auctioned} />, numeric: true },
          { head: "allocation.free", cell: (x) => <Qty v={x.free} />, numeric: true },
        ]}
      />
      {r.derived.length > 0 ? (
        <section aria-labelledby="derived-h">
          <h3 id="derived-h">{t("allocation.derived")}</h3>
          <Table
            caption={t("allocation.derivedCaption")}
            rows={r.derived}
            rowKey={(d) => `${d.sector}:${d.product ?? ""}`}
            columns={[
              { head: "allocation.sector", cell: (d) => <Data>{d.sector}</Data> },
              { head: "allocation.product", cell: (d) => <Data>{d.product ?? ""}</Data> },
              { head: "allocation.value", cell: (d) => <span className="num">{d.value}</span>, numeric: true },
              { head: "allocation.how", cell: (d) => text(d.howText) },
            ]}
          />
        </section>
      ) : null}
      {r.skipped.length > 0 ? (
        <section aria-labelledby="skipped-h">
          <h3 id="skipped-h">{t("allocation.skipped")}</h3>
          <Table
            caption={t("allocation.skippedCaption")}
            rows={r.skipped}
            rowKey={(s) => s.installation}
            columns={[
              { head: "col.installation", cell: (s) => <Data>{s.installation}</Data> },
              { head: "allocation.sector", cell: (s) => <Data>{s.sector}</Data> },
              { head: "allocation.reason", cell: (s) => text(s.reasonText) },
            ]}
          />
        </section>
      ) : null}
    </section>
  );
}

function Explanation(props: { x: Run }) {
  const { t, tn, text } = useT();
  const e = props.x.explanation;
  const heading = useRef<HTMLHeadingElement>(null);
  // The explanation opens above the table: bring it into view and take the focus there.
  useEffect(() => {
    heading.current?.focus({ preventScroll: true });
    heading.current?.scrollIntoView({ block: "start" });
  }, [props.x.installation]);
  return (
    <section className="explanation" aria-labelledby="explain-h" data-testid="explanation">
      <h3 id="explain-h" ref={heading} tabIndex={-1}>
        {tn("allocation.explain", { id: <Data>{props.x.installation}</Data> })}
      </h3>
      <ol aria-label={t("allocation.explainCaption")}>
        {e.steps.map((s, i) => (
          <li key={`${i}-${s.key}`}>{text(s)}</li>
        ))}
      </ol>
      {e.factors.length > 0 ? (
        <Table
          caption={t("allocation.factors")}
          rows={e.factors.map((x, i) => ({ ...x, i }))}
          rowKey={(x) => String(x.i)}
          columns={[
            { head: "allocation.factor", cell: (x) => (x.label ? text(x.label) : <Data>{x.name}</Data>) },
            { head: "allocation.value", cell: (x) => <span className="num">{x.value}</span>, numeric: true },
          ]}
        />
      ) : null}
      {e.roundings.length > 0 ? (
        <Table
          caption={t("allocation.roundings")}
          rows={e.roundings.map((x, i) => ({ ...x, i }))}
          rowKey={(x) => String(x.i)}
          columns={[
            { head: "allocation.step", cell: (x) => text(x.stepText) },
            { head: "allocation.exact", cell: (x) => <span className="num">{x.exact}</span>, numeric: true },
            { head: "allocation.rounded", cell: (x) => <Qty v={x.rounded} />, numeric: true },
            { head: "allocation.rule", cell: (x) => text(x.ruleText) },
          ]}
        />
      ) : null}
    </section>
  );
}

