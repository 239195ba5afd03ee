// Goal: the charts are well-formed SVG with one mark per data point, escaped labels, and the
// benchmark line at the right height.
import { describe, expect, it } from "vitest";
import { rankedCurveSvg, scatterSvg, lineChartSvg } from "./svg.ts";

describe("svg charts", () => {
  it("scatter: a circle per point, a rect per region, labels escaped", () => {
    const s = scatterSvg({
      title: "Leakage <EU>", xLabel: "trade", yLabel: "carbon", percent: true,
      points: [{ x: 0.1, y: 0.2, label: "A & B", highlight: true }, { x: 0.5, y: 0.01, label: "C", highlight: false }],
      regions: [{ x0: 0.3, x1: Infinity, y0: 0, y1: Infinity }],
    });
    expect(s.startsWith("<svg")).toBe(true);
    expect(s.match(/<circle class="point"/g)).toHaveLength(2);
    expect(s.match(/class="region"/g)).toHaveLength(1);
    expect(s).toContain("A &amp; B");
    expect(s).toContain("Leakage &lt;EU&gt;");
    expect(s).not.toContain("NaN");
  });
  it("ranked curve: bars in order and the line at value/yMax of the plot height", () => {
    const s = rankedCurveSvg({
      title: "t", xLabel: "x", yLabel: "y",
      bars: [{ width: 50, height: 1, label: "a" }, { width: 50, height: 2, label: "b" }],
      line: { value: 1, label: "benchmark 1" },
    });
    expect(s.match(/<rect class="bar"/g)).toHaveLength(2);
    // yMax = niceMax(2.1) = 2.5; plot from y=40 to 420: line at 420 - 380 * 1/2.5 = 268
    expect(s).toContain('y1="268"');
    expect(s).not.toContain("NaN");
  });
});

describe("line chart", () => {
  it("draws one polyline per series, a band polygon, year labels, and is deterministic", () => {
    const c = {
      title: "price",
      xLabel: "year",
      yLabel: "EUR/t",
      x: [2030, 2031, 2032],
      series: [{ name: "price", values: [10, 20, 30] }, { name: "cap", values: [5, 5, 5], dashed: true }],
      bands: [{ lower: [8, 18, 28], upper: [12, 22, 32], label: "10-90%" }],
    };
    const svg = lineChartSvg(c);
    expect(svg).toBe(lineChartSvg(c));
    expect(svg.match(/class="series"/g)).toHaveLength(2);
    expect(svg.match(/class="band"/g)).toHaveLength(1);
    expect(svg).toContain(">2031<");
    expect(svg).toContain('stroke-dasharray="6 4"');
  });

  it("labels the axes with the caller's formatters and names the chart for assistive technology", () => {
    const svg = lineChartSvg({
      title: "価格", xLabel: "年度", yLabel: "円/t", x: [0, 1], series: [{ name: "価格", values: [1000, 2500] }],
      formatX: (i) => ["2026年度", "2027年度"][i] ?? "", formatY: (v) => `${v.toLocaleString("ja-JP")}円`, label: "価格 <推移>",
    });
    expect(svg).toContain(">2026年度<");
    expect(svg).toContain(">3,000円<");
    expect(svg).toContain('role="img" aria-label="価格 &lt;推移&gt;"');
    expect(lineChartSvg({ title: "t", xLabel: "x", yLabel: "y", x: [1], series: [] })).not.toContain("role=");
  });

  it("puts negative values (borrowing) below a zero line", () => {
    const svg = lineChartSvg({ title: "bank", xLabel: "year", yLabel: "allowances", x: [1, 2], series: [{ name: "bank", values: [-5, 10] }] });
    expect(svg).toContain('stroke-dasharray="2 2"');
  });
});
