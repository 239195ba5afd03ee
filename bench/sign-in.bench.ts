// Whether a sign-in's timing tells a user id that exists from one that does not (issue 16). Both
// go through AuthService.signIn with the default argon2id cost on an in-memory PGlite store, each
// attempt from a fresh address so that none is cut short by the backoff. Figure: mean time of a
// wrong password for an unknown user id; baseline: the same for a known one, interleaved in the
// same run. Goal: ratio within 0.9-1.1 (the known user's hash may have been made with another
// cost; the dummy hash uses the current one). BENCH_SIGN_IN_N sets the attempts per kind.
import { AuditLog } from "../src/audit/index.ts";
import { AuthService } from "../src/auth/index.ts";
import { DEFAULT_SECURITY_CONFIG } from "../src/domain/security/config.ts";
import { systemPrincipal } from "../src/domain/security/roles.ts";
import { ManualClock } from "../src/platform/clock.ts";
import { migrate } from "../src/store/migrate.ts";
import { openPglite } from "../src/store/pglite.ts";
import { type Figure, figure } from "./figure.ts";

const N = Number(process.env.BENCH_SIGN_IN_N ?? 100);

export async function run(log: (s: string) => void): Promise<Figure[]> {
  const db = await openPglite();
  try {
    await migrate(db);
    const clock = new ManualClock("2026-04-06T09:00:00Z");
    const audit = new AuditLog(db, clock);
    // No user-wide restriction here: it would end the known user's series (and an unknown id's alike).
    const config = { ...DEFAULT_SECURITY_CONFIG, signIn: { ...DEFAULT_SECURITY_CONFIG.signIn, maxFailuresPerUser: 1_000_000 } };
    const auth = await AuthService.open(db, clock, config, audit);
    const made = await auth.createUser({ principal: systemPrincipal("bench"), ip: null }, { userId: "known-user", displayName: "Known", password: "the right password 1" });
    if (!made.ok) throw new Error(made.message);
    const times = { known: [] as number[], unknown: [] as number[] };
    // Interleaved, so that a slower moment of a busy machine falls on both kinds alike.
    for (let i = 0; i < N; i++) {
      for (const kind of i % 2 === 0 ? (["known", "unknown"] as const) : (["unknown", "known"] as const)) {
        const userId = kind === "known" ? "known-user" : `unknown-user-${i}`;
        const t0 = performance.now();
        const r = await auth.signIn(`198.51.${kind === "known" ? 100 : 101}.${i % 250}`, { userId, password: "a wrong password 2" });
        times[kind].push(performance.now() - t0);
        if (r.ok || r.code !== 8101) throw new Error(`expected 8101 for ${kind}, got ${JSON.stringify(r)}`);
        // Past the backoff window of any address used before (addresses repeat after 250 attempts).
        clock.advance(61_000);
      }
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    log(`${N} attempts each: known ${mean(times.known).toFixed(2)} ms, unknown ${mean(times.unknown).toFixed(2)} ms`);
    return [
      figure({
        figure: "sign-in with a wrong password, unknown user id (mean)",
        value: mean(times.unknown),
        baseline: mean(times.known),
        baselineName: "the same for a known user id",
        unit: "ms",
        goal: "ratio within 0.9-1.1",
      }),
    ];
  } finally {
    await db.close();
  }
}
