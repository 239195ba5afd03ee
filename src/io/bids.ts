// Reading an auction's bids (`bidder,quantity,price`) and qualified bidders (`bidder,guarantee[,covered]`)
// from CSV or XLSX. Quantities are whole allowances and prices exact decimals in the auction's
// decimals (never floats); a malformed value is refused with file, line and column. Rule checks
// (lots, limits, guarantees) are the domain's (src/domain/auction/bids.ts), which name rows too.
import type { Bid, NonCompetitiveBid, QualifiedBidder } from "../domain/auction/types.ts";
import { ArithmeticError, parseDecimal } from "../domain/quantity/index.ts";
import { InputError } from "./csv.ts";
import type { ColumnSpec } from "./csv.ts";
import { readTable } from "./table.ts";

const BID_COLUMNS: readonly ColumnSpec[] = [
  { name: "bidder", type: "string" },
  { name: "quantity", type: "string" },
  { name: "price", type: "string", required: false },
];

const BIDDER_COLUMNS: readonly ColumnSpec[] = [
  { name: "bidder", type: "string" },
  { name: "guarantee", type: "string", required: false },
  { name: "covered", type: "string", required: false },
];

function whole(file: string, line: number, column: string, raw: string): bigint {
  if (!/^-?\d+$/.test(raw)) throw new InputError(file, line, column, `not a whole number: ${JSON.stringify(raw)}`);
  return BigInt(raw);
}

/** A decimal with at most `decimals` places, as an integer of that many places. */
export function money(file: string, line: number, column: string, raw: string, decimals: number): bigint {
  try {
    return parseDecimal(raw, decimals);
  } catch (err) {
    if (err instanceof ArithmeticError) throw new InputError(file, line, column, /more than/.test(err.message) ? `${raw} has more than ${decimals} decimal places` : `not a number: ${JSON.stringify(raw)}`);
    throw err;
  }
}

/** Competitive bids (with a price) and non-competitive ones (price left empty). */
export async function readBids(path: string, priceDecimals: number): Promise<{ bids: Bid[]; nonCompetitive: NonCompetitiveBid[] }> {
  const rows = await readTable(path, BID_COLUMNS);
  const bids: Bid[] = [];
  const nonCompetitive: NonCompetitiveBid[] = [];
  const ids = new Map<string, number>();
  for (const r of rows) {
    const bidder = r.bidder as string;
    let bidderId = ids.get(bidder);
    if (bidderId === undefined) ids.set(bidder, (bidderId = ids.size));
    const quantity = whole(path, r.__line, "quantity", r.quantity as string);
    const price = r.price as string | undefined;
    if (price === undefined) nonCompetitive.push({ bidder, quantity, row: r.__line });
    else bids.push({ bidder, quantity, priceMinor: money(path, r.__line, "price", price, priceDecimals), row: r.__line, bidderId });
  }
  return { bids, nonCompetitive };
}

/** Qualified bidders with their bid guarantees (money) and whether each is a covered entity (yes/no). */
export async function readBidders(path: string, priceDecimals: number): Promise<Map<string, QualifiedBidder>> {
  const rows = await readTable(path, BIDDER_COLUMNS);
  const out = new Map<string, QualifiedBidder>();
  for (const r of rows) {
    const id = r.bidder as string;
    if (out.has(id)) throw new InputError(path, r.__line, "bidder", `duplicate bidder ${JSON.stringify(id)}`);
    const g = r.guarantee as string | undefined;
    const c = (r.covered as string | undefined)?.toLowerCase();
    if (c !== undefined && c !== "yes" && c !== "no") throw new InputError(path, r.__line, "covered", `expected yes or no, got ${JSON.stringify(r.covered)}`);
    const guaranteeMinor = g === undefined ? undefined : money(path, r.__line, "guarantee", g, priceDecimals);
    if (guaranteeMinor !== undefined && guaranteeMinor < 0n) throw new InputError(path, r.__line, "guarantee", "must not be negative");
    out.set(id, { id, guaranteeMinor, covered: c === undefined ? undefined : c === "yes" });
  }
  return out;
}
