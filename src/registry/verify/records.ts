// The rows verify counts by, tied to the commands that made them. An account's type decides the
// fate verify counts its units as (held, surrendered, retired, cancelled) and its status whether
// it may hold anything; a class's issuance limit and first serial decide what may be issued. Those
// rows (accounts, unit_classes) are not hash-chained, but the commands and account events that
// made them are append-only and covered by checkpoints. So: each account's type, holder, name and
// installation are those of its opening event and its status is that of its last account event
// (in the order of the command sequence); each class row is its definition command.
import type { Sql } from "../../store/db.ts";
import { type Add, PER_CHECK } from "./report.ts";

interface AccountRow {
  id: string;
  type: string;
  holder: string;
  name: string;
  installation: string | null;
  status: string;
  opened_for: string | null;
  opened_status: string | null;
  e_type: string | null;
  e_holder: string | null;
  e_name: string | null;
  e_installation: string | null;
  last_status: string | null;
}

export async function checkAccounts(sql: Sql, add: Add): Promise<void> {
  const r = await sql.query<AccountRow>(
    `WITH last AS (
       SELECT DISTINCT ON (e.account_id) e.account_id, e.status
       FROM account_events e LEFT JOIN ledger_commands k ON k.id = e.command_id
       ORDER BY e.account_id, k.lseq DESC NULLS LAST, e.at DESC, e.command_id DESC)
     SELECT a.id, a.type, a.holder, a.name, a.installation, a.status, o.account_id AS opened_for, o.status AS opened_status,
            o.request->>'type' AS e_type, o.request->>'holder' AS e_holder, o.request->>'name' AS e_name,
            o.request->>'installation' AS e_installation, l.status AS last_status
     FROM accounts a
     LEFT JOIN account_events o ON o.command_id = a.command_id
     LEFT JOIN last l ON l.account_id = a.id
     WHERE o.command_id IS NULL OR o.account_id IS DISTINCT FROM a.id OR o.status IS DISTINCT FROM 'open'
        OR a.type IS DISTINCT FROM o.request->>'type' OR a.holder IS DISTINCT FROM o.request->>'holder'
        OR a.name IS DISTINCT FROM o.request->>'name' OR a.installation IS DISTINCT FROM o.request->>'installation'
        OR a.status IS DISTINCT FROM l.status
     ORDER BY a.id LIMIT ${PER_CHECK}`,
  );
  for (const a of r.rows) {
    const [field, recorded, events] = accountDifference(a);
    add({
      invariant: "account-matches-events",
      message: `account ${a.id}: ${field} is ${recorded ?? "none"} but its account events say ${events ?? "none"}`,
      facts: { accountId: a.id, field, recorded, events },
    });
  }
}

function accountDifference(a: AccountRow): [string, string | null, string | null] {
  if (a.opened_for !== a.id || a.opened_status !== "open") return ["opening event", a.id, a.opened_for === null ? null : `${a.opened_status} of ${a.opened_for}`];
  const pairs: Array<[string, string | null, string | null]> = [
    ["type", a.type, a.e_type],
    ["holder", a.holder, a.e_holder],
    ["name", a.name, a.e_name],
    ["installation", a.installation, a.e_installation],
  ];
  return pairs.find(([, x, y]) => x !== y) ?? ["status", a.status, a.last_status];
}

interface ClassRow {
  code: string;
  command_kind: string | null;
  target: string | null;
  same_definition: boolean | null;
  fields: Record<string, string | null>;
  defined: Record<string, string | null> | null;
}

/** The fields of a class row that verify and issuance depend on, beside what its definition says. */
const CLASS_FIELDS = `jsonb_build_object('code', c.code, 'unitType', c.unit_type, 'scheme', c.scheme, 'vintage', c.vintage::text,
  'issuanceLimit', c.issuance_limit::text, 'serialStart', c.serial_start::text)`;
const DEFINED_FIELDS = `CASE WHEN k.id IS NULL THEN NULL ELSE jsonb_build_object('code', k.request->>'code', 'unitType', k.request->>'unitType',
  'scheme', k.request->>'scheme', 'vintage', k.request->>'vintage', 'issuanceLimit', k.request->>'issuanceLimit', 'serialStart', k.request->>'serialStart') END`;

export async function checkClassDefinitions(sql: Sql, add: Add): Promise<void> {
  const r = await sql.query<ClassRow>(
    `SELECT c.code, k.kind AS command_kind, k.target, c.definition = k.request AS same_definition, ${CLASS_FIELDS} AS fields, ${DEFINED_FIELDS} AS defined
     FROM unit_classes c LEFT JOIN ledger_commands k ON k.id = c.command_id
     WHERE k.id IS NULL OR k.kind <> 'class.define' OR k.target IS DISTINCT FROM c.code OR c.definition <> k.request
        OR ${CLASS_FIELDS} <> ${DEFINED_FIELDS}
     ORDER BY c.id LIMIT ${PER_CHECK}`,
  );
  for (const c of r.rows) {
    const [field, recorded, defined] = classDifference(c);
    add({
      invariant: "class-matches-definition",
      message: `class ${c.code}: ${field} is ${recorded ?? "none"} but its definition says ${defined ?? "none"}`,
      facts: { classCode: c.code, field, recorded, defined },
    });
  }
}

function classDifference(c: ClassRow): [string, string | null, string | null] {
  if (c.defined === null || c.command_kind !== "class.define") return ["definition command", c.code, c.command_kind];
  for (const [k, v] of Object.entries(c.fields)) {
    if (v !== (c.defined[k] ?? null)) return [k, v, c.defined[k] ?? null];
  }
  if (c.target !== c.code) return ["code", c.code, c.target];
  return ["definition", "(stored definition)", "(another definition)"];
}
