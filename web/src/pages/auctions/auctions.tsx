// The auctions of the registry and a year's calendar, public like an auction platform's notices:
// each auction's calendar entry, volume, status and, once closed, its clearing price and cover ratio.
import { useState } from "react";
import type { MessageKey } from "../../../../src/i18n/index.ts";
import { usePaged } from "../../api/use-paged.ts";
import { Badge, Data, Field, PagedList, PageTitle, Qty, Table } from "../../components/ui.tsx";
import { useT } from "../../i18n/context.tsx";
import { Link } from "../../router.tsx";

export interface AuctionResults {
  status: string;
  currency: string;
  clearingPrice: string | null;
  offered: string;
  sold: string;
  reserveSold: string;
  withheld: string;
  unsold: string;
  cancelled: string;
  bidVolume: string;
  coverRatio: string | null;
  proceeds: string;
  bidders: number;
  winners: number;
  closedAt: string;
  awards?: Array<{ bidder: string; accountId: string; quantity: string; payment: string }>;
  /** The proceeds split by the revenue table, recorded at settlement; null before it. */
  revenue?: { table: string; currency: string; proceeds: string; parts: Array<{ recipient: string; share: string | null; retained: boolean; amount: string }> } | null;
}

export interface Auction {
  id: string;
  year: number;
  number: number;
  month: string;
  currency: string;
  classCode: string;
  auctionAccount: string;
  offered: string;
  status: string;
  rules: { reservePrice: string | null; lotSize: string; priceDecimals: number; maxBidderShare: string | null; tieBreak: string };
  results: AuctionResults | null;
}

interface CalendarEntry {
  year: number;
  number: number;
  month: string;
  planned: string;
  adjustment: string;
  volume: string;
  auctionId: string | null;
}

export const auctionPath = (id: string) => `/auctions/${encodeURIComponent(id)}`;

const STATUS: Record<string, MessageKey> = {
  open: "auctions.status.open",
  cleared: "auctions.status.cleared",
  undersubscribed: "auctions.status.undersubscribed",
  cancelled: "auctions.status.cancelled",
  settled: "auctions.status.settled",
};

export function AuctionStatus(props: { status: string }) {
  const { t } = useT();
  const key = STATUS[props.status];
  return <Badge kind={props.status}>{key ? t(key) : props.status}</Badge>;
}

export function AuctionsPage() {
  const { t } = useT();
  const [year, setYear] = useState(String(new Date().getFullYear()));
  const list = usePaged<Auction>("/v1/auctions");
  const calendar = usePaged<CalendarEntry>(/^\d{4}$/.test(year) ? `/v1/auction-calendar/${year}` : null);
  return (
    <>
      <PageTitle title="auctions.title" />
      <p className="intro">{t("auctions.intro")}</p>
      <PagedList paged={list}>
        <Table
          caption={t("auctions.listCaption")}
          rows={list.items}
          rowKey={(a) => a.id}
          empty="auctions.none"
          columns={[
            { head: "auctions.auction", cell: (a) => <Link to={auctionPath(a.id)}><Data>{a.id}</Data></Link> },
            { head: "auctions.month", cell: (a) => <Data>{a.month}</Data> },
            { head: "auctions.offered", cell: (a) => <Qty v={a.offered} />, numeric: true },
            { head: "col.status", cell: (a) => <AuctionStatus status={a.status} /> },
            { head: "auctions.clearingPrice", cell: (a) => (a.results?.clearingPrice ? <Data>{`${a.currency} ${a.results.clearingPrice}`}</Data> : ""), numeric: true },
            { head: "auctions.coverRatio", cell: (a) => (a.results?.coverRatio ? <span className="num">{a.results.coverRatio}</span> : ""), numeric: true },
          ]}
        />
      </PagedList>
      <section aria-labelledby="calendar-h">
        <h2 id="calendar-h">{t("auctions.calendar")}</h2>
        <Field label="auctions.year" inputMode="numeric" value={year} onChange={(e) => setYear(e.target.value)} />
        <PagedList paged={calendar}>
          <Table
            caption={t("auctions.calendarCaption", { year })}
            rows={calendar.items}
            rowKey={(e) => String(e.number)}
            empty="auctions.noCalendar"
            columns={[
              { head: "auctions.number", cell: (e) => <span className="num">{e.number}</span>, numeric: true },
              { head: "auctions.month", cell: (e) => <Data>{e.month}</Data> },
              { head: "auctions.planned", cell: (e) => <Qty v={e.planned} />, numeric: true },
              { head: "auctions.adjustment", cell: (e) => <span className="num">{e.adjustment}</span>, numeric: true },
              { head: "auctions.volume", cell: (e) => <Qty v={e.volume} />, numeric: true },
              { head: "auctions.auction", cell: (e) => (e.auctionId ? <Link to={auctionPath(e.auctionId)}><Data>{e.auctionId}</Data></Link> : "") },
            ]}
          />
        </PagedList>
      </section>
    </>
  );
}
