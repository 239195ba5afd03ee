// Shared CLI plumbing: exit codes (0 ok, 2 bad input, 1 failure), JSON output that writes
// bigint as decimal strings, plain tables, and a progress line that stays quiet off a terminal.

export class UsageError extends Error {
  /** Bad input: the message names the file, line and field where known. Exit code 2. */
  readonly exitCode = 2;
}

export class CommandFailure extends Error {
  /** The command ran but its outcome is a failure (e.g. verify found violations). Exit code 1. */
  readonly exitCode = 1;
}

export function toJson(value: unknown, indent = 2): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v), indent);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${toJson(value)}\n`);
}

/** A plain, aligned text table. Numbers (and bigint) are right-aligned. */
export function formatTable(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = rows.map((r) => r.map((c) => (c === null || c === undefined ? "" : String(c))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? "").length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === "number" || typeof r[i] === "bigint"));
  const line = (vals: readonly string[]) =>
    vals.map((v, i) => (numeric[i] ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0))).join("  ").trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

export function printTable(headers: readonly string[], rows: readonly (readonly unknown[])[]): void {
  process.stdout.write(`${formatTable(headers, rows)}\n`);
}

export interface Progress {
  update(done: number): void;
  stop(): void;
}

/** A progress line on stderr, only when stderr is a terminal. */
export function progress(label: string, total: number): Progress {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  return {
    update(done) {
      if (!tty) return;
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const pct = total > 0 ? Math.floor((100 * done) / total) : 100;
      process.stderr.write(`\r${label} ${done}/${total} (${pct}%)`);
    },
    stop() {
      if (tty) process.stderr.write("\n");
    },
  };
}

/** Wraps a command action: maps errors to exit codes and clear messages, never a stack trace for bad input. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void> | void): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      if (err instanceof UsageError) {
        process.stderr.write(`error: ${err.message}\n`);
        process.exitCode = 2;
      } else if (err instanceof CommandFailure) {
        process.stderr.write(`${err.message}\n`);
        process.exitCode = 1;
      } else {
        process.stderr.write(`failure: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
        process.exitCode = 1;
      }
    }
  };
}
