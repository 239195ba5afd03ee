// Ledger v5: the registry rules regulators rely on (issue 17).
// - Graded account states: besides open, blocked and closed, restricted (some transactions),
//   suspended, transfer_pending and closure_pending; what each lets through is the rulebook's
//   table (src/domain/ledger/rules.ts), decided by the planner and confirmed as an expectation
//   (the account's status) under its lock, as before.
// - One live account per installation, permit id and monitoring plan id: unique indexes over the
//   accounts that are not closed, closing or handing their installation over.
// - Entitlements (what an account is entitled to for a year and allocation table), which a
//   return of excess allocation is measured against; the freeze of the registry's transactions
//   while a reconciliation runs. Both are ledger commands in the one namespace of command ids.
// - ledger_write(plan): the one SQL call of the write path from now on. It takes the freeze lock
//   (shared by every writer; the administrator's switch takes it exclusively, so a freeze waits
//   for the writes under way and every later write sees it), confirms the freeze is off (EL001,
//   an expectation: the caller plans again and is refused 6008), runs ledger_apply unchanged, then,
//   under the account locks ledger_apply holds, confirms the registry's rules:
//     EL008 returns    a return of excess allocation would exceed the over-allocation (3007)
//     EL009 return     another return for the account, year and table is pending (6009)
//     EL010 pending    another transaction of the kind is pending from the account (6010)
// No function of earlier migrations is redefined: ledger_apply is called as it is.
import type { Migration } from "../migration.ts";

const appendOnly = (table: string) => [
  `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()`,
  `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()`,
];

/** The advisory lock key of the freeze (pg_advisory_xact_lock_shared by writers, exclusive by the switch). */
export const FREEZE_LOCK_KEY = 7_420_017;

const STATES = "'open','blocked','restricted','suspended','transfer_pending','closure_pending','closed'";
/** States in which an account no longer holds its installation, permit or monitoring plan for itself. */
const RELEASED = "'closed','transfer_pending','closure_pending'";

/** A held transaction of one of the kinds from the account, other than the plan's own. */
const CHECK_PENDING = `CREATE FUNCTION ledger_check_pending(p jsonb) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  x jsonb;
  v_other text;
BEGIN
  FOR x IN SELECT * FROM jsonb_array_elements(coalesce(p->'pendingOnce', '[]'::jsonb)) LOOP
    SELECT s.tx_id INTO v_other FROM tx_state s JOIN transactions t ON t.id = s.tx_id JOIN transaction_legs l ON l.tx_id = s.tx_id
     WHERE s.status IN ('awaiting_approval', 'delayed') AND l.from_account = x->>'account' AND t.kind = x->>'kind'
       AND s.tx_id NOT IN (SELECT y->>'id' FROM jsonb_array_elements(p->'steps') y)
     ORDER BY s.tx_id LIMIT 1;
    IF FOUND THEN
      PERFORM ledger_raise('EL010', 'pending of kind', jsonb_build_object('accountId', x->>'account', 'kind', x->>'kind', 'pending', v_other));
    END IF;
  END LOOP;
END $$`;

/**
 * Returns of excess allocation: at most one pending per account, year and table (at creation);
 * everything returned (completed and not reversed) or pending at most what was allocated (not
 * reversed) beyond the latest entitlement recorded; nothing while none is recorded.
 */
const CHECK_RETURNS = `CREATE FUNCTION ledger_check_returns(p jsonb) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  x jsonb;
  v_year int;
  v_types text[];
  v_other text;
  v_allocated int8;
  v_returned int8;
  v_entitled int8;
  v_excess int8;
BEGIN
  FOR x IN SELECT * FROM jsonb_array_elements(coalesce(p->'returns', '[]'::jsonb)) LOOP
    v_year := (x->>'year')::int;
    v_types := ARRAY(SELECT jsonb_array_elements_text(x->'tableTypes'));
    IF (x->>'creating')::boolean THEN
      SELECT l.tx_id INTO v_other FROM transaction_legs l JOIN transactions t ON t.id = l.tx_id JOIN tx_state s ON s.tx_id = l.tx_id
        JOIN unit_classes c ON c.id = l.class_id JOIN accounts d ON d.id = l.to_account
       WHERE l.from_account = x->>'account' AND t.kind IN (SELECT jsonb_array_elements_text(x->'returnKinds'))
         AND s.status IN ('awaiting_approval', 'delayed') AND c.vintage IS NOT DISTINCT FROM v_year AND d.type = ANY(v_types)
         AND l.tx_id <> x->>'txId'
       ORDER BY l.tx_id LIMIT 1;
      IF FOUND THEN
        PERFORM ledger_raise('EL009', 'return pending', jsonb_build_object('accountId', x->>'account', 'year', x->'year', 'table', x->>'table', 'pending', v_other));
      END IF;
    END IF;
    SELECT coalesce(sum(l.quantity), 0)::int8 INTO v_allocated
      FROM transaction_legs l JOIN transactions t ON t.id = l.tx_id JOIN tx_state s ON s.tx_id = l.tx_id
      JOIN unit_classes c ON c.id = l.class_id JOIN accounts f ON f.id = l.from_account
     WHERE l.to_account = x->>'account' AND t.kind IN (SELECT jsonb_array_elements_text(x->'allocationKinds'))
       AND s.status = 'completed' AND s.reversed_by IS NULL AND c.vintage IS NOT DISTINCT FROM v_year AND f.type = ANY(v_types);
    SELECT coalesce(sum(l.quantity), 0)::int8 INTO v_returned
      FROM transaction_legs l JOIN transactions t ON t.id = l.tx_id JOIN tx_state s ON s.tx_id = l.tx_id
      JOIN unit_classes c ON c.id = l.class_id JOIN accounts d ON d.id = l.to_account
     WHERE l.from_account = x->>'account' AND t.kind IN (SELECT jsonb_array_elements_text(x->'returnKinds'))
       AND (s.status IN ('awaiting_approval', 'delayed') OR (s.status = 'completed' AND s.reversed_by IS NULL))
       AND c.vintage IS NOT DISTINCT FROM v_year AND d.type = ANY(v_types);
    SELECT e.quantity INTO v_entitled FROM allocation_entitlements e
     WHERE e.account_id = x->>'account' AND e.year IS NOT DISTINCT FROM v_year AND e.alloc_table = x->>'table' ORDER BY e.lseq DESC LIMIT 1;
    v_excess := greatest(0, v_allocated - coalesce(v_entitled, v_allocated));
    IF v_returned > v_excess THEN
      PERFORM ledger_raise('EL008', 'return exceeds excess', jsonb_build_object('accountId', x->>'account', 'year', x->'year', 'table', x->>'table',
        'allocated', v_allocated::text, 'entitlement', v_entitled::text, 'excess', v_excess::text, 'returned', v_returned::text));
    END IF;
  END LOOP;
END $$`;

