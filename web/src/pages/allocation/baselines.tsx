// Grandfathering baselines of a server dataset: each installation's steadiest run of base years,
// its variation and its mean; with a rulebook, each grandfathered sector's own base period.
import { useState } from "react";
import { formatYear } from "../../../../src/i18n/format.ts";
import type { MessageKey } from "../../../../src/i18n/index.ts";
import { qs } from "../../api/client.ts";
import type { AnalysisOptions, BaselineRow } from "../../api/types.ts";
import { useApi } from "../../api/use-api.ts";
import { Data, Field, Notice, PageTitle, Select, Show, Table } from "../../components/ui.tsx";
import { useT } from "../../i18n/context.tsx";
import { navigate, useLocation } from "../../router.tsx";
import { useScheme } from "../../scheme.tsx";

export function BaselinesPage() {
  const options = useApi<AnalysisOptions>("/v1/analysis/options");
  return (
    <>
      <PageTitle title="baselines.title" />
      <Show loaded={options}>{(o) => <BaselinesBody o={o} />}</Show>
    </>
  );
}

function BaselinesBody(props: { o: AnalysisOptions }) {
  const { t, f, lang } = useT();
  const { search } = useLocation();
  const scheme = useScheme();
  const dataset = search.get("dataset") ?? (props.o.datasets.find((d) => d.id === "demo-japan")?.id ?? props.o.datasets[0]?.id ?? "");
  const rulebook = search.has("rulebook") ? (search.get("rulebook") ?? "") : (scheme?.rulebook ?? "");
  const [years, setYears] = useState(search.get("years") ?? "3");
  const [from, setFrom] = useState(search.get("from") ?? "");
  const [to, setTo] = useState(search.get("to") ?? "");
  const [exclude, setExclude] = useState(search.get("excludeAbnormal") === "true");
  const query = qs({ dataset, rulebook: rulebook || undefined, ...(rulebook ? {} : { years: search.get("years"), from: search.get("from"), to: search.get("to") }), excludeAbnormal: search.get("excludeAbnormal") ?? undefined });
  const rows = useApi<{ rows: BaselineRow[] }>(dataset ? `/v1/analysis/baselines${query}` : null);
  const go = (next: Record<string, string | undefined>) => navigate(`/allocation/baselines${qs({ dataset, rulebook, ...next })}`, { replace: true });
  // Years as the chosen rulebook counts them (fiscal years for Japan's); plain years without one.
  const fiscal = props.o.rulebooks.find((r) => r.id === rulebook)?.yearBasis.kind === "fiscal";
  const year = (y: number) => formatYear(lang, y, fiscal);
  return (
    <>
      <p className="intro">{t("baselines.intro")}</p>
      <form
        className="grid2"
        onSubmit={(e) => {
          e.preventDefault();
          go({ years, from, to, excludeAbnormal: exclude ? "true" : undefined });
        }}
      >
        <Select label="allocation.dataset" value={dataset} onChange={(e) => go({ dataset: e.target.value })}>
          {props.o.datasets.map((d) => (
            <option key={d.id} value={d.id} translate="no">
              {d.name}
            </option>
          ))}
        </Select>
        <Select label="allocation.rulebook" value={rulebook} onChange={(e) => go({ rulebook: e.target.value })}>
          <option value="">{t("baselines.noRulebook")}</option>
          {props.o.rulebooks.map((r) => (
            <option key={r.id} value={r.id} translate="no">
              {r.name}
            </option>
          ))}
        </Select>
        {rulebook ? null : (
          <>
            <Field label="baselines.years" inputMode="numeric" value={years} onChange={(e) => setYears(e.target.value)} />
            <Field label="baselines.from" inputMode="numeric" value={from} onChange={(e) => setFrom(e.target.value)} />
            <Field label="baselines.to" inputMode="numeric" value={to} onChange={(e) => setTo(e.target.value)} />
          </>
        )}
        <div className="field">
          <label>
            <input type="checkbox" checked={exclude} onChange={(e) => setExclude(e.target.checked)} /> {t("baselines.excludeAbnormal")}
          </label>
        </div>
        <div>
          <button type="submit" className="primary">
            {t("baselines.show")}
          </button>
        </div>
      </form>
      <Show loaded={rows}>
        {(b) =>
          b.rows.length === 0 ? (
            <Notice>{t("common.none")}</Notice>
          ) : (
            <Table
              caption={t("baselines.caption")}
              rows={b.rows}
              rowKey={(r) => r.installation}
              columns={[
                { head: "col.installation", cell: (r) => <Data>{r.installation}</Data> },
                { head: "col.name", cell: (r) => <Data>{r.name}</Data> },
                { head: "allocation.sector", cell: (r) => <Data>{r.sector}</Data> },
                {
                  head: "baselines.window",
                  cell: (r) =>
                    r.window === null
                      ? t(`baselines.problem.${r.problem ?? "no-window"}` as MessageKey)
                      : r.excluded !== null
                        ? t("baselines.without", { from: year(r.window[0]), to: year(r.window[1]), excluded: year(r.excluded) })
                        : t("baselines.range", { from: year(r.window[0]), to: year(r.window[1]) }),
                },
                { head: "baselines.variationAll", cell: (r) => (r.variationAll === null ? "-" : f.pct(r.variationAll, 2)), numeric: true },
                { head: "baselines.variationWindow", cell: (r) => (r.variationWindow === null ? "-" : f.pct(r.variationWindow, 2)), numeric: true },
                { head: "baselines.baseline", cell: (r) => (r.baseline === null ? "-" : f.n(r.baseline, 1)), numeric: true },
              ]}
            />
          )
        }
      </Show>
    </>
  );
}
