// Linked registries (src/registry/international/links, docs/concepts/linked-registries.md): this
// registry's Ed25519 key pair, the links an administrator configured (peer URL, registry id and
// public key) and their changes awaiting a second administrator, the accounts a link keeps (escrow
// slots reused from transfer to transfer since intl-link-002, one sent account, one inbound account), the sender's
// outgoing transfers, the receiver's decisions and the nonces seen. The ledger's tables are never
// written here: units move through the ledger's one write path, and the transfer rows are written
// in the same database transaction by the hooks on the kinds involved.
import type { Migration } from "../migration.ts";

export const intlLinkMigrations: readonly Migration[] = [
  {
    id: "intl-link-001",
    statements: [
      `CREATE TABLE intl_link_self (
         id int PRIMARY KEY CHECK (id = 1),
         registry_id text NOT NULL CHECK (registry_id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
         public_key text NOT NULL,
         private_key text NOT NULL,
         created_at timestamptz NOT NULL
       )`,
      `CREATE TABLE intl_links (
         link_id text PRIMARY KEY CHECK (link_id ~ '^[A-Z0-9][A-Z0-9-]{1,31}$'),
         peer_url text NOT NULL CHECK (peer_url ~ '^https?://'),
         peer_registry text NOT NULL,
         peer_public_key text NOT NULL,
         -- The peer's Party (ISO 3166 alpha-3) for the Article 6 records of ITMOs crossing the link; null when none cross.
         peer_party text CHECK (peer_party ~ '^[A-Z]{3}$'),
         version int NOT NULL CHECK (version >= 1),
         configured_at timestamptz NOT NULL,
         configured_by text NOT NULL,
         approved_by text
       )`,
      // A change of a link proposed by one administrator, applied when another approves it (when
      // the security rules ask for four eyes), or at once.
      `CREATE TABLE intl_link_changes (
         change_id text PRIMARY KEY,
         link_id text NOT NULL,
         body jsonb NOT NULL,
         status text NOT NULL CHECK (status IN ('awaiting_approval','applied','rejected')),
         proposed_by text NOT NULL,
         proposed_at timestamptz NOT NULL,
         decided_by text,
         decided_at timestamptz,
         CHECK ((status = 'awaiting_approval') = (decided_at IS NULL))
       )`,
      `CREATE TABLE intl_link_accounts (
         account_id text PRIMARY KEY REFERENCES accounts(id),
         link_id text NOT NULL REFERENCES intl_links(link_id),
         role text NOT NULL CHECK (role IN ('escrow','sent','inbound')),
         transfer_id text,
         CHECK ((role = 'escrow') = (transfer_id IS NOT NULL))
       )`,
      `CREATE TRIGGER intl_link_accounts_append_only BEFORE UPDATE OR DELETE ON intl_link_accounts FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()`,
      // The sender's transfers: escrowed by the escrow transaction's hook, settled (delivered or
      // returned) by the settlement's hook, once.
      `CREATE TABLE intl_link_outbound (
         link_id text NOT NULL REFERENCES intl_links(link_id),
         transfer_id text NOT NULL,
         escrow_tx text NOT NULL UNIQUE,
         escrow_account text NOT NULL REFERENCES accounts(id),
         source text NOT NULL,
         destination text NOT NULL,
         class_code text NOT NULL,
         quantity bigint NOT NULL CHECK (quantity > 0),
         serials jsonb NOT NULL,
         message jsonb NOT NULL,
         status text NOT NULL CHECK (status IN ('escrowed','delivered','returned')),
         answer jsonb,
         settle_tx text UNIQUE,
         attempts int NOT NULL DEFAULT 0,
         last_error text,
         created_at timestamptz NOT NULL,
         updated_at timestamptz NOT NULL,
         PRIMARY KEY (link_id, transfer_id),
         CHECK ((status = 'escrowed') = (settle_tx IS NULL)),
         CHECK (status = 'escrowed' OR answer IS NOT NULL)
       )`,
      // A settled transfer never changes again.
      `CREATE FUNCTION intl_link_outbound_settled() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'DELETE' OR OLD.status <> 'escrowed' THEN
           RAISE EXCEPTION 'a settled linked transfer is immutable: % on %/% refused', TG_OP, OLD.link_id, OLD.transfer_id USING ERRCODE = 'P0001';
         END IF;
         RETURN NEW;
       END $$`,
      `CREATE TRIGGER intl_link_outbound_settled BEFORE UPDATE OR DELETE ON intl_link_outbound FOR EACH ROW EXECUTE FUNCTION intl_link_outbound_settled()`,
      // The receiver's decisions, one per (link, transfer), never changed but for the credit.
      `CREATE TABLE intl_link_inbound (
         link_id text NOT NULL REFERENCES intl_links(link_id),
         transfer_id text NOT NULL,
         digest text NOT NULL,
         decision text NOT NULL CHECK (decision IN ('accepted','refused')),
         refusal jsonb,
         receipt_tx text UNIQUE,
         credit_tx text UNIQUE,
         class_code text NOT NULL,
         quantity bigint NOT NULL CHECK (quantity > 0),
         destination text NOT NULL,
         origin_serials jsonb NOT NULL,
         local_start bigint,
         local_end bigint,
         decided_at timestamptz NOT NULL,
         credited_at timestamptz,
         PRIMARY KEY (link_id, transfer_id),
         CHECK ((decision = 'accepted') = (receipt_tx IS NOT NULL)),
         CHECK ((decision = 'refused') = (refusal IS NOT NULL)),
         CHECK ((credit_tx IS NULL) = (credited_at IS NULL)),
         CHECK (decision = 'accepted' OR credit_tx IS NULL)
       )`,
      `CREATE FUNCTION intl_link_inbound_decided() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'DELETE' OR NEW.decision <> OLD.decision OR NEW.digest <> OLD.digest OR NEW.receipt_tx IS DISTINCT FROM OLD.receipt_tx
            OR OLD.credit_tx IS NOT NULL THEN
           RAISE EXCEPTION 'a linked transfer''s decision is immutable: % on %/% refused', TG_OP, OLD.link_id, OLD.transfer_id USING ERRCODE = 'P0001';
         END IF;
         RETURN NEW;
       END $$`,
      `CREATE TRIGGER intl_link_inbound_decided BEFORE UPDATE OR DELETE ON intl_link_inbound FOR EACH ROW EXECUTE FUNCTION intl_link_inbound_decided()`,
      `CREATE TABLE intl_link_nonces (
         link_id text NOT NULL,
         nonce text NOT NULL,
         seen_at timestamptz NOT NULL,
         PRIMARY KEY (link_id, nonce)
       )`,
    ],
  },
];

