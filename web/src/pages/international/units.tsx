// International units: the classes with every credit attribute (they travel with the class), and
// for administrators and the authority the Article 6.2 book: authorizations at their latest
// version and first transfers (each a list that pages: "show more"), and the corresponding
// adjustments per Party and year. Read from the public API (tag international).
import { useApi } from "../../api/use-api.ts";
import { firstPage, usePaged } from "../../api/use-paged.ts";
import { Data, PagedFooter, PageTitle, Qty, Show, Table } from "../../components/ui.tsx";
import { useT } from "../../i18n/context.tsx";
import { abilities, useSession } from "../../session.tsx";

interface Attributes {
  mechanism: string;
  unitType: string;
  creditKind: string | null;
  host: string;
  vintage: number;
  project: string | null;
  cooperativeApproach: string | null;
  labels: string[];
  gwp: string | null;
}
interface IntlClass {
  code: string;
  attributes: Attributes;
  issued: string;
}
interface Authorization {
  seq: string;
  id: string;
  version: number;
  purposes: string;
  authorizedParties: string[];
  quantity: string;
  covered: string;
}
interface FirstTransfer {
  seq: string;
  id: string;
  date: string;
  to: string | null;
  authorization: string;
  blocks: Array<{ series: string; start: string; end: string }>;
}
interface Adjustment {
  party: string;
  year: number;
  quantity: string;
  firstTransferred: string;
  used: string;
}
/** The book's summary; its growing lists are read from their own paged routes. */
interface Book {
  party: string | null;
  adjustments: Adjustment[];
}

export function InternationalPage() {
  const { t } = useT();
  const can = abilities(useSession().me);
  const classes = usePaged<IntlClass>("/v1/international/classes");
  return (
    <>
      <PageTitle title="intl.title" />
      <p className="intro">{t("intl.intro")}</p>
      <h2>{t("intl.classes")}</h2>
      {/* "No class" only once the first page has come: until then the list is loading, not empty */}
      <Show loaded={firstPage(classes)}>
        {() => (
          <>
            <Table
              caption={t("intl.classes")}
              rows={classes.items}
              rowKey={(r) => r.code}
              empty="intl.noClasses"
              columns={[
                { head: "intl.class", cell: (r) => <Data>{r.code}</Data> },
                { head: "intl.mechanism", cell: (r) => <Data>{r.attributes.mechanism}</Data> },
                { head: "intl.unitType", cell: (r) => <Data>{r.attributes.unitType}</Data> },
                { head: "intl.host", cell: (r) => <Data>{r.attributes.host}</Data> },
                { head: "intl.vintage", cell: (r) => r.attributes.vintage },
                { head: "intl.cooperativeApproach", cell: (r) => <Data>{r.attributes.cooperativeApproach ?? "-"}</Data> },
                { head: "intl.labels", cell: (r) => <Data>{r.attributes.labels.join(", ") || "-"}</Data> },
                { head: "intl.issued", cell: (r) => <Qty v={r.issued} />, numeric: true },
              ]}
            />
            <PagedFooter paged={classes} />
          </>
        )}
      </Show>
      {can.admin || can.authority ? <BookSection /> : null}
    </>
  );
}

function BookSection() {
  const { t } = useT();
  const book = useApi<Book>("/v1/international/book");
  const authorizations = usePaged<Authorization>("/v1/international/book/authorizations");
  const firstTransfers = usePaged<FirstTransfer>("/v1/international/book/first-transfers");
  return (
    <Show loaded={book}>
      {(b) => (
        <>
          <h2>{t("intl.book", { party: b.party ?? "-" })}</h2>
          <Show loaded={firstPage(authorizations)}>
            {() => (
              <>
                <Table
                  caption={t("intl.authorizations")}
                  rows={authorizations.items}
                  rowKey={(r) => r.seq}
                  empty="intl.none"
                  columns={[
                    { head: "intl.authorization", cell: (r) => <Data>{r.id}</Data> },
                    { head: "intl.version", cell: (r) => r.version },
                    { head: "intl.purposes", cell: (r) => <Data>{r.purposes}</Data> },
                    { head: "intl.parties", cell: (r) => <Data>{r.authorizedParties.join(", ")}</Data> },
                    { head: "intl.quantity", cell: (r) => <Qty v={r.quantity} />, numeric: true },
                    { head: "intl.covered", cell: (r) => <Qty v={r.covered} />, numeric: true },
                  ]}
                />
                <PagedFooter paged={authorizations} />
              </>
            )}
          </Show>
          <Show loaded={firstPage(firstTransfers)}>
            {() => (
              <>
                <Table
                  caption={t("intl.firstTransfers")}
                  rows={firstTransfers.items}
                  rowKey={(r) => r.seq}
                  empty="intl.none"
                  columns={[
                    { head: "intl.record", cell: (r) => <Data>{r.id}</Data> },
                    { head: "intl.date", cell: (r) => <Data>{r.date}</Data> },
                    { head: "intl.to", cell: (r) => <Data>{r.to ?? "-"}</Data> },
                    { head: "intl.authorization", cell: (r) => <Data>{r.authorization}</Data> },
                    { head: "intl.quantity", cell: (r) => <Qty v={r.blocks.reduce((s, x) => s + BigInt(x.end) - BigInt(x.start) + 1n, 0n)} />, numeric: true },
                  ]}
                />
                <PagedFooter paged={firstTransfers} />
              </>
            )}
          </Show>
          <Table
            caption={t("intl.adjustments")}
            rows={b.adjustments}
            rowKey={(r) => `${r.party}-${r.year}`}
            empty="intl.none"
            columns={[
              { head: "intl.party", cell: (r) => <Data>{r.party}</Data> },
              { head: "intl.year", cell: (r) => r.year },
              { head: "intl.firstTransferred", cell: (r) => <Qty v={r.firstTransferred} />, numeric: true },
              { head: "intl.used", cell: (r) => <Qty v={r.used} />, numeric: true },
              { head: "intl.adjustment", cell: (r) => <Qty v={r.quantity} />, numeric: true },
            ]}
          />
        </>
      )}
    </Show>
  );
}
