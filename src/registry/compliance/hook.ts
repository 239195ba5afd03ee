// The compliance rules on every surrender the ledger writes, as a hook on the kinds `surrender` and
// `reversal` (src/registry/ledger/hooks.ts), installed from the recorded rulebook by
// src/registry/scheme-rules.ts. A surrender pays one compliance period of the installation whose
// operator account it leaves: the period its purpose names (`period:<id>`, as the compliance
// surrender operation writes it), else the earliest period started and not yet past its deadline.
// On a proposal (held or not) the rule checks what it can without the position lock: eligibility,
// the deadline where the rulebook forbids late surrender, a closed period, and the limits against
// what already counted. At completion (directly, or on the approval or release of a held one) it
// locks the installation's position row for the period (SELECT ... FOR UPDATE), so two surrenders
// completing at once count one after the other and never pass a limit together, checks again on
// everything recorded so far, and records what each leg counted for. A refusal rolls the whole
// command back; at an approval the ledger then records the transaction rejected with this code.
// International units (classes defined from credit attributes) must also be admitted by the
// rulebook's `international.domesticUse` rules at completion (EU phase 2: no CERs from nuclear or
// LULUCF projects; GX-ETS: JCM credits), with the international domain's codes (109xx).
// A batch of surrenders (many steps in one call) reads what the rule needs for all its
// installations at once, after locking their position rows, instead of per step.
// A reversal of a surrender takes its lines back out of the position, unless the period is closed.
import { complianceRefusal, type Refusal } from "../../domain/compliance/codes.ts";
import type { Obligation, PeriodSpan } from "../../domain/compliance/obligation.ts";
import type { SurrenderLine } from "../../domain/compliance/surrender.ts";
import { evaluateSurrender } from "../../domain/compliance/surrender.ts";
import { periodFromPurpose, surrenderPeriod } from "../../domain/compliance/periods.ts";
import { assessDomesticUse } from "../../domain/international/domestic-use.ts";
import type { Rulebook } from "../../domain/rulebook/index.ts";
import { isoDate, localDate } from "../../domain/security/calendar.ts";
import { DEFAULT_SECURITY_CONFIG } from "../../domain/security/config.ts";
import type { Sql } from "../../store/db.ts";
import type { HookStep, KindHook, LedgerService } from "../ledger/index.ts";
import { Book } from "../international/book.ts";
import { offeredUnits } from "../international/domestic.ts";
import { complianceClosure } from "./closure.ts";
import { checkingObligation, type ObligationFacts, obligationFacts, oneObligationFacts } from "./obligations.ts";
import { isClosed, type LineRow, listInstallations, surrenderLines } from "./store.ts";

/** The registry calendar's time zone (the rulebook's security section), in which deadlines are dates. */
export function calendarZone(rb: Rulebook): string {
  return rb.security?.trustedList.timeZone ?? DEFAULT_SECURITY_CONFIG.trustedList.timeZone;
}

/** The local date of an instant in the registry's calendar. */
export function localDay(rb: Rulebook, at: string | Date): string {
  return isoDate(localDate(typeof at === "string" ? new Date(at) : at, calendarZone(rb)));
}

interface ClassRow {
  code: string;
  unit_type: string;
  scheme: string;
  vintage: number | null;
  host_country: string | null;
}

async function classesOf(sql: Sql, codes: readonly string[]): Promise<Map<string, ClassRow>> {
  const r = await sql.query<ClassRow>("SELECT code, unit_type, scheme, vintage, host_country FROM unit_classes WHERE code = ANY($1::text[])", [[...new Set(codes)]]);
  return new Map(r.rows.map((c) => [c.code, c]));
}

/** The legs of a step grouped by the installation of their source account. */
type Leg = { legNo: number; classCode: string; from: string; quantity: bigint };

