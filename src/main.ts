// `npm start`: the OpenETS server (src/http/server.ts). PORT (default 3000), DATABASE_URL (a
// postgres:// URL or a PGlite directory; default .data/pglite), OPENETS_MODE=demo|production,
// OPENETS_RULEBOOK (preset name or rulebook file whose `security` section sets the security rules),
// OPENETS_TRUST_PROXY (how many reverse proxies in front append to X-Forwarded-For; default 0),
// OPENETS_CONSOLE_DIR (the built web console; default build/console),
// OPENETS_CHECKPOINT_MINUTES (minutes between scheduled checkpoints; default 60, 0 for none),
// OPENETS_DEMO_START (demo mode only: the instant the registry clock starts at, e.g. to stand past a deadline).
import { StartupError, startServer } from "./http/server.ts";

try {
  const server = await startServer(process.env);
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
} catch (err) {
  if (err instanceof StartupError) {
    process.stderr.write(`openets: ${err.message}\n`);
    process.exit(2);
  }
  throw err;
}
