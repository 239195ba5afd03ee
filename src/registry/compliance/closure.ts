// Compliance's closure precondition (issue 17's slot, `LedgerService.onClose`): the operator holding
// account of an installation registered for compliance does not close while the installation still
// owes the cycle something. Two things block it: a year whose emissions were reported but are
// neither verified nor estimated (an open report would never be settled), and a compliance period
// the installation has surrendered into that is not yet closed (the closing of the period computes
// its status from what was surrendered from this account). It runs inside the closing database
// transaction, under the account's lock, so a surrender cannot complete beside the closure.
import { complianceRefusal } from "../../domain/compliance/codes.ts";
import type { ClosurePrecondition } from "../ledger/index.ts";
import { emissionStates } from "./store.ts";

export const complianceClosure: ClosurePrecondition = async (sql, account) => {
  const inst = (await sql.query<{ installation: string }>("SELECT installation FROM compliance_installations WHERE account_id = $1", [account.id])).rows[0]?.installation;
  if (inst === undefined) return null;
  const years = (await sql.query<{ year: number }>("SELECT DISTINCT year FROM emission_reports WHERE installation = $1 ORDER BY year", [inst])).rows.map((r) => Number(r.year));
  const states = await emissionStates(sql, [inst], years);
  const unsettled = years.filter((y) => {
    const s = states.get(`${inst}@${y}`)?.state;
    return s !== "verified" && s !== "estimated";
  });
  if (unsettled.length > 0) {
    return complianceRefusal("CLOSURE_OBLIGATIONS_OPEN", `${account.id} cannot close: installation ${inst} reported emissions for ${unsettled.join(", ")} that are not yet verified (or estimated by the authority)`, {
      accountId: account.id, installation: inst, years: unsettled,
    });
  }
  const open = await sql.query<{ period: string }>(
    `SELECT p.period FROM compliance_positions p
     WHERE p.installation = $1 AND NOT EXISTS (SELECT 1 FROM compliance_closes c WHERE c.period = p.period)
     ORDER BY p.period`,
    [inst],
  );
  if (open.rows.length > 0) {
    const periods = open.rows.map((r) => r.period);
    return complianceRefusal("CLOSURE_OBLIGATIONS_OPEN", `${account.id} cannot close: installation ${inst} has surrendered into compliance period ${periods.join(", ")}, which is not yet closed`, {
      accountId: account.id, installation: inst, periods,
    });
  }
  return null;
};