async function byInstallation(sql: Sql, step: HookStep): Promise<Map<string, Leg[]> | Refusal> {
  const sources = [...new Set(step.legs.map((l) => l.from).filter((x): x is string => x !== null))];
  const r = await sql.query<{ id: string; installation: string | null }>("SELECT id, installation FROM accounts WHERE id = ANY($1::text[])", [sources]);
  const inst = new Map(r.rows.map((a) => [a.id, a.installation]));
  const out = new Map<string, Leg[]>();
  for (const [i, l] of step.legs.entries()) {
    const id = l.from === null ? null : (inst.get(l.from) ?? null);
    if (id === null || l.from === null) return complianceRefusal("INSTALLATION_UNKNOWN", `legs[${i}]: ${l.from ?? "(no source)"} is not the account of an installation; only an installation surrenders`, { leg: i, accountId: l.from });
    const list = out.get(id) ?? [];
    list.push({ legNo: i + 1, classCode: l.classCode, from: l.from, quantity: l.quantity });
    out.set(id, list);
  }
  return out;
}

async function purposeOf(sql: Sql, txId: string): Promise<string | null> {
  const r = await sql.query<{ purpose: string | null }>("SELECT request->>'purpose' AS purpose FROM transactions WHERE id = $1", [txId]);
  return r.rows[0]?.purpose ?? null;
}

/** Checks (and at completion records) one installation's legs of a surrender. */
async function checkInstallation(
  sql: Sql, rb: Rulebook, book: Book, step: HookStep, installation: string, legs: readonly Leg[], now: string, cache?: Prefetched,
): Promise<Refusal | null> {
  const date = localDay(rb, now);
  const period = surrenderPeriod(rb, periodFromPurpose(cache?.purposes.get(step.id) ?? (await purposeOf(sql, step.id))), date);
  if ("ok" in period) return period;
  const tagged = (r: Refusal): Refusal => ({ ...r, facts: { ...r.facts, installation, period: period.id } });
  if (await isClosed(sql, period.id))
    return tagged(complianceRefusal("SURRENDER_PERIOD_CLOSED", `${period.id} is closed; ${installation}'s surrender for it can no longer count (name a later period)`, {}));
  const completing = step.status === "completed";
  if (completing) {
    // The lock that makes concurrent completions for one installation and period count in turn.
    await sql.query("INSERT INTO compliance_positions (installation, period, covered, updated_at) VALUES ($1, $2, 0, $3) ON CONFLICT (installation, period) DO NOTHING", [installation, period.id, now]);
    await sql.query("SELECT covered FROM compliance_positions WHERE installation = $1 AND period = $2 FOR UPDATE", [installation, period.id]);
  }
  const classes = await classesOf(sql, legs.map((l) => l.classCode));
  const request: SurrenderLine[] = legs.map((l) => {
    const c = classes.get(l.classCode) as ClassRow;
    return { class: { code: c.code, unitType: c.unit_type, scheme: c.scheme, ...(c.vintage === null ? {} : { vintage: c.vintage }), ...(c.host_country === null ? {} : { hostCountry: c.host_country }) }, quantity: l.quantity };
  });
  const known = cache?.facts.get(period.id)?.get(installation);
  const obligation = checkingObligation(rb, known ?? (await oneObligationFacts(sql, rb, installation, period)));
  const cachedLines = known ? cache?.lines.get(period.id) : undefined;
  const previous = cachedLines ? (cachedLines.get(installation) ?? []) : ((await surrenderLines(sql, [installation], period.id)).get(installation) ?? []);
  const plan = evaluateSurrender({ rulebook: rb, obligation, previous, asOf: date }, request);
  if (!plan.ok) return tagged(plan);
  if (!completing) return null;
  const international = await domesticUse(sql, rb, book, step, legs, obligation, previous, period.to, date);
  if (international) return tagged(international);
  for (const [i, line] of plan.lines.entries()) {
    const leg = legs[i] as { legNo: number };
    await sql.query(
      `INSERT INTO surrender_lines (tx_id, leg_no, installation, period, class_code, unit_type, scheme, vintage, host_country, category, quantity, value, interest, years_ahead, recorded_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)`,
      [step.id, leg.legNo, installation, period.id, line.class.code, line.class.unitType, line.class.scheme, line.class.vintage ?? null, line.class.hostCountry ?? null, line.category, line.quantity.toString(), line.value.toString(), line.interest.toString(), line.yearsAhead ?? null, now],
    );
  }
  await sql.query("UPDATE compliance_positions SET covered = covered + $3, updated_at = $4 WHERE installation = $1 AND period = $2", [installation, period.id, plan.covered.toString(), now]);
  // A later step of the same batch for this installation counts these lines too.
  if (cachedLines) cachedLines.set(installation, [...previous, ...plan.lines.map((line, i) => ({ ...line, txId: step.id, legNo: (legs[i] as Leg).legNo, recordedAt: now }))]);
  return null;
}

