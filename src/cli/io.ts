// The CLI's one output layer (docs/reference/cli.md, "Output and exit codes"): exit codes (0 ok,
// 1 refused by a rule or a failed check, 2 bad usage or input), errors that name the user's flag,
// JSON on stdout for every outcome with --json (errors as {"error": {code, message, field,
// facts}}), tables with grouped and aligned numbers that also align wide (Japanese) characters,
// messages in Japanese when LANG is ja_JP* (from the catalogue in src/i18n, areas `cli` and `cli-*`: src/i18n/cli.ts), and a
// progress bar on stderr that stays quiet off a terminal. Commands throw UsageError or
// CommandFailure (or a refusal carrying its check code) and `action` turns any error into this
// contract: never a stack trace, never a second JSON document.
import type { Command } from "commander";
import { CLI_CATALOGUE, type CliKey } from "../i18n/cli.ts";
import type { Entry, Lang, Params } from "../i18n/index.ts";
import { interpolate } from "../i18n/interpolate.ts";

export type { CliKey } from "../i18n/cli.ts";
import { groupDigits } from "./table.ts";
export { Dec, dec, displayWidth, formatTable, groupDigits, numberText, percent, printTable } from "./table.ts";

// ---- language ---------------------------------------------------------------------------------

/** The language of the CLI's messages: Japanese when the locale (LC_ALL, LC_MESSAGES or LANG, the first set) is ja_JP*, else English. */
export function cliLang(env: NodeJS.ProcessEnv = process.env): Lang {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || "";
  return /^ja([_.@-]|$)/i.test(locale) ? "ja" : "en";
}

/** A CLI message in the user's language (the CLI's keys: every `cli.*` key of the catalogue, src/i18n/cli.ts). */
export function t(key: CliKey, params?: Params, lang: Lang = cliLang()): string {
  return interpolate(CLI_CATALOGUE[key][lang], params);
}

/** The whole catalogue, for the Japanese words of catalogue codes (checks, statuses); loaded by loadCodeTexts. */
let codeTexts: Readonly<Record<string, Entry>> | undefined;

/**
 * Loads the whole catalogue when the CLI speaks Japanese (or `lang` says so): the words of
 * catalogue codes (codeText, refusalText) are only used in Japanese, and an English command does
 * not load the console's areas and the check catalogues for nothing (bench/cli.bench.ts). `action`
 * and `run` call it before a command runs.
 */
export async function loadCodeTexts(lang: Lang = cliLang()): Promise<void> {
  if (lang === "ja" && codeTexts === undefined) codeTexts = (await import("../i18n/catalogue.ts")).MESSAGES;
}

/** A code's words in a language from the whole catalogue, if loadCodeTexts has loaded it. */
function lookup(lang: Lang, family: string, code: string): string | undefined {
  const e = codeTexts?.[`${family}.${code}`];
  return e === undefined ? undefined : e[lang];
}

// ---- errors -----------------------------------------------------------------------------------

/** What an error says in the output contract: a stable code, a message, the user's flag, facts. */
export interface ErrorDetail {
  /** A check's number for a numbered rule (docs/reference/checks.md), else a word naming the kind of failure. */
  code?: string | number;
  /** The check's name, with a numbered code. */
  check?: string;
  /** The field or flag at fault: a flag (`--quantity`) or argument (`<account>`) once mapped. */
  field?: string;
  facts?: Record<string, unknown>;
  /** The command's result, for outcomes that are failures with a result (verify with violations): printed with the error in one document. */
  result?: Record<string, unknown>;
}

/** Bad input: the message names the file, line and field (or the flag) where known. Exit code 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(
    message: string,
    readonly detail: ErrorDetail = {},
  ) {
    super(message);
  }
}

/** The command ran but its outcome is a failure (a refusal, verify found violations). Exit code 1. */
export class CommandFailure extends Error {
  readonly exitCode = 1;
  constructor(
    message: string,
    readonly detail: ErrorDetail = {},
  ) {
    super(message);
  }
}

/** Node's file-system errors that mean the user named a path that cannot be used. */
const PATH_ERRORS: Readonly<Record<string, CliKey>> = {
  ENOENT: "cli.error.pathMissing",
  ENOTDIR: "cli.error.pathNotFolder",
  EISDIR: "cli.error.pathIsFolder",
  EEXIST: "cli.error.pathExists",
  EACCES: "cli.error.pathDenied",
  EPERM: "cli.error.pathDenied",
  EROFS: "cli.error.pathDenied",
};
/** Errors reaching a server (a database or the registry's HTTP API) that do not answer. */
const NETWORK_ERRORS = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH", "EPIPE"]);

