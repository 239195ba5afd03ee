// The checks of each leg of a transaction (LEG_ORDER) on a snapshot: source and destination
// accounts, their types and states (what the rulebook's account states let send and receive), the
// government routes, the unit class and the unit types a kind may carry.
import type { Catalogue, TransactionKind } from "../catalog.ts";
import { refuse, type Refusal } from "../checks.ts";
import type { Leg } from "../commands.ts";
import { type CheckFns, firstFailing, LEG_ORDER } from "../order.ts";
import { DEFAULT_LEDGER_RULES, type LedgerRules, receives, routeAllowed, sends } from "../rules.ts";
import type { ClassFacts, PlanLeg, Snapshot } from "./types.ts";

interface LegCtx {
  i: number;
  leg: Leg;
  kind: TransactionKind;
  snap: Snapshot;
  cat: Catalogue;
  rules: LedgerRules;
}

const at = (c: LegCtx) => ({ leg: c.i });

/** The predicates of LEG_ORDER on a snapshot (the reference ledger has its own, on its own state). */
export const LEG_CHECKS: CheckFns<LegCtx> = {
  SOURCE_REQUIRED: (c) =>
    (c.kind.code === "issuance") !== (c.leg.from === null)
      ? refuse("SOURCE_REQUIRED", c.kind.code === "issuance" ? `legs[${c.i}]: an issuance has no source account` : `legs[${c.i}]: a source account is required`, at(c))
      : undefined,
  SOURCE_UNKNOWN: (c) => (c.leg.from !== null && !c.snap.accounts.has(c.leg.from) ? refuse("SOURCE_UNKNOWN", `legs[${c.i}]: no account ${c.leg.from}`, { ...at(c), accountId: c.leg.from }) : undefined),
  SOURCE_NOT_OPEN: (c) => {
    const src = c.leg.from === null ? undefined : c.snap.accounts.get(c.leg.from);
    return src && !sends(c.rules, src.status, c.kind)
      ? refuse("SOURCE_NOT_OPEN", `legs[${c.i}]: account ${src.id} is ${src.status}: no ${c.kind.code} may leave it`, { ...at(c), accountId: src.id, status: src.status, kind: c.kind.code })
      : undefined;
  },
  SOURCE_TERMINAL: (c) => {
    const src = c.leg.from === null ? undefined : c.snap.accounts.get(c.leg.from);
    return src && c.cat.accountTypes.get(src.type)?.terminal
      ? refuse("SOURCE_TERMINAL", `legs[${c.i}]: ${src.id} is a ${src.type} account, which never sends`, { ...at(c), accountId: src.id, type: src.type })
      : undefined;
  },
  SOURCE_TYPE_NOT_ALLOWED: (c) => {
    const src = c.leg.from === null ? undefined : c.snap.accounts.get(c.leg.from);
    return src && !c.kind.from.includes(src.type)
      ? refuse("SOURCE_TYPE_NOT_ALLOWED", `legs[${c.i}]: a ${c.kind.code} cannot come from a ${src.type} account`, { ...at(c), accountId: src.id, type: src.type, allowed: c.kind.from })
      : undefined;
  },
  DEST_UNKNOWN: (c) => (!c.snap.accounts.has(c.leg.to) ? refuse("DEST_UNKNOWN", `legs[${c.i}]: no account ${c.leg.to}`, { ...at(c), accountId: c.leg.to }) : undefined),
  DEST_CLOSED: (c) => {
    const dst = c.snap.accounts.get(c.leg.to);
    return dst && !receives(c.rules, dst.status, c.kind)
      ? refuse("DEST_CLOSED", `legs[${c.i}]: account ${dst.id} is ${dst.status}: no ${c.kind.code} may arrive in it`, { ...at(c), accountId: dst.id, status: dst.status, kind: c.kind.code })
      : undefined;
  },
  DEST_TYPE_NOT_ALLOWED: (c) => {
    const dst = c.snap.accounts.get(c.leg.to);
    return dst && !c.kind.to.includes(dst.type)
      ? refuse("DEST_TYPE_NOT_ALLOWED", `legs[${c.i}]: a ${c.kind.code} cannot go to a ${dst.type} account`, { ...at(c), accountId: dst.id, type: dst.type, allowed: c.kind.to })
      : undefined;
  },
  DEST_SAME_AS_SOURCE: (c) => (c.leg.from === c.leg.to ? refuse("DEST_SAME_AS_SOURCE", `legs[${c.i}]: source and destination are both ${c.leg.to}`, { ...at(c), accountId: c.leg.to }) : undefined),
  GOVERNMENT_ROUTE: (c) => {
    const src = c.leg.from === null ? undefined : c.snap.accounts.get(c.leg.from);
    const dst = c.snap.accounts.get(c.leg.to);
    return src && dst && !routeAllowed(c.rules, c.cat, src.type, dst.type)
      ? refuse("GOVERNMENT_ROUTE", `legs[${c.i}]: a ${src.type} account may not send to a ${dst.type} account (the rulebook's government routes allow ${JSON.stringify(c.rules.governmentRoutes[src.type] ?? [])})`, {
          ...at(c), from: src.type, to: dst.type, allowed: c.rules.governmentRoutes[src.type] ?? [],
        })
      : undefined;
  },
  CLASS_UNKNOWN: (c) => (!c.snap.classes.has(c.leg.classCode) ? refuse("CLASS_UNKNOWN", `legs[${c.i}]: no unit class ${c.leg.classCode}`, { ...at(c), classCode: c.leg.classCode }) : undefined),
  UNIT_TYPE_NOT_ALLOWED: (c) => {
    const cls = c.snap.classes.get(c.leg.classCode);
    return cls && c.kind.unitTypes && !c.kind.unitTypes.includes(cls.unitType)
      ? refuse("UNIT_TYPE_NOT_ALLOWED", `legs[${c.i}]: a ${c.kind.code} cannot carry ${cls.unitType} units`, { ...at(c), unitType: cls.unitType, allowed: c.kind.unitTypes })
      : undefined;
  },
};

/** Every leg through LEG_ORDER, in leg order; the first refusal, or the legs with their classes. */
export function checkLegs(kind: TransactionKind, legs: readonly Leg[], snap: Snapshot, cat: Catalogue, rules: LedgerRules = DEFAULT_LEDGER_RULES): PlanLeg[] | Refusal {
  const out: PlanLeg[] = [];
  for (const [i, leg] of legs.entries()) {
    const r = firstFailing(LEG_ORDER, LEG_CHECKS, { i, leg, kind, snap, cat, rules });
    if (r) return r;
    out.push({ cls: snap.classes.get(leg.classCode) as ClassFacts, from: leg.from, to: leg.to, quantity: leg.quantity });
  }
  return out;
}