/** What the steps of one hook call (a batch) need, read once for all their installations. */
interface Prefetched {
  purposes: Map<string, string | null>;
  facts: Map<string, Map<string, ObligationFacts>>;
  lines: Map<string, Map<string, LineRow[]>>;
}

/**
 * For a batch of surrenders (thousands of steps in one call): the purposes, obligation facts and
 * previous lines of every installation and period, in a few set-based statements instead of a
 * handful per step. The position rows of completing steps are locked first (in installation
 * order), so the lines read are those no concurrent surrender can add to before this one commits.
 */
async function prefetch(sql: Sql, rb: Rulebook, steps: readonly HookStep[], now: string): Promise<Prefetched> {
  const out: Prefetched = { purposes: new Map(), facts: new Map(), lines: new Map() };
  const p = await sql.query<{ id: string; purpose: string | null }>("SELECT id, request->>'purpose' AS purpose FROM transactions WHERE id = ANY($1::text[])", [steps.map((x) => x.id)]);
  for (const r of p.rows) out.purposes.set(r.id, r.purpose);
  const sources = [...new Set(steps.flatMap((x) => x.legs.map((l) => l.from)).filter((x): x is string => x !== null))];
  const a = await sql.query<{ id: string; installation: string | null }>("SELECT id, installation FROM accounts WHERE id = ANY($1::text[])", [sources]);
  const instOf = new Map(a.rows.map((r) => [r.id, r.installation]));
  const date = localDay(rb, now);
  const byPeriod = new Map<string, { period: PeriodSpan; installations: Set<string>; locks: Set<string> }>();
  for (const x of steps) {
    const period = surrenderPeriod(rb, periodFromPurpose(out.purposes.get(x.id) ?? null), date);
    if ("ok" in period) continue;
    const e = byPeriod.get(period.id) ?? { period, installations: new Set<string>(), locks: new Set<string>() };
    for (const l of x.legs) {
      const inst = l.from === null ? null : (instOf.get(l.from) ?? null);
      if (inst === null) continue;
      e.installations.add(inst);
      if (x.status === "completed") e.locks.add(inst);
    }
    byPeriod.set(period.id, e);
  }
  for (const { period, installations, locks } of byPeriod.values()) {
    const ids = [...installations].sort();
    const locked = [...locks].sort();
    if (locked.length > 0) {
      await sql.query(
        "INSERT INTO compliance_positions (installation, period, covered, updated_at) SELECT i, $2, 0, $3 FROM unnest($1::text[]) i ON CONFLICT (installation, period) DO NOTHING",
        [locked, period.id, now],
      );
      await sql.query("SELECT covered FROM compliance_positions WHERE period = $2 AND installation = ANY($1::text[]) ORDER BY installation FOR UPDATE", [locked, period.id]);
    }
    const rows = await listInstallations(sql, { only: ids, limit: ids.length });
    const rowOf = new Map(rows.map((r) => [r.installation, r]));
    out.facts.set(period.id, await obligationFacts(sql, rb, ids.map((id) => ({ id, row: rowOf.get(id) })), period));
    out.lines.set(period.id, await surrenderLines(sql, ids, period.id));
  }
  return out;
}

