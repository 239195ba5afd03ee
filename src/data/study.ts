// The design study's FY2008 coverage table (Japan's mandatory GHG reporting data), as quoted in
// /work/shared/DOMAIN.md section 1. The national generator is calibrated to it and the tests
// compare the generated dataset's coverage table with it.

export interface StudyRow {
  thresholdTonnes: number;
  reports: number;
  emissionsMt: number;
  /** Percent, as printed in the study. */
  shareOfReportedPct: number;
  shareOfInventoryPct: number;
}

/** Indirect electricity columns (consumers carry their electricity). */
export const STUDY_FY2008_INDIRECT: readonly StudyRow[] = [
  { thresholdTonnes: 3_000, reports: 12_834, emissionsMt: 492.64, shareOfReportedPct: 99.2, shareOfInventoryPct: 43.3 },
  { thresholdTonnes: 10_000, reports: 4_226, emissionsMt: 446.43, shareOfReportedPct: 89.9, shareOfInventoryPct: 39.2 },
  { thresholdTonnes: 25_000, reports: 1_752, emissionsMt: 408.75, shareOfReportedPct: 82.3, shareOfInventoryPct: 35.9 },
  { thresholdTonnes: 100_000, reports: 538, emissionsMt: 351.69, shareOfReportedPct: 70.8, shareOfInventoryPct: 30.9 },
];

/** Direct electricity columns (power plants carry their stack emissions). */
export const STUDY_FY2008_DIRECT: readonly StudyRow[] = [
  { thresholdTonnes: 3_000, reports: 4_608, emissionsMt: 709.28, shareOfReportedPct: 97.2, shareOfInventoryPct: 62.3 },
  { thresholdTonnes: 10_000, reports: 1_678, emissionsMt: 693.9, shareOfReportedPct: 95.1, shareOfInventoryPct: 61.0 },
  { thresholdTonnes: 25_000, reports: 903, emissionsMt: 682.14, shareOfReportedPct: 93.5, shareOfInventoryPct: 59.9 },
  { thresholdTonnes: 100_000, reports: 407, emissionsMt: 658.26, shareOfReportedPct: 90.3, shareOfInventoryPct: 57.8 },
];

/**
 * The national inventory implied by the table: emissions / share of inventory gives 1,137.7 to
 * 1,138.9 Mt across the eight cells; 1,138 Mt is used as the dataset's nationalTotal.
 */
export const STUDY_NATIONAL_TOTAL_TONNES = 1_138_000_000;

/** Reported totals implied by the 3 kt row: emissions / share of reported. */
export const reportedTotalTonnes = (rows: readonly StudyRow[]): number => {
  const r = rows[0];
  if (!r) throw new Error("empty study table");
  return (r.emissionsMt * 1e6) / (r.shareOfReportedPct / 100);
};
