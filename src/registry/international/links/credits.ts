// The receiver's credits after its answer (docs/concepts/linked-registries.md, Credits after the
// answer): what the sender needs is the receiver's decision, made durable by the receipt (the units
// issued into the link's inbound account); crediting the destination accounts is the receiver's own
// affair. So the answer goes out once the receipt committed, and the accepted transfers are
// credited here, in the background: one run per link at a time, the transfers owed meanwhile
// (several answered messages) together in the next run, as one batch of up to MAX_LINK_BATCH. A
// run that fails or a process that dies first leaves the transfers uncredited in their rows, and
// the receiver's recovery (service.ts recover) credits them; the credit is one forwarding per
// transfer, idempotent by its id, and its hook (hooks.ts linkCredit) marks it once, so crediting
// twice is impossible whoever gets there first.
import { fault, type LinkCtx } from "./moves.ts";
import { credit } from "./receiver.ts";
import type { InboundRow } from "./store.ts";

/** How long a run waits for more answered messages to share its batch (and for the answer to leave). */
const GATHER_MS = 5;

interface LinkCredits {
  owed: Map<string, InboundRow>;
  running: Promise<void> | null;
}

export class Credits {
  private readonly links = new Map<string, LinkCredits>();

  constructor(private readonly ctx: LinkCtx) {}

  /** These accepted transfers are owed their credit: a background run credits them (an error leaves them to recovery). */
  owe(rows: readonly InboundRow[]): void {
    for (const r of rows) {
      let q = this.links.get(r.linkId);
      if (!q) {
        q = { owed: new Map(), running: null };
        this.links.set(r.linkId, q);
      }
      q.owed.set(r.transferId, r);
      if (!q.running) q.running = this.run(q);
    }
  }

  /** Resolves once no credit run is under way (recovery, tests and shutdown wait for it). */
  async idle(): Promise<void> {
    for (;;) {
      const running = [...this.links.values()].flatMap((q) => (q.running ? [q.running] : []));
      if (running.length === 0) return;
      await Promise.all(running);
    }
  }

  private async run(q: LinkCredits): Promise<void> {
    try {
      await new Promise((r) => setTimeout(r, GATHER_MS));
      while (q.owed.size > 0) {
        const rows = [...q.owed.values()];
        q.owed.clear();
        const ids = rows.map((r) => r.transferId);
        fault(this.ctx, "receiver-after-answer", ids);
        try {
          await credit(this.ctx, rows);
        } catch {
          // Left uncredited: the receiver's recovery credits them (a proposal's retry owes them again too).
          continue;
        }
        fault(this.ctx, "receiver-after-credit", ids);
      }
    } finally {
      q.running = null;
      if (q.owed.size > 0) q.running = this.run(q);
    }
  }
}
