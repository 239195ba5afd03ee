// `ets verify` lives in src/registry/verify/ (split by what each pass checks); this path stays
// for the callers that import it.
export * from "./verify/index.ts";
