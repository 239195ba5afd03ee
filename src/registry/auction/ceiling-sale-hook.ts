// The rule a hard ceiling's sale keeps on every `ceiling_sale` write (a hook, src/registry/ledger/
// hooks.ts, installed from src/registry/scheme-rules.ts so every door keeps it): the transfer
// carries exactly what its own issuance beyond the cap (`<id>.issue`) created, to a covered entity,
// where the rulebook keeps its ceiling by fixed-price sales; the sale row is written beside it in
// the same database transaction. The sale itself is src/registry/auction/ceiling-sales.ts; this
// file imports nothing of the service so the registry's opening can install it.
import { auctionRefusal } from "../../domain/auction/checks.ts";
import { schemeYearOf } from "../../domain/compliance/periods.ts";
import type { Refusal } from "../../domain/ledger/checks.ts";
import type { Rulebook } from "../../domain/rulebook/index.ts";
import { collarFor } from "../../domain/stability/index.ts";
import type { Sql } from "../../store/db.ts";
import { localDay } from "../compliance/hook.ts";
import type { HookStep, LedgerService } from "../ledger/index.ts";
import { getTransaction } from "../ledger/reads.ts";

export const MAX_QUANTITY = 10n ** 15n;
const MAX_AMOUNT = 10n ** 30n;

/** The year's ceiling price where the rulebook keeps it by fixed-price sales, else the refusal. */
export function salePrice(rb: { name: string; rulebook: Rulebook } | null, year: number): { priceMinor: bigint; decimals: number; currency: string } | Refusal {
  if (!rb) return auctionRefusal("NO_RULES", "the registry records no rulebook", {});
  const c = collarFor(rb.rulebook, year).ceiling;
  if (!c) return auctionRefusal("CEILING_NONE", `${rb.name} has no price ceiling in ${year}`, { year });
  if (c.mechanism !== "fixed-price-sale")
    return auctionRefusal("CEILING_NOT_SALE", `${rb.name} keeps its ceiling by ${c.mechanism}, not by fixed-price sales beyond the cap`, { year, mechanism: c.mechanism });
  return { priceMinor: c.priceMinor, decimals: c.decimals, currency: rb.rulebook.currency };
}

/** The buyer is a covered entity: an open operator holding account of an installation registered for compliance. */
export async function eligible(sql: Sql, account: string): Promise<{ installation: string } | Refusal> {
  const r = await sql.query<{ installation: string | null; status: string | null; type: string | null }>(
    "SELECT ci.installation, a.status, a.type FROM accounts a LEFT JOIN compliance_installations ci ON ci.account_id = a.id WHERE a.id = $1",
    [account],
  );
  const a = r.rows[0];
  const why = !a ? "does not exist" : a.status !== "open" ? `is ${a.status}` : a.installation === null ? "is not the account of an installation registered for compliance" : null;
  if (why || !a?.installation) return auctionRefusal("CEILING_BUYER_NOT_ELIGIBLE", `account ${account} ${why ?? "is not eligible"}: a sale at the ceiling is made to a covered entity`, { field: "account", account });
  return { installation: a.installation };
}

/** The scheme year of the sale (a fiscal year where the rulebook counts them: FY2026 runs April 2026 to March 2027 in Japan), in the registry's time zone. */
export const saleYear = (rb: Rulebook | null, now: string) => (rb ? schemeYearOf(rb, localDay(rb, now)) : Number(now.slice(0, 4)));

/**
 * The rule on every ceiling_sale write: a completed transfer of exactly what its own issuance
 * (`<id>.issue`) created, to a covered entity, where the rulebook sells at its ceiling; the sale
 * row is written beside it. Anything else (a held or transitioned ceiling_sale, another door's
 * transfer without its issuance) is refused.
 */
export function ceilingSaleHook(rulebook: { name: string; rulebook: Rulebook } | null) {
  return async (sql: Sql, steps: readonly HookStep[], now: string): Promise<Refusal | null> => {
    for (const s of steps) {
      const leg = s.legs[0];
      const issuanceId = `${s.id}.issue`;
      const without = (why: string) => auctionRefusal("CEILING_SALE_WITHOUT_ISSUANCE", `${s.id}: ${why}`, { transactionId: s.id, issuanceId });
      if (s.op !== "create" || s.status !== "completed") return without(`a ceiling sale completes when it is written (it is ${s.status})`);
      if (s.legs.length !== 1 || !leg || leg.from === null) return without("a ceiling sale is one transfer from the national issuance account");
      const iss = await getTransaction(sql, issuanceId);
      const il = iss?.legs[0];
      if (!iss || iss.kind !== "issuance" || iss.status !== "completed" || iss.legs.length !== 1 || !il)
        return without(`its issuance beyond the cap ${issuanceId} is not a completed issuance`);
      if (il.to !== leg.from || il.classCode !== leg.classCode || il.quantity !== leg.quantity)
        return without(`it carries ${leg.quantity} ${leg.classCode} from ${leg.from}; its issuance created ${il.quantity} ${il.classCode} in ${il.to}`);
      const year = saleYear(rulebook?.rulebook ?? null, now);
      const price = salePrice(rulebook, year);
      if ("ok" in price) return price;
      const buyer = await eligible(sql, leg.to);
      if ("ok" in buyer) return buyer;
      const amount = leg.quantity * price.priceMinor;
      if (leg.quantity > MAX_QUANTITY || amount > MAX_AMOUNT) return auctionRefusal("CEILING_SALE_OVER_LIMIT", `${leg.quantity} allowances at the ceiling exceed the sale's limits`, { field: "quantity" });
      const id = s.id.startsWith("ceiling-sale.") ? s.id.slice("ceiling-sale.".length) : s.id;
      await sql.query(
        `INSERT INTO ceiling_sales (id, transaction_id, issuance_id, buyer_account, installation, class_code, year, quantity, price_minor, amount_minor, currency, decimals, beyond_cap, sold_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, true, $13, $14)`,
        [id, s.id, issuanceId, leg.to, buyer.installation, leg.classCode, year, leg.quantity, price.priceMinor, amount.toString(), price.currency, price.decimals, s.initiator, now],
      );
    }
    return null;
  };
}

/** The sale rules every door keeps (one line in src/registry/scheme-rules.ts). */
export function installCeilingSales(ledger: LedgerService, rulebook: { name: string; rulebook: Rulebook } | null): void {
  ledger.onKind("ceiling_sale", ceilingSaleHook(rulebook));
}

