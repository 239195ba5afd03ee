// The rulebook's `security` section: every security rule is configuration with a documented
// default (the EU Union Registry's values where it has one, CITSS's otherwise). parseSecurityConfig
// takes the raw YAML/JSON value (partial; missing fields take the defaults) and returns the full
// config or a refusal naming the bad field. Quantities are bigint; YAML may write them as numbers
// or decimal strings.
import type { Refusal } from "../ledger/checks.ts";
import type { TimeWindow } from "./calendar.ts";
import { securityRefusal } from "./codes.ts";
import { type Role, ROLES } from "./roles.ts";

export interface SecurityConfig {
  /** Four-eyes: kinds marked `approval` in the catalogue wait for a second person's approval. Default true. */
  readonly fourEyes: boolean;
  /** Hours after initiation within which the approval must come, else the transaction ends. Default 48 (CITSS: 2 days). */
  readonly approvalExpiryHours: number;
  readonly trustedList: {
    /** Working days after the proposal on whose `activationTime` an addition takes effect. Default 4 (EU). */
    readonly activationWorkingDays: number;
    /** Local time of day ("HH:MM") in `timeZone` at which additions take effect. Default "12:00". */
    readonly activationTime: string;
    /** IANA time zone of the working-day calendar. Default "Europe/Brussels" (CET/CEST). */
    readonly timeZone: string;
    /** Non-working weekdays, 0 = Sunday. Default [0, 6]. */
    readonly weekend: readonly number[];
    /** Public holidays (YYYY-MM-DD, in `timeZone`) that are not working days. Default none. */
    readonly holidays: readonly string[];
    /** Additions need a second person's approval (EU Art. 23: proposed and approved by two representatives). Default true. */
    readonly secondApproval: boolean;
    /** Accounts of the same holder count as trusted without an entry (EU Art. 23). Default true. */
    readonly sameHolderTrusted: boolean;
    /** Account types that may send only to trusted accounts (EU holding accounts). Default []. */
    readonly trustedOnlyAccountTypes: readonly string[];
  };
  /**
   * Business hours (local time of the trusted-list calendar, working days only) for transfers
   * between holders (kinds with a delay): initiation only inside `initiate`, delayed completion
   * moved to the next `complete` window. null = any time. Default null; the EU uses
   * initiate 10:00-16:00 and complete 12:00-18:00.
   */
  readonly businessHours: { readonly initiate: TimeWindow | null; readonly complete: TimeWindow | null } | null;
  /** Hours a transfer to an account outside the trusted list waits before completing. Default 26 (EU). */
  readonly transferDelayHours: number;
  /** Most units per transaction to accounts outside the trusted list; null = no limit. Default 2,000,000 (EU). */
  readonly transactionLimitOutsideTrusted: bigint | null;
  readonly holdingLimits: {
    /** Limit for every holder without its own; null = none. Default null. */
    readonly defaultLimit: bigint | null;
    /** Per-holder limits (holder name -> units). */
    readonly perHolder: Readonly<Record<string, bigint>>;
    /** Unit types that count toward the limit. Default ["allowance"]. */
    readonly unitTypes: readonly string[];
    /** Account types whose holdings do not count (CITSS: limited use, exchange clearing...). Default government and terminal types. */
    readonly exemptAccountTypes: readonly string[];
  };
  readonly signIn: {
    /** Roles that must use a TOTP second factor. Default national-admin and representative. */
    readonly secondFactorRoles: readonly Role[];
    /** Failed sign-ins in a row for one user id from one address before that address is locked out of it. Default 5. */
    readonly maxFailures: number;
    /**
     * Failed sign-ins for one user id from all addresses within `lockoutMinutes` after which, for
     * `lockoutMinutes`, it signs in only with password and one-time code together. Default 25.
     */
    readonly maxFailuresPerUser: number;
    /** Minutes a lockout lasts, and how long a failure is remembered. Default 15. */
    readonly lockoutMinutes: number;
    /** Backoff after the n-th failure: base * 2^(n-1) seconds, capped. Default 1 s, cap 60 s. */
    readonly backoffBaseSeconds: number;
    readonly backoffMaxSeconds: number;
    /** Minimum password length. Default 12. */
    readonly minPasswordLength: number;
  };
  readonly sessions: {
    /** Absolute lifetime of a session in minutes. Default 30. */
    readonly ttlMinutes: number;
    /** Minutes a second-factor challenge stays valid. Default 5. */
    readonly challengeMinutes: number;
  };
  readonly apiTokens: {
    /** Longest lifetime of an API token in days. Default 90. */
    readonly maxDays: number;
  };
  /** Demo mode allows published demo credentials. Never in production. Default false. */
  readonly demoMode: boolean;
}

const GOVERNMENT_AND_TERMINAL = [
  "national_issuance", "party_holding", "allocation", "auction", "new_entrants_reserve", "market_stability_reserve",
  "cost_containment_reserve", "pending", "share_of_proceeds", "surrender", "retirement", "voluntary_cancellation", "mandatory_cancellation",
];

