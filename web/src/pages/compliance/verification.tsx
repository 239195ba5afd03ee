// The verifier's workflow: its accreditations (body, standard, scopes, validity), the installations
// and years it is appointed for with their report versions, and the opinion on a version (positive,
// qualified or negative, with the misstatements found, from which the API derives materiality). A
// refusal (no accreditation, a conflict of interest, an opinion the misstatements do not support)
// is shown as the rule it broke, in the reader's language.
import { useState } from "react";
import { commandId, post } from "../../api/client.ts";
import { usePaged } from "../../api/use-paged.ts";
import { Badge, Data, ErrorBox, Field, Notice, PagedList, PageTitle, Select, Table } from "../../components/ui.tsx";
import { useT } from "../../i18n/context.tsx";
import { abilities, useSession } from "../../session.tsx";
import { Dec, OpinionBadge, ReportLines, type ReportView, Share } from "./common.tsx";

interface Accreditation {
  accreditationId: string;
  body: string;
  standard: string;
  scopes: string[];
  validFrom: string;
  expires: string;
  status: string;
}

interface Assignment {
  installation: string;
  year: number;
  reports: ReportView[];
}

export function VerificationPage() {
  const { t, f, code } = useT();
  const acc = usePaged<Accreditation>("/v1/compliance/accreditations");
  const { me } = useSession();
  // Only a verifier has assignments; administrators and the authority read accreditations here.
  const isVerifier = abilities(me).verifier;
  const asg = usePaged<Assignment>(isVerifier ? "/v1/compliance/assignments" : null);
  // The assignment under review, kept while the list reloads after an opinion (the paged list
  // starts again empty), so its form and the answer it shows stay on the page.
  const [selected, setSelected] = useState<Assignment | null>(null);
  return (
    <>
      <PageTitle title="cpl.verify.title" />
      <p className="intro">{t("cpl.verify.intro")}</p>
      <section aria-labelledby="acc-h">
        <h2 id="acc-h">{t("cpl.verify.accreditation")}</h2>
        <PagedList paged={acc}>
          <Table
            caption={t("cpl.verify.accCaption")}
            rows={acc.items}
            rowKey={(x) => x.accreditationId}
            empty="cpl.verify.noAccreditation"
            columns={[
              { head: "cpl.accreditationId", cell: (x) => <Data>{x.accreditationId}</Data> },
              { head: "cpl.accreditationBody", cell: (x) => <Data>{`${x.body} / ${x.standard}`}</Data> },
              { head: "cpl.scopes", cell: (x) => (x.scopes.includes("*") ? t("cpl.allSectors") : <Data>{x.scopes.join(", ")}</Data>) },
              { head: "cpl.validFrom", cell: (x) => f.date(`${x.validFrom}T12:00:00Z`) },
              { head: "cpl.expires", cell: (x) => f.date(`${x.expires}T12:00:00Z`) },
              { head: "col.status", cell: (x) => <Badge kind={x.status}>{code("cpl.accStatus", x.status)}</Badge> },
            ]}
          />
        </PagedList>
      </section>
      <section aria-labelledby="asg-h">
        <h2 id="asg-h">{t("cpl.verify.assignments")}</h2>
        {isVerifier ? null : <p>{t("cpl.verify.noAssignments")}</p>}
        {isVerifier ? (() => {
            const a = asg;
            const key = (x: Assignment) => `${x.installation}@${x.year}`;
            const chosen = selected === null ? undefined : (a.items.find((x) => key(x) === key(selected)) ?? selected);
            return (
              <>
                <PagedList paged={asg}>
                  <Table
                    caption={t("cpl.verify.asgCaption")}
                    rows={a.items}
                    rowKey={key}
                    empty="cpl.verify.noAssignments"
                    columns={[
                      { head: "cpl.installation", cell: (x) => <Data>{x.installation}</Data> },
                      { head: "cpl.year", cell: (x) => f.year(x.year) },
                      { head: "cpl.version", cell: (x) => <span className="num">{x.reports.length}</span>, numeric: true },
                      { head: "cpl.total", cell: (x) => <Dec v={x.reports[x.reports.length - 1]?.total} />, numeric: true },
                      { head: "cpl.opinion", cell: (x) => <OpinionBadge verification={x.reports[x.reports.length - 1]?.verification ?? null} /> },
                      {
                        head: "cpl.action",
                        cell: (x) => (
                          <button type="button" className="secondary" aria-pressed={selected !== null && key(x) === key(selected)} onClick={() => setSelected(x)}>
                            {t("cpl.verify.review", { installation: x.installation, year: f.year(x.year) })}
                          </button>
                        ),
                      },
                    ]}
                  />
                </PagedList>
                {chosen ? <OpinionForm key={key(chosen)} assignment={chosen} reload={asg.reload} /> : null}
              </>
            );
          })() : null}
      </section>
    </>
  );
}

