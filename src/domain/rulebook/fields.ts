// Field builders shared by the rulebook sections that live in their own files (mrv, compliance,
// penalties, credits). schema.ts keeps its own copies; these are the same rules with the same
// messages, here so that the section files need not import schema.ts (which imports them).
import { z } from "zod";

export const num = () => z.number({ error: "expected a number" });
export const positive = () => num().positive({ error: "expected a positive number" });
export const nonNegative = () => num().min(0, { error: "expected a number >= 0" });
export const fraction = () => num().min(0, { error: "expected a fraction >= 0" }).max(1, { error: "expected a fraction <= 1" });
export const text = () => z.string({ error: "expected a string" }).min(1, { error: "expected a non-empty string" });
export const year = () =>
  z.int({ error: "expected a whole year" }).min(1990, { error: "expected a year >= 1990" }).max(2200, { error: "expected a year <= 2200" });
export const monthDay = () => z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { error: "expected a date as MM-DD" });
export const id = () => z.string({ error: "expected a string" }).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { error: "expected an id (letters, digits, . _ -)" });
export const rounding = () => z.enum(["floor", "ceil", "halfUp", "halfEven"]).describe("rounding rule: floor, ceil, halfUp or halfEven");
