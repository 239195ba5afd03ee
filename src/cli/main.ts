// Entry point of `ets`. Commands live in src/cli/commands/*, one module each.
import { Command } from "commander";
import { commandModules } from "./commands/index.ts";

// Output piped into `head` and closed early is not an error.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

const program = new Command();
program
  .name("ets")
  .description("OpenETS: emissions trading registry, rulebooks, allocation and policy simulation")
  .showHelpAfterError()
  .exitOverride((err) => {
    // commander's own usage errors (unknown option, missing argument) are bad input: exit 2.
    process.exit(err.exitCode === 0 ? 0 : 2);
  });
for (const register of commandModules) register(program);
await program.parseAsync(process.argv);
