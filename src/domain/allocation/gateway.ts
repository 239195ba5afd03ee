// The UK ETS 2002-06 gateway: intensity (relative-target) participants may sell their ex-post
// over-achievement into the absolute sector only while the net flow from the intensity sector to
// the absolute sector stays within the limit (the flow the other way so far, plus any allowance).
// Requests are served in order; the one that meets the limit is cut, the rest are refused.
export interface GatewayRequest {
  participant: string;
  quantity: bigint;
}

export interface GatewayOutcome {
  accepted: { participant: string; requested: bigint; accepted: bigint }[];
  /** Net flow into the absolute sector after the requests. */
  netFlow: bigint;
  closed: boolean;
}

/** `netFlowSoFar`: intensity -> absolute minus absolute -> intensity, so far; `limit`: the most it may reach (UK: 0). */
export function applyGateway(requests: readonly GatewayRequest[], netFlowSoFar: bigint, limit = 0n): GatewayOutcome {
  let flow = netFlowSoFar;
  const accepted = requests.map((r) => {
    if (r.quantity < 0n) throw new RangeError(`gateway request of ${r.participant} is negative`);
    const room = limit - flow > 0n ? limit - flow : 0n;
    const take = r.quantity < room ? r.quantity : room;
    flow += take;
    return { participant: r.participant, requested: r.quantity, accepted: take };
  });
  return { accepted, netFlow: flow, closed: flow >= limit };
}
