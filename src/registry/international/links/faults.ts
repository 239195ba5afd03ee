// The named points of the link protocol where the test-only fault hook (src/http/link-runtime.ts,
// OPENETS_LINK_FAULT) may end the process. A step that handles a message of several transfers
// calls the hook once per transfer, so a fault armed for any one of them fires there.

export const FAULT_STEPS = [
  "sender-after-escrow", "sender-after-answer", "sender-after-answer-saved", "sender-after-settle",
  "receiver-after-verify", "receiver-after-receipt", "receiver-after-answer", "receiver-after-credit",
] as const;
export type FaultStep = (typeof FAULT_STEPS)[number];
