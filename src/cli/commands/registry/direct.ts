// The registry commands' handlers on the store itself (a stopped registry, or PostgreSQL), loaded
// only when a command goes to the store (commands.ts): the services, the store and PGlite.
export * from "./accounts.ts";
export * from "./transactions.ts";
export { type Output, type ReadContext, type RegistryContext, withReads, withRegistry } from "./context.ts";
