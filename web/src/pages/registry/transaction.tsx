// One transaction: what moves, its status with what it waits for (a second person's approval
// before its expiry, or the delay with a countdown), the actions the signed-in user may take
// (approve, reject, cancel; the API has the last word), its status history, the serial numbers it
// moved, and the numbered checks it passed.
import { useCallback, useState } from "react";
import type { MessageKey } from "../../../../src/i18n/index.ts";
import { post } from "../../api/client.ts";
import type { CheckTrail, Transaction } from "../../api/types.ts";
import { useApi } from "../../api/use-api.ts";
import { Countdown } from "../../components/countdown.tsx";
import { Badge, Data, ErrorBox, Facts, Notice, PageTitle, Qty, Show, Table } from "../../components/ui.tsx";
import { useT } from "../../i18n/context.tsx";
import { abilities, useSession } from "../../session.tsx";
import { AccountLink } from "./accounts.tsx";
import { TxStatusBadge, txPath } from "./tx-table.tsx";
import { Link } from "../../router.tsx";

export function TransactionPage(props: { params: Record<string, string> }) {
  const id = props.params.transactionId ?? "";
  const tx = useApi<Transaction>(`/v1/transactions/${encodeURIComponent(id)}`);
  return (
    <>
      <PageTitle title="transaction.title" params={{ id }} />
      <Show loaded={tx}>{(t) => <TransactionBody tx={t} reload={tx.reload} />}</Show>
    </>
  );
}

function TransactionBody(props: { tx: Transaction; reload: () => void }) {
  const { t, code, f } = useT();
  const tx = props.tx;
  const checks = useApi<CheckTrail>(`/v1/transactions/${encodeURIComponent(tx.id)}/checks`);
  const reload = useCallback(() => {
    props.reload();
    checks.reload();
  }, [props.reload, checks.reload]);
  return (
    <>
      <Facts
        rows={[
          ["col.kind", code("txKind", tx.kind)],
          ["col.status", <TxStatusBadge key="s" tx={tx} />],
          ["transactions.created", f.dateTime(tx.createdAt)],
          ["transactions.initiator", tx.initiator ? <Data key="i">{tx.initiator}</Data> : t("transaction.system")],
          ...(tx.purpose ? ([["transaction.purpose", <Data key="p">{tx.purpose}</Data>]] as const) : []),
          ...(tx.beneficiary ? ([["transaction.beneficiary", <Data key="b">{tx.beneficiary}</Data>]] as const) : []),
          ...(tx.note ? ([["transaction.note", <Data key="n">{tx.note}</Data>]] as const) : []),
          ...(tx.reverses ? ([["transaction.reverses", <Link key="r" to={txPath(tx.reverses)}><Data>{tx.reverses}</Data></Link>]] as const) : []),
          ...(tx.reversedBy ? ([["transaction.reversedBy", <Link key="rb" to={txPath(tx.reversedBy)}><Data>{tx.reversedBy}</Data></Link>]] as const) : []),
        ]}
      />
      <Table
        caption={t("transaction.legsCaption")}
        rows={tx.legs.map((l, i) => ({ ...l, i }))}
        rowKey={(l) => String(l.i)}
        columns={[
          { head: "col.class", cell: (l) => <Data>{l.classCode}</Data> },
          { head: "col.from", cell: (l) => (l.from ? <AccountLink id={l.from} /> : t("public.issuance")) },
          { head: "col.to", cell: (l) => <AccountLink id={l.to} /> },
          { head: "col.quantity", cell: (l) => <Qty v={l.quantity} />, numeric: true },
        ]}
      />
      <Held tx={tx} reload={reload} />
      <section aria-labelledby="history-h">
        <h2 id="history-h">{t("transaction.history")}</h2>
        <Table
          caption={t("transaction.historyCaption")}
          rows={tx.events.map((e, i) => ({ ...e, i }))}
          rowKey={(e) => String(e.i)}
          columns={[
            { head: "col.date", cell: (e) => f.dateTime(e.at) },
            { head: "col.status", cell: (e) => <Badge kind={e.status}>{code("txStatus", e.status)}</Badge> },
            { head: "transaction.actor", cell: (e) => (e.actor ? <Data>{e.actor}</Data> : t("transaction.system")) },
          ]}
        />
      </section>
      <section aria-labelledby="checks-h">
        <h2 id="checks-h">{t("transaction.checks")}</h2>
        <p className="hint">{t("transaction.checksIntro")}</p>
        <Show loaded={checks}>{(c) => <Checks trail={c} />}</Show>
      </section>
      <section aria-labelledby="serials-h">
        <h2 id="serials-h">{t("transaction.serials")}</h2>
        {tx.movements.length === 0 ? (
          <p>{t("transaction.noSerials")}</p>
        ) : (
          <Table
            caption={t("transaction.serialsCaption")}
            rows={tx.movements}
            rowKey={(m) => `${m.legNo}:${m.start}`}
            columns={[
              { head: "col.class", cell: (m) => <Data>{m.classCode}</Data> },
              { head: "col.from", cell: (m) => (m.from ? <Data>{m.from}</Data> : t("public.issuance")) },
              { head: "col.to", cell: (m) => <Data>{m.to}</Data> },
              { head: "account.blockStart", cell: (m) => <span className="num">{m.start}</span>, numeric: true },
              { head: "account.blockEnd", cell: (m) => <span className="num">{m.end}</span>, numeric: true },
              { head: "col.quantity", cell: (m) => <Qty v={m.quantity} />, numeric: true },
            ]}
          />
        )}
      </section>
    </>
  );
}

