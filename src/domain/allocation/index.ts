// The allocation engine (pure): baselines, methods, auction shares, correction, reserve, changes.
export * from "./baseline.ts";
export * from "./calendar.ts";
export * from "./changes.ts";
export * from "./correction.ts";
export * from "./engine.ts";
export * from "./explain.ts";
export * from "./gateway.ts";
export * from "./methods.ts";
export * from "./ratio.ts";
export * from "./reserve.ts";
export * from "./rules.ts";
export * from "./shares.ts";
export * from "./texts.ts";
export * from "./from-rulebook.ts";
