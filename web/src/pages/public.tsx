// The public pages: what the registry publishes to everyone without signing in (like the EU's
// public transaction log): the account list, free allocations, completed transactions, and the
// compliance status per operator.
import { useState } from "react";
import type { MessageKey } from "../../../src/i18n/index.ts";
import { qs } from "../api/client.ts";
import type { Account, ComplianceRow, PublicAllocation, PublicTransaction } from "../api/types.ts";
import { usePaged } from "../api/use-paged.ts";
import { Badge, Data, PagedList, PageTitle, Qty, Select, Table } from "../components/ui.tsx";
import { useT } from "../i18n/context.tsx";
import { ACCOUNT_TYPE_CODES, TX_KIND_CODES } from "../codes.ts";

export function PublicAccountsPage() {
  const { t, code, f } = useT();
  const [type, setType] = useState("");
  const list = usePaged<Account>(`/v1/public/accounts${qs({ type })}`);
  return (
    <>
      <PageTitle title="public.accountsTitle" />
      <p className="intro">{t("public.accountsIntro")}</p>
      <Select label="public.filterType" value={type} onChange={(e) => setType(e.target.value)}>
        <option value="">{t("public.allTypes")}</option>
        {ACCOUNT_TYPE_CODES.map((c) => (
          <option key={c} value={c}>
            {code("accountType", c)}
          </option>
        ))}
      </Select>
      <PagedList paged={list}>
        <Table
          caption={t("public.accountsCaption")}
          rows={list.items}
          rowKey={(a) => a.id}
          columns={[
            { head: "col.account", cell: (a) => <Data>{a.id}</Data> },
            { head: "col.holder", cell: (a) => <Data>{a.holder}</Data> },
            { head: "col.name", cell: (a) => <Data>{a.name}</Data> },
            { head: "col.type", cell: (a) => code("accountType", a.type) },
            { head: "col.installation", cell: (a) => (a.installation ? <Data>{a.installation}</Data> : "") },
            { head: "col.status", cell: (a) => <Badge kind={a.status}>{code("accountStatus", a.status)}</Badge> },
            { head: "col.opened", cell: (a) => f.date(a.openedAt) },
          ]}
        />
      </PagedList>
    </>
  );
}

export function PublicAllocationsPage() {
  const { t, f } = useT();
  const list = usePaged<PublicAllocation>("/v1/public/allocations");
  return (
    <>
      <PageTitle title="public.allocationsTitle" />
      <p className="intro">{t("public.allocationsIntro")}</p>
      <PagedList paged={list}>
        <Table
          caption={t("public.allocationsCaption")}
          rows={list.items}
          rowKey={(a) => `${a.transactionId}:${a.accountId}:${a.classCode}`}
          columns={[
            { head: "col.account", cell: (a) => <Data>{a.accountId}</Data> },
            { head: "col.holder", cell: (a) => <Data>{a.holder}</Data> },
            { head: "col.installation", cell: (a) => (a.installation ? <Data>{a.installation}</Data> : "") },
            { head: "col.class", cell: (a) => <Data>{a.classCode}</Data> },
            { head: "col.quantity", cell: (a) => <Qty v={a.quantity} />, numeric: true },
            { head: "col.date", cell: (a) => f.date(a.at) },
            { head: "col.transaction", cell: (a) => <Data>{a.transactionId}</Data> },
          ]}
        />
      </PagedList>
    </>
  );
}

export function PublicTransactionsPage() {
  const { t, f, code } = useT();
  const [kind, setKind] = useState("");
  const list = usePaged<PublicTransaction>(`/v1/public/transactions${qs({ kind })}`);
  const rows = list.items.flatMap((tx) => tx.legs.map((leg, i) => ({ tx, leg, key: `${tx.id}:${i}` })));
  return (
    <>
      <PageTitle title="public.transactionsTitle" />
      <p className="intro">{t("public.transactionsIntro")}</p>
      <Select label="public.filterKind" value={kind} onChange={(e) => setKind(e.target.value)}>
        <option value="">{t("public.allKinds")}</option>
        {TX_KIND_CODES.map((c) => (
          <option key={c} value={c}>
            {code("txKind", c)}
          </option>
        ))}
      </Select>
      <PagedList paged={list}>
        <Table
          caption={t("public.transactionsCaption")}
          rows={rows}
          rowKey={(r) => r.key}
          columns={[
            { head: "col.date", cell: (r) => f.dateTime(r.tx.completedAt) },
            { head: "col.transaction", cell: (r) => <Data>{r.tx.id}</Data> },
            { head: "col.kind", cell: (r) => code("txKind", r.tx.kind) },
            { head: "col.from", cell: (r) => (r.leg.from ? <Data>{r.leg.from}</Data> : t("public.issuance")) },
            { head: "col.to", cell: (r) => <Data>{r.leg.to}</Data> },
            { head: "col.class", cell: (r) => <Data>{r.leg.classCode}</Data> },
            { head: "col.quantity", cell: (r) => <Qty v={r.leg.quantity} />, numeric: true },
          ]}
        />
      </PagedList>
    </>
  );
}

export function PublicCompliancePage() {
  const { t } = useT();
  const list = usePaged<ComplianceRow>("/v1/public/compliance");
  return (
    <>
      <PageTitle title="public.complianceTitle" />
      <p className="intro">{t("public.complianceIntro")}</p>
      <PagedList paged={list}>
        <Table
          caption={t("public.complianceCaption")}
          rows={list.items}
          rowKey={(r) => r.accountId}
          columns={[
            { head: "col.account", cell: (r) => <Data>{r.accountId}</Data> },
            { head: "col.holder", cell: (r) => <Data>{r.holder}</Data> },
            { head: "col.installation", cell: (r) => (r.installation ? <Data>{r.installation}</Data> : "") },
            { head: "public.surrendered", cell: (r) => <Qty v={r.surrendered} />, numeric: true },
            { head: "public.verifiedEmissions", cell: (r) => <Qty v={r.verifiedEmissions} />, numeric: true },
            { head: "col.status", cell: (r) => <Badge kind={r.status}>{t(`public.complianceStatus.${r.status}` as MessageKey)}</Badge> },
          ]}
        />
      </PagedList>
    </>
  );
}
