// Excess reductions issued ex post (Tokyo; src/http/routes/compliance-ex-post.ts): for a chosen
// compliance period, the issuances per installation (verified emissions, facility cap, surplus, the
// rulebook's ceiling, the credits issued, the transaction). A national administrator issues an
// installation's excess reductions here: the API creates the issuance and answers 9319 while it waits
// for a second national administrator (the approvals page); once approved, the same command sent again
// moves the credits to the operator account and the row appears. Issuances still waiting, or approved
// and not yet completed, are read from the ledger's transactions (ids `ex-post.<period>.<installation>
// .issue[.n]`) and shown with the way forward. Representatives and the authority read the list only
// (the API shows representatives their own installations').
import { useRef, useState } from "react";
import { ApiError, commandId, post } from "../../api/client.ts";
import type { Transaction as Tx } from "../../api/types.ts";
import { useApi } from "../../api/use-api.ts";
import { usePaged } from "../../api/use-paged.ts";
import { Badge, CutNotice, Data, ErrorBox, Field, Notice, PagedList, PageTitle, Select, Show, Table } from "../../components/ui.tsx";
import { useT } from "../../i18n/context.tsx";
import { Link } from "../../router.tsx";
import { useScheme } from "../../scheme.tsx";
import { abilities, useSession } from "../../session.tsx";
import { Dec, type Installation, InstallationSelect, periodLabel, useInstallations } from "./common.tsx";

export interface ExPostIssuance {
  period: string;
  installation: string;
  account: string;
  classCode: string;
  emissions: string;
  facilityCap: string;
  surplus: string;
  ceiling: string | null;
  issued: string;
  transactionId: string;
  issuanceId: string;
  issuedBy: string | null;
  recordedAt: string;
}

/** An issuance transaction of the period not yet followed by its transfer: waiting for approval, or approved. */
interface Pending {
  installation: string;
  issuanceId: string;
  status: string;
  quantity: string;
}

const VALID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const ISSUE = /\.issue(?:\.\d+)?$/;

/** The installation an ex-post issuance transaction id names (`ex-post.<period>.<installation>.issue[.n]`), if it is one of the period's. */
export function installationOf(id: string, period: string): string | null {
  const prefix = `ex-post.${period}.`;
  if (!id.startsWith(prefix) || !ISSUE.test(id)) return null;
  const inst = id.slice(prefix.length).replace(ISSUE, "");
  return inst === "" ? null : inst;
}

/** The attempt an issuance id names: `.issue` is the first, `.issue.<n>` the n-th. */
const attempt = (id: string) => Number(/\.issue\.(\d+)$/.exec(id)?.[1] ?? "1");

/** Per installation without an issued row, its latest attempt (a later one replaces a rejected or stale one). */
function pendingOf(txs: readonly Tx[], period: string, issued: ReadonlySet<string>): Pending[] {
  const out = new Map<string, Pending>();
  for (const tx of txs) {
    const inst = installationOf(tx.id, period);
    if (inst === null || issued.has(inst)) continue;
    const prior = out.get(inst);
    if (prior && attempt(prior.issuanceId) > attempt(tx.id)) continue;
    out.set(inst, { installation: inst, issuanceId: tx.id, status: tx.status, quantity: tx.legs[0]?.quantity ?? "0" });
  }
  return [...out.values()].sort((a, b) => (a.installation < b.installation ? -1 : 1));
}

/** Issuance transactions read per state for the table of issuances in progress (the API's largest page). */
const PENDING_PAGE = 500;

