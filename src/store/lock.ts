// One process at a time per PGlite data directory. PGlite keeps the database in the memory of the
// process that opened it and writes it back; two processes on one directory would overwrite each
// other's work. The lock is a file created exclusively (O_EXCL) holding the owner's pid; a lock
// left by a process that no longer runs (killed with -9) is taken over.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";

export const LOCK_FILE = "ets.lock";

export class StoreLockedError extends Error {
  override readonly name = "StoreLockedError";
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(`database directory ${dir} is in use by process ${pid} (lock file ${join(dir, LOCK_FILE)}); wait for it to finish, or use a PostgreSQL server (DATABASE_URL) for concurrent use`);
  }
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the directory's lock or throws StoreLockedError naming the holder; returns the release function. */
export function lockDirectory(dir: string): () => void {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          if (Number(readFileSync(path, "utf8").trim()) === process.pid) unlinkSync(path);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      let pid = Number.NaN;
      try {
        pid = Number(readFileSync(path, "utf8").trim());
      } catch {
        continue; // removed meanwhile: try again
      }
      if (alive(pid) && pid !== process.pid) throw new StoreLockedError(dir, pid);
      if (pid === process.pid) throw new StoreLockedError(dir, pid);
      try {
        unlinkSync(path); // stale: its owner is gone
      } catch {
        // Someone else removed it first.
      }
    }
  }
  throw new Error(`could not take the lock ${path}`);
}