/** The write path's one statement: the freeze, ledger_apply, then the registry's rules under the same locks. */
const WRITE = `CREATE FUNCTION ledger_write(p jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_out jsonb;
BEGIN
  PERFORM pg_advisory_xact_lock_shared(${FREEZE_LOCK_KEY});
  IF (SELECT f.frozen FROM registry_freeze f WHERE f.id = 1) THEN
    PERFORM ledger_raise('EL001', 'registry frozen', jsonb_build_object('frozen', true));
  END IF;
  v_out := ledger_apply(p);
  PERFORM ledger_check_pending(p);
  PERFORM ledger_check_returns(p);
  RETURN v_out;
END $$`;

export const ledgerV5Migrations: readonly Migration[] = [
  {
    id: "ledger-005",
    statements: [
      `ALTER TABLE accounts DROP CONSTRAINT accounts_status_check`,
      `ALTER TABLE accounts ADD CONSTRAINT accounts_status_check CHECK (status IN (${STATES}))`,
      `ALTER TABLE accounts ADD COLUMN permit_id text`,
      `ALTER TABLE accounts ADD COLUMN monitoring_plan_id text`,
      `CREATE UNIQUE INDEX accounts_installation_live ON accounts (installation) WHERE installation IS NOT NULL AND status NOT IN (${RELEASED})`,
      `CREATE UNIQUE INDEX accounts_permit_live ON accounts (permit_id) WHERE permit_id IS NOT NULL AND status NOT IN (${RELEASED})`,
      `CREATE UNIQUE INDEX accounts_monitoring_plan_live ON accounts (monitoring_plan_id) WHERE monitoring_plan_id IS NOT NULL AND status NOT IN (${RELEASED})`,
      `ALTER TABLE ledger_commands DROP CONSTRAINT ledger_commands_kind_check`,
      `ALTER TABLE ledger_commands ADD CONSTRAINT ledger_commands_kind_check CHECK (kind IN ('class.define', 'account.open', 'account.status', 'account.entitle', 'registry.freeze'))`,
      // What an account is entitled to for a year and allocation table; the latest (by command order) counts.
      `CREATE TABLE allocation_entitlements (
         command_id text PRIMARY KEY REFERENCES ledger_commands(id),
         account_id text NOT NULL REFERENCES accounts(id),
         year int NOT NULL CHECK (year BETWEEN 1990 AND 2200),
         alloc_table text NOT NULL CHECK (alloc_table IN ('NAT', 'NER')),
         quantity int8 NOT NULL CHECK (quantity >= 0),
         at timestamptz NOT NULL,
         lseq bigint NOT NULL
       )`,
      `CREATE INDEX allocation_entitlements_current ON allocation_entitlements (account_id, year, alloc_table, lseq)`,
      ...appendOnly("allocation_entitlements"),
      // The freeze: one row, the projection of the last registry.freeze command.
      `CREATE TABLE registry_freeze (
         id int PRIMARY KEY CHECK (id = 1),
         frozen boolean NOT NULL,
         reason text,
         command_id text REFERENCES ledger_commands(id),
         at timestamptz
       )`,
      `INSERT INTO registry_freeze (id, frozen) VALUES (1, false)`,
      // An account's last event (its state's reason) is read with the account.
      `CREATE INDEX account_events_account ON account_events (account_id)`,
      // Numbers the registry assigns where it numbers its accounts (the rulebook's ledger.accountNumbers).
      `CREATE SEQUENCE account_number_seq START 1000`,
      CHECK_PENDING,
      CHECK_RETURNS,
      WRITE,
    ],
  },
];
