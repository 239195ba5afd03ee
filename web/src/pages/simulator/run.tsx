// The policy simulator: a scenario with its overrides (scenario-form.tsx), and the run's price
// path, emissions against the cap and the bank as charts with the figures in a table. Figures are
// the model's floats, formatted for the language.
import { useState } from "react";
import { post } from "../../api/client.ts";
import type { AnalysisOptions, SimulationRequest, SimulationResult } from "../../api/types.ts";
import { useApi } from "../../api/use-api.ts";
import { LineChart } from "../../components/chart.tsx";
import { Data, ErrorBox, Notice, PageTitle, Show, Table } from "../../components/ui.tsx";
import { useT } from "../../i18n/context.tsx";
import { ScenarioForm } from "./scenario-form.tsx";

export function SimulatorPage() {
  const { t } = useT();
  const options = useApi<AnalysisOptions>("/v1/analysis/options");
  const [result, setResult] = useState<SimulationResult | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  async function run(req: SimulationRequest) {
    setBusy(true);
    setError(undefined);
    try {
      setResult(await post<SimulationResult>("/v1/analysis/simulations", req));
    } catch (err) {
      setError(err);
      setResult(null);
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      <PageTitle title="sim.title" />
      <p className="intro">{t("sim.intro")}</p>
      <Show loaded={options}>{(o) => <ScenarioForm o={o} submitLabel="sim.run" onSubmit={run} busy={busy} />}</Show>
      {busy ? (
        <p role="status" aria-live="polite">
          {t("sim.running")}
        </p>
      ) : null}
      <ErrorBox error={error} />
      {result ? <ResultView r={result} /> : null}
    </>
  );
}

function ResultView(props: { r: SimulationResult }) {
  const { t, tn, f } = useT();
  const r = props.r;
  const years = r.years.map((y) => String(y.year));
  const money = (v: number) => f.money(v, r.currency);
  return (
    <section aria-labelledby="result-h" data-testid="simulation-result">
      <h2 id="result-h">{tn("sim.result", { name: <Data>{r.name}</Data> })}</h2>
      <p>{tn("sim.about", { facilities: f.q(r.facilities), from: years[0] ?? "", to: years.at(-1) ?? "", rulebook: r.rulebook ? <Data>{r.rulebook}</Data> : t("sim.noRulebook") })}</p>
      {r.monteCarloIgnored ? <Notice>{t("sim.monteCarloIgnored")}</Notice> : null}
      {r.msr && !r.msr.converged ? <Notice>{t("sim.msrNotConverged", { n: String(r.msr.iterations) })}</Notice> : null}
      {r.warnings > 0 ? <Notice>{t("sim.warnings", { n: String(r.warnings) })}</Notice> : null}
      <div className="charts">
        <LineChart testId="chart-price" title={t("sim.chartPrice")} xLabel={t("col.year")} yLabel={t("sim.axisPrice")} xLabels={years} formatY={money} series={[{ name: t("sim.seriesPrice"), values: r.years.map((y) => y.price) }]} />
        <LineChart
          testId="chart-emissions"
          title={t("sim.chartEmissions")}
          xLabel={t("col.year")}
          yLabel={t("sim.axisQuantity")}
          xLabels={years}
          formatY={(v) => f.n(v, 1)}
          series={[
            { name: t("sim.seriesEmissions"), values: r.years.map((y) => y.emissions) },
            { name: t("sim.seriesCap"), values: r.years.map((y) => y.cap), dashed: true },
          ]}
        />
        <LineChart
          testId="chart-bank"
          title={t("sim.chartBank")}
          xLabel={t("col.year")}
          yLabel={t("sim.axisQuantity")}
          xLabels={years}
          formatY={(v) => f.n(v, 1)}
          series={[
            { name: t("sim.seriesBank"), values: r.years.map((y) => y.bank) },
            { name: t("sim.seriesMsr"), values: r.years.map((y) => y.msrHoldings), dashed: true },
          ]}
        />
      </div>
      <Table
        caption={t("sim.tableCaption")}
        rows={r.years}
        rowKey={(y) => String(y.year)}
        columns={[
          { head: "col.year", cell: (y) => String(y.year) },
          { head: "sim.price", cell: (y) => money(y.price), numeric: true },
          { head: "sim.cap", cell: (y) => f.n(y.cap, 2), numeric: true },
          { head: "sim.emissions", cell: (y) => f.n(y.emissions, 2), numeric: true },
          { head: "sim.abatement", cell: (y) => f.n(y.abatement, 2), numeric: true },
          { head: "sim.bank", cell: (y) => f.n(y.bank, 2), numeric: true },
          { head: "sim.auctioned", cell: (y) => f.n(y.auctioned, 2), numeric: true },
          { head: "sim.msrHoldings", cell: (y) => f.n(y.msrHoldings, 2), numeric: true },
          { head: "sim.revenue", cell: (y) => money(y.auctionRevenue), numeric: true },
        ]}
      />
    </section>
  );
}

