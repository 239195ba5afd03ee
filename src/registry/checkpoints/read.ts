// Reading recorded checkpoints, newest first, for publication (the API's /v1/checkpoints, `ets
// verify --checkpoint`'s text).
import type { Sql } from "../../store/db.ts";
import type { Checkpoint } from "./record.ts";

export const MAX_CHECKPOINT_PAGE = 500;

/** A page of checkpoints, newest first; `before` is the id the previous page ended at. */
export async function listCheckpoints(sql: Sql, opts: { before?: number; limit: number }): Promise<{ items: Checkpoint[]; next: number | null }> {
  const limit = Math.min(Math.max(1, Math.trunc(opts.limit)), MAX_CHECKPOINT_PAGE);
  const r = await sql.query<{ id: bigint; at: string; root: string; count: bigint }>(
    `SELECT id, at, root, count FROM checkpoints ${opts.before === undefined ? "" : "WHERE id < $2"} ORDER BY id DESC LIMIT $1`,
    opts.before === undefined ? [limit + 1] : [limit + 1, opts.before],
  );
  const items = r.rows.slice(0, limit).map((x) => ({ id: Number(x.id), at: x.at, root: x.root, count: Number(x.count) }));
  const last = items[items.length - 1];
  return { items, next: r.rows.length > limit && last ? last.id : null };
}
