// The server's pino logger with secrets redacted: passwords, one-time codes, tokens, cookies and
// CSRF tokens never reach the log, whichever object they appear in.
import pino, { type DestinationStream, type Logger } from "pino";

export const REDACT_PATHS = [
  "password",
  "*.password",
  "newPassword",
  "*.newPassword",
  "totp",
  "*.totp",
  "code",
  "*.totpCode",
  "totpCode",
  "token",
  "*.token",
  "secret",
  "*.secret",
  "req.headers.authorization",
  "req.headers.cookie",
  "req.headers[\"x-csrf-token\"]",
  "res.headers[\"set-cookie\"]",
  "headers.authorization",
  "headers.cookie",
  "body.password",
  "body.totp",
  "body.code",
  "body.token",
];

/** What a redacted value is replaced by. */
export const REDACTED = "[redacted]";

export function createLogger(opts: { level?: string; destination?: DestinationStream } = {}): Logger {
  const options = { level: opts.level ?? process.env.LOG_LEVEL ?? "info", redact: { paths: REDACT_PATHS, censor: REDACTED }, base: { service: "openets" } };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}

/** Masks bearer tokens and session-looking secrets inside free text (error messages, URLs). */
export function scrubText(s: string): string {
  return s
    .replace(/(bearer\s+)[A-Za-z0-9._~+/=-]+/gi, "$1[redacted]")
    .replace(/(ets_[a-z]+_)[A-Za-z0-9_-]+/g, "$1[redacted]")
    .replace(/(password|token|totp|secret)=([^&\s]+)/gi, "$1=[redacted]");
}
