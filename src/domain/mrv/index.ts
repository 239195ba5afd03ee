// Monitoring, reporting and verification (pure): GWP tables, monitoring plans, annual emission
// reports, verification with accreditation and conflict rules, corrections and estimates.
export * from "./gwp.ts";
export * from "./plan.ts";
export * from "./records.ts";
export * from "./report.ts";
export * from "./verification.ts";
