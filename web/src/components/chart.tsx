// Line charts as SVG, drawn by the project's own src/report/svg.ts (the same code as the CLI's
// chart files), with the axes labelled in the reader's language and the figures repeated in a
// table for screen readers and keyboard users. The SVG string is built from escaped text only.
import type { ReactNode } from "react";
import { lineChartSvg, type LineSeries } from "../../../src/report/svg.ts";
import { useT } from "../i18n/context.tsx";

export interface ChartProps {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Labels of the points on the x axis (months, years). */
  xLabels: readonly string[];
  series: readonly LineSeries[];
  formatY: (v: number) => string;
  /** The same figures as a table (shown on request). */
  table?: ReactNode;
  testId?: string;
}

export function LineChart(props: ChartProps) {
  const { t } = useT();
  const svg = lineChartSvg({
    title: props.title,
    xLabel: props.xLabel,
    yLabel: props.yLabel,
    x: props.xLabels.map((_, i) => i),
    series: props.series,
    formatX: (i) => props.xLabels[i] ?? "",
    formatY: props.formatY,
    label: t("dashboard.chartLabel", { title: props.title }),
  });
  return (
    <figure className="chart" data-testid={props.testId}>
      {/* biome-ignore lint/security/noDangerouslySetInnerHtml: the SVG is generated from escaped text */}
      <div className="chart-svg" dangerouslySetInnerHTML={{ __html: svg }} />
      <figcaption>{props.title}</figcaption>
      {props.table ? (
        <details>
          <summary>{t("common.showData")}</summary>
          {props.table}
        </details>
      ) : null}
    </figure>
  );
}