function OpinionForm(props: { assignment: Assignment; reload: () => void }) {
  const { t, tn, f, code } = useT();
  const a = props.assignment;
  const latest = a.reports[a.reports.length - 1];
  const [version, setVersion] = useState(String(latest?.version ?? 1));
  const [opinion, setOpinion] = useState("positive");
  const [misstatements, setMisstatements] = useState("0");
  const [comments, setComments] = useState("");
  const [error, setError] = useState<unknown>(undefined);
  const [result, setResult] = useState<ReportView | null>(null);
  const report = a.reports.find((r) => String(r.version) === version);
  async function submit(e: { preventDefault(): void }) {
    e.preventDefault();
    setError(undefined);
    setResult(null);
    try {
      const body: Record<string, unknown> = { commandId: commandId("opinion"), year: a.year, version: Number(version), opinion, misstatements: misstatements.trim() };
      if (comments.trim()) body.comments = comments.trim();
      const r = await post<ReportView>(`/v1/compliance/installations/${encodeURIComponent(a.installation)}/verifications`, body);
      setResult(r);
      props.reload();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <section aria-labelledby="opinion-h">
      <h3 id="opinion-h">{tn("cpl.verify.opinionTitle", { installation: <Data>{a.installation}</Data>, year: f.year(a.year) })}</h3>
      {report ? <ReportLines report={report} caption={t("cpl.verify.linesCaption", { version: String(report.version) })} /> : null}
      <form onSubmit={(e) => void submit(e)}>
        <Select label="cpl.version" value={version} onChange={(e) => setVersion(e.target.value)}>
          {a.reports.map((r) => (
            <option key={r.version} value={String(r.version)}>
              {t("cpl.verify.versionOption", { version: String(r.version), total: f.q(r.total) })}
            </option>
          ))}
        </Select>
        <Select label="cpl.opinion" value={opinion} onChange={(e) => setOpinion(e.target.value)}>
          {["positive", "qualified", "negative"].map((o) => (
            <option key={o} value={o}>
              {code("cpl.opinions", o)}
            </option>
          ))}
        </Select>
        <Field label="cpl.verify.misstatements" hint="cpl.verify.misstatementsHint" inputMode="decimal" required value={misstatements} onChange={(e) => setMisstatements(e.target.value)} />
        <Field label="cpl.verify.comments" value={comments} onChange={(e) => setComments(e.target.value)} />
        <ErrorBox error={error} />
        <div className="actions">
          <button type="submit" className="primary">
            {t("cpl.verify.give")}
          </button>
        </div>
      </form>
      {result?.verification ? (
        <Notice kind="ok">
          {tn(result.verification.locked ? "cpl.verify.locked" : "cpl.verify.notLocked", {
            opinion: code("cpl.opinions", result.verification.opinion),
            total: <Dec v={result.verification.verifiedTotal} />,
            share: <Share v={result.verification.misstatementShare} />,
            level: <Share v={result.verification.materialityLevel} />,
          })}
        </Notice>
      ) : null}
    </section>
  );
}
