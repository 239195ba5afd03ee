// The server's side of linked registries: the link service the routes and the recovery share, the
// recovery at start-up and every OPENETS_LINK_RECOVERY_SECONDS (default 30; 0 turns the timer off,
// the start-up run and the admin operation remain), and, in test mode only (NODE_ENV=test), the
// fault-injection point OPENETS_LINK_FAULT=STEP[@TEXT] that kills the process at a named step of
// the protocol (for a transfer whose id contains TEXT; several, comma-separated), so the kill tests
// can crash either side anywhere. Outside test mode the variable is ignored.
import type { Logger } from "pino";
import type { Clock } from "../platform/clock.ts";
import { FAULT_STEPS, type FaultStep, LinkService } from "../registry/international/links/service.ts";
import type { SecureRegistry } from "../registry/secure/index.ts";
import type { Db } from "../store/db.ts";

export interface LinkEnv {
  NODE_ENV?: string | undefined;
  OPENETS_LINK_RECOVERY_SECONDS?: string | undefined;
  OPENETS_LINK_FAULT?: string | undefined;
}

export class LinkEnvError extends Error {}

/** The fault hook of OPENETS_LINK_FAULT in test mode, else none. */
export function faultHook(env: LinkEnv, kill: () => void = () => process.kill(process.pid, "SIGKILL")): ((step: FaultStep, transferId: string) => void) | undefined {
  const spec = env.OPENETS_LINK_FAULT;
  if (!spec || env.NODE_ENV !== "test") return undefined;
  const faults = spec.split(",").map((one) => {
    const [step, text] = one.split("@");
    if (!(FAULT_STEPS as readonly string[]).includes(step ?? "")) throw new LinkEnvError(`OPENETS_LINK_FAULT names no step of the protocol (${FAULT_STEPS.join(", ")}): ${JSON.stringify(one)}`);
    return { step, text };
  });
  return (s, id) => {
    if (faults.some((f) => f.step === s && (f.text === undefined || id.includes(f.text)))) kill();
  };
}

export function recoverySeconds(env: LinkEnv): number {
  const v = env.OPENETS_LINK_RECOVERY_SECONDS;
  if (v === undefined || v === "") return 30;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 86_400) throw new LinkEnvError(`OPENETS_LINK_RECOVERY_SECONDS must be seconds from 0 (no timer) to 86400, not ${JSON.stringify(v)}`);
  return n;
}

/** The service and its recovery schedule (started now). */
export function startLinks(registry: SecureRegistry, db: Db, clock: Clock, env: LinkEnv, logger: Logger): { service: LinkService; stop(): Promise<void> } {
  const fault = faultHook(env);
  const every = recoverySeconds(env);
  const service = new LinkService(registry, db, clock, fault ? { fault } : {});
  const onError = (err: unknown) => logger.error({ err: { message: String((err as Error).message) } }, "link recovery failed");
  // Stopping gives up on answers still awaited (service.shutdown) before waiting for the runs.
  if (every === 0) {
    const first = service.recover().catch(onError);
    return { service, stop: async () => {
      const down = service.shutdown();
      await first;
      await down;
    } };
  }
  const s = service.schedule(every * 1000, onError);
  return { service, stop: async () => {
    const down = service.shutdown();
    await s.stop();
    await down;
  } };
}
