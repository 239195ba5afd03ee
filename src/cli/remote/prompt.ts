// Reading a secret (a password, a one-time code) without it appearing anywhere: from an
// environment variable when set, from stdin when it is not a terminal (one trailing newline
// dropped), or typed at a terminal with no echo. Never from argv (it would show in `ps` and in
// the shell's history).
import { UsageError } from "../io.ts";

/** Reads a line typed at the terminal without echoing it. */
export function promptHidden(question: string, stdin: NodeJS.ReadStream = process.stdin, stderr: NodeJS.WriteStream = process.stderr): Promise<string> {
  return new Promise((resolve, reject) => {
    stderr.write(question);
    const wasRaw = stdin.isRaw;
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding("utf8");
    let text = "";
    const done = (err?: Error) => {
      stdin.setRawMode(wasRaw);
      stdin.pause();
      stdin.removeListener("data", onData);
      stderr.write("\n");
      if (err) reject(err);
      else resolve(text);
    };
    const onData = (chunk: string | Buffer) => {
      for (const ch of String(chunk)) {
        if (ch === "\r" || ch === "\n" || ch === "\u0004") return done();
        if (ch === "\u0003") return done(new UsageError("interrupted"));
        if (ch === "\u007f" || ch === "\b") text = text.slice(0, -1);
        else if (ch >= " ") text += ch;
        if (text.length > 4096) return done(new UsageError("a secret is at most 4096 characters"));
      }
    };
    stdin.on("data", onData);
  });
}

/** All of stdin (a pipe or a file), one trailing newline dropped; undefined when empty. */
export async function readStdin(stdin: NodeJS.ReadStream = process.stdin, limit = 4096): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of stdin) {
    const b = typeof c === "string" ? Buffer.from(c) : (c as Buffer);
    chunks.push(b);
    n += b.length;
    if (n > limit) throw new UsageError(`stdin: a secret is at most ${limit} bytes`);
  }
  const text = Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
  return text === "" ? undefined : text;
}

/**
 * A secret: the environment variable when set, else stdin when it is not a terminal, else
 * typed at the terminal without echo (after `question`).
 */
export async function readSecret(variable: string, question: string, env: NodeJS.ProcessEnv = process.env, stdin: NodeJS.ReadStream = process.stdin): Promise<string | undefined> {
  if (env[variable]) return env[variable];
  if (!stdin.isTTY) return readStdin(stdin);
  const typed = await promptHidden(question, stdin);
  return typed === "" ? undefined : typed;
}
