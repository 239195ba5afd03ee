// Small hand-written SVG charts (no library): a scatter with shaded criteria regions and a ranked
// step curve with a horizontal line. Output is a self-contained <svg> document, deterministic for
// its input so that it can be compared in tests and committed to docs.

const W = 720;
const H = 480;
const M = { left: 70, right: 20, top: 40, bottom: 60 };
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;

export function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const f = (v: number) => (Math.round(v * 100) / 100).toString();

/** 1234567 -> "1.23M": axis labels for large quantities. */
export function compact(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${f(v / 1e9)}G`;
  if (a >= 1e6) return `${f(v / 1e6)}M`;
  if (a >= 1e4) return `${f(v / 1e3)}k`;
  return f(v);
}

const MAX_TITLE = 80;
const clip = (s: string) => (s.length > MAX_TITLE ? `${s.slice(0, MAX_TITLE - 1)}\u2026` : s);

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v * (1 - 1e-12)) return m * p;
  return 10 * p;
}

function axes(xMax: number, yMax: number, xLabel: string, yLabel: string, title: string, fmt: (v: number) => string): string[] {
  const out: string[] = [];
  out.push(`<text x="${W / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(clip(title))}</text>`);
  out.push(`<line x1="${M.left}" y1="${M.top + PH}" x2="${M.left + PW}" y2="${M.top + PH}" stroke="#333"/>`);
  out.push(`<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${M.top + PH}" stroke="#333"/>`);
  for (let i = 0; i <= 5; i++) {
    const x = M.left + (PW * i) / 5;
    const y = M.top + PH - (PH * i) / 5;
    out.push(`<text x="${f(x)}" y="${M.top + PH + 18}" text-anchor="middle" font-size="11">${escapeXml(fmt((xMax * i) / 5))}</text>`);
    out.push(`<text x="${M.left - 6}" y="${f(y + 4)}" text-anchor="end" font-size="11">${escapeXml(fmt((yMax * i) / 5))}</text>`);
  }
  out.push(`<text x="${M.left + PW / 2}" y="${H - 16}" text-anchor="middle" font-size="13">${escapeXml(xLabel)}</text>`);
  out.push(`<text x="18" y="${M.top + PH / 2}" text-anchor="middle" font-size="13" transform="rotate(-90 18 ${M.top + PH / 2})">${escapeXml(yLabel)}</text>`);
  return out;
}