export function ExPostPage() {
  const { t } = useT();
  const { me } = useSession();
  const can = abilities(me);
  const scheme = useScheme();
  const periods = scheme?.periods ?? [];
  const [chosen, setPeriod] = useState<string | null>(null);
  const period = chosen ?? periods[0]?.id ?? "";
  const valid = VALID.test(period);
  const list = usePaged<ExPostIssuance>(valid ? `/v1/compliance/periods/${encodeURIComponent(period)}/ex-post-issuances` : null);
  const readsLedger = can.admin || can.authority;
  const waiting = useApi<{ items: Tx[]; nextCursor?: string | null }>(valid && readsLedger ? `/v1/transactions?kind=issuance&status=awaiting_approval&limit=${PENDING_PAGE}` : null);
  const approved = useApi<{ items: Tx[]; nextCursor?: string | null }>(valid && readsLedger ? `/v1/transactions?kind=issuance&status=completed&limit=${PENDING_PAGE}` : null);
  const reload = () => {
    list.reload();
    waiting.reload();
    approved.reload();
  };
  return (
    <>
      <PageTitle title="xp.title" />
      <p className="intro">{t("xp.intro")}</p>
      {periods.length > 0 ? (
        <Select label="xp.period" value={period} onChange={(e) => setPeriod(e.target.value)}>
          {periods.map((p) => (
            <option key={p.id} value={p.id} translate="no">
              {`${p.id} (${p.from}-${p.to})`}
            </option>
          ))}
        </Select>
      ) : (
        <Field label="xp.period" value={period} onChange={(e) => setPeriod(e.target.value.trim())} />
      )}
      {valid
        ? (() => {
            const issued = new Set(list.items.map((x) => x.installation));
            const pending = pendingOf([...(waiting.data?.items ?? []), ...(approved.data?.items ?? [])], period, issued);
            // The table reads one page of each state (and the issuances shown so far); when more exist it says so rather than look complete.
            const partial = Boolean(waiting.data?.nextCursor) || Boolean(approved.data?.nextCursor) || list.more !== null;
            return (
              <>
                <PagedList paged={list}>
                  <IssuedTable period={period} items={list.items} />
                </PagedList>
                {readsLedger && !list.loading && list.error === undefined ? <PendingTable period={period} items={pending} partial={partial} admin={can.admin} onDone={reload} /> : null}
              </>
            );
          })()
        : null}
      {can.admin && valid ? <IssueForm key={period} period={period} onDone={reload} /> : null}
    </>
  );
}

function IssuedTable(props: { period: string; items: ExPostIssuance[] }) {
  const { t, f } = useT();
  return (
    <section aria-labelledby="xp-list-h">
      <h2 id="xp-list-h">{t("xp.listTitle", { period: periodLabel(f, props.period) })}</h2>
      <Table
        caption={t("xp.caption", { period: periodLabel(f, props.period) })}
        rows={props.items}
        rowKey={(x) => x.installation}
        empty="xp.none"
        columns={[
          { head: "cpl.installation", cell: (x) => <Data>{x.installation}</Data> },
          { head: "cpl.account", cell: (x) => <Data>{x.account}</Data> },
          { head: "xp.emissions", cell: (x) => <Dec v={x.emissions} />, numeric: true },
          { head: "xp.facilityCap", cell: (x) => <Dec v={x.facilityCap} />, numeric: true },
          { head: "xp.surplus", cell: (x) => <Dec v={x.surplus} />, numeric: true },
          { head: "xp.ceiling", cell: (x) => (x.ceiling === null ? t("xp.noCeiling") : <Dec v={x.ceiling} />), numeric: true },
          { head: "xp.issued", cell: (x) => <>{<Dec v={x.issued} />} <Data>{x.classCode}</Data></>, numeric: true },
          {
            head: "xp.transaction",
            cell: (x) => (
              <Link to={`/registry/transactions/${encodeURIComponent(x.transactionId)}`}>
                <Data>{x.transactionId}</Data>
              </Link>
            ),
          },
          { head: "col.status", cell: () => <Badge kind="completed">{t("xp.state.issued")}</Badge> },
        ]}
      />
    </section>
  );
}

function PendingTable(props: { period: string; items: Pending[]; partial: boolean; admin: boolean; onDone: () => void }) {
  const { t, f } = useT();
  const [error, setError] = useState<unknown>(undefined);
  const ids = useRef(new Map<string, string>());
  async function complete(installation: string) {
    setError(undefined);
    const key = `${props.period}/${installation}`;
    const id = ids.current.get(key) ?? commandId("xp");
    ids.current.set(key, id);
    try {
      await post(`/v1/compliance/periods/${encodeURIComponent(props.period)}/ex-post-issuances`, { commandId: id, installation });
      ids.current.delete(key);
      props.onDone();
    } catch (err) {
      setError(err);
    }
  }
  const partial = props.partial ? <p className="hint" role="note">{t("xp.pendingPartial", { count: f.q(PENDING_PAGE) })}</p> : null;
  if (props.items.length === 0) return partial;
  return (
    <section aria-labelledby="xp-pending-h">
      <h2 id="xp-pending-h">{t("xp.pendingTitle")}</h2>
      {partial}
      <ErrorBox error={error} />
      <Table
        caption={t("xp.pendingCaption", { period: periodLabel(f, props.period) })}
        rows={props.items}
        rowKey={(x) => x.installation}
        columns={[
          { head: "cpl.installation", cell: (x) => <Data>{x.installation}</Data> },
          { head: "xp.issued", cell: (x) => <Dec v={x.quantity} />, numeric: true },
          {
            head: "xp.transaction",
            cell: (x) => (
              <Link to={`/registry/transactions/${encodeURIComponent(x.issuanceId)}`}>
                <Data>{x.issuanceId}</Data>
              </Link>
            ),
          },
          { head: "col.status", cell: (x) => <Badge kind={x.status}>{t(x.status === "completed" ? "xp.state.approved" : "xp.state.awaiting")}</Badge> },
          {
            head: "xp.next",
            cell: (x) =>
              x.status === "completed" ? (
                props.admin ? (
                  <button type="button" className="primary" onClick={() => void complete(x.installation)} aria-label={`${t("xp.complete")}: ${x.installation}`}>
                    {t("xp.complete")}
                  </button>
                ) : (
                  t("xp.toComplete")
                )
              ) : (
                <Link to="/registry/approvals">{t("xp.toApprovals")}</Link>
              ),
          },
        ]}
      />
    </section>
  );
}

