// The leaves of the checkpoint log and their bytes. A leaf is the UTF-8 text of a JSON array with
// no whitespace whose objects have their keys sorted (RFC 8785's canonical JSON for these values:
// JSON.stringify of the ledger's canonical form), times as UTC ISO-8601 to the millisecond:
//   ["account-type", code, definition]
//   ["command", id, kind, target, request, at]                       (ledger_commands)
//   ["account-event", commandId, accountId, status, reason, request, at]   (account_events)
//   ["chain-head", chain, seq as a decimal string, hash]             (chain_links)
// Its hash is RFC 6962's leaf hash, SHA-256(0x00 || bytes).
import { canonical } from "../../domain/ledger/commands.ts";
import { leafHash } from "./merkle.ts";

export const LEAF_KINDS = ["account-type", "command", "account-event", "chain-head"] as const;
export type LeafKind = (typeof LEAF_KINDS)[number];

/** What a leaf of its kind is made of; the columns of other kinds are null. */
export interface LeafRow {
  kind: LeafKind;
  key: string;
  seq: bigint | null;
  definition: unknown;
  c_kind: string | null;
  target: string | null;
  request: unknown;
  at: string | null;
  account_id: string | null;
  status: string | null;
  reason: string | null;
  hash: string | null;
}

/** Whether the row holds the record its leaf names (false: the record is gone from the ledger). */
export function present(r: LeafRow): boolean {
  switch (r.kind) {
    case "account-type":
      return r.definition !== null && r.definition !== undefined;
    case "command":
      return r.c_kind !== null;
    case "account-event":
      return r.account_id !== null;
    case "chain-head":
      return r.hash !== null;
  }
}

export function leafBytes(r: LeafRow): string {
  switch (r.kind) {
    case "account-type":
      return JSON.stringify(["account-type", r.key, canonical(r.definition)]);
    case "command":
      return JSON.stringify(["command", r.key, r.c_kind, r.target, canonical(r.request), r.at]);
    case "account-event":
      return JSON.stringify(["account-event", r.key, r.account_id, r.status, r.reason, canonical(r.request), r.at]);
    case "chain-head":
      return JSON.stringify(["chain-head", r.key, String(r.seq), r.hash]);
  }
}

export function leafHashOf(r: LeafRow): string {
  return leafHash(leafBytes(r));
}

/**
 * The columns of LeafRow for a source aliased `l` with (kind, key, seq), joined to today's ledger:
 * a record that is gone leaves its columns null.
 */
export const CURRENT_LEAF = {
  columns: `t.definition, k.kind AS c_kind, k.target, coalesce(k.request, e.request) AS request, coalesce(k.at, e.at) AS at,
            e.account_id, e.status, e.reason, c.hash`,
  joins: `LEFT JOIN account_types t ON l.kind = 'account-type' AND t.code = l.key
          LEFT JOIN ledger_commands k ON l.kind = 'command' AND k.id = l.key
          LEFT JOIN account_events e ON l.kind = 'account-event' AND e.command_id = l.key
          LEFT JOIN chain_links c ON l.kind = 'chain-head' AND c.chain = l.key AND c.seq = l.seq`,
};
