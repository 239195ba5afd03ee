// Text validity: malformed text (bytes that are not UTF-8, a lone UTF-16 surrogate, NUL) in the URL
// or a JSON body is refused before any schema, service or audit row sees it (src/http/text.ts).
import type { MiddlewareHandler } from "hono";
import type { Env } from "../context.ts";
import { checkProblem, type Problem, ProblemError } from "../problem.ts";
import { jsonTextFault, strictBodyText, type TextFault, urlTextFault } from "../text.ts";
import { UNSAFE } from "./request.ts";

/** A JSON body's text fault: bytes that are not UTF-8, or a malformed string once parsed (unparsable bodies are the validator's to refuse). */
function bodyTextFault(bytes: ArrayBuffer): TextFault | undefined {
  const text = strictBodyText(bytes);
  if (text === undefined) return { kind: "invalid", where: "body" };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text.includes("\u0000") ? { kind: "nul", where: "body" } : undefined;
  }
  return jsonTextFault(value);
}

function textProblem(f: TextFault): Problem {
  const at = f.field === undefined ? `the request's ${f.where}` : `${f.where} ${f.field}`;
  const facts = { where: f.where, ...(f.field === undefined ? {} : { field: f.field }) };
  if (f.kind === "nul") return checkProblem("TEXT_NUL", `${at} contains the NUL character (U+0000), which no field accepts`, { facts });
  return checkProblem("TEXT_INVALID", `${at} is not well-formed text (invalid UTF-8, or a lone UTF-16 surrogate)`, { facts });
}

/** Refuses a request whose URL or JSON body holds malformed text: no field of any route can hold it. */
export const textValidity: MiddlewareHandler<Env> = async (c, next) => {
  let fault = urlTextFault(c.req.url);
  if (!fault && UNSAFE.has(c.req.method) && (c.req.header("content-type") ?? "").includes("json")) fault = bodyTextFault(await c.req.arrayBuffer());
  if (fault) throw new ProblemError(textProblem(fault));
  await next();
};