function IssueForm(props: { period: string; onDone: () => void }) {
  const { t, tn, f } = useT();
  const installations = useInstallations();
  const [chosen, setInst] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [awaiting, setAwaiting] = useState<{ issuanceId: string; quantity: string; classCode: string } | null>(null);
  const [done, setDone] = useState<ExPostIssuance | null>(null);
  const [busy, setBusy] = useState(false);
  // One command id per (period, installation), kept until the command succeeds: a retry after a
  // lost answer, or the completion after the approval, is the same command.
  const ids = useRef(new Map<string, string>());
  async function submit(e: { preventDefault(): void }, items: Installation[]) {
    e.preventDefault();
    const installation = chosen ?? items[0]?.installation ?? "";
    const key = `${props.period}/${installation}`;
    const id = ids.current.get(key) ?? commandId("xp");
    ids.current.set(key, id);
    setBusy(true);
    setError(undefined);
    setAwaiting(null);
    setDone(null);
    try {
      const r = await post<ExPostIssuance>(`/v1/compliance/periods/${encodeURIComponent(props.period)}/ex-post-issuances`, { commandId: id, installation });
      ids.current.delete(key);
      setDone(r);
    } catch (err) {
      const p = err instanceof ApiError ? err.problem : null;
      if (p?.check === "ex-post-awaiting-approval" && typeof p.facts?.issuanceId === "string") {
        setAwaiting({ issuanceId: p.facts.issuanceId, quantity: String(p.facts.quantity ?? ""), classCode: String(p.facts.classCode ?? "") });
      } else {
        if (!(err instanceof ApiError) || err.network === false) ids.current.delete(key);
        setError(err);
      }
    } finally {
      setBusy(false);
      props.onDone();
    }
  }
  return (
    <Show loaded={installations}>
      {(l) => (
        <section aria-labelledby="xp-form-h">
          <h2 id="xp-form-h">{t("xp.formTitle", { period: periodLabel(f, props.period) })}</h2>
          <p>{t("xp.formIntro")}</p>
          <CutNotice all={l} />
          {l.items.length === 0 ? (
            <p>{t("cpl.noInstallations")}</p>
          ) : (
            <form onSubmit={(e) => void submit(e, l.items)}>
              <InstallationSelect items={l.items} value={chosen ?? l.items[0]?.installation ?? ""} onChange={setInst} />
              <ErrorBox error={error} />
              {awaiting ? (
                <Notice kind="info">
                  {tn("xp.awaiting", {
                    quantity: <Dec key="q" v={awaiting.quantity} />,
                    class: <Data key="c">{awaiting.classCode}</Data>,
                    id: (
                      <Link key="i" to={`/registry/transactions/${encodeURIComponent(awaiting.issuanceId)}`}>
                        <Data>{awaiting.issuanceId}</Data>
                      </Link>
                    ),
                    approvals: (
                      <Link key="a" to="/registry/approvals">
                        {t("xp.approvalsPage")}
                      </Link>
                    ),
                  })}
                </Notice>
              ) : null}
              {done ? (
                <Notice kind="ok">
                  {tn("xp.issuedNotice", { quantity: <Dec key="q" v={done.issued} />, class: <Data key="c">{done.classCode}</Data>, account: <Data key="a">{done.account}</Data> })}
                </Notice>
              ) : null}
              <div className="actions">
                <button type="submit" className="primary" disabled={busy}>
                  {t("xp.submit")}
                </button>
              </div>
            </form>
          )}
        </section>
      )}
    </Show>
  );
}
