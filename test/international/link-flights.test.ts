// Goal: a link keeps several messages in flight (issue 13 item 6, throughput): the sender's
// Flights (src/registry/international/links/sender.ts) starts a new flight whenever transfers are
// ready and fewer than the link's maximum are out, each flight its own message, a transfer in one
// flight at a time, and a transfer pushed again while in flight goes again only after that flight
// ended. Propose and settle are stand-ins here that record calls and wait until released; the
// protocol's exactly-once end to end is test/international/link.test.ts and link-kill.test.ts.
import { describe, expect, it } from "vitest";
import { MAX_LINK_IN_FLIGHT } from "../../src/domain/international/link.ts";
import { Flights } from "../../src/registry/international/links/sender.ts";

/** A stand-in propose: each call recorded with its transfers, answered when released. */
function held() {
  const calls: Array<{ ids: string[]; release(): void }> = [];
  let out = 0;
  let most = 0;
  const propose = async (_link: string, ids: string[]) => {
    out++;
    most = Math.max(most, out);
    await new Promise<void>((release) => calls.push({ ids, release }));
    out--;
    return ids;
  };
  return { calls, propose, most: () => most };
}
const tick = () => new Promise((r) => setTimeout(r, 5));

describe("a link's flights", () => {
  it("sends a transfer that becomes ready while a message is out in a message of its own, at once", async () => {
    const p = held();
    const settled: string[][] = [];
    const f = new Flights(p.propose, async (_l, ids) => void settled.push(ids));
    const one = f.push("L", ["T1"]);
    await tick();
    const two = f.push("L", ["T2"]);
    await tick();
    // Two messages out at once, each with its own transfer.
    expect(p.calls.map((c) => c.ids)).toEqual([["T1"], ["T2"]]);
    expect(p.most()).toBe(2);
    // The second answer first: its transfer settles without waiting for the first message.
    p.calls[1]?.release();
    await two;
    expect(settled).toEqual([["T2"]]);
    p.calls[0]?.release();
    await one;
    expect(settled).toEqual([["T2"], ["T1"]]);
  });

  it("keeps at most the maximum out; what becomes ready meanwhile goes together in the next", async () => {
    const p = held();
    const f = new Flights(p.propose, async () => undefined);
    const first: Array<Promise<void>> = [];
    for (let i = 0; i < MAX_LINK_IN_FLIGHT; i++) {
      first.push(f.push("L", [`T${i}`]));
      await tick();
    }
    expect(p.calls).toHaveLength(MAX_LINK_IN_FLIGHT);
    const later = [f.push("L", ["U1"]), f.push("L", ["U2"])];
    await tick();
    expect(p.calls).toHaveLength(MAX_LINK_IN_FLIGHT);
    p.calls[0]?.release();
    await first[0];
    await tick();
    expect(p.calls.at(-1)?.ids).toEqual(["U1", "U2"]);
    for (const c of p.calls) c.release();
    await Promise.all([...first, ...later]);
    expect(p.most()).toBe(MAX_LINK_IN_FLIGHT);
  });

  it("never has one transfer in two messages at once: pushed again while in flight, it goes after that flight", async () => {
    const p = held();
    const f = new Flights(p.propose, async () => undefined);
    const a = f.push("L", ["T1"]);
    await tick();
    const again = f.push("L", ["T1"]);
    await tick();
    expect(p.calls.map((c) => c.ids)).toEqual([["T1"]]);
    p.calls[0]?.release();
    await a;
    await tick();
    expect(p.calls.map((c) => c.ids)).toEqual([["T1"], ["T1"]]);
    p.calls[1]?.release();
    await again;
  });

  it("a failed proposal rejects its own transfers only", async () => {
    let n = 0;
    const f = new Flights(async (_l, ids) => {
      n++;
      if (ids.includes("BAD")) throw new Error("no route");
      await tick();
      return ids;
    }, async () => undefined);
    const bad = f.push("L", ["BAD"]);
    bad.catch(() => undefined);
    await tick();
    const good = f.push("L", ["GOOD"]);
    await expect(bad).rejects.toThrow("no route");
    await expect(good).resolves.toBeUndefined();
    expect(n).toBe(2);
  });

  it("idle() waits for flights nobody awaits (a send that did not wait) until they settled", async () => {
    const p = held();
    const settled: string[][] = [];
    const f = new Flights(p.propose, async (_l, ids) => void settled.push(ids));
    void f.push("L", ["T1"]);
    await tick();
    let idle = false;
    const waiting = f.idle().then(() => {
      idle = true;
    });
    await tick();
    // The flight is out, unanswered: not idle.
    expect(idle).toBe(false);
    p.calls[0]?.release();
    await waiting;
    expect(settled).toEqual([["T1"]]);
    // Nothing out: idle at once.
    await f.idle();
  });
});