/** What a held transaction waits for, and the actions on it. */
function Held(props: { tx: Transaction; reload: () => void }) {
  const { t, f } = useT();
  const { me } = useSession();
  const [error, setError] = useState<unknown>(undefined);
  const [done, setDone] = useState<MessageKey | null>(null);
  const [busy, setBusy] = useState(false);
  const tx = props.tx;
  if (tx.status !== "awaiting_approval" && tx.status !== "delayed") return done ? <Notice kind="ok">{t(done)}</Notice> : null;
  const source = tx.legs[0]?.from ?? null;
  const rights = me?.representing.find((r) => r.accountId === source);
  const admin = abilities(me).admin;
  const mayApprove = tx.status === "awaiting_approval" && (admin || (rights?.approve === true && tx.initiator !== me?.userId));
  const mayCancel = admin || (tx.initiator !== null && tx.initiator === me?.userId);

  async function act(action: "approve" | "reject" | "cancel", message: MessageKey) {
    if (action === "cancel" && !window.confirm(t("transaction.cancelConfirm"))) return;
    setBusy(true);
    setError(undefined);
    try {
      await post(`/v1/transactions/${encodeURIComponent(tx.id)}/${action}`, {});
      setDone(message);
      props.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="held-h" className="held">
      {tx.status === "delayed" && tx.delayUntil ? (
        <>
          <h2 id="held-h">{t("transaction.delayTitle")}</h2>
          <p>{t("transaction.delayText")}</p>
          <Facts
            rows={[
              ["transaction.delayUntil", f.dateTime(tx.delayUntil)],
              ["transaction.remaining", <Countdown key="c" until={tx.delayUntil} />],
            ]}
          />
          {Date.parse(tx.delayUntil) <= Date.now() ? <p>{t("transaction.due")}</p> : null}
        </>
      ) : (
        <>
          <h2 id="held-h">{t("transaction.approvalTitle")}</h2>
          <p>{t("transaction.approvalText")}</p>
          {tx.approvalExpiresAt ? (
            <Facts
              rows={[
                ["transaction.approvalExpires", f.dateTime(tx.approvalExpiresAt)],
                ["transaction.remaining", <Countdown key="c" until={tx.approvalExpiresAt} />],
              ]}
            />
          ) : null}
        </>
      )}
      <ErrorBox error={error} />
      {done ? <Notice kind="ok">{t(done)}</Notice> : null}
      <div className="actions">
        {mayApprove ? (
          <>
            <button type="button" className="primary" disabled={busy} onClick={() => void act("approve", "transaction.approved")}>
              {t("transaction.approve")}
            </button>
            <button type="button" className="secondary" disabled={busy} onClick={() => void act("reject", "transaction.rejected")}>
              {t("transaction.reject")}
            </button>
          </>
        ) : null}
        {mayCancel ? (
          <button type="button" className="danger" disabled={busy} onClick={() => void act("cancel", "transaction.cancelled")}>
            {t("transaction.cancel")}
          </button>
        ) : null}
      </div>
    </section>
  );
}

function Checks(props: { trail: CheckTrail }) {
  const { t, code, f } = useT();
  const d = props.trail.decision;
  return (
    <>
      {d ? <p>{t(d.status === "cancelled" ? "transaction.decisionCancelled" : "transaction.decisionRejected", { actor: d.actor ?? t("transaction.system"), date: f.dateTime(d.at) })}</p> : null}
      <Table
        caption={t("transaction.checksCaption")}
        rows={props.trail.checks.map((c, i) => ({ ...c, i }))}
        rowKey={(c) => `${c.i}`}
        columns={[
          { head: "transaction.stage", cell: (c) => t(`stage.${c.stage}` as MessageKey) },
          { head: "transaction.code", cell: (c) => <span className="num">{c.code}</span> },
          { head: "transaction.rule", cell: (c) => code("check", c.check) },
          { head: "transaction.outcome", cell: (c) => <Badge kind={c.outcome}>{t(`outcome.${c.outcome}` as MessageKey)}</Badge> },
        ]}
      />
    </>
  );
}
