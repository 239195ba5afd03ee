// How the registry commands print what the registry answers, the same whether it came from the
// store or from a server's API (whose JSON carries amounts as decimal strings): accounts,
// holdings, classes, transactions, pages of lists. Light on purpose (no store, no services), so
// a command beside a running server loads only this and the HTTP client.
import { cliLang, codeText, formatTable, groupDigits, t } from "../../io.ts";

/** An amount of units from either door: bigint from the store, a decimal string from the API. */
export type Units = bigint | string;
const units = (v: Units | null | undefined): bigint | string => (typeof v === "string" && /^-?\d+$/.test(v) ? BigInt(v) : (v ?? ""));

export interface AccountLike {
  id: string;
  type: string;
  status: string;
  holder: string;
  name: string;
  installation: string | null;
  openedAt?: string;
  statusReason?: string | null;
  statusSince?: string | null;
}

/** The administrator's reason for an account's state, when it has one, as a line. */
export function stateReasonLine(a: AccountLike): string {
  return a.statusReason ? `${a.status} since ${a.statusSince ?? "?"}: ${a.statusReason}\n` : "";
}

export interface HoldingLike {
  classCode: string;
  unitType: string;
  quantity: Units;
  earmarked: Units;
  available: Units;
  blockCount: number;
  /** Credit attributes of an international class; null (or absent, from an older server) for other classes. */
  attributes?: object | null;
  blocks?: Array<{ start: Units; end: Units; quantity: Units }>;
}

/** The attributes in the order src/domain/international/attributes.ts defines them. */
const ATTRIBUTE_ORDER = ["mechanism", "unitType", "creditKind", "host", "vintage", "methodology", "project", "sector", "activityType", "commitmentPeriod", "cooperativeApproach", "labels", "expiry", "gwp"];

