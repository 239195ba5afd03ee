// Initiating a transfer from an account the user represents with the right to initiate: the
// source's holdings give the classes to choose from; the caller-chosen transaction id makes a
// repeated submission (a double click, a retry after a lost answer) do it once.
import { type FormEvent, useEffect, useState } from "react";
import { commandId, post } from "../../api/client.ts";
import type { Holding, Transaction } from "../../api/types.ts";
import { useApi } from "../../api/use-api.ts";
import { ErrorBox, Field, Notice, PageTitle, Select } from "../../components/ui.tsx";
import { useT } from "../../i18n/context.tsx";
import { Link, useLocation } from "../../router.tsx";
import { useSession } from "../../session.tsx";
import { txPath } from "./tx-table.tsx";

const ACCOUNT_ID = /^[A-Z0-9][A-Z0-9-]{1,63}$/;
const QUANTITY = /^[1-9][0-9]{0,15}$/;

export function TransferPage() {
  const { t, f, code } = useT();
  const { me } = useSession();
  const { search } = useLocation();
  const sources = (me?.representing ?? []).filter((r) => r.initiate).map((r) => r.accountId);
  const [from, setFrom] = useState(() => (sources.includes(search.get("from") ?? "") ? (search.get("from") as string) : (sources[0] ?? "")));
  const holdings = useApi<{ holdings: Holding[] }>(from ? `/v1/accounts/${encodeURIComponent(from)}/holdings` : null);
  const classes = holdings.data?.holdings.filter((h) => h.quantity !== "0") ?? [];
  const [cls, setCls] = useState("");
  const [to, setTo] = useState("");
  const [quantity, setQuantity] = useState("");
  const [note, setNote] = useState("");
  const [errors, setErrors] = useState<{ to?: string; quantity?: string }>({});
  const [error, setError] = useState<unknown>(undefined);
  const [result, setResult] = useState<Transaction | null>(null);
  const [id, setId] = useState(() => commandId("trf"));
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!classes.some((h) => h.classCode === cls)) setCls(classes[0]?.classCode ?? "");
  }, [classes, cls]);

  if (sources.length === 0)
    return (
      <>
        <PageTitle title="transfer.title" />
        <p>{t("transfer.noAccounts")}</p>
      </>
    );

  async function submit(e: FormEvent) {
    e.preventDefault();
    const dest = to.trim().toUpperCase();
    const q = quantity.trim();
    const v: { to?: string; quantity?: string } = {};
    if (!ACCOUNT_ID.test(dest)) v.to = t("transfer.toInvalid");
    if (!QUANTITY.test(q)) v.quantity = t("transfer.quantityInvalid");
    setErrors(v);
    if (v.to || v.quantity || !cls) return;
    setBusy(true);
    setError(undefined);
    try {
      const tx = await post<Transaction>("/v1/transfers", { commandId: id, from, to: dest, classCode: cls, quantity: q, ...(note.trim() ? { note: note.trim() } : {}) });
      setResult(tx);
      setId(commandId("trf"));
      setQuantity("");
      setNote("");
      holdings.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <PageTitle title="transfer.title" />
      <p className="intro">{t("transfer.intro")}</p>
      {result ? (
        <Notice kind="ok">
          {t("transfer.done", { id: result.id, status: code("txStatus", result.status) })} <Link to={txPath(result.id)}>{t("transfer.open")}</Link>
        </Notice>
      ) : null}
      <ErrorBox error={error} />
      <form onSubmit={submit} noValidate>
        <Select label="transfer.from" value={from} onChange={(e) => { setFrom(e.target.value); setResult(null); }}>
          {sources.map((s) => (
            <option key={s} value={s} translate="no">
              {s}
            </option>
          ))}
        </Select>
        {holdings.data && classes.length === 0 ? <p>{t("transfer.noUnits")}</p> : null}
        <Select label="transfer.class" value={cls} onChange={(e) => setCls(e.target.value)} required>
          {classes.map((h) => (
            <option key={h.classCode} value={h.classCode}>
              {t("transfer.classOption", { cls: h.classCode, n: f.q(h.available ?? h.quantity) })}
            </option>
          ))}
        </Select>
        <Field label="transfer.to" hint="transfer.toHint" name="to" required value={to} error={errors.to ?? null} onChange={(e) => setTo(e.target.value)} autoComplete="off" />
        <Field label="transfer.quantity" name="quantity" inputMode="numeric" required value={quantity} error={errors.quantity ?? null} onChange={(e) => setQuantity(e.target.value)} autoComplete="off" />
        <Field label="transfer.note" name="note" maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} />
        <button type="submit" className="primary" disabled={busy || !cls}>
          {t("transfer.submit")}
        </button>
      </form>
    </>
  );
}
