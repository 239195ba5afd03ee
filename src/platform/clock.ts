// The clock port: the domain and services never read the time themselves; a Clock is injected,
// so tests move time by hand (ManualClock) and simulations replay exactly.

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export class ManualClock implements Clock {
  private t: number;
  constructor(start: Date | string = "2026-04-01T00:00:00Z") {
    this.t = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.t);
  }
  set(at: Date | string): void {
    this.t = new Date(at).getTime();
  }
  advance(ms: number): void {
    this.t += ms;
  }
  advanceHours(h: number): void {
    this.advance(h * 3_600_000);
  }
  advanceDays(d: number): void {
    this.advance(d * 86_400_000);
  }
}
