// The verified emissions of every installation, summed up to the end of a year, from the
// compliance records: for each installation and year, the latest locked verification's total, else
// the authority's conservative estimate (as the status uses them); a year reported but neither
// verified nor estimated adds nothing. The auction part's market stability reserve reads it for the
// TNAC (src/registry/auction/context.ts VerifiedEmissionsSource); undefined when the registry holds
// no such figure up to that year, so the reserve asks for it instead of counting zero.
import type { Sql } from "../../store/db.ts";

export const complianceEmissions = {
  async upTo(sql: Sql, year: number): Promise<bigint | undefined> {
    const r = await sql.query<{ n: string; total: string }>(
      `WITH ys AS (
         SELECT installation, year FROM emission_reports WHERE year <= $1
         UNION SELECT installation, year FROM emission_estimates WHERE year <= $1
       ), figures AS (
         SELECT coalesce(
                  (SELECT v.verified_total FROM verifications v WHERE v.installation = ys.installation AND v.year = ys.year AND v.locked ORDER BY v.version DESC LIMIT 1),
                  (SELECT e.tonnes FROM emission_estimates e WHERE e.installation = ys.installation AND e.year = ys.year)) AS t
         FROM ys
       )
       SELECT count(t)::text AS n, coalesce(sum(t), 0)::text AS total FROM figures`,
      [year],
    );
    const row = r.rows[0];
    return row === undefined || row.n === "0" ? undefined : BigInt(row.total);
  },
};
