// What the compliance pages share: the shapes of the compliance API's answers (src/http/routes/
// compliance.ts), the installation and period pickers, exact decimals and money formatted for the
// language without floating point, status and opinion badges, and a report's computed lines.
import type { ReactNode } from "react";
import { useAll } from "../../api/use-all.ts";
import { Badge, Data, Select, Table } from "../../components/ui.tsx";
import { useT } from "../../i18n/context.tsx";

export interface Installation {
  installation: string;
  accountId: string;
  operator: string;
  sector: string | null;
  product: string | null;
  tags: string[];
}

export interface SourceStream {
  id: string;
  kind: string;
  description?: string;
  fuel?: string;
  unit?: string;
  gas?: string;
  emissionFactor?: { value: string | number; tier?: number; source?: string };
}

export interface PlanView {
  version: number;
  validFrom: number;
  validTo: number | null;
  plan: { sources: SourceStream[]; sector?: string };
  submittedBy: string;
  submittedAt: string;
}

export interface SourceEmissions {
  source: string;
  kind: string;
  gas: string;
  activity: string;
  unit: string;
  counted: string;
  biomass: string;
  lines: string[];
}

export interface Verification {
  verifier: string;
  date: string;
  opinion: "positive" | "qualified" | "negative";
  locked: boolean;
  verifiedTotal: string | null;
  materialityLevel: string;
  misstatementShare: string;
  comments: string | null;
}

export interface ReportView {
  installation: string;
  year: number;
  version: number;
  planVersion: number;
  total: string;
  totalExact: string;
  corrects: number | null;
  reasons: string[];
  report: { sources: SourceEmissions[]; rounding?: string };
  submittedBy: string;
  submittedAt: string;
  verification: Verification | null;
}

export interface Records {
  installation: string;
  plans: PlanView[];
  reports: ReportView[];
  estimates: Array<{ year: number; tonnes: string; method: string; reason: string }>;
}

/**
 * The installations the caller may see (a representative's own, a verifier's appointed ones, all
 * for administrators), every page: the pickers offer each one (CutNotice says when the list
 * stopped at useAll's bound).
 */
export function useInstallations() {
  return useAll<Installation>("/v1/compliance/installations");
}

/** The plan in force for a year: the latest version whose validity covers it. */
export function planFor(plans: readonly PlanView[], year: number): PlanView | undefined {
  return [...plans].reverse().find((p) => p.validFrom <= year && (p.validTo === null || p.validTo >= year));
}

export function InstallationSelect(props: { items: readonly Installation[]; value: string; onChange: (v: string) => void }) {
  return (
    <Select label="cpl.installation" value={props.value} onChange={(e) => props.onChange(e.target.value)}>
      {props.items.map((i) => (
        <option key={i.installation} value={i.installation} translate="no">
          {`${i.installation} (${i.operator})`}
        </option>
      ))}
    </Select>
  );
}

/** An exact decimal string ("94.6", "-12.05") with the language's grouping, digit for digit. */
export function Dec(props: { v: string | null | undefined }) {
  const { f } = useT();
  if (props.v === null || props.v === undefined || props.v === "") return <span className="num">-</span>;
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(props.v);
  if (!m) return <Data>{props.v}</Data>;
  return <span className="num">{`${m[1]}${f.q(m[2] as string)}${m[3] ? `.${m[3]}` : ""}`}</span>;
}

/** An amount in major units of a currency, as a decimal string, formatted without floating point. */
export function Money(props: { amount: string; currency: string }) {
  const { lang } = useT();
  const c = /^[A-Z]{3}$/.test(props.currency) ? props.currency : "XXX";
  // Intl formats a decimal string exactly (no conversion to a binary float).
  const text = new Intl.NumberFormat(lang === "ja" ? "ja-JP" : "en-US", { style: "currency", currency: c }).format(props.amount as unknown as number);
  return <span className="num">{text}</span>;
}

export function StatusBadge(props: { status: string }) {
  const { code } = useT();
  return <Badge kind={`cpl-${props.status}`}>{code("cpl.state", props.status)}</Badge>;
}

export function OpinionBadge(props: { verification: Verification | null }) {
  const { t, code } = useT();
  const v = props.verification;
  if (!v) return <Badge kind="cpl-awaiting">{t("cpl.awaitingOpinion")}</Badge>;
  return <Badge kind={`cpl-${v.opinion}`}>{code("cpl.opinions", v.opinion)}</Badge>;
}

/** A report's emissions computed from the activity data, source by source, as the API returns them. */
export function ReportLines(props: { report: ReportView; caption: string }) {
  const { code } = useT();
  const r = props.report;
  return (
    <Table
      caption={props.caption}
      rows={r.report.sources}
      rowKey={(s) => s.source}
      columns={[
        { head: "cpl.source", cell: (s) => <Data>{s.source}</Data> },
        { head: "cpl.kind", cell: (s) => code("cpl.sourceKind", s.kind) },
        { head: "cpl.gas", cell: (s) => <Data>{s.gas}</Data> },
        { head: "cpl.activity", cell: (s) => <>{<Dec v={s.activity} />} <Data>{s.unit}</Data></> },
        { head: "cpl.counted", cell: (s) => <Dec v={s.counted} />, numeric: true },
        { head: "cpl.calculation", cell: (s) => <Formula lines={s.lines} /> },
      ]}
    />
  );
}

/** The engine's calculation lines: figures and factor names, kept as the API wrote them. */
function Formula(props: { lines: string[] }): ReactNode {
  return (
    <span translate="no" lang="en" className="data formula">
      {props.lines.join("; ")}
    </span>
  );
}

/** The current compliance period to show first: the previous scheme year (its report is due). */
export function defaultPeriod(): string {
  return String(new Date().getFullYear() - 1);
}

/** A share as an exact decimal string ("0.05") shown as a percentage ("5%"), digit for digit. */
export function Share(props: { v: string | null | undefined }) {
  const { f } = useT();
  const m = props.v ? /^(\d+)(?:\.(\d+))?$/.exec(props.v) : null;
  if (!m) return <span className="num">-</span>;
  const frac = (m[2] ?? "").padEnd(2, "0");
  const whole = `${m[1]}${frac.slice(0, 2)}`.replace(/^0+(?=\d)/, "");
  const rest = frac.slice(2).replace(/0+$/, "");
  return <span className="num">{`${f.q(whole)}${rest ? `.${rest}` : ""}%`}</span>;
}

/** An amount in minor units of a currency (cents, or yen for JPY), shown in major units without floating point. */
export function MoneyMinor(props: { minor: string; currency: string }) {
  const c = /^[A-Z]{3}$/.test(props.currency) ? props.currency : "XXX";
  const places = new Intl.NumberFormat("en-US", { style: "currency", currency: c }).resolvedOptions().maximumFractionDigits ?? 2;
  const neg = props.minor.startsWith("-");
  const digits = (neg ? props.minor.slice(1) : props.minor).padStart(places + 1, "0");
  const major = places === 0 ? digits : `${digits.slice(0, -places)}.${digits.slice(-places)}`;
  return <Money amount={`${neg ? "-" : ""}${major}`} currency={c} />;
}

/** A compliance period's id as the language writes it: a single scheme year as "FY2026" / "2026年度" (or "2026"), another id as it is. */
export function periodLabel(f: { year(y: number): string }, id: string): string {
  return /^\d{4}$/.test(id) ? f.year(Number(id)) : id;
}
