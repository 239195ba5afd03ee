// A scenario that names a rulebook: the rulebook's figures for each simulated year, as the plain
// numbers a scenario file would give inline. Pure: the rulebook arrives already loaded (the CLI's
// scenario loader reads the preset or file); this only reads it. Works on the raw scenario value
// before validation, filling only fields the scenario leaves out, so an inline field always wins.
import { capFor, capYears, priceCeilingFor, priceFloorFor, priceMinorFor, reservePriceFor } from "../domain/rulebook/index.ts";
import { reserveTiersFor } from "../domain/stability/reserves.ts";
import type { PricePath, Rulebook } from "../domain/rulebook/index.ts";

/** What a rulebook gave a scenario: the fields taken from it, and what it defines that the simulator leaves aside. */
export interface RulebookUse {
  name: string;
  used: string[];
  ignored: string[];
}

export class RulebookFieldError extends Error {
  constructor(readonly path: string, message: string) {
    super(message);
  }
}

/** Years as a scenario writes them (list or { from, to }); undefined when malformed (the schema reports it). */
function readYears(y: unknown): number[] | undefined {
  if (Array.isArray(y) && y.length > 0 && y.every((v) => Number.isInteger(v))) return y as number[];
  if (typeof y === "object" && y !== null && Number.isInteger((y as { from?: unknown }).from) && Number.isInteger((y as { to?: unknown }).to)) {
    const { from, to } = y as { from: number; to: number };
    if (to < from || to - from >= 200) return undefined;
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  }
  return undefined;
}

const fmt = (v: number | null | undefined) => (v == null ? "none" : v.toLocaleString("en-US", { maximumFractionDigits: 6 }));

/**
 * Fills the scenario fields the rulebook defines and the scenario leaves out: years (the cap's
 * years, else the trading periods; `rulebookYears` lets simulated year i read rulebook year i), cap (capFor x capScale), banking and borrowing (compliance),
 * priceCeiling and priceFloor (stability; the auction reserve price when there is no floor),
 * reserve (release tiers), offsets.limitShare (credits limits on the obligation) and msr.
 * Quantities from the rulebook are multiplied by `capScale` (default 1: scenario units are the
 * rulebook's allowances, one tonne each). Throws RulebookFieldError naming the scenario field.
 */