const wrap = (body: string[], label?: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif"${label === undefined ? "" : ` role="img" aria-label="${escapeXml(label)}"`}>\n<rect width="${W}" height="${H}" fill="white"/>\n${body.join("\n")}\n</svg>\n`;

export interface ScatterPoint {
  x: number;
  y: number;
  label: string;
  highlight: boolean;
}

/** A rectangle in data coordinates (use Infinity for an open edge); drawn shaded under the points. */
export interface Region {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

export interface ScatterChart {
  title: string;
  xLabel: string;
  yLabel: string;
  points: readonly ScatterPoint[];
  regions: readonly Region[];
  /** Axis values are fractions shown as percent. */
  percent?: boolean;
}

export function scatterSvg(c: ScatterChart): string {
  const xs = c.points.map((p) => p.x).filter(Number.isFinite);
  const ys = c.points.map((p) => p.y).filter(Number.isFinite);
  const edges = c.regions.flatMap((r) => [r.x0, r.y0]).filter(Number.isFinite);
  const xMax = niceMax(Math.max(...xs, ...edges, 0) * 1.1);
  const yMax = niceMax(Math.max(...ys, ...edges, 0) * 1.1);
  const sx = (v: number) => M.left + (PW * Math.min(Math.max(v, 0), xMax)) / xMax;
  const sy = (v: number) => M.top + PH - (PH * Math.min(Math.max(v, 0), yMax)) / yMax;
  const fmt = c.percent ? (v: number) => `${f(v * 100)}%` : (v: number) => f(v);
  const body: string[] = [];
  for (const r of c.regions) {
    const x = sx(r.x0);
    const y = sy(Math.min(r.y1, yMax));
    body.push(`<rect class="region" x="${f(x)}" y="${f(y)}" width="${f(sx(Math.min(r.x1, xMax)) - x)}" height="${f(sy(r.y0) - y)}" fill="#f4a582" fill-opacity="0.3"/>`);
  }
  body.push(...axes(xMax, yMax, c.xLabel, c.yLabel, c.title, fmt));
  for (const p of c.points) {
    const x = sx(Number.isFinite(p.x) ? p.x : xMax);
    const y = sy(Number.isFinite(p.y) ? p.y : yMax);
    body.push(`<circle class="point" cx="${f(x)}" cy="${f(y)}" r="5" fill="${p.highlight ? "#b2182b" : "#2166ac"}"><title>${escapeXml(p.label)}</title></circle>`);
    body.push(`<text x="${f(x + 7)}" y="${f(y - 6)}" font-size="10">${escapeXml(p.label)}</text>`);
  }
  return wrap(body);
}

export interface RankedBar {
  /** Width in x units (e.g. output). */
  width: number;
  /** Height (e.g. intensity). */
  height: number;
  label: string;
}

export interface RankedChart {
  title: string;
  xLabel: string;
  yLabel: string;
  bars: readonly RankedBar[];
  line?: { value: number; label: string };
}

/** Bars side by side in the given order, each as wide as its width: a benchmark curve. */
export function rankedCurveSvg(c: RankedChart): string {
  const total = c.bars.reduce((s, b) => s + b.width, 0);
  const xMax = niceMax(total);
  const yMax = niceMax(Math.max(...c.bars.map((b) => b.height), c.line?.value ?? 0, 0) * 1.05);
  const sx = (v: number) => M.left + (PW * v) / xMax;
  const sy = (v: number) => M.top + PH - (PH * Math.min(v, yMax)) / yMax;
  const body: string[] = [];
  body.push(...axes(xMax, yMax, c.xLabel, c.yLabel, c.title, compact));
  let at = 0;
  for (const b of c.bars) {
    const x = sx(at);
    const y = sy(b.height);
    body.push(`<rect class="bar" x="${f(x)}" y="${f(y)}" width="${f(Math.max(sx(at + b.width) - x, 0.5))}" height="${f(M.top + PH - y)}" fill="#92c5de" stroke="#2166ac" stroke-width="0.5"><title>${escapeXml(b.label)}</title></rect>`);
    at += b.width;
  }
  if (c.line) {
    const y = sy(c.line.value);
    body.push(`<line class="benchmark" x1="${M.left}" y1="${f(y)}" x2="${M.left + PW}" y2="${f(y)}" stroke="#b2182b" stroke-width="2" stroke-dasharray="6 4"/>`);
    body.push(`<text x="${M.left + PW - 4}" y="${f(y - 6)}" text-anchor="end" font-size="12" fill="#b2182b">${escapeXml(c.line.label)}</text>`);
  }
  return wrap(body);
}

export interface LineSeries {
  name: string;
  values: readonly number[];
  dashed?: boolean;
}

export interface LineChart {
  title: string;
  xLabel: string;
  yLabel: string;
  /** x positions shared by every series (e.g. years). */
  x: readonly number[];
  series: readonly LineSeries[];
  /** Shaded bands between two series (e.g. a 10-90% quantile band), drawn under the lines. */
  bands?: readonly { lower: readonly number[]; upper: readonly number[]; label: string }[];
  /** Labels of the x positions (default: the number itself), e.g. a month or a fiscal year in the reader's language. */
  formatX?: (v: number) => string;
  /** Labels of the y axis (default: `compact`, 1.2M), e.g. grouped for the reader's locale. */
  formatY?: (v: number) => string;
  /** An accessible name for the chart as an image (role="img"); the console sets it, files may leave it out. */
  label?: string;
}

const COLOURS = ["#2166ac", "#b2182b", "#1b7837", "#762a83", "#e08214", "#4d4d4d"];

/** Lines over a shared x axis (years), with a legend: price paths, emissions against the cap, banks. */
export function lineChartSvg(c: LineChart): string {
  const xMin = Math.min(...c.x);
  const xMax = Math.max(...c.x);
  const span = xMax > xMin ? xMax - xMin : 1;
  const all = [...c.series.flatMap((s) => s.values), ...(c.bands ?? []).flatMap((b) => [...b.upper])].filter(Number.isFinite);
  const yLo = Math.min(0, ...all);
  const yHi = niceMax(Math.max(...all, 0) * 1.05);
  const yMin = yLo < 0 ? -niceMax(-yLo * 1.05) : 0;
  const sx = (v: number) => M.left + (PW * (v - xMin)) / span;
  const sy = (v: number) => M.top + PH - (PH * (Math.min(Math.max(v, yMin), yHi) - yMin)) / (yHi - yMin);
  const body: string[] = [];
  // axes with year labels rather than fractions of a span
  body.push(`<text x="${W / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(clip(c.title))}</text>`);
  body.push(`<line x1="${M.left}" y1="${f(sy(yMin))}" x2="${M.left + PW}" y2="${f(sy(yMin))}" stroke="#333"/>`);
  body.push(`<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${M.top + PH}" stroke="#333"/>`);
  if (yMin < 0) body.push(`<line x1="${M.left}" y1="${f(sy(0))}" x2="${M.left + PW}" y2="${f(sy(0))}" stroke="#999" stroke-dasharray="2 2"/>`);
  const stepX = Math.max(1, Math.ceil(c.x.length / 10));
  const fx = c.formatX ?? String;
  const fy = c.formatY ?? compact;
  c.x.forEach((v, i) => {
    if (i % stepX === 0) body.push(`<text x="${f(sx(v))}" y="${M.top + PH + 18}" text-anchor="middle" font-size="11">${escapeXml(fx(v))}</text>`);
  });
  for (let i = 0; i <= 5; i++) {
    const v = yMin + ((yHi - yMin) * i) / 5;
    body.push(`<text x="${M.left - 6}" y="${f(sy(v) + 4)}" text-anchor="end" font-size="11">${escapeXml(fy(v))}</text>`);
  }
  body.push(`<text x="${M.left + PW / 2}" y="${H - 16}" text-anchor="middle" font-size="13">${escapeXml(c.xLabel)}</text>`);
  body.push(`<text x="18" y="${M.top + PH / 2}" text-anchor="middle" font-size="13" transform="rotate(-90 18 ${M.top + PH / 2})">${escapeXml(c.yLabel)}</text>`);
  for (const b of c.bands ?? []) {
    const up = c.x.map((x, i) => `${f(sx(x))},${f(sy(b.upper[i] ?? 0))}`);
    const lo = c.x.map((x, i) => `${f(sx(x))},${f(sy(b.lower[i] ?? 0))}`).reverse();
    body.push(`<polygon class="band" points="${[...up, ...lo].join(" ")}" fill="#92c5de" fill-opacity="0.4"><title>${escapeXml(b.label)}</title></polygon>`);
  }
  c.series.forEach((s, k) => {
    const colour = COLOURS[k % COLOURS.length] as string;
    const pts = c.x.map((x, i) => `${f(sx(x))},${f(sy(s.values[i] ?? 0))}`).join(" ");
    body.push(`<polyline class="series" points="${pts}" fill="none" stroke="${colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ""}><title>${escapeXml(s.name)}</title></polyline>`);
    body.push(`<text x="${M.left + 10}" y="${M.top + 14 + 16 * k}" font-size="12" fill="${colour}">${escapeXml(s.name)}</text>`);
  });
  return wrap(body, c.label);
}
