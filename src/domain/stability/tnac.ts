// The total number of allowances in circulation (TNAC) as the Commission defines it (Decision
// (EU) 2015/1814 Art. 1(4)): allowances issued since 1 January 2008 plus entitlements to use
// international credits exercised, minus verified emissions, allowances cancelled under Art. 12(4)
// of the ETS Directive and allowances in the reserve, all cumulative to the end of the year. The
// registry passes its figures in; the result is exact and may be negative (the rule then releases).

export interface TnacFigures {
  /** Allowances issued since 1 January 2008 (including Art. 13(2) issuance), to the end of the year. */
  issuedSince2008: bigint;
  /** International credits used for compliance (entitlements exercised), to the end of the year. */
  creditsUsed: bigint;
  /** Verified emissions since 2008, to the end of the year. */
  verifiedEmissions: bigint;
  /** Allowances cancelled (Art. 12(4)), to the end of the year. */
  cancelled: bigint;
  /** Allowances held in the market stability reserve at the end of the year. */
  reserveHoldings: bigint;
}

export function totalInCirculation(f: TnacFigures): bigint {
  for (const [k, v] of Object.entries(f)) if ((v as bigint) < 0n) throw new RangeError(`TNAC figure ${k} is negative: ${v}`);
  return f.issuedSince2008 + f.creditsUsed - f.verifiedEmissions - f.cancelled - f.reserveHoldings;
}