export interface Reported {
  exitCode: 1 | 2;
  /** The line(s) for stderr. */
  text: string;
  /** The JSON document for stdout with --json. */
  json: { error: { code: string | number; check?: string; message: string; field: string | null; facts: Record<string, unknown> } } & Record<string, unknown>;
}

/** The option values a command was given, to name the flag whose value a file error is about. */
function flagOfValue(cmd: Command | undefined, value: unknown): string | undefined {
  if (!cmd || typeof value !== "string") return undefined;
  const opts = cmd.opts() as Record<string, unknown>;
  for (const o of cmd.options) {
    const key = o.attributeName();
    if (opts[key] === value && o.long) return o.long;
  }
  return undefined;
}

/** camelCase -> kebab-case */
const kebab = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();

/** Fields of the services and the API whose flag or argument has another name. */
const FIELD_ALIASES: Readonly<Record<string, readonly string[]>> = {
  classCode: ["class", "class-code"],
  accountId: ["account"],
  trustedAccountId: ["trusted-account", "account"],
  transactionId: ["id", "transaction"],
  commandId: ["id"],
  reversalId: ["id"],
  batchId: ["id"],
  reverses: ["transaction"],
  userId: ["user"],
  unitType: ["unit-type"],
  code: ["code", "class"],
  legs: ["quantity"],
};

/**
 * The user's flag or argument for a field path of a service or the API (`legs[0].quantity` ->
 * `--quantity`, `classCode` -> `<class>`), from the command's own options and arguments; the
 * path itself when the command has none by that name. A text that is already a flag stays.
 */
export function flagFor(cmd: Command | undefined, field: string | undefined): string | undefined {
  if (field === undefined || field === "") return undefined;
  if (/^--?[a-z]/.test(field) || /^<.+>$/.test(field)) return field;
  if (!cmd) return field;
  const segments = field.split(/[.[\]]+/).filter((s) => s !== "" && !/^\d+$/.test(s));
  for (const seg of [...segments].reverse()) {
    const names = [kebab(seg), ...(FIELD_ALIASES[seg] ?? [])];
    for (const name of names) {
      const opt = cmd.options.find((o) => o.long === `--${name}`);
      if (opt?.long) return opt.long;
      const arg = cmd.registeredArguments.find((a) => a.name() === name);
      if (arg) return `<${arg.name()}>`;
    }
  }
  return field;
}

/** `option --x: ...` at the start of a message names the flag. */
function flagInMessage(message: string): string | undefined {
  return /^option (--[a-z0-9-]+)/.exec(message)?.[1];
}

/** Any error as the output contract has it: exit code, text for stderr, JSON for stdout. */
export function describeError(err: unknown, cmd?: Command, lang: Lang = cliLang()): Reported {
  const facts = (d: ErrorDetail) => ({ ...(d.facts ?? {}) });
  if (err instanceof UsageError || err instanceof CommandFailure) {
    const d = err.detail;
    const field = flagFor(cmd, d.field) ?? flagInMessage(err.message) ?? null;
    const code = d.code ?? (err instanceof UsageError ? "usage" : "failed");
    const text = err instanceof UsageError ? `${t("cli.error.prefix", {}, lang)} ${err.message}` : err.message;
    return { exitCode: err.exitCode, text, json: { ...(d.result ?? {}), error: { code, ...(d.check ? { check: d.check } : {}), message: err.message, field, facts: facts(d) } } };
  }
  const named = (err as { name?: unknown } | null)?.name;
  if (named === "StoreInputError" || named === "StoreLockedError") {
    // The store named wrongly (bad input), or a data directory another process holds (a failure).
    const usage = named === "StoreInputError";
    const field = usage ? (flagFor(cmd, "database") ?? null) : null;
    const message = (err as Error).message;
    return {
      exitCode: usage ? 2 : 1,
      text: `${t("cli.error.prefix", {}, lang)} ${field && field.startsWith("--") ? `option ${field}: ` : ""}${message}`,
      json: { error: { code: usage ? "store-invalid" : "store-in-use", message, field: field && field !== "database" ? field : null, facts: {} } },
    };
  }
  const e = err as NodeJS.ErrnoException & { path?: string; address?: string; port?: number; cause?: unknown };
  const sys = typeof e?.code === "string" ? e.code : undefined;
  const causeCode = (e?.cause as NodeJS.ErrnoException | undefined)?.code;
  if (sys && PATH_ERRORS[sys] && typeof e.path === "string") {
    const field = flagOfValue(cmd, e.path) ?? null;
    const message = t(PATH_ERRORS[sys] as CliKey, { path: e.path }, lang);
    return { exitCode: 2, text: `${t("cli.error.prefix", {}, lang)} ${field ? `option ${field}: ` : ""}${message}`, json: { error: { code: sys.toLowerCase(), message, field, facts: { path: e.path } } } };
  }
  const net = sys && NETWORK_ERRORS.has(sys) ? sys : causeCode && NETWORK_ERRORS.has(causeCode) ? causeCode : undefined;
  if (net) {
    const where = e.address ? `${e.address}${e.port ? `:${e.port}` : ""}` : (e.message ?? "");
    const message = t("cli.error.unreachable", { where, code: net }, lang);
    return { exitCode: 1, text: `${t("cli.error.prefix", {}, lang)} ${message}`, json: { error: { code: "unreachable", message, field: null, facts: { errno: net } } } };
  }
  const message = err instanceof Error ? err.message : String(err);
  const debug = process.env.ETS_DEBUG === "1" && err instanceof Error && err.stack ? `\n${err.stack}` : "";
  return {
    exitCode: 1,
    text: `${t("cli.error.internal", { message }, lang)}${debug}`,
    json: { error: { code: "internal", message, field: null, facts: {} } },
  };
}

