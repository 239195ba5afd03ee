// The table of transactions shared by the transactions page, an account's page and the approvals
// page: id (a link), kind, status, what moves, when and by whom.
import type { ReactNode } from "react";
import type { Transaction } from "../../api/types.ts";
import { Badge, Data, Qty, type Column, Table } from "../../components/ui.tsx";
import { useT } from "../../i18n/context.tsx";
import { Link } from "../../router.tsx";

export const txPath = (id: string) => `/registry/transactions/${encodeURIComponent(id)}`;

export function TxStatusBadge(props: { tx: Pick<Transaction, "status" | "securityStatus"> }) {
  const { code } = useT();
  const s = props.tx.securityStatus ?? props.tx.status;
  return <Badge kind={s}>{code("txStatus", s)}</Badge>;
}

export function Legs(props: { tx: Transaction }) {
  const { t } = useT();
  return (
    <ul className="legs">
      {props.tx.legs.map((l, i) => (
        <li key={`${i}-${l.classCode}`}>
          <Qty v={l.quantity} /> <Data>{l.classCode}</Data>: {l.from ? <Data>{l.from}</Data> : t("public.issuance")} → <Data>{l.to}</Data>
        </li>
      ))}
    </ul>
  );
}

export function TxTable(props: { caption: string; rows: readonly Transaction[]; actions?: (tx: Transaction) => ReactNode }) {
  const { code, f } = useT();
  const columns: Column<Transaction>[] = [
    { head: "col.transaction", cell: (tx) => <Link to={txPath(tx.id)}><Data>{tx.id}</Data></Link> },
    { head: "col.kind", cell: (tx) => code("txKind", tx.kind) },
    { head: "col.status", cell: (tx) => <TxStatusBadge tx={tx} /> },
    { head: "transactions.legs", cell: (tx) => <Legs tx={tx} /> },
    { head: "transactions.created", cell: (tx) => f.dateTime(tx.createdAt) },
    { head: "transactions.initiator", cell: (tx) => (tx.initiator ? <Data>{tx.initiator}</Data> : "") },
  ];
  if (props.actions) columns.push({ head: "trusted.actions", cell: props.actions });
  return <Table caption={props.caption} rows={props.rows} rowKey={(tx) => tx.id} columns={columns} />;
}
