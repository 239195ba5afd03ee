// Entry point of `ets`. `--version` answers before anything else loads (it is what scripts call
// to see that the command works); everything else goes through the program (src/cli/program.ts),
// which loads only the modules the command needs. Commands live in src/cli/commands/*.
import { cliVersion } from "./version.ts";

// Output piped into `head` and closed early is not an error.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
  process.stdout.write(`ets ${cliVersion()}\n`);
} else {
  const { run } = await import("./program.ts");
  process.exitCode = await run(argv);
}
