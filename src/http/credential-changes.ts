// A server on PostgreSQL hears credential changes made by any process (another server, the CLI on
// the store): the store's triggers announce them (src/store/migrations/auth-notify.ts) and one
// dedicated LISTEN connection (src/store/listen.ts) passes each notice on to the principal cache
// (src/http/middleware/authenticate.ts), which then forgets every verified principal. While that
// connection is down the cache holds nothing; when it is back the cache starts empty.
import type { Logger } from "pino";
import { listenPostgres } from "../store/listen.ts";
import { CREDENTIALS_CHANNEL } from "../store/migrations/auth-notify.ts";
import type { CredentialChanges } from "./context.ts";

export function watchCredentialChanges(url: string, logger?: Logger, backoffMs?: { first: number; max: number }): CredentialChanges & { close(): Promise<void> } {
  const subscribers: Array<() => void> = [];
  const tell = () => {
    for (const s of subscribers) s();
  };
  const listener = listenPostgres(url, CREDENTIALS_CHANNEL, {
    onNotice: tell,
    onListening: () => {
      tell();
      logger?.info("listening for credential changes");
    },
    onLost: (err) => {
      tell();
      logger?.warn({ err: { message: String((err as Error | undefined)?.message ?? err) } }, "credential change notices lost: nothing is cached until they are back");
    },
    ...(backoffMs ? { backoffMs } : {}),
  });
  return {
    get watching() {
      return listener.listening;
    },
    subscribe(onChange) {
      subscribers.push(onChange);
    },
    close: () => listener.close(),
  };
}
