// Defining a unit class and its validation: unit type, scheme, vintage, the attributes of
// international credits (project, host country, kind, methodology, Article 6), issuance limit and
// first serial.
import { CLASS_CODE_PATTERN, type Checked, checkId, field, isObj, optString, parseQuantity, type Quantity } from "./fields.ts";

export interface DefineClassCommand {
  commandId: string;
  code: string;
  unitType: string;
  scheme: string;
  vintage?: number;
  commitmentPeriod?: string;
  project?: string;
  hostCountry?: string;
  creditKind?: "reduction" | "avoidance" | "removal";
  methodology?: string;
  article6?: { authorized: boolean; use?: "NDC" | "OIMP" | "both"; firstTransferred?: boolean };
  issuanceLimit?: Quantity;
  serialStart?: Quantity;
}
export interface ValidClass {
  commandId: string;
  code: string;
  unitType: string;
  scheme: string;
  vintage: number | null;
  commitmentPeriod: string | null;
  project: string | null;
  hostCountry: string | null;
  creditKind: "reduction" | "avoidance" | "removal" | null;
  methodology: string | null;
  article6: { authorized: boolean; use: string | null; firstTransferred: boolean } | null;
  issuanceLimit: bigint | null;
  serialStart: bigint;
}

export function validateDefineClass(input: unknown): Checked<ValidClass> {
  if (!isObj(input)) return field("command", "must be an object");
  const e1 = checkId(input.commandId, "commandId") ?? checkId(input.code, "code", CLASS_CODE_PATTERN);
  if (e1) return e1;
  if (typeof input.unitType !== "string") return field("unitType", "must be a string");
  if (typeof input.scheme !== "string" || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/.test(input.scheme)) return field("scheme", "must be a short code such as JP-GX or EU");
  for (const k of ["commitmentPeriod", "project", "methodology"]) {
    const e = optString(input, k, "", 200);
    if (e) return e;
  }
  if (input.vintage !== undefined && (!Number.isInteger(input.vintage) || (input.vintage as number) < 1990 || (input.vintage as number) > 2200)) {
    return field("vintage", "must be a year between 1990 and 2200");
  }
  if (input.hostCountry !== undefined && (typeof input.hostCountry !== "string" || !/^[A-Z]{2,3}$/.test(input.hostCountry))) {
    return field("hostCountry", "must be an ISO 3166 code such as TH or JPN");
  }
  if (input.creditKind !== undefined && !["reduction", "avoidance", "removal"].includes(input.creditKind as string)) {
    return field("creditKind", "must be reduction, avoidance or removal");
  }
  let article6: ValidClass["article6"] = null;
  if (input.article6 !== undefined) {
    const a = input.article6;
    if (!isObj(a) || typeof a.authorized !== "boolean") return field("article6.authorized", "must be a boolean");
    if (a.use !== undefined && !["NDC", "OIMP", "both"].includes(a.use as string)) return field("article6.use", "must be NDC, OIMP or both");
    if (a.firstTransferred !== undefined && typeof a.firstTransferred !== "boolean") return field("article6.firstTransferred", "must be a boolean");
    article6 = { authorized: a.authorized, use: (a.use as string | undefined) ?? null, firstTransferred: a.firstTransferred === true };
  }
  let issuanceLimit: bigint | null = null;
  if (input.issuanceLimit !== undefined && input.issuanceLimit !== null) {
    const q = parseQuantity(input.issuanceLimit, "issuanceLimit");
    if (!q.ok) return q;
    issuanceLimit = q.value;
  }
  let serialStart = 1n;
  if (input.serialStart !== undefined) {
    const q = parseQuantity(input.serialStart, "serialStart");
    if (!q.ok) return q;
    serialStart = q.value;
  }
  const s = (k: string) => (typeof input[k] === "string" ? (input[k] as string) : null);
  return {
    ok: true,
    value: {
      commandId: input.commandId as string,
      code: input.code as string,
      unitType: input.unitType,
      scheme: input.scheme,
      vintage: (input.vintage as number | undefined) ?? null,
      commitmentPeriod: s("commitmentPeriod"),
      project: s("project"),
      hostCountry: s("hostCountry"),
      creditKind: (input.creditKind as ValidClass["creditKind"] | undefined) ?? null,
      methodology: s("methodology"),
      article6,
      issuanceLimit,
      serialStart,
    },
  };
}
