// Leakage criteria written by a user (JSON or YAML), validated into the same shape as the built-in
// EU phase 3 and US KL criteria; a bad file is reported with the field path and the reason.
import { z } from "zod";
import type { LeakageCriteria } from "./index.ts";

const condition = z.strictObject({
  metric: z.enum(["carbonIntensity", "tradeIntensity"]),
  above: z.number().min(0),
});

export const criteriaSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().min(1),
  price: z.number().positive(),
  currency: z.string().regex(/^[A-Z]{3}$/, "a three-letter ISO 4217 code"),
  clauses: z.array(z.array(condition).min(1)).min(1),
  excludedSectors: z.array(z.string()).default([]),
  source: z.string().default(""),
});

export type CriteriaParse = { ok: true; criteria: LeakageCriteria } | { ok: false; path: string; message: string };

export function parseCriteria(value: unknown): CriteriaParse {
  const r = criteriaSchema.safeParse(value);
  if (r.success) return { ok: true, criteria: r.data };
  const issue = r.error.issues[0];
  return { ok: false, path: issue ? issue.path.join(".") : "", message: issue?.message ?? "invalid" };
}