export const DEFAULT_SECURITY_CONFIG: SecurityConfig = {
  fourEyes: true,
  approvalExpiryHours: 48,
  trustedList: {
    activationWorkingDays: 4,
    activationTime: "12:00",
    timeZone: "Europe/Brussels",
    weekend: [0, 6],
    holidays: [],
    secondApproval: true,
    sameHolderTrusted: true,
    trustedOnlyAccountTypes: [],
  },
  businessHours: null,
  transferDelayHours: 26,
  transactionLimitOutsideTrusted: 2_000_000n,
  holdingLimits: { defaultLimit: null, perHolder: {}, unitTypes: ["allowance"], exemptAccountTypes: GOVERNMENT_AND_TERMINAL },
  signIn: {
    secondFactorRoles: ["national-admin", "representative"],
    maxFailures: 5,
    maxFailuresPerUser: 25,
    lockoutMinutes: 15,
    backoffBaseSeconds: 1,
    backoffMaxSeconds: 60,
    minPasswordLength: 12,
  },
  sessions: { ttlMinutes: 30, challengeMinutes: 5 },
  apiTokens: { maxDays: 90 },
  demoMode: false,
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

class Bad extends Error {
  constructor(readonly field: string, readonly reason: string) {
    super(`${field}: ${reason}`);
  }
}

function num(o: Obj, key: string, path: string, dflt: number, min: number, max: number, integer = true): number {
  const v = o[key];
  if (v === undefined) return dflt;
  if (typeof v !== "number" || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < min || v > max) {
    throw new Bad(`${path}${key}`, `must be a${integer ? "n integer" : " number"} from ${min} to ${max}`);
  }
  return v;
}

function bool(o: Obj, key: string, path: string, dflt: boolean): boolean {
  const v = o[key];
  if (v === undefined) return dflt;
  if (typeof v !== "boolean") throw new Bad(`${path}${key}`, "must be true or false");
  return v;
}

function qty(v: unknown, field: string): bigint {
  if (typeof v === "bigint" && v >= 0n) return v;
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === "string" && /^\d{1,19}$/.test(v)) return BigInt(v);
  throw new Bad(field, "must be a whole number of units (0 or more)");
}

function optQty(o: Obj, key: string, path: string, dflt: bigint | null): bigint | null {
  const v = o[key];
  if (v === undefined) return dflt;
  if (v === null) return null;
  return qty(v, `${path}${key}`);
}

function strings(o: Obj, key: string, path: string, dflt: readonly string[], pattern?: RegExp): readonly string[] {
  const v = o[key];
  if (v === undefined) return dflt;
  if (!Array.isArray(v) || v.length > 1000) throw new Bad(`${path}${key}`, "must be a list of at most 1000 strings");
  for (const [i, s] of v.entries()) {
    if (typeof s !== "string" || (pattern && !pattern.test(s))) throw new Bad(`${path}${key}[${i}]`, pattern ? `must match ${pattern.source}` : "must be a string");
  }
  return v as string[];
}

function section(o: Obj, key: string): Obj {
  const v = o[key];
  if (v === undefined) return {};
  if (!isObj(v)) throw new Bad(key, "must be a mapping");
  return v;
}

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

function window(v: unknown, field: string): TimeWindow | null {
  if (v === undefined || v === null) return null;
  if (!isObj(v) || typeof v.from !== "string" || typeof v.to !== "string" || !HHMM.test(v.from) || !HHMM.test(v.to) || v.from >= v.to) {
    throw new Bad(field, 'must be { from: "HH:MM", to: "HH:MM" } with from before to');
  }
  return { from: v.from, to: v.to };
}

function businessHours(v: unknown): SecurityConfig["businessHours"] {
  if (v === undefined || v === null) return null;
  if (!isObj(v)) throw new Bad("businessHours", "must be a mapping with initiate and complete windows, or null");
  return { initiate: window(v.initiate, "businessHours.initiate"), complete: window(v.complete, "businessHours.complete") };
}

/** Reads a rulebook `security` section (undefined = all defaults). */
export function parseSecurityConfig(input: unknown): { ok: true; value: SecurityConfig } | Refusal {
  try {
    return { ok: true, value: parse(input ?? {}) };
  } catch (err) {
    if (err instanceof Bad) return securityRefusal("CONFIG_INVALID", `security.${err.message}`, { field: `security.${err.field}`, reason: err.reason });
    throw err;
  }
}

