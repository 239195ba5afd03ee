// The form that sells at the ceiling on the page of sales at a hard price ceiling
// (ceiling-sales.tsx): the command id kept per filled-in sale while its issuance awaits approval or
// its answer was lost, the field a refusal names, and what the last sale left (also shown by the
// pending list when a completion makes a sale).
import { useRef, useState } from "react";
import { ApiError, commandId, post } from "../../api/client.ts";
import type { UnitClass } from "../../api/types.ts";
import { useAll } from "../../api/use-all.ts";
import { CutNotice, Data, ErrorBox, Field, Notice, Select, Show } from "../../components/ui.tsx";
import { useT } from "../../i18n/context.tsx";
import { Link } from "../../router.tsx";
import type { CeilingSale } from "./ceiling-sales.tsx";
import { Dec, Money, useInstallations } from "./common.tsx";

/** A transaction's id, linked to its page. */
export function TxLink(props: { id: string }) {
  return (
    <Link to={`/registry/transactions/${encodeURIComponent(props.id)}`}>
      <Data>{props.id}</Data>
    </Link>
  );
}

/** Where the tab keeps the command ids of sales whose issuance awaits approval, and how many at most. */
const KEPT = "openets.ceiling-sales";
const KEPT_MAX = 20;

/**
 * The command ids kept for the tab (sessionStorage), by the sale's figures: selling again with the
 * same figures after a reload, once the issuance is approved, completes that sale rather than issue
 * again. Without storage they last as long as the page.
 */
function keptIds(): Record<string, string> {
  try {
    const v: unknown = JSON.parse(window.sessionStorage.getItem(KEPT) ?? "{}");
    return typeof v === "object" && v !== null ? (v as Record<string, string>) : {};
  } catch {
    return {};
  }
}

function keepId(ids: Record<string, string>, key: string, id: string | null): void {
  delete ids[key];
  if (id !== null) ids[key] = id;
  // The oldest go first past the bound (keys keep their insertion order).
  for (const k of Object.keys(ids).slice(0, Math.max(0, Object.keys(ids).length - KEPT_MAX))) delete ids[k];
  try {
    window.sessionStorage.setItem(KEPT, JSON.stringify(ids));
  } catch {
    // no storage: the ids stay in the page's memory only
  }
}

/** The field a refusal names (facts.field), for marking that input. */
function refusedField(err: unknown): string | undefined {
  const field = err instanceof ApiError ? err.problem?.facts?.field : undefined;
  return typeof field === "string" ? field : undefined;
}

export function SaleForm(props: { onDone: () => void }) {
  const { t } = useT();
  const installations = useInstallations();
  const classes = useAll<UnitClass>("/v1/classes");
  const [account, setAccount] = useState("");
  const [chosen, setClass] = useState<string | null>(null);
  const [quantity, setQuantity] = useState("");
  const [error, setError] = useState<unknown>(undefined);
  const [awaiting, setAwaiting] = useState<string | null>(null);
  const [done, setDone] = useState<CeilingSale | null>(null);
  const [busy, setBusy] = useState(false);
  // One command id per filled-in sale, kept while its issuance awaits approval (or its answer was
  // lost): selling again with the same figures completes that sale instead of issuing again.
  const ids = useRef<Record<string, string> | null>(null);
  async function submit(e: { preventDefault(): void }, classCode: string) {
    e.preventDefault();
    const body = { account: account.trim(), classCode, quantity: quantity.trim() };
    const key = JSON.stringify(body);
    ids.current ??= keptIds();
    const kept = ids.current;
    const id = typeof kept[key] === "string" ? kept[key] : commandId("cs");
    keepId(kept, key, id);
    setBusy(true);
    setError(undefined);
    setAwaiting(null);
    setDone(null);
    try {
      setDone(await post<CeilingSale>("/v1/ceiling-sales", { commandId: id, ...body }));
      keepId(kept, key, null);
      setQuantity("");
    } catch (err) {
      const p = err instanceof ApiError ? err.problem : undefined;
      const waits = p?.check === "ceiling-sale-awaiting-issuance" && (p.facts?.status === "awaiting_approval" || p.facts?.status === "delayed");
      if (waits && typeof p?.facts?.issuanceId === "string") {
        setAwaiting(p.facts.issuanceId);
      } else {
        // Only a lost answer (the network) may have been recorded: keep its id for the retry.
        if (!(err instanceof ApiError) || err.network === false) keepId(kept, key, null);
        setError(err);
      }
    } finally {
      setBusy(false);
      props.onDone();
    }
  }
  const field = refusedField(error);
  const mark = (name: string) => (field === name ? t("cs.fieldRefused") : null);
  return (
    <Show loaded={classes}>
      {(all) => {
        const allowances = all.items.filter((c) => c.unitType === "allowance");
        const classCode = chosen ?? allowances[allowances.length - 1]?.code ?? "";
        return (
          <section aria-labelledby="cs-form-h">
            <h2 id="cs-form-h">{t("cs.formTitle")}</h2>
            <p>{t("cs.formIntro")}</p>
            <CutNotice all={all} />
            {allowances.length === 0 ? (
              <p>{t("cs.noClasses")}</p>
            ) : (
              <form onSubmit={(e) => void submit(e, classCode)}>
                <Field label="cs.accountField" hint="cs.accountHint" required list="cs-buyers" autoComplete="off" value={account} error={mark("account")} onChange={(e) => setAccount(e.target.value)} />
                {/* Suggestions only: the covered entities' accounts; the API decides who may buy. */}
                <datalist id="cs-buyers" translate="no">
                  {(installations.data?.items ?? []).map((i) => (
                    <option key={i.installation} value={i.accountId}>{`${i.installation} (${i.operator})`}</option>
                  ))}
                </datalist>
                <Select label="cs.classField" value={classCode} onChange={(e) => setClass(e.target.value)}>
                  {allowances.map((c) => (
                    <option key={c.code} value={c.code} translate="no">
                      {c.code}
                    </option>
                  ))}
                </Select>
                <Field label="cs.quantityField" inputMode="numeric" required value={quantity} error={mark("quantity")} onChange={(e) => setQuantity(e.target.value)} />
                <ErrorBox error={error} />
                <Outcome awaiting={awaiting} done={done} />
                <div className="actions">
                  <button type="submit" className="primary" disabled={busy}>
                    {t("cs.submit")}
                  </button>
                </div>
              </form>
            )}
          </section>
        );
      }}
    </Show>
  );
}

/** What the last sale left: its issuance awaiting approval (with the way to the approvals page), or the sale made. */
export function Outcome(props: { awaiting: string | null; done: CeilingSale | null }) {
  const { t, tn } = useT();
  const { awaiting, done } = props;
  if (awaiting !== null) {
    return (
      <Notice kind="info">
        {tn("cs.awaiting", {
          id: <TxLink key="i" id={awaiting} />,
          approvals: (
            <Link key="a" to="/registry/approvals">
              {t("cs.approvalsPage")}
            </Link>
          ),
        })}
      </Notice>
    );
  }
  if (done === null) return null;
  return (
    <Notice kind="ok">
      {tn("cs.soldNotice", {
        quantity: <Dec key="q" v={done.quantity} />,
        class: <Data key="c">{done.classCode}</Data>,
        account: <Data key="a">{done.account}</Data>,
        price: <Money key="p" amount={done.price} currency={done.currency} />,
        amount: <Money key="m" amount={done.amount} currency={done.currency} />,
        issuance: <TxLink key="i" id={done.issuanceId} />,
      })}
    </Notice>
  );
}
