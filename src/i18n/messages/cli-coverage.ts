// `ets coverage`: the coverage table's headings, summary lines and names of bases and electricity
// treatments (src/cli/commands/coverage.ts). Keyed `cli.cov.*`; --json keeps its machine values.
import type { Entry } from "../entry.ts";

export const CLI_COVERAGE_MESSAGES = {
  "cli.cov.head": { en: "{name}: year {year}, basis {basis}, national total {total} Mt", ja: "{name}: {year} 年、集計単位 {basis}、全国排出量 {total} Mt" },
  "cli.cov.reported": { en: "  reported ({electricity}): {entities} entities, {total} Mt", ja: "  報告対象（{electricity}）: {entities} 件、{total} Mt" },
  "cli.cov.basis.installation": { en: "installation", ja: "施設" },
  "cli.cov.basis.site": { en: "site", ja: "事業所" },
  "cli.cov.basis.company": { en: "company", ja: "企業" },
  "cli.cov.electricity.direct": { en: "direct", ja: "電力: 直接" },
  "cli.cov.electricity.indirect": { en: "indirect", ja: "電力: 間接" },
  "cli.cov.col.threshold": { en: "threshold (t/yr)", ja: "裾切り値（t/年）" },
  "cli.cov.col.reports": { en: "reports ({electricity})", ja: "報告数（{electricity}）" },
  "cli.cov.col.sites": { en: "sites ({electricity})", ja: "事業所数（{electricity}）" },
  "cli.cov.col.companies": { en: "companies ({electricity})", ja: "企業数（{electricity}）" },
  "cli.cov.col.emissions": { en: "emissions (Mt)", ja: "排出量（Mt）" },
  "cli.cov.col.shareOfReported": { en: "share of reported", ja: "対報告排出量" },
  "cli.cov.col.shareOfNational": { en: "share of national", ja: "対全国排出量" },
} as const satisfies Record<string, Entry>;
