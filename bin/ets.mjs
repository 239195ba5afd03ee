// The start of the `ets` command (bin/ets runs it with node): the compiled CLI (build/cli/main.mjs)
// when it is current, else the TypeScript sources through tsx's loader, registered in this
// process, with one line on stderr saying why (unless ETS_QUIET_TSX is set). Current means: the
// build's stamp (build/cli/.inputs-hash, whose time scripts/build.mjs renews whenever it finds the
// build current) is newer than every file and folder under src/ and than package.json and
// scripts/build.mjs (which says how the CLI is compiled, e.g. which packages it bundles); a folder
// counts so that a deleted source is seen. The check is a walk of src/ in this process (about 500
// stats, a few milliseconds), not a `find` in a shell: that cost two processes at every start.
import { readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const main = `${root}build/cli/main.mjs`;
const stamp = statSync(`${root}build/cli/.inputs-hash`, { throwIfNoEntry: false });
const built = stamp !== undefined && statSync(main, { throwIfNoEntry: false }) !== undefined;

/** True when this file or folder, or anything under it, changed after the build. */
function newer(path, since) {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return false;
  if (st.mtimeMs > since) return true;
  if (!st.isDirectory()) return false;
  for (const name of readdirSync(path)) if (newer(`${path}/${name}`, since)) return true;
  return false;
}

if (built && !newer(`${root}src`, stamp.mtimeMs) && !newer(`${root}package.json`, stamp.mtimeMs) && !newer(`${root}scripts/build.mjs`, stamp.mtimeMs)) {
  await import(main);
} else {
  if (!process.env.ETS_QUIET_TSX) {
    process.stderr.write(
      built
        ? "ets: the compiled CLI is older than src/ (npm run build updates it); running the sources with tsx\n"
        : "ets: no compiled CLI (npm run build makes it); running the sources with tsx\n",
    );
  }
  await import(`${root}node_modules/tsx/dist/loader.mjs`);
  await import(`${root}src/cli/main.ts`);
}