function parse(input: unknown): SecurityConfig {
  if (!isObj(input)) throw new Bad("(root)", "must be a mapping");
  const d = DEFAULT_SECURITY_CONFIG;
  const known = new Set(Object.keys(d));
  for (const k of Object.keys(input)) if (!known.has(k)) throw new Bad(k, `unknown field (known: ${[...known].join(", ")})`);
  const tl = section(input, "trustedList");
  const hl = section(input, "holdingLimits");
  const si = section(input, "signIn");
  const se = section(input, "sessions");
  const at = section(input, "apiTokens");
  const time = tl.activationTime ?? d.trustedList.activationTime;
  if (typeof time !== "string" || !/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) throw new Bad("trustedList.activationTime", 'must be "HH:MM"');
  const tz = tl.timeZone ?? d.trustedList.timeZone;
  if (typeof tz !== "string" || !validTimeZone(tz)) throw new Bad("trustedList.timeZone", "must be an IANA time zone such as Europe/Brussels");
  const weekend = tl.weekend ?? d.trustedList.weekend;
  if (!Array.isArray(weekend) || weekend.length > 6 || !weekend.every((w) => Number.isInteger(w) && w >= 0 && w <= 6)) {
    throw new Bad("trustedList.weekend", "must be a list of at most 6 weekdays 0-6 (0 = Sunday)");
  }
  const perHolderRaw = hl.perHolder ?? {};
  if (!isObj(perHolderRaw)) throw new Bad("holdingLimits.perHolder", "must be a mapping of holder to units");
  const perHolder: Record<string, bigint> = {};
  for (const [h, v] of Object.entries(perHolderRaw)) perHolder[h] = qty(v, `holdingLimits.perHolder.${h}`);
  const roles = strings(si, "secondFactorRoles", "signIn.", d.signIn.secondFactorRoles);
  for (const [i, r] of roles.entries()) if (!(ROLES as readonly string[]).includes(r)) throw new Bad(`signIn.secondFactorRoles[${i}]`, `must be one of ${ROLES.join(", ")}`);
  const backoffBase = num(si, "backoffBaseSeconds", "signIn.", d.signIn.backoffBaseSeconds, 0, 3600, false);
  const maxFailures = num(si, "maxFailures", "signIn.", d.signIn.maxFailures, 1, 100);
  return {
    fourEyes: bool(input, "fourEyes", "", d.fourEyes),
    approvalExpiryHours: num(input, "approvalExpiryHours", "", d.approvalExpiryHours, 1, 24 * 365),
    trustedList: {
      activationWorkingDays: num(tl, "activationWorkingDays", "trustedList.", d.trustedList.activationWorkingDays, 0, 60),
      activationTime: time,
      timeZone: tz,
      weekend: weekend as number[],
      holidays: strings(tl, "holidays", "trustedList.", d.trustedList.holidays, /^\d{4}-\d{2}-\d{2}$/),
      secondApproval: bool(tl, "secondApproval", "trustedList.", d.trustedList.secondApproval),
      sameHolderTrusted: bool(tl, "sameHolderTrusted", "trustedList.", d.trustedList.sameHolderTrusted),
      trustedOnlyAccountTypes: strings(tl, "trustedOnlyAccountTypes", "trustedList.", d.trustedList.trustedOnlyAccountTypes),
    },
    businessHours: businessHours(input.businessHours),
    transferDelayHours: num(input, "transferDelayHours", "", d.transferDelayHours, 0, 24 * 60, false),
    transactionLimitOutsideTrusted: optQty(input, "transactionLimitOutsideTrusted", "", d.transactionLimitOutsideTrusted),
    holdingLimits: {
      defaultLimit: optQty(hl, "defaultLimit", "holdingLimits.", d.holdingLimits.defaultLimit),
      perHolder,
      unitTypes: strings(hl, "unitTypes", "holdingLimits.", d.holdingLimits.unitTypes),
      exemptAccountTypes: strings(hl, "exemptAccountTypes", "holdingLimits.", d.holdingLimits.exemptAccountTypes),
    },
    signIn: {
      secondFactorRoles: roles as Role[],
      maxFailures,
      maxFailuresPerUser: num(si, "maxFailuresPerUser", "signIn.", Math.max(d.signIn.maxFailuresPerUser, maxFailures), maxFailures, 1_000_000),
      lockoutMinutes: num(si, "lockoutMinutes", "signIn.", d.signIn.lockoutMinutes, 1, 24 * 60 * 30),
      backoffBaseSeconds: backoffBase,
      backoffMaxSeconds: num(si, "backoffMaxSeconds", "signIn.", d.signIn.backoffMaxSeconds, backoffBase, 3600, false),
      minPasswordLength: num(si, "minPasswordLength", "signIn.", d.signIn.minPasswordLength, 8, 128),
    },
    sessions: {
      ttlMinutes: num(se, "ttlMinutes", "sessions.", d.sessions.ttlMinutes, 1, 24 * 60),
      challengeMinutes: num(se, "challengeMinutes", "sessions.", d.sessions.challengeMinutes, 1, 60),
    },
    apiTokens: { maxDays: num(at, "maxDays", "apiTokens.", d.apiTokens.maxDays, 1, 3650) },
    demoMode: bool(input, "demoMode", "", d.demoMode),
  };
}
