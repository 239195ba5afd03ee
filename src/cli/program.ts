// The `ets` program: commander with the output contract of src/cli/io.ts around it. `run(argv)`
// parses, runs the command and returns the exit code (0 ok, 1 refused or failed, 2 bad usage),
// so tests run any command in-process. Only the module that defines the command asked for is
// loaded when a fast route names it (the registry's commands, which also speak HTTP to a running
// server): a start then costs what that command needs, not what every command imports.
import { Command, CommanderError } from "commander";
import { cliVersion } from "./version.ts";
import { loadCodeTexts, printJson, reportError } from "./io.ts";

export type Register = (program: Command) => void;

/** Top-level commands whose defining module may be loaded alone, by name. */
export interface FastRoute {
  names: readonly string[];
  load: () => Promise<{ register: Register }>;
}

export const FAST_ROUTES: readonly FastRoute[] = [
  {
    names: ["account", "class", "issue", "transfer", "retire", "cancel", "reverse", "approve", "reject", "holdings", "tx", "verify", "login", "logout"],
    load: () => import("./commands/registry/commands.ts"),
  },
];

/** An empty program with the settings every command inherits (exit override, help after an error). */
export function newProgram(): Command {
  return new Command()
    .name("ets")
    .description("OpenETS: emissions trading registry, rulebooks, allocation and policy simulation")
    .version(`ets ${cliVersion()}`, "-V, --version", "print the version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
}

/** The program with every command module (commands/index.ts). */
export async function fullProgram(): Promise<Command> {
  const program = newProgram();
  const { commandModules } = await import("./commands/index.ts");
  for (const register of commandModules) register(program);
  return program;
}

/** The program for these arguments: only the module of a fast-routed command, else all of them. */
export async function programFor(argv: readonly string[]): Promise<Command> {
  const first = argv.find((a) => !a.startsWith("-"));
  const route = FAST_ROUTES.find((r) => first !== undefined && r.names.includes(first));
  if (!route) return fullProgram();
  const program = newProgram();
  (await route.load()).register(program);
  return program;
}

/** The flag or argument commander's own usage errors name. */
function commanderField(message: string): string | null {
  const opt = /option '(--?[a-zA-Z0-9-]+)/.exec(message)?.[1] ?? /unknown option '(--?[a-zA-Z0-9-]+)/.exec(message)?.[1];
  if (opt) return opt;
  const arg = /argument '([^']+)'/.exec(message)?.[1];
  return arg ? `<${arg}>` : null;
}

/** Runs `ets` with these arguments; returns the exit code (the process's exit code is left as it was). */
export async function run(argv: readonly string[]): Promise<number> {
  const json = argv.includes("--json");
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    const [program] = await Promise.all([programFor(argv), loadCodeTexts()]);
    await program.parseAsync([...argv], { from: "user" });
    const code = typeof process.exitCode === "number" ? process.exitCode : 0;
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return 0; // --help, --version
      // commander printed its message on stderr; bad usage is exit 2, and JSON too with --json.
      if (json) printJson({ error: { code: "usage", message: err.message.replace(/^error: /, ""), field: commanderField(err.message), facts: { reason: err.code } } });
      return 2;
    }
    reportError(err, { json });
    return typeof process.exitCode === "number" ? process.exitCode : 1;
  } finally {
    process.exitCode = before;
  }
}
