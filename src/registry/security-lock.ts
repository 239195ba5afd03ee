// An in-process lock per key (here: per holder), so that a holding-limit check and the ledger
// call that moves the units run without another such pair for the same holder in between. It
// serialises callers within one server process; several processes on one database still race
// (documented in docs/concepts/security.md).

export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs fn holding every key (taken in sorted order, so two callers never deadlock). */
  async with<T>(keys: readonly string[], fn: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    const releases: Array<() => void> = [];
    try {
      for (const k of sorted) releases.push(await this.acquire(k));
      return await fn();
    } finally {
      for (const r of releases.reverse()) r();
    }
  }

  private async acquire(key: string): Promise<() => void> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => {
      release = r;
    });
    const tail = prev.then(() => mine);
    this.tails.set(key, tail);
    await prev;
    return () => {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }
}
