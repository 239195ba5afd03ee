// A fixed-window rate limiter on the injected clock: at most `max` requests per key per window.
// Keys are client addresses (before authentication) and user ids (after). Memory is bounded:
// expired windows are dropped when the table grows.
import type { Clock } from "../platform/clock.ts";

export interface RateLimit {
  /** Requests allowed per window. */
  max: number;
  windowMs: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  constructor(
    private readonly clock: Clock,
    private readonly limit: RateLimit,
    private readonly maxKeys = 100_000,
  ) {}

  /** Counts one request; returns 0 when allowed, else the seconds until the window resets. */
  hit(key: string): number {
    const now = this.clock.now().getTime();
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.limit.windowMs || now < w.start) {
      if (!w && this.windows.size >= this.maxKeys) this.sweep(now);
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    w.count++;
    if (w.count <= this.limit.max) return 0;
    return Math.max(1, Math.ceil((w.start + this.limit.windowMs - now) / 1000));
  }

  private sweep(now: number): void {
    for (const [k, w] of this.windows) if (now - w.start >= this.limit.windowMs) this.windows.delete(k);
    // Still full (a flood of distinct keys): forget the oldest half rather than grow without bound.
    if (this.windows.size >= this.maxKeys) {
      let n = 0;
      for (const k of this.windows.keys()) {
        if (n++ >= this.maxKeys / 2) break;
        this.windows.delete(k);
      }
    }
  }
}
