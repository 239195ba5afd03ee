// The signed-in user's own page: roles, the accounts they represent with their rights, the second
// factor (a new secret shown once), and a password change.
import { type FormEvent, useState } from "react";
import { post } from "../api/client.ts";
import { Data, ErrorBox, Facts, Field, Notice, PageTitle, Table } from "../components/ui.tsx";
import { useT } from "../i18n/context.tsx";
import { Link } from "../router.tsx";
import { useSession } from "../session.tsx";

export function ProfilePage() {
  const { t, code } = useT();
  const { me, refresh } = useSession();
  const [enrolment, setEnrolment] = useState<{ secret: string; uri: string } | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [oldPassword, setOldPassword] = useState("");
  const [newPassword, setNewPassword] = useState("");
  const [changed, setChanged] = useState(false);
  if (!me) return null;
  // "representative" follows from the accounts one represents; the other roles are the user's own.
  const roles = [...me.roles.filter((r) => r !== "representative"), ...(me.representing.length > 0 ? ["representative"] : [])];

  async function resetTotp() {
    setError(undefined);
    try {
      setEnrolment(await post<{ secret: string; uri: string }>("/v1/auth/totp/reset"));
      await refresh();
    } catch (err) {
      setError(err);
    }
  }

  async function changePassword(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    setChanged(false);
    try {
      await post("/v1/auth/password", { oldPassword, newPassword });
      setChanged(true);
      setOldPassword("");
      setNewPassword("");
    } catch (err) {
      setError(err);
    }
  }

  return (
    <>
      <PageTitle title="profile.title" />
      <ErrorBox error={error} />
      <Facts
        rows={[
          ["profile.userId", <Data key="u">{me.userId}</Data>],
          ["profile.displayName", <Data key="n">{me.displayName}</Data>],
          ["profile.roles", roles.length > 0 ? roles.map((r) => code("role", r)).join(t("profile.separator")) : t("profile.noRoles")],
          ["profile.secondFactor", t(me.totpEnrolled ? "profile.enrolled" : "profile.notEnrolled")],
        ]}
      />
      {me.representing.length > 0 ? (
        <section aria-labelledby="rep-h">
          <h2 id="rep-h">{t("profile.representing")}</h2>
          <Table
            caption={t("profile.representingCaption")}
            rows={me.representing}
            rowKey={(r) => r.accountId}
            columns={[
              { head: "col.account", cell: (r) => <Link to={`/registry/accounts/${encodeURIComponent(r.accountId)}`}><Data>{r.accountId}</Data></Link> },
              { head: "profile.initiate", cell: (r) => t(r.initiate ? "common.yes" : "common.no") },
              { head: "profile.approve", cell: (r) => t(r.approve ? "common.yes" : "common.no") },
            ]}
          />
        </section>
      ) : null}
      <section aria-labelledby="totp-h">
        <h2 id="totp-h">{t("profile.secondFactor")}</h2>
        <p className="hint">{t("profile.resetTotpHint")}</p>
        <button type="button" className="secondary" onClick={() => void resetTotp()}>
          {t("profile.resetTotp")}
        </button>
        {enrolment ? (
          <Facts
            rows={[
              ["profile.secret", <code key="s" translate="no" data-testid="totp-secret">{enrolment.secret}</code>],
              ["profile.uri", <code key="u" translate="no" className="wrap">{enrolment.uri}</code>],
            ]}
          />
        ) : null}
      </section>
      <section aria-labelledby="pw-h">
        <h2 id="pw-h">{t("profile.passwordTitle")}</h2>
        {changed ? <Notice kind="ok">{t("profile.passwordChanged")}</Notice> : null}
        <form onSubmit={changePassword}>
          <Field label="profile.oldPassword" type="password" autoComplete="current-password" required value={oldPassword} onChange={(e) => setOldPassword(e.target.value)} />
          <Field label="profile.newPassword" type="password" autoComplete="new-password" required minLength={12} value={newPassword} onChange={(e) => setNewPassword(e.target.value)} />
          <button type="submit" className="primary">
            {t("profile.changePassword")}
          </button>
        </form>
      </section>
    </>
  );
}
