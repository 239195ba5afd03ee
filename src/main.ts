// `npm start`: the OpenETS server on the embedded PGlite store (or DATABASE_URL).
// The HTTP API, security rules and the demo seed are built in src/http (issue: HTTP API).
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { describeStore, openStore } from "./store/open.ts";

const port = Number(process.env.PORT ?? 3000);
const db = await openStore();
const store = describeStore();
const app = new Hono();
app.get("/health", async (c) => {
  await db.query("SELECT 1");
  return c.json({ ok: true, store: store.kind });
});
serve({ fetch: app.fetch, port }, () => {
  process.stdout.write(`OpenETS listening on http://localhost:${port} (store: ${store.kind} ${store.kind === "pglite" ? store.target : ""})\n`);
});
