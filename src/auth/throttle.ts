// Sign-in throttling. Failures count per user id *as claimed* and client address: after the n-th
// failure in a row the next attempt from that address waits base x 2^(n-1) seconds, and at
// `maxFailures` that address is locked out of that user id for `lockoutMinutes`, so someone
// guessing from one place is slowed and stopped without locking the real user out everywhere
// else. Failures for one user id from all addresses together are counted too: at
// `maxFailuresPerUser` within the lockout period, the user id signs in for that period only on
// the second-factor path (password and one-time code in one request), which a guesser without
// the code cannot use and the real user can. Ids that exist and ids that do not are counted and
// answered alike, so that no answer tells which exist. A count is forgotten `lockoutMinutes`
// after its last failure; an administrator's unlock forgets all of a user's.
import type { Refusal } from "../domain/ledger/checks.ts";
import { securityRefusal } from "../domain/security/codes.ts";
import type { SecurityConfig } from "../domain/security/config.ts";
import type { Clock } from "../platform/clock.ts";
import type { Db } from "../store/db.ts";
import { storable } from "../audit/index.ts";

/** The row that counts a user id's failures over all addresses. */
const ALL_ADDRESSES = "*";
/** The address of callers that have none (the CLI, the system). */
const NO_ADDRESS = "(none)";

interface Row {
  address: string;
  failures: number;
  last_failure_at: string;
  locked_until: string | null;
}

/** A user id's throttle state as seen from one address. */
export interface ThrottleState {
  readonly pair: Row | undefined;
  readonly all: Row | undefined;
}

/** An administrator's view of a user id's throttling. */
export interface ThrottleView {
  /** Failures from all addresses counted toward `maxFailuresPerUser`. */
  failures: number;
  /** Until when the user signs in only with password and one-time code together, or null. */
  lockedUntil: string | null;
  /** Addresses with failures still counted, or locked out. */
  addresses: Array<{ address: string; failures: number; lockedUntil: string | null; nextAttemptAt: string | null }>;
}

