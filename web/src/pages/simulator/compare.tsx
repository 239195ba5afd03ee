// Two scenarios side by side on the design study's criteria (environmental integrity, efficiency,
// fairness, revenue, price stability), with both price paths in one chart.
import { type FormEvent, useState } from "react";
import type { MessageKey } from "../../../../src/i18n/index.ts";
import { post } from "../../api/client.ts";
import type { AnalysisOptions, SimulationRequest, SimulationResult } from "../../api/types.ts";
import { useApi } from "../../api/use-api.ts";
import { LineChart } from "../../components/chart.tsx";
import { Data, ErrorBox, Loading, PageTitle, Show } from "../../components/ui.tsx";
import { useT } from "../../i18n/context.tsx";
import { ScenarioForm } from "./scenario-form.tsx";

export function ComparePage() {
  const { t } = useT();
  const options = useApi<AnalysisOptions>("/v1/analysis/options");
  const [a, setA] = useState<SimulationRequest | null>(null);
  const [b, setB] = useState<SimulationRequest | null>(null);
  const [results, setResults] = useState<SimulationResult[] | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  async function compare(e: FormEvent) {
    e.preventDefault();
    if (!a || !b) return;
    const [runA, runB] = [a, b];
    setBusy(true);
    setError(undefined);
    try {
      setResults((await post<{ results: SimulationResult[] }>("/v1/analysis/simulations/compare", { runs: [runA, runB] })).results);
    } catch (err) {
      setError(err);
      setResults(null);
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      <PageTitle title="sim.compareTitle" />
      <p className="intro">{t("sim.compareIntro")}</p>
      <Show loaded={options}>
        {(o) => (
          <>
            <div className="grid2">
              <ScenarioForm o={o} legend="sim.scenarioA" onChange={setA} {...pick(o, "compare-grandfathering")} />
              <ScenarioForm o={o} legend="sim.scenarioB" onChange={setB} {...pick(o, "compare-benchmarks")} />
            </div>
            <form onSubmit={(e) => void compare(e)}>
              <button type="submit" className="primary" disabled={busy || !a || !b}>
                {t("sim.compare")}
              </button>
            </form>
          </>
        )}
      </Show>
      {busy ? <Loading /> : null}
      <ErrorBox error={error} />
      {results ? <Comparison results={results} /> : null}
    </>
  );
}

/** The two examples made to be compared (the same plants and cap; free allocation by grandfathering or by benchmarks), when the server has them. */
function pick(o: AnalysisOptions, id: string): { initial?: string } {
  return o.scenarios.some((s) => s.id === id) ? { initial: id } : {};
}

type Criteria = SimulationResult["criteria"];
const CRITERIA: ReadonlyArray<[MessageKey, (c: Criteria) => number | null, "q" | "ratio" | "money"]> = [
  ["criterion.totalEmissions", (c) => c.environmentalIntegrity.totalEmissions, "q"],
  ["criterion.excessEmissions", (c) => c.environmentalIntegrity.excessEmissions, "q"],
  ["criterion.emissionsToCap", (c) => c.environmentalIntegrity.emissionsToCap, "ratio"],
  ["criterion.abatementCostPv", (c) => c.efficiency.abatementCostPv, "money"],
  ["criterion.leastCostPv", (c) => c.efficiency.leastCostPv, "money"],
  ["criterion.efficiency", (c) => c.efficiency.ratio, "ratio"],
  ["criterion.meanCostPerFirm", (c) => c.fairness.meanCostPerFirm, "money"],
  ["criterion.maxCostPerFirm", (c) => c.fairness.maxCostPerFirm, "money"],
  ["criterion.costGini", (c) => c.fairness.costGini, "ratio"],
  ["criterion.windfall", (c) => c.fairness.windfall, "money"],
  ["criterion.rewardForPastEffort", (c) => c.fairness.rewardForPastEffort, "ratio"],
  ["criterion.revenue", (c) => c.revenue.total, "money"],
  ["criterion.meanPrice", (c) => c.priceStability.meanPrice, "money"],
  ["criterion.logChangeSd", (c) => c.priceStability.logChangeSd, "ratio"],
];

function Comparison(props: { results: SimulationResult[] }) {
  const { t, f } = useT();
  const [a, b] = props.results;
  if (!a || !b) return null;
  const fmt = (v: number | null, how: "q" | "ratio" | "money", r: SimulationResult) => (v === null ? "-" : how === "money" ? f.money(v, r.currency) : how === "ratio" ? f.n(v, 4) : f.n(v, 1));
  const years = a.years.map((y) => String(y.year));
  const sameYears = years.join() === b.years.map((y) => String(y.year)).join();
  return (
    <section aria-labelledby="cmp-h" data-testid="comparison">
      <h2 id="cmp-h">{t("sim.criteriaCaption")}</h2>
      <div className="table-wrap" role="region" aria-label={t("sim.criteriaCaption")} tabIndex={0}>
        <table>
          <caption>{t("sim.criteriaCaption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("sim.criterion")}</th>
              <th scope="col" className="num">
                {t("sim.scenarioA")}: <Data>{a.name}</Data>
              </th>
              <th scope="col" className="num">
                {t("sim.scenarioB")}: <Data>{b.name}</Data>
              </th>
            </tr>
          </thead>
          <tbody>
            {CRITERIA.map(([k, get, how]) => (
              <tr key={k}>
                <th scope="row">{t(k)}</th>
                <td className="num">{fmt(get(a.criteria), how, a)}</td>
                <td className="num">{fmt(get(b.criteria), how, b)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {sameYears ? (
        <LineChart
          testId="chart-compare"
          title={t("sim.chartCompare")}
          xLabel={t("col.year")}
          yLabel={t("sim.axisPrice")}
          xLabels={years}
          formatY={(v) => f.money(v, a.currency)}
          series={[
            { name: `${t("sim.scenarioA")}: ${a.name}`, values: a.years.map((y) => y.price) },
            { name: `${t("sim.scenarioB")}: ${b.name}`, values: b.years.map((y) => y.price), dashed: true },
          ]}
        />
      ) : null}
    </section>
  );
}
