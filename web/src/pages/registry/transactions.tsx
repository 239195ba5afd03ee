// Transactions the signed-in user may see, filtered by status, kind or account; and the list of
// transactions waiting for the user's approval, with approve and reject at hand.
import { useState } from "react";
import { post, qs } from "../../api/client.ts";
import type { Transaction } from "../../api/types.ts";
import { usePaged } from "../../api/use-paged.ts";
import { ErrorBox, Field, Notice, PagedList, PageTitle, Select } from "../../components/ui.tsx";
import { TX_KIND_CODES, TX_STATUSES } from "../../codes.ts";
import { useT } from "../../i18n/context.tsx";
import { useLocation } from "../../router.tsx";
import { TxTable } from "./tx-table.tsx";

export function TransactionsPage() {
  const { t, code } = useT();
  const { search } = useLocation();
  const [status, setStatus] = useState(search.get("status") ?? "");
  const [kind, setKind] = useState("");
  const [account, setAccount] = useState("");
  const [accountApplied, setAccountApplied] = useState("");
  const list = usePaged<Transaction>(`/v1/transactions${qs({ status, kind, accountId: accountApplied })}`);
  return (
    <>
      <PageTitle title="transactions.title" />
      <p className="intro">{t("transactions.intro")}</p>
      <form
        className="grid2"
        onSubmit={(e) => {
          e.preventDefault();
          setAccountApplied(account.trim().toUpperCase());
        }}
      >
        <Select label="transactions.filterStatus" value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">{t("transactions.allStatuses")}</option>
          {TX_STATUSES.map((s) => (
            <option key={s} value={s}>
              {code("txStatus", s)}
            </option>
          ))}
        </Select>
        <Select label="public.filterKind" value={kind} onChange={(e) => setKind(e.target.value)}>
          <option value="">{t("public.allKinds")}</option>
          {TX_KIND_CODES.map((c) => (
            <option key={c} value={c}>
              {code("txKind", c)}
            </option>
          ))}
        </Select>
        <Field label="transactions.filterAccount" hint="transfer.toHint" value={account} onChange={(e) => setAccount(e.target.value)} onBlur={() => setAccountApplied(account.trim().toUpperCase())} />
      </form>
      <PagedList paged={list}>
        <TxTable caption={t("transactions.caption")} rows={list.items} />
      </PagedList>
    </>
  );
}

export function ApprovalsPage() {
  const { t } = useT();
  const list = usePaged<Transaction>("/v1/transactions/awaiting-my-approval");
  const [error, setError] = useState<unknown>(undefined);
  const [notice, setNotice] = useState<string | null>(null);
  async function decide(id: string, action: "approve" | "reject") {
    setError(undefined);
    setNotice(null);
    try {
      await post(`/v1/transactions/${encodeURIComponent(id)}/${action}`, {});
      setNotice(t(action === "approve" ? "transaction.approved" : "transaction.rejected"));
      list.reload();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <>
      <PageTitle title="approvals.title" />
      <p className="intro">{t("approvals.intro")}</p>
      <ErrorBox error={error} />
      {notice ? <Notice kind="ok">{notice}</Notice> : null}
      <PagedList paged={list}>
        <TxTable
          caption={t("approvals.caption")}
          rows={list.items}
          actions={(tx) => (
            <div className="actions">
              <button type="button" className="primary" onClick={() => void decide(tx.id, "approve")} aria-label={`${t("transaction.approve")}: ${tx.id}`}>
                {t("transaction.approve")}
              </button>
              <button type="button" className="secondary" onClick={() => void decide(tx.id, "reject")} aria-label={`${t("transaction.reject")}: ${tx.id}`}>
                {t("transaction.reject")}
              </button>
            </div>
          )}
        />
      </PagedList>
    </>
  );
}