export class SignInThrottle {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly cfg: SecurityConfig["signIn"],
  ) {}

  /** The stored form of a claimed user id and a client address (storable text, bounded). */
  key(userId: string): string {
    return storable(userId.slice(0, 64));
  }

  address(ip: string | null): string {
    return ip === null || ip === "" ? NO_ADDRESS : storable(ip.slice(0, 100));
  }

  private now(): number {
    return this.clock.now().getTime();
  }

  private windowMs(): number {
    return this.cfg.lockoutMinutes * 60_000;
  }

  /** A row whose last failure is older than the lockout period and that locks nothing counts for nothing. */
  private live(r: Row | undefined): Row | undefined {
    if (r === undefined) return undefined;
    const locked = r.locked_until !== null && Date.parse(r.locked_until) > this.now();
    return locked || Date.parse(r.last_failure_at) > this.now() - this.windowMs() ? r : undefined;
  }

  async load(userId: string, ip: string | null): Promise<ThrottleState> {
    const r = await this.db.query<Row>(
      "SELECT address, failures, last_failure_at, locked_until FROM sign_in_throttle WHERE user_key = $1 AND address IN ($2, $3)",
      [this.key(userId), this.address(ip), ALL_ADDRESSES],
    );
    return { pair: this.live(r.rows.find((x) => x.address !== ALL_ADDRESSES)), all: this.live(r.rows.find((x) => x.address === ALL_ADDRESSES)) };
  }

  private backoffMs(failures: number): number {
    if (failures <= 0) return 0;
    return Math.min(this.cfg.backoffBaseSeconds * 2 ** Math.min(failures - 1, 30), this.cfg.backoffMaxSeconds) * 1000;
  }

  private seconds(untilMs: number): number {
    return Math.max(1, Math.ceil((untilMs - this.now()) / 1000));
  }

  private lockedUntil(r: Row | undefined): number | undefined {
    const t = r?.locked_until ? Date.parse(r.locked_until) : undefined;
    return t !== undefined && t > this.now() ? t : undefined;
  }

  private nextAttemptMs(r: Row | undefined): number | undefined {
    if (r === undefined) return undefined;
    const locked = this.lockedUntil(r);
    if (locked !== undefined) return locked;
    const next = Date.parse(r.last_failure_at) + this.backoffMs(r.failures);
    return next > this.now() ? next : undefined;
  }

  /** True while the user id signs in only on the second-factor path. */
  restricted(st: ThrottleState): boolean {
    return this.lockedUntil(st.all) !== undefined;
  }

  /**
   * The refusal before any password is checked: this address locked out or inside its backoff, or
   * (unless a one-time code came with the password) the user id restricted to the second factor.
   */
  refusal(userId: string, st: ThrottleState, withCode: boolean): Refusal | undefined {
    const locked = this.lockedUntil(st.pair);
    if (locked !== undefined) return this.addressLocked(userId, locked);
    const next = this.nextAttemptMs(st.pair);
    if (next !== undefined) {
      const retryAt = new Date(next).toISOString();
      return securityRefusal("SIGN_IN_BACKOFF", `wait until ${retryAt} before trying again`, { retryAt, retryAfterSeconds: this.seconds(next) });
    }
    if (!withCode && this.restricted(st)) return this.secondFactorOnly(userId, this.lockedUntil(st.all) as number);
    return undefined;
  }

  private addressLocked(userId: string, until: number): Refusal {
    const lockedUntil = new Date(until).toISOString();
    return securityRefusal("USER_LOCKED", `too many failed sign-ins for ${userId} from this address; it is locked out until ${lockedUntil}`, {
      lockedUntil, retryAfterSeconds: this.seconds(until), scope: "address",
    });
  }

  /** The answer while a user id signs in only with password and one-time code together. */
  secondFactorOnly(userId: string, until: number): Refusal {
    const lockedUntil = new Date(until).toISOString();
    return securityRefusal(
      "USER_LOCKED",
      `too many failed sign-ins for ${userId} from several addresses; until ${lockedUntil} it signs in only with the password and the one-time code together (field totp), or after an administrator unlocks it`,
      { lockedUntil, retryAfterSeconds: this.seconds(until), scope: "user", secondFactorRequired: true },
    );
  }

  private async count(userKey: string, address: string): Promise<Row> {
    const now = new Date(this.now()).toISOString();
    const r = await this.db.query<Row>(
      `INSERT INTO sign_in_throttle (user_key, address, failures, last_failure_at) VALUES ($1, $2, 1, $3)
       ON CONFLICT (user_key, address) DO UPDATE SET
         failures = CASE WHEN sign_in_throttle.last_failure_at > $4 THEN sign_in_throttle.failures + 1 ELSE 1 END,
         last_failure_at = $3
       RETURNING address, failures, last_failure_at, locked_until`,
      [userKey, address, now, new Date(this.now() - this.windowMs()).toISOString()],
    );
    return r.rows[0] as Row;
  }

  private async lock(userKey: string, address: string, resetFailures: boolean): Promise<number> {
    const until = this.now() + this.windowMs();
    await this.db.query(`UPDATE sign_in_throttle SET locked_until = $3${resetFailures ? ", failures = 0" : ""} WHERE user_key = $1 AND address = $2`, [
      userKey, address, new Date(until).toISOString(),
    ]);
    return until;
  }

  /**
   * Records a failed password or code; returns the lockout it started (this address, or the
   * restriction of the user id to the second factor), else undefined. Rows that count for nothing
   * any more are deleted on the way, so ids made up by guessers do not pile up.
   */
  async fail(userId: string, ip: string | null): Promise<Refusal | undefined> {
    const userKey = this.key(userId);
    const address = this.address(ip);
    const pair = await this.count(userKey, address);
    const all = await this.count(userKey, ALL_ADDRESSES);
    await this.db.query("DELETE FROM sign_in_throttle WHERE last_failure_at <= $1 AND (locked_until IS NULL OR locked_until <= $2)", [
      new Date(this.now() - this.windowMs()).toISOString(), new Date(this.now()).toISOString(),
    ]);
    // Each failure at or past the user-wide limit restarts the restriction; the address's lockout starts its own count again.
    const restricted = all.failures >= this.cfg.maxFailuresPerUser ? await this.lock(userKey, ALL_ADDRESSES, false) : undefined;
    const locked = pair.failures >= this.cfg.maxFailures ? await this.lock(userKey, address, true) : undefined;
    if (restricted !== undefined) return this.secondFactorOnly(userId, restricted);
    if (locked !== undefined) return this.addressLocked(userId, locked);
    return undefined;
  }

  /** A successful sign-in from an address forgets that address's failures (not the user-wide count). */
  async succeed(userId: string, ip: string | null): Promise<void> {
    await this.db.query("DELETE FROM sign_in_throttle WHERE user_key = $1 AND address = $2", [this.key(userId), this.address(ip)]);
  }

  /** An administrator's unlock: every address and the user-wide count. */
  async clear(userId: string): Promise<void> {
    await this.db.query("DELETE FROM sign_in_throttle WHERE user_key = $1", [this.key(userId)]);
  }

  async view(userId: string): Promise<ThrottleView> {
    const r = await this.db.query<Row>("SELECT address, failures, last_failure_at, locked_until FROM sign_in_throttle WHERE user_key = $1 ORDER BY address LIMIT 1001", [
      this.key(userId),
    ]);
    const iso = (t: number | undefined) => (t === undefined ? null : new Date(t).toISOString());
    const all = this.live(r.rows.find((x) => x.address === ALL_ADDRESSES));
    const addresses = r.rows
      .filter((x) => x.address !== ALL_ADDRESSES)
      .map((x) => this.live(x))
      .filter((x): x is Row => x !== undefined)
      .slice(0, 1000)
      .map((x) => ({ address: x.address, failures: x.failures, lockedUntil: iso(this.lockedUntil(x)), nextAttemptAt: iso(this.nextAttemptMs(x)) }));
    return { failures: all?.failures ?? 0, lockedUntil: iso(this.lockedUntil(all)), addresses };
  }
}
