// /docs: a readable, self-contained HTML rendering of the OpenAPI document (no scripts, no CDN):
// every operation with its roles, parameters, request body and responses.
type Json = Record<string, unknown>;

const esc = (s: unknown) =>
  String(s ?? "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");

function schemaText(s: unknown, doc: Json, depth = 0): string {
  if (!s || typeof s !== "object") return "";
  const o = s as Json;
  if (typeof o.$ref === "string") {
    const name = o.$ref.split("/").pop() as string;
    return `<a href="#schema-${esc(name)}">${esc(name)}</a>`;
  }
  if (depth > 4) return "...";
  if (Array.isArray(o.anyOf)) return (o.anyOf as unknown[]).map((x) => schemaText(x, doc, depth + 1)).join(" | ");
  if (Array.isArray(o.oneOf)) return (o.oneOf as unknown[]).map((x) => schemaText(x, doc, depth + 1)).join(" | ");
  if (o.type === "array") return `${schemaText(o.items, doc, depth + 1)}[]`;
  if (o.type === "object" && o.properties) {
    const req = new Set((o.required as string[] | undefined) ?? []);
    const rows = Object.entries(o.properties as Json).map(
      ([k, v]) => `<li><code>${esc(k)}</code>${req.has(k) ? "" : "?"}: ${schemaText(v, doc, depth + 1)}${(v as Json).description ? ` - ${esc((v as Json).description)}` : ""}</li>`,
    );
    return `object<ul>${rows.join("")}</ul>`;
  }
  const t = Array.isArray(o.type) ? o.type.join(" | ") : String(o.type ?? "any");
  const extra = o.enum ? ` (${(o.enum as unknown[]).map(esc).join(", ")})` : o.pattern ? ` <span class="pat">/${esc(o.pattern)}/</span>` : "";
  return `${esc(t)}${extra}`;
}

/** "Who: roles (scope s) - note" from the operation's x-openets-access. */
export function whoText(access: unknown): string {
  const a = (access ?? {}) as { roles?: string[]; scope?: string | null; note?: string | null };
  return `Who: ${(a.roles ?? []).map(esc).join(", ")}${a.scope ? `; token scope <code>${esc(a.scope)}</code>` : ""}${a.note ? ` (${esc(a.note)})` : ""}`;
}

export function docsPage(doc: Json): string {
  const info = doc.info as Json;
  const paths = doc.paths as Record<string, Record<string, Json>>;
  const ops: string[] = [];
  const toc: string[] = [];
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, o] of Object.entries(methods)) {
      const id = esc(o.operationId);
      toc.push(`<li><a href="#${id}"><b>${esc(method.toUpperCase())}</b> ${esc(path)}</a></li>`);
      const params = ((o.parameters as Json[] | undefined) ?? []).map((p) => `<li><code>${esc(p.name)}</code> (${esc(p.in)}${p.required ? ", required" : ""}): ${schemaText(p.schema, doc)}</li>`);
      const body = (o.requestBody as Json | undefined)?.content as Json | undefined;
      const bodySchema = body ? (body["application/json"] as Json | undefined)?.schema : undefined;
      const responses = Object.entries((o.responses as Json) ?? {}).map(([status, ref]) => {
        // Shared error responses are references into components.responses.
        const r = typeof (ref as Json).$ref === "string" ? (((doc.components as Json).responses as Json)[((ref as Json).$ref as string).split("/").pop() as string] as Json) : (ref as Json);
        const content = (r as Json).content as Json | undefined;
        const schema = content ? (Object.values(content)[0] as Json | undefined)?.schema : undefined;
        return `<li><b>${esc(status)}</b> ${esc((r as Json).description)}${schema ? `: ${schemaText(schema, doc)}` : ""}</li>`;
      });
      ops.push(`<section id="${id}"><h3><span class="m">${esc(method.toUpperCase())}</span> ${esc(path)}</h3>
<p>${esc(o.summary)}</p><p>${esc(o.description)}</p><p class="roles">${whoText(o["x-openets-access"])}</p>
${params.length ? `<h4>Parameters</h4><ul>${params.join("")}</ul>` : ""}${bodySchema ? `<h4>Request body${(o.requestBody as Json).required === false ? " (optional)" : ""}</h4>${schemaText(bodySchema, doc)}` : ""}
<h4>Responses</h4><ul>${responses.join("")}</ul></section>`);
    }
  }
  const schemas = Object.entries(((doc.components as Json | undefined)?.schemas as Json | undefined) ?? {}).map(
    ([name, s]) => `<section id="schema-${esc(name)}"><h3>${esc(name)}</h3>${schemaText(s, doc)}</section>`,
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(info.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#1a1a1a}
code,.pat{font-family:ui-monospace,monospace;font-size:90%}section{border-top:1px solid #ddd;padding:.5em 0}
.m{display:inline-block;min-width:4em;font-family:ui-monospace,monospace;color:#0b5}.roles{color:#555}h4{margin:.6em 0 .2em}ul{margin:.2em 0}</style>
</head><body><h1>${esc(info.title)}</h1><p>${esc(info.description)}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI ${esc(doc.openapi)}).</p>
<h2>Operations</h2><ul>${toc.join("")}</ul>${ops.join("\n")}<h2>Schemas</h2>${schemas.join("\n")}</body></html>`;
}