/**
 * International units in a completing surrender (classes defined from credit attributes, with
 * their Article 6 state): admitted by the rulebook's `international.domesticUse` (mechanism, unit
 * type, excluded activities and hosts, labels, vintages, authorization) and within
 * `credits.limits` on top of what the period counted before (assessDomesticUse, the international
 * domain's rule); 109xx when not. Only at completion: the serials are known once units move.
 */
async function domesticUse(
  sql: Sql, rb: Rulebook, book: Book, step: HookStep, legs: readonly Leg[], obligation: Obligation, previous: readonly LineRow[], year: number, date: string,
): Promise<Refusal | null> {
  if (!rb.international) return null;
  const sources = new Set(legs.map((l) => l.from));
  const offered = await offeredUnits(sql, book, step.moves.filter((m) => m[3] !== null && sources.has(m[3])));
  if (offered.length === 0) return null;
  const alreadyCounted: Record<string, bigint> = {};
  for (const l of previous) if (l.category === "credit") alreadyCounted[l.class.unitType] = (alreadyCounted[l.class.unitType] ?? 0n) + l.value;
  const r = assessDomesticUse(rb, offered, {
    year, date, obligation: obligation.due, alreadyCounted,
    ...(obligation.freeAllocation === undefined ? {} : { allocation: obligation.freeAllocation }),
    ...(obligation.requiredReduction === undefined ? {} : { requiredReduction: obligation.requiredReduction }),
  });
  return r.ok ? null : r;
}

/** The rule on surrenders: see the module comment. Rejections and cancellations pass untouched. */
export function surrenderHook(rb: Rulebook): KindHook {
  const book = new Book();
  return async (sql, steps, now) => {
    const live = steps.filter((x) => x.status !== "rejected" && x.status !== "cancelled");
    const cache = live.length > 1 ? await prefetch(sql, rb, live, now) : undefined;
    for (const step of live) {
      const groups = await byInstallation(sql, step);
      if (!(groups instanceof Map)) return groups;
      for (const [installation, legs] of groups) {
        const refusal = await checkInstallation(sql, rb, book, step, installation, legs, now, cache);
        if (refusal) return refusal;
      }
    }
    return null;
  };
}

/** A completed reversal of a surrender: its lines no longer count (refused once the period is closed). */
export function reversalHook(): KindHook {
  return async (sql, steps, now) => {
    for (const step of steps) {
      if (step.status !== "completed" || step.reverses === null) continue;
      const r = await sql.query<{ installation: string; period: string; value: bigint }>(
        "SELECT installation, period, sum(value)::int8 AS value FROM surrender_lines WHERE tx_id = $1 GROUP BY installation, period ORDER BY installation, period",
        [step.reverses],
      );
      for (const row of r.rows) {
        if (await isClosed(sql, row.period))
          return complianceRefusal("SURRENDER_PERIOD_CLOSED", `${row.period} is closed; ${row.installation}'s surrender ${step.reverses} counted in it and cannot be reversed`, { installation: row.installation, period: row.period, transactionId: step.reverses });
        await sql.query("SELECT covered FROM compliance_positions WHERE installation = $1 AND period = $2 FOR UPDATE", [row.installation, row.period]);
        await sql.query("UPDATE compliance_positions SET covered = covered - $3, updated_at = $4 WHERE installation = $1 AND period = $2", [row.installation, row.period, row.value.toString(), now]);
      }
      if (r.rows.length > 0) await sql.query("INSERT INTO surrender_reversals (tx_id, reversal_id, recorded_at) VALUES ($1, $2, $3)", [step.reverses, step.id, now]);
    }
    return null;
  };
}

/** The installer line of src/registry/scheme-rules.ts: the surrender rules wherever the rulebook has a compliance section. */
export function installCompliance(ledger: LedgerService, _db: unknown, rulebook: Rulebook | null): void {
  if (!rulebook?.compliance) return;
  ledger.onKind("surrender", surrenderHook(rulebook));
  ledger.onKind("reversal", reversalHook());
  ledger.onClose(complianceClosure);
}