/** Prints an error as the contract says (text on stderr; with --json also the document on stdout) and sets the exit code. */
export function reportError(err: unknown, o: { json?: boolean | undefined; cmd?: Command | undefined } = {}): void {
  const r = describeError(err, o.cmd);
  process.stderr.write(`${r.text}\n`);
  if (o.json) printJson(r.json);
  process.exitCode = r.exitCode;
}

/** The command object commander passes last to an action. */
function commandOf(args: readonly unknown[]): Command | undefined {
  const last = args[args.length - 1] as { opts?: unknown; options?: unknown } | undefined;
  return last && typeof last.opts === "function" && Array.isArray(last.options) ? (last as unknown as Command) : undefined;
}

/** Wraps a command action: maps errors to exit codes and clear messages (JSON with --json), never a stack trace. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void> | void): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const cmd = commandOf(args);
    try {
      await loadCodeTexts();
      await fn(...args);
    } catch (err) {
      const opts = (cmd?.opts() ?? (args[args.length - 2] as Record<string, unknown> | undefined) ?? {}) as { json?: boolean };
      reportError(err, { json: opts.json === true, cmd });
    }
  };
}

// ---- JSON (tables: ./table.ts) --------------------------------------------------------------------------

export function toJson(value: unknown, indent = 2): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v), indent);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${toJson(value)}\n`);
}

/** Says that the command wrote a file: on stdout in text mode, on stderr with --json (stdout then carries only JSON). */
export function wrote(path: string, json = false): void {
  (json ? process.stderr : process.stdout).write(`${t("cli.wrote", { path })}\n`);
}

/**
 * A refusal by a numbered rule, as one line: `refused: check 3003 (insufficient-units): ...`; in
 * Japanese with the rule's own words from the catalogue (`check.<name>`) before the specifics.
 */
export function refusalText(code: number, check: string, message: string, lang: Lang = cliLang()): string {
  const rule = lang === "ja" ? lookup("ja", "check", check) : undefined;
  return t("cli.reg.refused", { code, check, message, rule: rule ? `「${rule.replace(/。$/, "")}」` : "" }, lang);
}

/**
 * A message of a family keyed by a catalogue code (check names, statuses) in Japanese, when the
 * CLI speaks Japanese (loaded by loadCodeTexts before a command runs); undefined in English, where
 * the code is its own word, and for a code the catalogue does not have.
 */
export function codeText(family: string, code: string): string | undefined {
  const lang = cliLang();
  return lang === "ja" ? lookup(lang, family, code) : undefined;
}

// ---- progress ---------------------------------------------------------------------------------

export interface Progress {
  update(done: number): void;
  stop(): void;
}

/** A progress bar on stderr, only when stderr is a terminal (nothing at all in a pipe, a file or CI). */
export function progress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = stream.isTTY === true;
  let last = 0;
  let shown = false;
  return {
    update(done) {
      if (!tty) return;
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      shown = true;
      const share = total > 0 ? Math.min(1, done / total) : 1;
      const width = 24;
      const full = Math.round(share * width);
      stream.write(`\x1b[2K\r${label} [${"#".repeat(full)}${".".repeat(width - full)}] ${Math.floor(share * 100)}% ${groupDigits(String(done))}/${groupDigits(String(total))}`);
    },
    stop() {
      if (tty && shown) stream.write("\x1b[2K\r");
    },
  };
}
