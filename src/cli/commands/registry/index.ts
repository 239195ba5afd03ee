// The registry commands: accounts, unit classes, representatives, issuance, transfers,
// retirement, cancellation, reversal, approvals, holdings, transactions and `ets verify`, and
// signing in to a server (`ets login`). Definitions in commands.ts (light: they run beside a
// server over HTTP without loading the store), handlers on the store in accounts.ts and
// transactions.ts, on a server's API in remote.ts, and what both print in format.ts. This module
// re-exports the handlers and the registry context for the other command modules and the tests.
export * from "./accounts.ts";
export * from "./transactions.ts";
export { emit, pageOptions, register } from "./commands.ts";
export { actingUser, type Common, type Output, Refused, type RegistryContext, registryContext, withRegistry } from "./context.ts";
export { idLine, pageFooter } from "./format.ts";
