// The version `ets --version` prints: package.json's, read beside the sources or the compiled
// CLI (both are two folders below the project: src/cli/ and build/cli/).
import { readFileSync } from "node:fs";

export function cliVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: string };
    return pkg.version ?? "unknown";
  } catch {
    return "unknown";
  }
}
