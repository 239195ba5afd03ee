// An administrator's change of an account's state (issue 17): any state of the catalogue, the
// graded restrictions among them, with the reason the account then shows. The API refuses what
// the rules refuse (a reason missing, a closure with units or pending transactions).
import { type FormEvent, useState } from "react";
import { commandId, post } from "../../api/client.ts";
import type { Account } from "../../api/types.ts";
import { ErrorBox, Field, Notice, Select } from "../../components/ui.tsx";
import { useT } from "../../i18n/context.tsx";
import { abilities, useSession } from "../../session.tsx";

const STATES = ["open", "blocked", "restricted", "suspended", "transfer_pending", "closure_pending", "closed"] as const;

export function AccountStateForm(props: { account: Account; changed: () => void }) {
  const { t, code } = useT();
  const { me } = useSession();
  const [state, setState] = useState<string>(props.account.status === "open" ? "restricted" : "open");
  const [reason, setReason] = useState("");
  const [error, setError] = useState<unknown>(undefined);
  const [notice, setNotice] = useState<string | null>(null);
  if (!abilities(me).admin || props.account.status === "closed") return null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    setNotice(null);
    try {
      const a = await post<Account>(`/v1/accounts/${encodeURIComponent(props.account.id)}/state`, {
        commandId: commandId("state"), status: state, ...(reason.trim() ? { reason: reason.trim() } : {}),
      });
      setNotice(t("accountState.done", { state: code("accountStatus", a.status) }));
      setReason("");
      props.changed();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section aria-labelledby="state-h">
      <h2 id="state-h">{t("accountState.title")}</h2>
      <p className="hint">{t("accountState.intro")}</p>
      <ErrorBox error={error} />
      {notice ? <Notice kind="ok">{notice}</Notice> : null}
      <form onSubmit={(e) => void submit(e)}>
        <Select label="accountState.state" value={state} onChange={(e) => setState(e.target.value)}>
          {STATES.filter((s) => s !== props.account.status).map((s) => (
            <option key={s} value={s}>
              {code("accountStatus", s)}
            </option>
          ))}
        </Select>
        <Field label="accountState.reasonField" value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
        <button type="submit">{t("accountState.submit")}</button>
      </form>
    </section>
  );
}