/** Batched link messages (appended last in index.ts). */
export const intlLinkBatchMigrations: readonly Migration[] = [
  {
    // Batched link messages (docs/concepts/linked-registries.md): a receipt issues the accepted
    // transfers of one message in one transaction (one leg each), so a receipt transaction is no
    // longer one transfer's; the escrow accounts of a link are slots reused from one transfer to
    // the next (the slot row names the transfer whose units it holds, none when it is free); the
    // peer's signed answer to a message is kept once, the transfers name it.
    id: "intl-link-002",
    statements: [
      "ALTER TABLE intl_link_inbound DROP CONSTRAINT intl_link_inbound_receipt_tx_key",
      "CREATE INDEX intl_link_inbound_receipt ON intl_link_inbound (receipt_tx)",
      `CREATE TABLE intl_link_slots (
         account_id text PRIMARY KEY REFERENCES accounts(id),
         link_id text NOT NULL REFERENCES intl_links(link_id),
         transfer_id text UNIQUE,
         since timestamptz NOT NULL
       )`,
      "CREATE INDEX intl_link_slots_free ON intl_link_slots (link_id) WHERE transfer_id IS NULL",
      `CREATE TABLE intl_link_answers (
         link_id text NOT NULL REFERENCES intl_links(link_id),
         nonce text NOT NULL,
         envelope jsonb NOT NULL,
         received_at timestamptz NOT NULL,
         PRIMARY KEY (link_id, nonce)
       )`,
      `CREATE TRIGGER intl_link_answers_append_only BEFORE UPDATE OR DELETE ON intl_link_answers FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()`,
    ],
  },
];
