// The server's checkpoint schedule: a tick (at least once a minute) records a checkpoint when the
// last one is `everyMs` old or older. The age is checked under the checkpoint lock, against the
// checkpoints in the store, so several server processes on one database together keep one
// schedule instead of each recording its own.
import type { Clock } from "../../platform/clock.ts";
import type { Db } from "../../store/db.ts";
import { type Checkpoint, recordCheckpoint } from "./record.ts";

export interface CheckpointSchedule {
  /** Records a checkpoint if one is due (waiting for a tick already running); null when the last one is recent enough. */
  tick(): Promise<Checkpoint | null>;
  /** Stops the timer; resolves once a tick that is running has ended. */
  stop(): Promise<void>;
}

export interface ScheduleOptions {
  everyMs: number;
  clock: Clock;
  by: string;
  onRecorded?: (cp: Checkpoint) => void;
  onError?: (err: unknown) => void;
}

export function checkpointSchedule(db: Db, o: ScheduleOptions): CheckpointSchedule {
  if (!Number.isSafeInteger(o.everyMs) || o.everyMs < 1) throw new RangeError(`checkpoint schedule: everyMs must be a whole number of at least 1, not ${o.everyMs}`);
  // One tick at a time: the first checkpoint of a big ledger may take longer than the interval.
  let current: Promise<Checkpoint | null> = Promise.resolve(null);
  const tick = (): Promise<Checkpoint | null> => {
    current = current
      .catch(() => null)
      .then(() => recordCheckpoint(db, { clock: o.clock, by: o.by, ifOlderThanMs: o.everyMs }))
      .then((cp) => {
        if (cp) o.onRecorded?.(cp);
        return cp;
      });
    return current;
  };
  const timer = setInterval(() => {
    tick().catch((err: unknown) => o.onError?.(err));
  }, Math.min(o.everyMs, 60_000));
  timer.unref();
  return {
    tick,
    stop: async () => {
      clearInterval(timer);
      await current.catch(() => null);
    },
  };
}
