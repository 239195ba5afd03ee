// The equilibrium of a deterministic scenario written as the equivalent linear programme (CPLEX
// LP text): minimise the present value of abatement cost, plus the floor value of auctioned
// allowances, plus reserve, ceiling and offset purchases, subject to the bank balance each year.
// The price of a year is the dual of its balance row divided by its discount factor. Used to
// cross-check the simulator against an LP solver (the `highs` package) in tests and the benchmark;
// the simulator itself never solves an LP. Step curves only; the MSR is not linear and is left out.
import type { Scenario } from "./scenario.ts";

export interface LpModel {
  text: string;
  /** Name of the balance row of each year. */
  rows: string[];
  /** Discount factor of each year, 1 / (1 + r)^t. */
  discount: number[];
  columns: number;
}

const n = (v: number) => (Number.isFinite(v) ? v.toPrecision(17).replace(/\.?0+(e|$)/, "$1") : String(v));

/** Throws if the scenario has linear curves or an MSR (not representable here). */
export function scenarioToLp(s: Scenario): LpModel {
  if (s.msr !== undefined) throw new Error("the LP form has no MSR");
  if (s.clusters.length > 0) throw new Error("the LP form has no clusters");
  const T = s.years.length;
  const obj: string[] = [];
  const cons: string[] = [];
  const bounds: string[] = [];
  const rows: string[] = [];
  const discount: number[] = [];
  const b = s.borrowing;
  const interest = b.kind === "limited" ? b.interestRate : 0;
  let columns = 0;
  for (let t = 0; t < T; t++) {
    const d = 1 / Math.pow(1 + s.discountRate, t);
    discount.push(d);
    const lhs: string[] = [];
    let bau = 0;
    let free = 0;
    const xs: string[] = [];
    s.facilities.forEach((f, i) => {
      if (f.mac.kind !== "steps") throw new Error(`facility ${f.id}: the LP form takes step curves only`);
      const fb = f.bau[t] as number;
      bau += fb;
      free += f.freeAllocation[t] as number;
      let left = fb;
      f.mac.steps.forEach((st, j) => {
        const q = Math.min(st.quantity, left);
        left -= q;
        if (q <= 0) return;
        const x = `x${t}_${i}_${j}`;
        columns++;
        obj.push(`+ ${n(d * st.cost)} ${x}`);
        bounds.push(`0 <= ${x} <= ${n(q)}`);
        xs.push(x);
      });
    });
    lhs.push(...xs.map((x) => `+ ${x}`));
    const auction = (s.cap[t] as number) - free;
    const floor = s.priceFloor[t] ?? 0;
    // the floor: the auctioneer withholds volume below it, i.e. it values each unsold allowance at the floor
    obj.push(`+ ${n(d * floor)} s${t}`);
    bounds.push(`0 <= s${t} <= ${n(auction)}`);
    lhs.push(`+ s${t}`);
    (s.reserve[t] ?? []).forEach((tier, k) => {
      obj.push(`+ ${n(d * tier.trigger)} r${t}_${k}`);
      bounds.push(`0 <= r${t}_${k} <= ${n(tier.quantity)}`);
      lhs.push(`+ r${t}_${k}`);
    });
    const c = s.priceCeiling[t];
    if (c !== undefined) {
      obj.push(`+ ${n(d * c)} c${t}`);
      lhs.push(`+ c${t}`);
    }
    if (s.offsets) {
      obj.push(`+ ${n(d * s.offsets.price)} o${t}`);
      lhs.push(`+ o${t}`);
      const l = s.offsets.limitShare;
      cons.push(` off${t}: o${t}${xs.map((x) => ` + ${n(l)} ${x}`).join("")} <= ${n(l * bau)}`);
    }
    // bank: bp (held) and bm (borrowed); e: allowances let lapse (free disposal)
    lhs.push(`- bp${t}`, `+ bm${t}`, `- e${t}`);
    if (t > 0) {
      if (s.banking) lhs.push(`+ bp${t - 1}`, `- ${n(1 + interest)} bm${t - 1}`);
    } else {
      free += s.initialBank;
    }
    const limit = t === T - 1 || b.kind === "none" || !s.banking ? 0 : b.kind === "unlimited" ? Infinity : b.limitShare * (s.cap[t] as number);
    bounds.push(Number.isFinite(limit) ? `0 <= bm${t} <= ${n(limit)}` : `bm${t} >= 0`);
    if (!s.banking) bounds.push(`bp${t} = 0`);
    rows.push(`bal${t}`);
    cons.push(` bal${t}: ${lhs.join(" ")} = ${n(bau - free)}`);
    columns += 4;
  }
  const text = `Minimize\n obj: ${obj.join(" ")}\nSubject To\n${cons.join("\n")}\nBounds\n${bounds.map((x) => ` ${x}`).join("\n")}\nEnd\n`;
  return { text, rows, discount, columns };
}
