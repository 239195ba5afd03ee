// An account's trusted account list: each entry with its status and the date it becomes active
// (after the second person's approval and the working-day delay); representatives propose,
// approve (never their own proposal: the API refuses it with the four-eyes rule) and remove.
import { type FormEvent, useState } from "react";
import { del, post } from "../../api/client.ts";
import type { Account, TrustedEntry } from "../../api/types.ts";
import { firstPage, usePaged } from "../../api/use-paged.ts";
import { Badge, Data, ErrorBox, Field, Notice, PagedFooter, Show, Table } from "../../components/ui.tsx";
import { useT } from "../../i18n/context.tsx";
import { abilities, useSession } from "../../session.tsx";
import { AccountLink } from "./accounts.tsx";

const ACCOUNT_ID = /^[A-Z0-9][A-Z0-9-]{1,63}$/;

export function TrustedList(props: { account: Account }) {
  const { t, code, f } = useT();
  const { me } = useSession();
  const enc = encodeURIComponent(props.account.id);
  const list = usePaged<TrustedEntry>(`/v1/accounts/${enc}/trusted`);
  const [target, setTarget] = useState("");
  const [targetError, setTargetError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [notice, setNotice] = useState<string | null>(null);
  const mine = me?.representing.find((r) => r.accountId === props.account.id);
  const admin = abilities(me).admin;
  const mayPropose = admin || !!mine?.initiate;
  const mayApprove = admin || !!mine?.approve;

  async function run(fn: () => Promise<string>) {
    setError(undefined);
    setNotice(null);
    try {
      setNotice(await fn());
      list.reload();
    } catch (err) {
      setError(err);
    }
  }

  function propose(e: FormEvent) {
    e.preventDefault();
    const id = target.trim().toUpperCase();
    if (!ACCOUNT_ID.test(id)) {
      setTargetError(t("transfer.toInvalid"));
      return;
    }
    setTargetError(null);
    void run(async () => {
      const entry = await post<TrustedEntry>(`/v1/accounts/${enc}/trusted`, { trustedAccountId: id });
      setTarget("");
      return t("trusted.proposedNotice", { date: f.dateTime(entry.activeFrom) });
    });
  }

  return (
    <section aria-labelledby="trusted-h">
      <h2 id="trusted-h">{t("trusted.title")}</h2>
      <p className="hint">{t("trusted.intro")}</p>
      <ErrorBox error={error} />
      {notice ? <Notice kind="ok">{notice}</Notice> : null}
      <Show loaded={firstPage(list)}>
        {() => (
          <>
            <Table
              caption={t("trusted.caption")}
              rows={list.items}
              rowKey={(e) => e.trustedAccountId}
              columns={[
                { head: "trusted.account", cell: (e) => <AccountLink id={e.trustedAccountId} /> },
                { head: "col.status", cell: (e) => <Badge kind={e.status}>{code("trustedStatus", e.status)}</Badge> },
                { head: "trusted.activeFrom", cell: (e) => <span data-testid="active-from">{f.dateTime(e.activeFrom)}</span> },
                { head: "trusted.proposed", cell: (e) => f.dateTime(e.proposedAt) },
                { head: "trusted.proposedBy", cell: (e) => (e.addedBy ? <Data>{e.addedBy}</Data> : "") },
                { head: "trusted.approvedBy", cell: (e) => (e.approvedBy ? <Data>{e.approvedBy}</Data> : "") },
                {
                  head: "trusted.actions",
                  cell: (e) => (
                    <div className="actions">
                      {e.status === "awaiting_approval" && mayApprove && e.addedBy !== me?.userId ? (
                        <button
                          type="button"
                          className="primary"
                          onClick={() =>
                            void run(async () => {
                              const x = await post<TrustedEntry>(`/v1/accounts/${enc}/trusted/${encodeURIComponent(e.trustedAccountId)}/approve`);
                              return t("trusted.approvedNotice", { date: f.dateTime(x.activeFrom) });
                            })
                          }
                        >
                          {t("trusted.approve")}
                        </button>
                      ) : null}
                      {mayPropose ? (
                        <button
                          type="button"
                          className="secondary"
                          onClick={() =>
                            void run(async () => {
                              await del(`/v1/accounts/${enc}/trusted/${encodeURIComponent(e.trustedAccountId)}`);
                              return t("trusted.removedNotice");
                            })
                          }
                        >
                          {t("trusted.remove")}
                        </button>
                      ) : null}
                    </div>
                  ),
                },
              ]}
            />
            <PagedFooter paged={list} />
          </>
        )}
      </Show>
      {mayPropose ? (
        <form onSubmit={propose}>
          <h3>{t("trusted.add")}</h3>
          <Field label="trusted.addField" hint="transfer.toHint" value={target} error={targetError} onChange={(e) => setTarget(e.target.value)} />
          <button type="submit" className="primary">
            {t("trusted.addSubmit")}
          </button>
        </form>
      ) : null}
    </section>
  );
}

