// An API failure as a sentence in the chosen language: by the problem's check (the ledger's and
// the security layer's numbered rules), else by its type (rate limits, validation, ...), else by
// the HTTP status. The server's English detail is never shown.
import { ApiError } from "../api/client.ts";
import type { I18n } from "./context.tsx";

export function errorMessage(i: I18n, err: unknown): string {
  if (!(err instanceof ApiError)) return i.t("error.status.500");
  if (err.network) return i.t("error.network");
  const p = err.problem;
  if (p?.check && p.code !== undefined) {
    if (p.check === "input-invalid" || p.check === "field-invalid") return invalidField(i, p.facts);
    const rule = i.code("check", p.check, "");
    const refused = rule ? i.t("error.refusedByRule", { code: p.code, rule }) : i.t("error.refusedByUnknownRule", { code: p.code, check: p.check });
    // A refusal about one field of the input (each area's input-invalid rule) names that field.
    const field = typeof p.facts?.field === "string" && p.facts.field.length > 0 ? p.facts.field.slice(0, 100) : "";
    return field ? `${refused} ${i.t("error.field", { field })}` : refused;
  }
  const slug = err.slug;
  if (slug) {
    const facts = p?.facts ?? {};
    const params: Record<string, string> = {
      field: fieldOf(facts),
      seconds: String(facts.seconds ?? err.retryAfter ?? ""),
      reason: typeof facts.reason === "string" ? facts.reason : "",
      requestId: typeof facts.requestId === "string" ? facts.requestId : "",
    };
    const m = i.code("problem", slug, "");
    if (m) return interpolateKnown(m, params);
  }
  return i.code("error.status", String(err.status), "") || i.t(err.status >= 500 ? "error.status.500" : "error.status.400");
}

function fieldOf(facts: Record<string, unknown>): string {
  if (typeof facts.field === "string") return facts.field;
  const issues = facts.issues;
  if (Array.isArray(issues) && issues.length > 0 && typeof issues[0]?.path === "string") return issues[0].path || "(body)";
  return "";
}

function invalidField(i: I18n, facts: Record<string, unknown> | undefined): string {
  return i.t("problem.request-invalid", { field: fieldOf(facts ?? {}) });
}

/** Fills the parameters a family message names (the family lookup already filled none). */
function interpolateKnown(template: string, params: Record<string, string>): string {
  return template.replace(/\{([A-Za-z0-9_]+)\}/g, (whole, name: string) => params[name] ?? whole);
}

/**
 * The technical reason a problem gives about a caller's own input (a scenario's field, a rulebook
 * the engine cannot map), which only the engine's own words can give: shown apart, marked English.
 */
export function errorDetail(err: unknown): string | undefined {
  if (!(err instanceof ApiError)) return undefined;
  const reason = err.problem?.facts?.reason;
  return typeof reason === "string" && reason.length > 0 ? reason.slice(0, 1000) : undefined;
}
