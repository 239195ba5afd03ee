// The keys of linked registries and what they sign. Each registry has one Ed25519 key pair
// (node:crypto); it signs every message it sends over a link (a proposal, an answer), and checks
// the other side's with the public key the link records. What is signed: a domain tag, the link
// id, the message type, the nonce, the sending time and the SHA-256 of the body's canonical JSON
// (sorted keys, bigints as decimal strings), so a body has one signature whatever the transport
// does to whitespace or key order, and a signature made for one link, type or moment fits no other.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify } from "node:crypto";
import { canonical } from "../../../domain/ledger/commands.ts";

export interface KeyPair {
  publicKey: string;
  privateKey: string;
}

/** A signed message between linked registries. */
export interface Envelope {
  linkId: string;
  type: "propose" | "answer";
  nonce: string;
  /** ISO-8601 UTC time of sending. */
  sentAt: string;
  body: Record<string, unknown>;
  /** Ed25519 signature of signingInput(...), base64. */
  signature: string;
}

/** A new Ed25519 key pair in PEM (SPKI public, PKCS#8 private). */
export function newKeyPair(): KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  return { publicKey: publicKey.export({ type: "spki", format: "pem" }).toString(), privateKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString() };
}

/** Whether a PEM text is an Ed25519 public key. */
export function isEd25519Public(pem: unknown): pem is string {
  if (typeof pem !== "string" || pem.length > 4000) return false;
  try {
    return createPublicKey(pem).asymmetricKeyType === "ed25519";
  } catch {
    return false;
  }
}

/** The hex SHA-256 of a body's canonical JSON. */
export function bodyDigest(body: unknown): string {
  return createHash("sha256").update(JSON.stringify(canonical(body)), "utf8").digest("hex");
}

export function signingInput(e: Omit<Envelope, "signature">): string {
  return `openets-link-v1\n${e.linkId}\n${e.type}\n${e.nonce}\n${e.sentAt}\n${bodyDigest(e.body)}`;
}

/** Signs a body for the link with this registry's private key, under a fresh nonce and the time given. */
export function seal(privateKeyPem: string, linkId: string, type: Envelope["type"], body: Record<string, unknown>, sentAt: string): Envelope {
  const e = { linkId, type, nonce: randomBytes(16).toString("hex"), sentAt, body: canonical(body) as Record<string, unknown> };
  return { ...e, signature: sign(null, Buffer.from(signingInput(e), "utf8"), createPrivateKey(privateKeyPem)).toString("base64") };
}

/** Whether the envelope's signature is the peer's over exactly its fields. */
export function verifySeal(publicKeyPem: string, e: Envelope): boolean {
  if (typeof e.signature !== "string" || !/^[A-Za-z0-9+/]{86}==$/.test(e.signature)) return false;
  try {
    const { signature, ...rest } = e;
    return verify(null, Buffer.from(signingInput(rest), "utf8"), createPublicKey(publicKeyPem), Buffer.from(signature, "base64"));
  } catch {
    return false;
  }
}

/** The envelope's shape read from the wire, or the first field that is wrong. */
export function readEnvelope(v: unknown): Envelope | { field: string } {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return { field: "(body)" };
  const o = v as Record<string, unknown>;
  if (typeof o.linkId !== "string" || !/^[A-Z0-9][A-Z0-9-]{1,31}$/.test(o.linkId)) return { field: "linkId" };
  if (o.type !== "propose" && o.type !== "answer") return { field: "type" };
  if (typeof o.nonce !== "string" || !/^[0-9a-f]{32}$/.test(o.nonce)) return { field: "nonce" };
  if (typeof o.sentAt !== "string" || Number.isNaN(Date.parse(o.sentAt))) return { field: "sentAt" };
  if (typeof o.body !== "object" || o.body === null || Array.isArray(o.body)) return { field: "body" };
  if (typeof o.signature !== "string") return { field: "signature" };
  return o as unknown as Envelope;
}