/** A class's credit attributes on one line: `name value` for each one set, lists joined by "+". */
export function attributesSummary(attributes: object): string {
  const a = attributes as Readonly<Record<string, unknown>>;
  const keys = [...ATTRIBUTE_ORDER.filter((k) => k in a), ...Object.keys(a).filter((k) => !ATTRIBUTE_ORDER.includes(k)).sort()];
  const parts: string[] = [];
  for (const k of keys) {
    const v = a[k];
    if (v === null || v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    parts.push(`${k} ${Array.isArray(v) ? v.join("+") : String(v)}`);
  }
  return parts.join(", ");
}

export interface ClassLike {
  code: string;
  unitType: string;
  scheme: string;
  vintage: number | null;
  commitmentPeriod?: string | null;
  issued: Units;
  issuanceLimit: Units | null;
}

export interface TxLike {
  id: string;
  kind: string;
  status: string;
  reverses?: string | null;
  reversedBy?: string | null;
  delayUntil?: string | null;
  legs: Array<{ classCode: string; from: string | null; to: string; quantity: Units }>;
  events?: Array<{ status: string; at: string; actor: string | null }>;
  movements?: Array<{ legNo: number; classCode: string; from: string | null; to: string; start: Units; end: Units; quantity: Units }>;
}

/** A status word in the user's language (txStatus.*, accountStatus.*), the code itself when the catalogue has none. */
const statusWord = (family: "txStatus" | "accountStatus", s: string) => (cliLang() === "ja" ? (codeText(family, s) ?? s) : s);

export function accountText(a: AccountLike): string {
  return `${a.id} (${a.type}, ${a.status}) ${t("cli.reg.holder")} ${a.holder}, ${t("cli.reg.name")} ${a.name}${a.installation ? `, ${t("cli.reg.installation")} ${a.installation}` : ""}`;
}

export function accountsTable(items: readonly AccountLike[]): string {
  return formatTable(
    [t("cli.col.id"), t("cli.col.type"), t("cli.col.status"), t("cli.col.holder"), t("cli.col.name"), t("cli.col.installation")],
    items.map((a) => [a.id, a.type, statusWord("accountStatus", a.status), a.holder, a.name, a.installation]),
  );
}

export function holdingsText(h: readonly HoldingLike[]): string {
  if (h.length === 0) return `${t("cli.reg.noUnits")}\n`;
  const lines = [
    formatTable(
      [t("cli.col.class"), t("cli.col.unitType"), t("cli.col.quantity"), t("cli.col.earmarked"), t("cli.col.available"), t("cli.col.blocks")],
      h.map((x) => [x.classCode, x.unitType, units(x.quantity), units(x.earmarked), units(x.available), x.blockCount]),
    ),
  ];
  for (const x of h) {
    if (x.attributes) lines.push(t("cli.reg.attributesOf", { class: x.classCode, attributes: attributesSummary(x.attributes) }));
  }
  for (const x of h) {
    if (!x.blocks) continue;
    lines.push(`\n${t("cli.reg.blocksOf", { class: x.classCode })}${x.blocks.length < x.blockCount ? ` ${t("cli.reg.firstBlocks", { shown: x.blocks.length, count: x.blockCount })}` : ""}:`);
    lines.push(formatTable([t("cli.col.firstSerial"), t("cli.col.lastSerial"), t("cli.col.quantity")], x.blocks.map((b) => [units(b.start), units(b.end), units(b.quantity)])));
  }
  return `${lines.join("\n")}\n`;
}

export function classText(c: ClassLike): string {
  const issued = groupDigits(units(c.issued).toString());
  const what = c.issuanceLimit === null ? t("cli.reg.issued", { issued }) : t("cli.reg.issuedOf", { issued, limit: groupDigits(units(c.issuanceLimit).toString()) });
  return `${c.code} (${c.unitType}, ${c.scheme}${c.vintage !== null ? ` ${c.vintage}` : ""}) ${what}`;
}

export function classesTable(items: readonly ClassLike[]): string {
  return formatTable(
    [t("cli.col.code"), t("cli.col.unitType"), t("cli.col.scheme"), t("cli.col.vintage"), t("cli.col.issued"), t("cli.col.limit")],
    items.map((c) => [c.code, c.unitType, c.scheme, c.vintage ?? c.commitmentPeriod ?? "", units(c.issued), c.issuanceLimit === null ? "" : units(c.issuanceLimit)]),
  );
}

export function txText(x: TxLike): string {
  const legs = x.legs.map((l) => `  ${groupDigits(units(l.quantity).toString())} ${l.classCode} ${l.from ?? t("cli.reg.issuedFrom")} -> ${l.to}`).join("\n");
  return `${t("cli.reg.transaction")} ${x.id} (${x.kind}) ${statusWord("txStatus", x.status)}${x.reverses ? `, ${t("cli.reg.reverses")} ${x.reverses}` : ""}${x.reversedBy ? `, ${t("cli.reg.reversedBy")} ${x.reversedBy}` : ""}\n${legs}\n`;
}

/** What a held transaction waits for, said plainly. */
export function nextStep(x: TxLike): string {
  if (x.status === "awaiting_approval") return `${t("cli.reg.awaitsApproval", { id: x.id })}\n`;
  if (x.status === "delayed") return `${t("cli.reg.delayedUntil", { until: x.delayUntil ?? "?" })}\n`;
  return "";
}

export function txDetail(x: TxLike): string {
  const events = formatTable([t("cli.col.status"), t("cli.col.at"), t("cli.col.actor")], (x.events ?? []).map((e) => [statusWord("txStatus", e.status), e.at, e.actor ?? ""]));
  const mv = x.movements ?? [];
  const moves = formatTable(
    [t("cli.col.leg"), t("cli.col.class"), t("cli.col.from"), t("cli.col.to"), t("cli.col.firstSerial"), t("cli.col.lastSerial"), t("cli.col.quantity")],
    mv.map((m) => [m.legNo, m.classCode, m.from ?? t("cli.reg.issuedFrom"), m.to, units(m.start), units(m.end), units(m.quantity)]),
  );
  return `${txText(x)}\n${events}\n\n${mv.length ? moves : t("cli.reg.noMovements")}\n`;
}

export function txTable(items: readonly TxLike[]): string {
  const rows = items.flatMap((x) => x.legs.map((l, i) => [i === 0 ? x.id : "", i === 0 ? x.kind : "", i === 0 ? statusWord("txStatus", x.status) : "", l.classCode, l.from ?? t("cli.reg.issuedFrom"), l.to, units(l.quantity)]));
  return formatTable([t("cli.col.id"), t("cli.col.kind"), t("cli.col.status"), t("cli.col.class"), t("cli.col.from"), t("cli.col.to"), t("cli.col.quantity")], rows);
}

export function repsTable(items: ReadonlyArray<{ userId: string; initiate: boolean; approve: boolean; addedAt: string }>): string {
  const yes = (b: boolean) => t(b ? "cli.yes" : "cli.no");
  return formatTable([t("cli.col.user"), t("cli.col.initiate"), t("cli.col.approve"), t("cli.col.added")], items.map((x) => [x.userId, yes(x.initiate), yes(x.approve), x.addedAt]));
}

export const idLine = (id: string, generated: boolean) => (generated ? `${t("cli.reg.generatedId", { id })}\n` : "");
export const replayedPrefix = (replayed: boolean) => (replayed ? `${t("cli.reg.alreadyDone")} ` : "");

/** The lines after a page of a list: how many, and how to get the next page when there is one. */
export function pageFooter(shown: number, next: string | null): string {
  if (next === null) return "";
  return `${t("cli.page.more", { shown, cursor: next })}\n`;
}

/** A cursor as the API writes it (base64url of the last key), so a page printed by either door continues on the other. */
export function encodeCursor(key: string): string {
  return Buffer.from(key, "utf8").toString("base64url");
}

/** The key a cursor of `encodeCursor` (or the API) stands for; undefined when it is not one. */
export function decodeCursor(cursor: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) return undefined;
  const key = Buffer.from(cursor, "base64url").toString("utf8");
  return key.length === 0 || /[\u0000-\u001f\ufffd]/.test(key) ? undefined : key;
}

/** The due transactions a release handled, each with its outcome. */
export function releaseText(items: ReadonlyArray<{ transactionId: string; ok: boolean; status: string | null; code: number | null }>): string {
  if (items.length === 0) return `${t("cli.reg.nothingDue")}\n`;
  return `${formatTable([t("cli.col.transaction"), t("cli.col.result")], items.map((x) => [x.transactionId, x.ok ? statusWord("txStatus", x.status ?? "") : t("cli.reg.refusedCode", { code: x.code ?? "?" })]))}\n`;
}

/** A representative's rights in words. */
export const rightsText = (r: { initiate: boolean; approve: boolean }) => [r.initiate ? "initiate" : "", r.approve ? "approve" : ""].filter(Boolean).join(" and ");
