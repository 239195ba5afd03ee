// The compliance cycle's tables (src/registry/compliance): installations registered for
// compliance, monitoring plans, emission report versions, verifier accreditations and the facts
// that make conflicts of interest, verifier appointments, verifications, estimates, obligation
// terms, the units each surrender counted, closed periods with every installation's status and
// penalty, and booked true-ups. Every table of record is append-only (the ledger's trigger refuses
// UPDATE, DELETE and TRUNCATE): a correction is a new report version, an accreditation's
// suspension a new row, a reversal of a surrender a new row. The database keeps what it can:
// a negative opinion never locks (CHECK), a version is verified once (primary key), a correction
// names the version it corrects. `compliance_positions` is the one mutable table: the running
// total of each installation's surrenders for a period, and the row the surrender rule locks.
import type { Migration } from "../migration.ts";

const appendOnly = (table: string) => [
  `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()`,
  `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()`,
];

const RECORDS = [
  "compliance_commands", "compliance_installations", "monitoring_plans", "emission_reports", "verifier_accreditations", "verifier_facts",
  "verifier_appointments", "verifications", "emission_estimates", "obligation_terms", "surrender_lines", "surrender_reversals",
  "compliance_closes", "compliance_results", "true_ups",
];

export const complianceMigrations: readonly Migration[] = [
  {
    id: "compliance-001",
    statements: [
      // Every compliance command by the caller's id (idempotency): a repeat answers the first result.
      `CREATE TABLE compliance_commands (
         scope text NOT NULL,
         command_id text NOT NULL,
         kind text NOT NULL,
         request jsonb NOT NULL,
         result jsonb NOT NULL,
         at timestamptz NOT NULL,
         PRIMARY KEY (scope, command_id)
       )`,
      `CREATE TABLE compliance_installations (
         installation text PRIMARY KEY,
         account_id text NOT NULL UNIQUE REFERENCES accounts(id),
         operator text NOT NULL,
         sector text,
         product text,
         tags text[] NOT NULL DEFAULT '{}',
         options jsonb NOT NULL DEFAULT '{}'::jsonb,
         registered_by text NOT NULL,
         registered_at timestamptz NOT NULL
       )`,
      `CREATE TABLE monitoring_plans (
         installation text NOT NULL REFERENCES compliance_installations(installation),
         version int NOT NULL CHECK (version >= 1),
         valid_from int NOT NULL,
         valid_to int CHECK (valid_to IS NULL OR valid_to >= valid_from),
         plan jsonb NOT NULL,
         submitted_by text NOT NULL,
         submitted_at timestamptz NOT NULL,
         PRIMARY KEY (installation, version)
       )`,
      `CREATE TABLE emission_reports (
         installation text NOT NULL REFERENCES compliance_installations(installation),
         year int NOT NULL,
         version int NOT NULL CHECK (version >= 1),
         plan_version int NOT NULL,
         activity jsonb NOT NULL,
         output jsonb,
         report jsonb NOT NULL,
         total int8 NOT NULL CHECK (total >= 0),
         total_exact text NOT NULL,
         corrects int,
         reasons jsonb NOT NULL DEFAULT '[]'::jsonb,
         submitted_by text NOT NULL,
         submitted_at timestamptz NOT NULL,
         PRIMARY KEY (installation, year, version),
         FOREIGN KEY (installation, plan_version) REFERENCES monitoring_plans(installation, version),
         CHECK ((version = 1) = (corrects IS NULL)),
         CHECK (corrects IS NULL OR (corrects < version AND jsonb_array_length(reasons) > 0))
       )`,
      `CREATE TABLE verifier_accreditations (
         verifier text NOT NULL,
         accreditation_id text NOT NULL,
         seq int NOT NULL,
         body text NOT NULL,
         standard text NOT NULL,
         scopes text[] NOT NULL,
         valid_from date NOT NULL,
         expires date NOT NULL CHECK (expires >= valid_from),
         status text NOT NULL CHECK (status IN ('active','suspended','withdrawn')),
         recorded_by text NOT NULL,
         recorded_at timestamptz NOT NULL,
         PRIMARY KEY (verifier, accreditation_id, seq)
       )`,
      `CREATE TABLE verifier_facts (
         id bigserial PRIMARY KEY,
         verifier text NOT NULL,
         kind text NOT NULL CHECK (kind IN ('service','affiliation')),
         operator text NOT NULL,
         year int,
         recorded_by text NOT NULL,
         recorded_at timestamptz NOT NULL,
         CHECK ((kind = 'service') = (year IS NOT NULL))
       )`,
      `CREATE INDEX verifier_facts_verifier ON verifier_facts (verifier)`,
      `CREATE TABLE verifier_appointments (
         installation text NOT NULL REFERENCES compliance_installations(installation),
         year int NOT NULL,
         seq int NOT NULL,
         verifier text NOT NULL,
         appointed_by text NOT NULL,
         appointed_at timestamptz NOT NULL,
         PRIMARY KEY (installation, year, seq)
       )`,
      `CREATE INDEX verifier_appointments_verifier ON verifier_appointments (verifier)`,
      // A negative opinion never locks; a locked opinion carries the verified whole tonnes.
      `CREATE TABLE verifications (
         installation text NOT NULL,
         year int NOT NULL,
         version int NOT NULL,
         verifier text NOT NULL,
         opinion_date date NOT NULL,
         opinion text NOT NULL CHECK (opinion IN ('positive','qualified','negative')),
         locked boolean NOT NULL,
         verified_total int8 CHECK (verified_total >= 0),
         materiality_level text NOT NULL,
         misstatement_share text NOT NULL,
         misstatements text NOT NULL,
         comments text,
         recorded_at timestamptz NOT NULL,
         PRIMARY KEY (installation, year, version),
         FOREIGN KEY (installation, year, version) REFERENCES emission_reports(installation, year, version),
         CHECK (locked = (opinion <> 'negative')),
         CHECK ((verified_total IS NOT NULL) = locked)
       )`,
      `CREATE INDEX verifications_verifier ON verifications (verifier, installation, year) WHERE locked`,
      `CREATE TABLE emission_estimates (
         installation text NOT NULL REFERENCES compliance_installations(installation),
         year int NOT NULL,
         tonnes int8 NOT NULL CHECK (tonnes >= 0),
         method text NOT NULL,
         reason text NOT NULL,
         set_by text NOT NULL,
         set_at timestamptz NOT NULL,
         PRIMARY KEY (installation, year)
       )`,
      `CREATE TABLE obligation_terms (
         installation text NOT NULL REFERENCES compliance_installations(installation),
         period text NOT NULL,
         facility_cap int8 CHECK (facility_cap >= 0),
         required_reduction int8 CHECK (required_reduction >= 0),
         set_by text NOT NULL,
         set_at timestamptz NOT NULL,
         PRIMARY KEY (installation, period)
       )`,
      // The lock row of the surrender rule and the running total of what counted (a projection of surrender_lines).
      `CREATE TABLE compliance_positions (
         installation text NOT NULL,
         period text NOT NULL,
         covered int8 NOT NULL DEFAULT 0 CHECK (covered >= 0),
         updated_at timestamptz NOT NULL,
         PRIMARY KEY (installation, period)
       )`,
      `CREATE TABLE surrender_lines (
         tx_id text NOT NULL REFERENCES transactions(id),
         leg_no int NOT NULL,
         installation text NOT NULL,
         period text NOT NULL,
         class_code text NOT NULL,
         unit_type text NOT NULL,
         scheme text NOT NULL,
         vintage int,
         host_country text,
         category text NOT NULL CHECK (category IN ('allowance','banked','borrowed-free','borrowed-limited','credit')),
         quantity int8 NOT NULL CHECK (quantity > 0),
         value int8 NOT NULL CHECK (value >= 0),
         interest int8 NOT NULL CHECK (interest >= 0),
         years_ahead int,
         recorded_at timestamptz NOT NULL,
         PRIMARY KEY (tx_id, leg_no)
       )`,
      `CREATE INDEX surrender_lines_position ON surrender_lines (period, installation)`,
      `CREATE TABLE surrender_reversals (
         tx_id text PRIMARY KEY REFERENCES transactions(id),
         reversal_id text NOT NULL REFERENCES transactions(id),
         recorded_at timestamptz NOT NULL
       )`,
      `CREATE TABLE compliance_closes (
         period text PRIMARY KEY,
         command_id text NOT NULL,
         closed_by text NOT NULL,
         closed_at timestamptz NOT NULL,
         as_of date NOT NULL,
         deadline date NOT NULL CHECK (as_of > deadline),
         price text,
         currency text NOT NULL,
         batch_id text,
         totals jsonb NOT NULL
       )`,
      `CREATE TABLE compliance_results (
         period text NOT NULL REFERENCES compliance_closes(period),
         installation text NOT NULL,
         status text NOT NULL CHECK (status IN ('compliant','short','not-verified','estimated')),
         due int8,
         emissions int8,
         surrendered int8 NOT NULL CHECK (surrendered >= 0),
         shortfall int8 NOT NULL CHECK (shortfall >= 0),
         amount text NOT NULL,
         amount_minor int8 NOT NULL CHECK (amount_minor >= 0),
         up_to boolean NOT NULL,
         carry_over int8 NOT NULL CHECK (carry_over >= 0),
         publication boolean NOT NULL,
         explanation jsonb NOT NULL,
         PRIMARY KEY (period, installation),
         CHECK (status <> 'compliant' OR shortfall = 0)
       )`,
      `CREATE TABLE true_ups (
         installation text NOT NULL REFERENCES compliance_installations(installation),
         year int NOT NULL,
         pre_allocation int8 NOT NULL,
         final int8 NOT NULL,
         true_up int8 NOT NULL,
         transaction_id text,
         lines jsonb NOT NULL,
         booked_by text NOT NULL,
         booked_at timestamptz NOT NULL,
         PRIMARY KEY (installation, year)
       )`,
      ...RECORDS.flatMap(appendOnly),
    ],
  },
];
