// One auction: its calendar entry, rules and status; once closed, the results as the platform
// publishes them (and the signed-in bidder's own award), and once settled the split of the
// proceeds by the revenue table. Bids are sealed: a representative of a
// bidder's account sees and places that bidder's bids; administrators see none before the close
// (the API answers "sealed"), and close and settle the auction here. The API has the last word.
import { useState } from "react";
import { ApiError, commandId, post } from "../../api/client.ts";
import { useApi } from "../../api/use-api.ts";
import { useAll } from "../../api/use-all.ts";
import { usePaged } from "../../api/use-paged.ts";
import { CutNotice, Data, ErrorBox, Facts, Field, Notice, PagedList, PageTitle, Qty, Show, Table } from "../../components/ui.tsx";
import { useT } from "../../i18n/context.tsx";
import { abilities, useSession } from "../../session.tsx";
import { type Auction, type AuctionResults, AuctionStatus } from "./auctions.tsx";

interface Bid {
  bidNo: number;
  bidder: string;
  quantity: string;
  priceMinor: string | null;
  submittedAt: string;
}

/** Minor units as a decimal string with `places` decimals (string arithmetic: no floating point). */
function decimal(minor: string, places: number): string {
  if (places === 0) return minor;
  const p = minor.padStart(places + 1, "0");
  return `${p.slice(0, -places)}.${p.slice(-places)}`;
}

interface Bidder {
  bidder: string;
  accountId: string;
}

export function AuctionPage(props: { params: Record<string, string> }) {
  const id = props.params.auctionId ?? "";
  const auction = useApi<Auction>(`/v1/auctions/${encodeURIComponent(id)}`);
  return (
    <>
      <PageTitle title="auction.title" params={{ id }} />
      <Show loaded={auction}>{(a) => <AuctionBody auction={a} reload={auction.reload} />}</Show>
    </>
  );
}

function AuctionBody(props: { auction: Auction; reload: () => void }) {
  const { t } = useT();
  const { me } = useSession();
  const can = abilities(me);
  const a = props.auction;
  const path = `/v1/auctions/${encodeURIComponent(a.id)}`;
  return (
    <>
      <Facts
        rows={[
          ["col.status", <AuctionStatus key="s" status={a.status} />],
          ["auctions.month", <Data key="m">{a.month}</Data>],
          ["auctions.offered", <Qty key="o" v={a.offered} />],
          ["col.class", <Data key="c">{a.classCode}</Data>],
          ["auction.reservePrice", a.rules.reservePrice ? <Data key="r">{`${a.currency} ${a.rules.reservePrice}`}</Data> : t("auction.noReservePrice")],
          ["auction.lotSize", <Qty key="l" v={a.rules.lotSize} />],
        ]}
      />
      {a.results ? <Results auction={a} /> : <p>{t("auction.resultsAfterClose")}</p>}
      {can.representative || can.admin || can.authority ? <Bids auction={a} path={path} reload={props.reload} /> : null}
      {can.admin ? <AdminActions auction={a} path={path} reload={props.reload} /> : null}
      <p className="hint">{t("auction.sealedHint")}</p>
    </>
  );
}

function Results(props: { auction: Auction }) {
  const { t } = useT();
  const a = props.auction;
  const mine = useApi<AuctionResults>(`/v1/auctions/${encodeURIComponent(a.id)}/results`);
  const r = a.results as AuctionResults;
  return (
    <section aria-labelledby="results-h">
      <h2 id="results-h">{t("auction.results")}</h2>
      <Facts
        rows={[
          ["auctions.clearingPrice", r.clearingPrice ? <Data key="p">{`${r.currency} ${r.clearingPrice}`}</Data> : t("auction.noClearingPrice")],
          ["auction.sold", <Qty key="s" v={r.sold} />],
          ["auction.reserveSold", <Qty key="rs" v={r.reserveSold} />],
          ["auction.withheld", <Qty key="w" v={r.withheld} />],
          ["auction.unsold", <Qty key="u" v={r.unsold} />],
          ["auction.bidVolume", <Qty key="b" v={r.bidVolume} />],
          ["auctions.coverRatio", <span key="c" className="num">{r.coverRatio ?? "-"}</span>],
          ["auction.proceeds", <Data key="pr">{`${r.currency} ${r.proceeds}`}</Data>],
          ["auction.bidders", <span key="n" className="num">{`${r.bidders} / ${r.winners}`}</span>],
        ]}
      />
      <Show loaded={mine}>
        {(m) => (
          <>
            {m.awards && m.awards.length > 0 ? (
              <Table
                caption={t("auction.awardsCaption")}
                rows={m.awards}
                rowKey={(w) => w.bidder}
                columns={[
                  { head: "auction.bidder", cell: (w) => <Data>{w.bidder}</Data> },
                  { head: "col.account", cell: (w) => <Data>{w.accountId}</Data> },
                  { head: "col.quantity", cell: (w) => <Qty v={w.quantity} />, numeric: true },
                  { head: "auction.payment", cell: (w) => <Data>{`${r.currency} ${w.payment}`}</Data>, numeric: true },
                ]}
              />
            ) : null}
            {m.revenue ? <Revenue revenue={m.revenue} /> : null}
          </>
        )}
      </Show>
    </section>
  );
}

