// One account: its facts, its holdings per class with the serial blocks (total, earmarked and
// available when the ledger reports them, and the credit attributes of international classes), its trusted account list, representatives and
// transactions.
import type { Account, Holding, Representative, Transaction } from "../../api/types.ts";
import { qs } from "../../api/client.ts";
import { useApi } from "../../api/use-api.ts";
import { firstPage, usePaged } from "../../api/use-paged.ts";
import { Badge, Data, Facts, PagedFooter, PagedList, PageTitle, Qty, Show, Table } from "../../components/ui.tsx";
import { useT } from "../../i18n/context.tsx";
import { Link } from "../../router.tsx";
import { useSession } from "../../session.tsx";
import { AccountStateForm } from "./account-state.tsx";
import { TrustedList } from "./trusted.tsx";
import { TxTable } from "./tx-table.tsx";

const BLOCK_LIMIT = 200;

export function AccountPage(props: { params: Record<string, string> }) {
  const id = props.params.accountId ?? "";
  const { t } = useT();
  const account = useApi<Account>(`/v1/accounts/${encodeURIComponent(id)}`);
  return (
    <>
      <PageTitle title="account.title" params={{ id }} />
      <Show loaded={account}>{(a) => <AccountBody a={a} changed={account.reload} />}</Show>
      <p className="hint">{t("accounts.intro")}</p>
    </>
  );
}

function AccountBody(props: { a: Account; changed: () => void }) {
  const { t, code, f } = useT();
  const { me } = useSession();
  const a = props.a;
  const enc = encodeURIComponent(a.id);
  const holdings = useApi<{ accountId: string; holdings: Holding[] }>(`/v1/accounts/${enc}/holdings${qs({ blocks: "true", blockLimit: BLOCK_LIMIT })}`);
  const reps = usePaged<Representative>(`/v1/accounts/${enc}/representatives`);
  const txs = usePaged<Transaction>(`/v1/transactions${qs({ accountId: a.id })}`, 20);
  const mine = me?.representing.find((r) => r.accountId === a.id);
  return (
    <>
      <Facts
        rows={[
          ["col.account", <Data key="i">{a.id}</Data>],
          ["col.holder", <Data key="h">{a.holder}</Data>],
          ["col.name", <Data key="n">{a.name}</Data>],
          ["col.type", code("accountType", a.type)],
          ["col.installation", a.installation ? <Data key="in">{a.installation}</Data> : t("common.notAvailable")],
          ["col.status", <Badge key="s" kind={a.status}>{code("accountStatus", a.status)}</Badge>],
          ...(a.statusReason ? ([["accountState.reason", <Data key="r">{a.statusReason}</Data>]] as const) : []),
          ...(a.statusSince && a.status !== "open" ? ([["accountState.since", f.dateTime(a.statusSince)]] as const) : []),
          ["col.opened", f.dateTime(a.openedAt)],
        ]}
      />
      <AccountStateForm account={a} changed={props.changed} />
      {mine?.initiate ? (
        <p>
          <Link to={`/registry/transfer${qs({ from: a.id })}`}>{t("account.newTransfer")}</Link>
        </p>
      ) : null}
      <section aria-labelledby="holdings-h">
        <h2 id="holdings-h">{t("account.holdings")}</h2>
        <Show loaded={holdings}>{(h) => <Holdings holdings={h.holdings} />}</Show>
      </section>
      <TrustedList account={a} />
      <section aria-labelledby="tx-h">
        <h2 id="tx-h">{t("account.transactions")}</h2>
        <PagedList paged={txs}>
          <TxTable caption={t("account.transactions")} rows={txs.items} />
        </PagedList>
      </section>
      <section aria-labelledby="reps-h">
        <h2 id="reps-h">{t("account.representatives")}</h2>
        <Show loaded={firstPage(reps)}>
          {() => (
            <>
              <Table
                caption={t("account.representativesCaption")}
                rows={reps.items}
                rowKey={(x) => x.userId}
                columns={[
                  { head: "account.user", cell: (x) => <Data>{x.userId}</Data> },
                  { head: "profile.initiate", cell: (x) => t(x.initiate ? "common.yes" : "common.no") },
                  { head: "profile.approve", cell: (x) => t(x.approve ? "common.yes" : "common.no") },
                ]}
              />
              <PagedFooter paged={reps} />
            </>
          )}
        </Show>
      </section>
    </>
  );
}

/** The attributes in their defining order (src/domain/international/attributes.ts), `name value` for each one set. */
const ATTRIBUTE_ORDER = ["mechanism", "unitType", "creditKind", "host", "vintage", "methodology", "project", "sector", "activityType", "commitmentPeriod", "cooperativeApproach", "labels", "expiry", "gwp"];
function attributesText(a: Record<string, unknown>): string {
  const keys = [...ATTRIBUTE_ORDER.filter((k) => k in a), ...Object.keys(a).filter((k) => !ATTRIBUTE_ORDER.includes(k)).sort()];
  return keys
    .filter((k) => a[k] !== null && a[k] !== undefined && !(Array.isArray(a[k]) && (a[k] as unknown[]).length === 0))
    .map((k) => `${k} ${Array.isArray(a[k]) ? (a[k] as unknown[]).join("+") : String(a[k])}`)
    .join(", ");
}

function Holdings(props: { holdings: Holding[] }) {
  const { t, code } = useT();
  if (props.holdings.length === 0) return <p>{t("account.noHoldings")}</p>;
  // The ledger's earmarks add these two figures; before that only the total exists.
  const earmarks = props.holdings.some((h) => h.earmarked !== undefined || h.available !== undefined);
  return (
    <>
      <Table
        caption={t("account.holdingsCaption")}
        rows={props.holdings}
        rowKey={(h) => h.classCode}
        columns={[
          { head: "col.class", cell: (h) => <Data>{h.classCode}</Data> },
          { head: "col.unitType", cell: (h) => code("unitType", h.unitType) },
          { head: "account.total", cell: (h) => <Qty v={h.quantity} />, numeric: true },
          ...(earmarks
            ? [
                { head: "account.earmarked" as const, cell: (h: Holding) => <Qty v={h.earmarked ?? "0"} />, numeric: true },
                { head: "account.available" as const, cell: (h: Holding) => <Qty v={h.available ?? h.quantity} />, numeric: true },
              ]
            : []),
          { head: "account.blocks", cell: (h) => <span className="num">{h.blockCount}</span>, numeric: true },
          // International classes carry their credit attributes; the column shows when one is held.
          ...(props.holdings.some((h) => h.attributes) ? [{ head: "account.attributes" as const, cell: (h: Holding) => (h.attributes ? <Data>{attributesText(h.attributes)}</Data> : "-") }] : []),
        ]}
      />
      {props.holdings.map((h) => (
        <details key={h.classCode} className="blocks">
          <summary>{t("account.showBlocks", { n: String(h.blockCount), cls: h.classCode })}</summary>
          <Table
            caption={t("account.blocksCaption", { cls: h.classCode })}
            rows={h.blocks ?? []}
            rowKey={(b) => b.start}
            columns={[
              { head: "account.blockStart", cell: (b) => <span className="num">{b.start}</span>, numeric: true },
              { head: "account.blockEnd", cell: (b) => <span className="num">{b.end}</span>, numeric: true },
              { head: "col.quantity", cell: (b) => <Qty v={b.quantity} />, numeric: true },
            ]}
          />
          {h.blocks && h.blocks.length < h.blockCount ? <p className="hint">{t("account.blocksTruncated", { shown: String(h.blocks.length), n: String(h.blockCount) })}</p> : null}
        </details>
      ))}
    </>
  );
}
