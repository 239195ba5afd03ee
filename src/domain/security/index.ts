// The security domain: roles and scopes, the rulebook's security configuration, the code catalogue,
// the working-day calendar and the pure rules. No I/O.
export * from "./calendar.ts";
export * from "./codes.ts";
export * from "./config.ts";
export * from "./roles.ts";
export * from "./rules.ts";
