// Compliance (pure): obligations and deadlines, unit eligibility and the surrender plan, status
// after the deadline, penalties, true-ups and ex-post issuance, changes within a period.
export * from "./codes.ts";
export * from "./eligibility.ts";
export * from "./money.ts";
export * from "./obligation.ts";
export * from "./penalty.ts";
export * from "./status.ts";
export * from "./surrender.ts";
export * from "./changes.ts";
export * from "./true-up.ts";
export * from "./close.ts";
export * from "./periods.ts";
export * from "./ex-post.ts";