/** The proceeds split by the rulebook's revenue table, as recorded at settlement (public). */
function Revenue(props: { revenue: NonNullable<AuctionResults["revenue"]> }) {
  const { t } = useT();
  const v = props.revenue;
  return (
    <Table
      caption={t("auction.revenueCaption", { proceeds: `${v.currency} ${v.proceeds}` })}
      rows={v.parts}
      rowKey={(p) => `${p.recipient}/${p.retained ? "r" : "s"}`}
      columns={[
        { head: "auction.recipient", cell: (p) => (p.retained ? t("auction.retained") : <Data>{p.recipient}</Data>) },
        { head: "auction.share", cell: (p) => <span className="num">{p.share ?? "-"}</span>, numeric: true },
        { head: "auction.amount", cell: (p) => <Data>{`${v.currency} ${p.amount}`}</Data>, numeric: true },
      ]}
    />
  );
}

function Bids(props: { auction: Auction; path: string; reload: () => void }) {
  const { t } = useT();
  const a = props.auction;
  const bids = usePaged<Bid>(`${props.path}/bids`);
  // the bid form's choice: the bidders the caller represents (a representative's own), every page
  const bidders = useAll<Bidder>(`${props.path}/bidders`);
  const sealed = bids.error instanceof ApiError && bids.error.problem?.check === "bids-sealed";
  const money = (minor: string | null) => (minor === null ? t("auction.nonCompetitive") : `${a.currency} ${decimal(minor, a.rules.priceDecimals)}`);
  return (
    <section aria-labelledby="bids-h">
      <h2 id="bids-h">{t("auction.bids")}</h2>
      {sealed ? (
        <Notice kind="info">{t("auction.sealed")}</Notice>
      ) : (
        <>
          <PagedList paged={bids}>
            <Table
              caption={t("auction.bidsCaption")}
              rows={bids.items}
              rowKey={(x) => String(x.bidNo)}
              empty="auction.noBids"
              columns={[
                { head: "auction.bidder", cell: (x) => <Data>{x.bidder}</Data> },
                { head: "col.quantity", cell: (x) => <Qty v={x.quantity} />, numeric: true },
                { head: "auction.price", cell: (x) => <Data>{money(x.priceMinor)}</Data>, numeric: true },
              ]}
            />
          </PagedList>
        </>
      )}
      {a.status === "open" ? (
        <Show loaded={bidders}>
          {(list) => (
            <>
              <CutNotice all={list} />
              {list.items.length > 0 ? <BidForm path={props.path} bidders={list.items} reload={() => { bids.reload(); props.reload(); }} /> : null}
            </>
          )}
        </Show>
      ) : null}
    </section>
  );
}

function BidForm(props: { path: string; bidders: Bidder[]; reload: () => void }) {
  const { t } = useT();
  const { me } = useSession();
  const mine = props.bidders.filter((b) => me?.representing.some((r) => r.accountId === b.accountId && r.initiate));
  const [bidder, setBidder] = useState(mine[0]?.bidder ?? "");
  const [quantity, setQuantity] = useState("");
  const [price, setPrice] = useState("");
  const [error, setError] = useState<unknown>(undefined);
  const [done, setDone] = useState(false);
  if (mine.length === 0) return null;
  async function submit(e: { preventDefault(): void }) {
    e.preventDefault();
    setError(undefined);
    setDone(false);
    try {
      await post(`${props.path}/bids`, { commandId: commandId("bid"), bidder, quantity, price: price === "" ? null : price });
      setDone(true);
      setQuantity("");
      setPrice("");
      props.reload();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby="bid-h">
      <h3 id="bid-h">{t("auction.placeBid")}</h3>
      {mine.length > 1 ? (
        <div className="field">
          <label htmlFor="bid-bidder">{t("auction.bidder")}</label>
          <select id="bid-bidder" value={bidder} onChange={(e) => setBidder(e.target.value)}>
            {mine.map((b) => (
              <option key={b.bidder} value={b.bidder}>
                {b.bidder}
              </option>
            ))}
          </select>
        </div>
      ) : (
        <p>{t("auction.bidFor", { bidder })}</p>
      )}
      <Field label="auction.quantity" inputMode="numeric" required value={quantity} onChange={(e) => setQuantity(e.target.value)} />
      <Field label="auction.priceField" hint="auction.priceHint" inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} />
      <ErrorBox error={error} />
      {done ? <Notice kind="ok">{t("auction.bidPlaced")}</Notice> : null}
      <div className="actions">
        <button type="submit" className="primary">
          {t("auction.submitBid")}
        </button>
      </div>
    </form>
  );
}

function AdminActions(props: { auction: Auction; path: string; reload: () => void }) {
  const { t } = useT();
  const a = props.auction;
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<"closed" | "settled" | null>(null);
  const settleable = a.status === "cleared" || a.status === "undersubscribed";
  if (a.status !== "open" && !settleable) return done ? <Notice kind="ok">{t(done === "closed" ? "auction.closedNotice" : "auction.settledNotice")}</Notice> : null;
  async function act(what: "close" | "settle") {
    if (what === "close" && !window.confirm(t("auction.closeConfirm"))) return;
    setBusy(true);
    setError(undefined);
    try {
      await post(`${props.path}/${what}`, { commandId: commandId(what) });
      setDone(what === "close" ? "closed" : "settled");
      props.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <section aria-labelledby="admin-h">
      <h2 id="admin-h">{t("auction.administration")}</h2>
      <p>{t(a.status === "open" ? "auction.closeText" : "auction.settleText")}</p>
      <ErrorBox error={error} />
      {done ? <Notice kind="ok">{t(done === "closed" ? "auction.closedNotice" : "auction.settledNotice")}</Notice> : null}
      <div className="actions">
        {a.status === "open" ? (
          <button type="button" className="danger" disabled={busy} onClick={() => void act("close")}>
            {t("auction.close")}
          </button>
        ) : (
          <button type="button" className="primary" disabled={busy} onClick={() => void act("settle")}>
            {t("auction.settle")}
          </button>
        )}
      </div>
    </section>
  );
}
