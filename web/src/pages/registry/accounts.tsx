// The registry's accounts for signed-in users: the ones I represent first, then every account
// (filtered by type or holder), each a link to its page.
import { useState } from "react";
import { qs } from "../../api/client.ts";
import type { Account } from "../../api/types.ts";
import { usePaged } from "../../api/use-paged.ts";
import { Badge, Data, Field, PagedList, PageTitle, Select, Table } from "../../components/ui.tsx";
import { ACCOUNT_TYPE_CODES } from "../../codes.ts";
import { useT } from "../../i18n/context.tsx";
import { Link } from "../../router.tsx";
import { useSession } from "../../session.tsx";

export const accountPath = (id: string) => `/registry/accounts/${encodeURIComponent(id)}`;

export function AccountLink(props: { id: string | null }) {
  if (props.id === null) return null;
  return (
    <Link to={accountPath(props.id)}>
      <Data>{props.id}</Data>
    </Link>
  );
}

export function AccountsPage() {
  const { t, code, f } = useT();
  const { me } = useSession();
  const [type, setType] = useState("");
  const [holder, setHolder] = useState("");
  const [holderApplied, setHolderApplied] = useState("");
  const list = usePaged<Account>(`/v1/accounts${qs({ type, holder: holderApplied })}`);
  return (
    <>
      <PageTitle title="accounts.title" />
      <p className="intro">{t("accounts.intro")}</p>
      {me && me.representing.length > 0 ? (
        <section aria-labelledby="mine-h">
          <h2 id="mine-h">{t("accounts.mine")}</h2>
          <ul>
            {me.representing.map((r) => (
              <li key={r.accountId}>
                <AccountLink id={r.accountId} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section aria-labelledby="all-h">
        <h2 id="all-h">{t("accounts.all")}</h2>
        <form
          className="grid2"
          onSubmit={(e) => {
            e.preventDefault();
            setHolderApplied(holder.trim());
          }}
        >
          <Select label="public.filterType" value={type} onChange={(e) => setType(e.target.value)}>
            <option value="">{t("public.allTypes")}</option>
            {ACCOUNT_TYPE_CODES.map((c) => (
              <option key={c} value={c}>
                {code("accountType", c)}
              </option>
            ))}
          </Select>
          <Field label="accounts.holderFilter" value={holder} onChange={(e) => setHolder(e.target.value)} onBlur={() => setHolderApplied(holder.trim())} />
        </form>
        <PagedList paged={list}>
          <Table
            caption={t("accounts.caption")}
            rows={list.items}
            rowKey={(a) => a.id}
            columns={[
              { head: "col.account", cell: (a) => <AccountLink id={a.id} /> },
              { head: "col.holder", cell: (a) => <Data>{a.holder}</Data> },
              { head: "col.name", cell: (a) => <Data>{a.name}</Data> },
              { head: "col.type", cell: (a) => code("accountType", a.type) },
              { head: "col.status", cell: (a) => <Badge kind={a.status}>{code("accountStatus", a.status)}</Badge> },
              { head: "col.opened", cell: (a) => f.date(a.openedAt) },
            ]}
          />
        </PagedList>
      </section>
    </>
  );
}
