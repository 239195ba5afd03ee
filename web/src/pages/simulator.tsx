// The policy simulator: a scenario (an example of the server or an uploaded file) with controls
// for the cap, the price ceiling and the floor; the run's price path, emissions against the cap
// and the bank as charts with the figures in a table; and two scenarios compared side by side on
// the study's criteria. Figures are the model's floats, formatted for the language.
import { type ChangeEvent, type FormEvent, useEffect, useId, useState } from "react";
import type { MessageKey } from "../../../src/i18n/index.ts";
import { post } from "../api/client.ts";
import type { AnalysisOptions, PriceOverride, SimulationRequest, SimulationResult } from "../api/types.ts";
import { useApi } from "../api/use-api.ts";
import { LineChart } from "../components/chart.tsx";
import { Data, ErrorBox, Loading, Notice, PageTitle, Select, Show, Table } from "../components/ui.tsx";
import { useT } from "../i18n/context.tsx";

const MAX_TEXT = 48 * 1024;

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

/** Choose a scenario and its overrides; gives the request to `onSubmit` (or to `onChange`, when the form is one half of a comparison). */
function ScenarioForm(props: { o: AnalysisOptions; submitLabel?: MessageKey; onSubmit?: (r: SimulationRequest) => void; onChange?: (r: SimulationRequest | null) => void; busy?: boolean; legend?: MessageKey; initial?: string }) {
  const { t } = useT();
  const id = useId();
  const [source, setSource] = useState<"example" | "upload">("example");
  const [preset, setPreset] = useState(props.initial ?? props.o.scenarios.find((s) => s.id === "collar")?.id ?? props.o.scenarios[0]?.id ?? "");
  const [upload, setUpload] = useState<{ text: string; format: "yaml" | "json"; name: string } | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [capPct, setCapPct] = useState(100);
  const [ceiling, setCeiling] = useState<PriceChoice>({ kind: "keep", value: "" });
  const [floor, setFloor] = useState<PriceChoice>({ kind: "keep", value: "" });

  const request = (over: Partial<{ source: string; preset: string; upload: typeof upload; capPct: number; ceiling: PriceChoice; floor: PriceChoice }> = {}): SimulationRequest | null => {
    const s = { source, preset, upload, capPct, ceiling, floor, ...over };
    const overrides = { capFactor: s.capPct / 100, priceCeiling: priceOverride(s.ceiling), priceFloor: priceOverride(s.floor) };
    if (s.source === "example") return s.preset ? { preset: s.preset, overrides } : null;
    return s.upload ? { text: s.upload.text, format: s.upload.format, name: s.upload.name, overrides } : null;
  };
  const changed = (over: Parameters<typeof request>[0]) => props.onChange?.(request(over));

  async function readFile(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    setFileError(null);
    if (!file) return;
    if (file.size > MAX_TEXT) {
      setFileError(t("sim.fileTooLarge"));
      setUpload(null);
      changed({ upload: null });
      return;
    }
    const u = { text: await file.text(), format: file.name.toLowerCase().endsWith(".json") ? ("json" as const) : ("yaml" as const), name: file.name.replace(/\.(ya?ml|json)$/i, "").slice(0, 100) || "uploaded" };
    setUpload(u);
    changed({ upload: u });
  }

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const r = request();
    if (r) props.onSubmit?.(r);
  };
  // A comparison reads both forms' requests: tell it this one's before any change.
  const { onChange } = props;
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, with the initial choice
  useEffect(() => onChange?.(request()), []);

  const body = (
    <>
      <fieldset>
        <legend>{t("sim.source")}</legend>
        <div className="field">
          <label>
            <input type="radio" name={`${id}-source`} checked={source === "example"} onChange={() => { setSource("example"); changed({ source: "example" }); }} /> {t("sim.example")}
          </label>
          {source === "example" ? (
            <Select label="sim.source" value={preset} onChange={(e) => { setPreset(e.target.value); changed({ preset: e.target.value }); }}>
              {props.o.scenarios.map((s) => (
                <option key={s.id} value={s.id} translate="no">
                  {s.name}
                </option>
              ))}
            </Select>
          ) : null}
        </div>
        <div className="field">
          <label>
            <input type="radio" name={`${id}-source`} checked={source === "upload"} onChange={() => { setSource("upload"); changed({ source: "upload" }); }} /> {t("sim.upload")}
          </label>
          {source === "upload" ? (
            <>
              <label htmlFor={`${id}-file`} className="hint">
                {t("sim.uploadHint")}
              </label>
              <input id={`${id}-file`} type="file" accept=".yaml,.yml,.json,application/json,text/yaml" onChange={(e) => void readFile(e)} aria-describedby={fileError ? `${id}-file-error` : undefined} />
              {fileError ? <span id={`${id}-file-error`} className="field-error">{fileError}</span> : null}
            </>
          ) : null}
        </div>
      </fieldset>
      <fieldset>
        <legend>{t("sim.controls")}</legend>
        <div className="field">
          <label htmlFor={`${id}-cap`}>{t("sim.capFactor", { pct: `${capPct}%` })}</label>
          <span id={`${id}-cap-hint`} className="hint">
            {t("sim.capFactorHint")}
          </span>
          <input id={`${id}-cap`} type="range" min={50} max={150} step={5} value={capPct} aria-describedby={`${id}-cap-hint`} aria-valuetext={`${capPct}%`} onChange={(e) => { setCapPct(Number(e.target.value)); changed({ capPct: Number(e.target.value) }); }} />
        </div>
        <PriceControl what="sim.ceiling" value={ceiling} onChange={(v) => { setCeiling(v); changed({ ceiling: v }); }} />
        <PriceControl what="sim.floor" value={floor} onChange={(v) => { setFloor(v); changed({ floor: v }); }} />
      </fieldset>
      {props.submitLabel ? (
        <button type="submit" className="primary" disabled={props.busy || request() === null}>
          {t(props.submitLabel)}
        </button>
      ) : null}
    </>
  );
  return (
    <form onSubmit={submit} className="scenario-form">
      {props.legend ? (
        <fieldset>
          <legend>{t(props.legend)}</legend>
          {body}
        </fieldset>
      ) : (
        body
      )}
    </form>
  );
}

interface PriceChoice {
  kind: "keep" | "none" | "value";
  value: string;
}

function priceOverride(c: PriceChoice): PriceOverride {
  const v = Number(c.value);
  if (c.kind === "value" && c.value.trim() !== "" && Number.isFinite(v) && v >= 0) return { kind: "value", value: v };
  return { kind: c.kind === "none" ? "none" : "keep" };
}

function PriceControl(props: { what: MessageKey; value: PriceChoice; onChange: (v: PriceChoice) => void }) {
  const { t } = useT();
  const id = useId();
  const v = props.value;
  return (
    <fieldset className="price">
      <legend>{t(props.what)}</legend>
      {(["keep", "none", "value"] as const).map((k) => (
        <label key={k}>
          <input type="radio" name={id} checked={v.kind === k} onChange={() => props.onChange({ ...v, kind: k })} /> {t(k === "keep" ? "sim.keep" : k === "none" ? "sim.none" : "sim.value")}
        </label>
      ))}
      {v.kind === "value" ? (
        <>
          {" "}
          <input type="number" min={0} step="any" aria-label={t("sim.priceValue", { what: t(props.what) })} value={v.value} onChange={(e) => props.onChange({ ...v, value: e.target.value })} />
        </>
      ) : null}
    </fieldset>
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
