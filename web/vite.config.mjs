// Vite configuration of the web console, shared by the production build (scripts/build.mjs, with
// the output folder it chooses) and the development server (`npx vite web`, which proxies the API
// to a server started with `npm start` on port 3000).
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";

const here = dirname(fileURLToPath(import.meta.url));

/** The console's build: one entry (index.html), hashed assets, no inline scripts (the server's CSP allows only 'self'). */
export function consoleConfig({ outDir = resolve(here, "../build/console") } = {}) {
  return {
    root: here,
    base: "/",
    plugins: [react()],
    // The console imports the shared message catalogue and the chart module from src/ (pure modules).
    server: { fs: { allow: [resolve(here, "..")] }, proxy: { "/v1": "http://localhost:3000", "/health": "http://localhost:3000" } },
    build: {
      outDir,
      emptyOutDir: true,
      assetsInlineLimit: 0,
      modulePreload: { polyfill: false },
      target: "es2022",
      reportCompressedSize: false,
      chunkSizeWarningLimit: 1000,
    },
  };
}

export default consoleConfig();
