// Transaction ids from idempotency keys. A caller's key is only meaningful in its own scope: the
// ledger's own callers (the registry's administrators, system jobs, tests) use the empty scope and
// the key is the id; a representative's keys live in `user:<id>` and become an opaque id, so one
// holder can neither learn that another's key exists nor take it first (issue 16, item 4).
import { createHash } from "node:crypto";

const B32 = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

export function txIdFor(scope: string, key: string): string {
  if (scope === "") return key;
  const h = createHash("sha256").update(`${scope}\u0000${key}`).digest();
  let out = "TX-";
  for (let i = 0; i < 20; i++) out += B32[(h[i] as number) % 32];
  return out;
}