export function applyRulebook(raw: Record<string, unknown>, rb: Rulebook, name: string): { value: Record<string, unknown>; use: RulebookUse } {
  const out: Record<string, unknown> = { ...raw };
  const used: string[] = [];
  const ignored: string[] = [];
  const id = rb.scheme.id;
  const scale = raw.capScale === undefined ? 1 : raw.capScale;
  if (typeof scale !== "number" || !Number.isFinite(scale) || scale <= 0) throw new RulebookFieldError("capScale", "expected a positive number");
  const q = (v: bigint) => Number(v) * scale;

  // years: the simulated years, and the rulebook years each one reads (the same unless rulebookYears says)
  if (raw.years === undefined && raw.rulebookYears !== undefined) out.years = raw.rulebookYears;
  else if (raw.years === undefined) {
    const span = capYears(rb) ?? (rb.periods.length > 0 ? { from: rb.periods[0]!.from, to: rb.periods[rb.periods.length - 1]!.to } : undefined);
    if (!span) throw new RulebookFieldError("years", `rulebook ${id} defines no years (no cap trajectory or periods); give years`);
    out.years = { from: span.from, to: span.to };
    used.push(`years ${span.from}-${span.to} (${capYears(rb) ? "the cap trajectory" : "the trading periods"})`);
  }
  const simulated = readYears(out.years);
  if (!simulated) return { value: out, use: { name, used, ignored } }; // the schema names the bad years field
  let years = simulated;
  if (raw.rulebookYears !== undefined) {
    const ry = readYears(raw.rulebookYears);
    if (!ry || ry.some((y, i) => i > 0 && y !== (ry[i - 1] as number) + 1)) {
      throw new RulebookFieldError("rulebookYears", "expected consecutive increasing years, as a list or { from, to }");
    }
    if (ry.length !== simulated.length) throw new RulebookFieldError("rulebookYears", `expected as many years as the scenario simulates (${simulated.length}), got ${ry.length}`);
    years = ry;
    const span = (ys: number[]) => (ys.length === 1 ? `${ys[0]}` : `${ys[0]}-${ys[ys.length - 1]}`);
    if (ry[0] !== simulated[0]) used.push(`rulebookYears: the simulated years ${span(simulated)} read the rulebook's ${span(ry)}`);
  }

  // cap
  if (raw.cap === undefined) {
    const caps = years.map((y) => capFor(rb, y));
    const missing = years.filter((_, i) => caps[i] === undefined);
    if (missing.length > 0) {
      const why = rb.cap.kind === "trajectory" ? "" : ` (its cap is ${rb.cap.kind})`;
      throw new RulebookFieldError("cap", `rulebook ${id} defines no cap for ${missing.join(", ")}${why}; give cap in the scenario`);
    }
    const scaled = caps.map((c) => q(c as bigint));
    out.cap = scaled;
    used.push(`cap: capFor per year${scale === 1 ? "" : ` x capScale ${scale}`} (${years[0]}: ${fmt(scaled[0])})`);
  } else used.push("cap: from the scenario (inline overrides the rulebook)");
  // a scalar cap applies to every year, as in the scenario format
  const cap = typeof out.cap === "number" ? years.map(() => out.cap as number) : out.cap;

  // banking and borrowing
  const c = rb.compliance;
  if (c) {
    if (raw.banking === undefined) {
      out.banking = c.banking.allowed;
      used.push(`banking: ${c.banking.allowed} (compliance.banking.allowed)`);
    }
    if (!c.banking.acrossPeriods) ignored.push("compliance.banking.acrossPeriods: false (the simulator banks across all simulated years)");
    if (raw.borrowing === undefined) {
      const b = c.borrowing;
      out.borrowing = !b.allowed ? "none" : b.maxShare === undefined ? "unlimited" : { limitShare: b.maxShare, interestRate: b.interestRate ?? 0 };
      const limited = typeof out.borrowing === "object" ? "; maxShare read as a share of the year's cap" : "";
      used.push(`borrowing: ${typeof out.borrowing === "string" ? out.borrowing : JSON.stringify(out.borrowing)} (compliance.borrowing${limited})`);
    }
    if (c.borrowing.yearsAhead !== undefined) ignored.push(`compliance.borrowing.yearsAhead: ${c.borrowing.yearsAhead} (the simulator borrows from any later year)`);
    ignored.push("compliance.surrenderDeadline (timing within a year is not modelled)");
  } else if (raw.banking === undefined) ignored.push("compliance: absent; banking and borrowing take the scenario defaults");

  // price controls
  const st = rb.stability;
  const inflation = (p: PricePath | undefined, what: string) => {
    if (!p?.segments.some((s) => s.indexedToInflation)) return;
    const lacking = years.filter((y) => (priceMinorFor(p, y)?.inflationMissing.length ?? 0) > 0);
    if (p.inflation.length === 0) ignored.push(`${what}: indexedToInflation (the nominal path of priceFor is used; no inflation is added: the rulebook has no inflation table)`);
    else if (lacking.length > 0) ignored.push(`${what}: indexedToInflation (the rulebook's inflation table lacks years the prices of ${lacking.join(", ")} grow through; those grow without inflation)`);
  };
  if (raw.priceCeiling === undefined && st?.priceCeiling) {
    const ceiling = years.map((y) => priceCeilingFor(rb, y) ?? null);
    out.priceCeiling = ceiling;
    used.push(`priceCeiling: stability.priceCeiling per year (${years[0]}: ${fmt(ceiling[0])})`);
    inflation(st.priceCeiling, "stability.priceCeiling");
  }
  if (raw.priceFloor === undefined) {
    if (st?.priceFloor) {
      const floor = years.map((y) => priceFloorFor(rb, y) ?? null);
      out.priceFloor = floor;
      used.push(`priceFloor: stability.priceFloor per year (${years[0]}: ${fmt(floor[0])})`);
      inflation(st.priceFloor, "stability.priceFloor");
    } else if (rb.auctions?.reservePrice) {
      const floor = years.map((y) => reservePriceFor(rb, y) ?? null);
      out.priceFloor = floor;
      used.push(`priceFloor: auctions.reservePrice per year (${years[0]}: ${fmt(floor[0])}; auction volume below it stays unsold)`);
      inflation(rb.auctions.reservePrice, "auctions.reservePrice");
    }
  }

  // reserve tiers
  const tiers = st?.reserveTiers ?? [];
  const release = tiers.filter((t) => t.direction === "release");
  for (const t of tiers) if (t.direction === "withhold") ignored.push(`stability.reserveTiers ${t.id}: withhold tiers (emissions containment) are not modelled`);
  if (raw.reserve === undefined && release.length > 0) {
    if (!Array.isArray(cap) || cap.length !== years.length || !cap.every((c) => typeof c === "number")) {
      throw new RulebookFieldError("cap", `expected one number per year (${years.length}) to size the rulebook's reserve tiers`);
    }
    // the same tiers an auction of that year clears with (src/domain/stability/reserves.ts); a share of
    // the cap is of the rulebook's cap, or of the scenario's when the scenario gives its own cap
    const capFromRulebook = raw.cap === undefined;
    out.reserve = years.map((y, i) =>
      reserveTiersFor(rb, y)
        .filter((t) => t.direction === "release")
        .map((t) => {
          const rule = release.find((r) => r.id === t.id);
          const share = rule?.size.kind === "capShare" ? rule.size.share : undefined;
          const quantity = share !== undefined && (!capFromRulebook || t.quantity === null) ? share * (cap[i] as number) : q(t.quantity ?? 0n);
          return { trigger: Number(t.triggerMinor) / 10 ** t.decimals, quantity };
        }),
    );
    const active = release.filter((r) => years.some((y) => reserveTiersFor(rb, y).some((t) => t.id === r.id)));
    used.push(`reserve: stability.reserveTiers ${active.map((t) => t.id).join(", ")} per year`);
  }

  // offsets
  const limits = rb.credits?.limits ?? [];
  const applies = (l: (typeof limits)[number], y: number) => (l.from ?? -Infinity) <= y && y <= (l.to ?? Infinity);
  const shareIn = (y: number) => limits.filter((l) => applies(l, y) && l.maxShareOfObligation !== undefined).reduce((a, l) => a + (l.maxShareOfObligation as number), 0);
  for (const l of limits) {
    if (l.maxShareOfAllocation !== undefined || l.maxShareOfReduction !== undefined) ignored.push(`credits.limits ${l.types.join("/")}: limits on a share of allocation or reduction are not modelled`);
    if (l.exchangeRate !== 1) ignored.push(`credits.limits ${l.types.join("/")}: exchangeRate ${l.exchangeRate} (one credit counts as one allowance)`);
  }
  const shares = years.map(shareIn);
  const offsets = raw.offsets;
  if (typeof offsets === "object" && offsets !== null && !Array.isArray(offsets) && (offsets as Record<string, unknown>).limitShare === undefined) {
    const first = shares[0] as number;
    out.offsets = { ...(offsets as Record<string, unknown>), limitShare: first };
    used.push(`offsets.limitShare: ${first} (credits.limits maxShareOfObligation in ${years[0]})`);
    if (shares.some((s) => s !== first)) ignored.push(`credits.limits: the share changes over the years (${[...new Set(shares)].join(", ")}); the simulator uses one share, ${first}`);
  } else if (offsets === undefined && shares.some((s) => s > 0)) {
    ignored.push("credits.limits: no offsets are modelled because the rulebook gives no credit price; add offsets: { price } to use its limit");
  }

  // market stability reserve
  const m = st?.msr;
  if (raw.msr === undefined && m) {
    // the simulator's year y acts on the TNAC at the end of y - 1, so it takes that TNAC year's rate;
    // rates over a window other than a whole year (the 2019 start) have no annual counterpart
    const wholeYear = (r: (typeof m.intakeRates)[number]) => (r.window ?? m.intakeWindow).months === 12;
    const rates = years.map((y) => m.intakeRates.find((r) => wholeYear(r) && r.from <= y - 1 && y - 1 <= (r.to ?? Number.POSITIVE_INFINITY))?.rate);
    for (const r of m.intakeRates) if (!wholeYear(r)) ignored.push(`stability.msr.intakeRates from ${r.from}: an intake over ${(r.window ?? m.intakeWindow).months} months is not modelled (the simulator's MSR acts once a year)`);
    const covered = rates.filter((r): r is number => r !== undefined);
    if (covered.length === 0) ignored.push("stability.msr: its intake rates cover none of the simulated years");
    else {
      const rate = covered[0] as number;
      const amountRule = m.invalidation.find((r) => typeof r.above === "bigint");
      const invalidateAbove = amountRule?.above as bigint | undefined;
      out.msr = {
        upperThreshold: q(m.upperThreshold),
        lowerThreshold: q(m.lowerThreshold),
        intakeRate: rate,
        releaseQuantity: q(m.release),
        ...(m.buffer !== undefined ? { bufferThreshold: q(m.buffer.upTo) } : {}),
        ...(invalidateAbove !== undefined ? { invalidationThreshold: q(invalidateAbove) } : {}),
      };
      used.push(`msr: stability.msr thresholds and release${scale === 1 ? "" : ` x capScale ${scale}`}, intake rate ${rate}`);
      if (covered.length < years.length) ignored.push("stability.msr: years outside its intake periods (the simulator runs the MSR in every simulated year)");
      if (covered.some((r) => r !== rate)) ignored.push(`stability.msr: intake rates change over the years (${[...new Set(covered)].join(", ")}); the simulator uses one rate, ${rate}`);
      if (m.minIntake !== undefined || m.intakeRates.some((r) => r.minIntake !== undefined)) ignored.push("stability.msr.minIntake (no minimum intake in the simulator)");
      if (m.buffer && m.buffer.from > (years[0] as number)) ignored.push(`stability.msr.buffer.from ${m.buffer.from}: the simulator applies the buffer rule in every year`);
      if (m.invalidation.some((r) => r.above === "previous-year-auction-volume")) ignored.push("stability.msr.invalidation above the previous year's auction volume (the simulator uses the fixed threshold)");
      if (m.invalidation.length > 0 && amountRule && (amountRule.from > (years[0] as number))) ignored.push(`stability.msr.invalidation from ${amountRule.from}: the simulator invalidates in every year`);
      ignored.push("stability.msr timing: the simulator takes intake and release in the year after the TNAC year, not September to August");
    }
  }

  // sections the simulator does not read
  const sections: [keyof Rulebook, string][] = [
    ["coverage", "coverage (facilities come from the scenario)"],
    ["allocation", "allocation (free allocation comes from the scenario's facilities)"],
    ["leakage", "leakage"],
    ["penalties", "penalties (compliance is assumed)"],
    ["mrv", "mrv (emissions come from the scenario's facilities)"],
    ["security", "security"],
  ];
  for (const [k, text] of sections) if (rb[k] !== undefined) ignored.push(text);
  if (rb.auctions && !used.some((u) => u.includes("auctions.reservePrice"))) ignored.push("auctions (format, lots and timing; the simulator clears one market a year)");
  return { value: out, use: { name, used, ignored } };
}
