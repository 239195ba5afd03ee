// The scheme dashboard: the cap, what has been issued, allocated, auctioned, where the units are
// now (reserves, participants, surrendered) and the price, with the same figures over time.
import type { ReactNode } from "react";
import type { Dashboard } from "../api/types.ts";
import { useApi } from "../api/use-api.ts";
import { LineChart } from "../components/chart.tsx";
import { PageTitle, Qty, Show, Table } from "../components/ui.tsx";
import { useT } from "../i18n/context.tsx";
import { useScheme } from "../scheme.tsx";

export function DashboardPage() {
  const { t } = useT();
  const d = useApi<Dashboard>("/v1/public/dashboard");
  return (
    <>
      <PageTitle title="dashboard.title" />
      <p className="intro">{t("dashboard.intro")}</p>
      <Show loaded={d}>{(data) => <DashboardBody d={data} />}</Show>
    </>
  );
}

function DashboardBody(props: { d: Dashboard }) {
  const { t, f, code } = useT();
  const scheme = useScheme();
  const d = props.d;
  const currency = d.price.currency ?? scheme?.currency ?? null;
  const s = d.totals.stocks;
  let cum = 0;
  let cumSur = 0;
  const issued = d.months.map((m) => (cum += Number(m.flows.issued)));
  const surrendered = d.months.map((m) => (cumSur += Number(m.flows.surrendered)));
  return (
    <div data-testid="dashboard-figures">
      <p className="as-of">{t("dashboard.asOf", { time: f.dateTime(d.asOf) })}</p>
      <section aria-labelledby="figures-h">
        <h2 id="figures-h">{t("dashboard.figures")}</h2>
        <dl className="cards">
          <Card label={t("dashboard.cap", { year: f.year(d.cap.year) })}>
            {d.cap.value !== null ? <Qty v={d.cap.value} /> : <span className="small">{t(d.cap.basis === "bottom-up" ? "dashboard.capBottomUp" : "dashboard.capNone")}</span>}
          </Card>
          <Card label={t("dashboard.issued")}>
            <Qty v={d.totals.issued} />
          </Card>
          <Card label={t("dashboard.allocated")}>
            <Qty v={d.totals.allocated} />
          </Card>
          <Card label={t("dashboard.auctioned")}>
            <Qty v={d.totals.auctioned} />
          </Card>
          <Card label={t("dashboard.reserves")}>
            <Qty v={s.reserves} />
          </Card>
          <Card label={t("dashboard.banked")}>
            <Qty v={s.banked} />
          </Card>
          <Card label={t("dashboard.undistributed")}>
            <Qty v={s.undistributed} />
          </Card>
          <Card label={t("dashboard.surrendered")}>
            <Qty v={s.surrendered} />
          </Card>
          <Card label={t("dashboard.price")}>
            {d.price.value !== null ? (
              f.money(d.price.value, currency)
            ) : (
              <span className="small">
                {t("dashboard.priceNone")}
                {d.price.floor !== null || d.price.ceiling !== null ? (
                  <>
                    <br />
                    {t("dashboard.priceReference", {
                      year: f.year(d.cap.year),
                      floor: d.price.floor === null ? t("common.notAvailable") : f.money(d.price.floor, currency),
                      ceiling: d.price.ceiling === null ? t("common.notAvailable") : f.money(d.price.ceiling, currency),
                    })}
                  </>
                ) : null}
              </span>
            )}
          </Card>
        </dl>
      </section>
      <section aria-labelledby="chart-h">
        <h2 id="chart-h">{t("dashboard.chartStocks")}</h2>
        <LineChart
          testId="dashboard-chart"
          title={t("dashboard.chartStocks")}
          xLabel={t("col.month")}
          yLabel={t("dashboard.chartStocksAxis")}
          xLabels={d.months.map((m) => f.month(m.month))}
          formatY={(v) => f.n(v, 0)}
          series={[
            { name: t("dashboard.seriesIssued"), values: issued },
            { name: t("dashboard.seriesBanked"), values: d.months.map((m) => Number(m.stocks.banked)) },
            { name: t("dashboard.seriesUndistributed"), values: d.months.map((m) => Number(m.stocks.undistributed)), dashed: true },
            { name: t("dashboard.seriesReserves"), values: d.months.map((m) => Number(m.stocks.reserves)) },
            { name: t("dashboard.seriesSurrendered"), values: surrendered },
          ]}
          table={
            <Table
              caption={t("dashboard.chartStocks")}
              rows={d.months}
              rowKey={(m) => m.month}
              columns={[
                { head: "col.month", cell: (m) => f.month(m.month) },
                { head: "dashboard.issued", cell: (m) => <Qty v={m.flows.issued} />, numeric: true },
                { head: "dashboard.banked", cell: (m) => <Qty v={m.stocks.banked} />, numeric: true },
                { head: "dashboard.undistributed", cell: (m) => <Qty v={m.stocks.undistributed} />, numeric: true },
                { head: "dashboard.reserves", cell: (m) => <Qty v={m.stocks.reserves} />, numeric: true },
                { head: "dashboard.surrendered", cell: (m) => <Qty v={m.flows.surrendered} />, numeric: true },
              ]}
            />
          }
        />
      </section>
      <section aria-labelledby="years-h">
        <h2 id="years-h">{t("dashboard.byYear")}</h2>
        <Table
          caption={t("dashboard.byYearCaption")}
          rows={d.years}
          rowKey={(y) => String(y.year)}
          columns={[
            { head: "col.year", cell: (y) => f.year(y.year) },
            { head: "dashboard.capColumn", cell: (y) => (y.cap === null ? t("common.notAvailable") : <Qty v={y.cap} />), numeric: true },
            { head: "dashboard.issued", cell: (y) => <Qty v={y.flows.issued} />, numeric: true },
            { head: "dashboard.allocated", cell: (y) => <Qty v={y.flows.allocated} />, numeric: true },
            { head: "dashboard.auctioned", cell: (y) => <Qty v={y.flows.auctioned} />, numeric: true },
            { head: "dashboard.surrendered", cell: (y) => <Qty v={y.flows.surrendered} />, numeric: true },
            { head: "dashboard.banked", cell: (y) => <Qty v={y.stocks.banked} />, numeric: true },
            { head: "dashboard.reserves", cell: (y) => <Qty v={y.stocks.reserves} />, numeric: true },
            { head: "dashboard.floorColumn", cell: (y) => (y.priceFloor === null ? t("common.notAvailable") : f.money(y.priceFloor, currency)), numeric: true },
            { head: "dashboard.ceilingColumn", cell: (y) => (y.priceCeiling === null ? t("common.notAvailable") : f.money(y.priceCeiling, currency)), numeric: true },
          ]}
        />
      </section>
      <section aria-labelledby="types-h">
        <h2 id="types-h">{t("dashboard.byUnitType")}</h2>
        <Table
          caption={t("dashboard.byUnitTypeCaption")}
          rows={d.byUnitType}
          rowKey={(u) => u.unitType}
          columns={[
            { head: "col.unitType", cell: (u) => code("unitType", u.unitType, u.unitType) },
            { head: "dashboard.issued", cell: (u) => <Qty v={u.issued} />, numeric: true },
            { head: "dashboard.undistributed", cell: (u) => <Qty v={u.stocks.undistributed} />, numeric: true },
            { head: "dashboard.reserves", cell: (u) => <Qty v={u.stocks.reserves} />, numeric: true },
            { head: "dashboard.banked", cell: (u) => <Qty v={u.stocks.banked} />, numeric: true },
            { head: "dashboard.surrendered", cell: (u) => <Qty v={u.stocks.surrendered} />, numeric: true },
            { head: "dashboard.retired", cell: (u) => <Qty v={u.stocks.retired} />, numeric: true },
            { head: "dashboard.cancelled", cell: (u) => <Qty v={u.stocks.cancelled} />, numeric: true },
          ]}
        />
      </section>
    </div>
  );
}

function Card(props: { label: string; children: ReactNode }) {
  return (
    <div className="card">
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </div>
  );
}
