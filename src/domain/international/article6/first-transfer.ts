// When units become first transferred (Decision 2/CMA.3, annex, paragraph 2(b)): units authorized
// for use towards NDCs are first transferred by their first international transfer; units
// authorized for other international mitigation purposes by the event the Party chose in the
// authorization (its authorization, its issuance, its use or cancellation, or its first
// international transfer). Units authorized for both are first transferred by whichever of the two
// happens first. A unit is first transferred once: later events are ordinary.
import type { FirstTransferDefinition } from "../../rulebook/international.ts";
import type { AuthorizationRecord } from "./types.ts";

export type Trigger = "issuance" | "authorization" | "international-transfer" | "use-or-cancellation";

const DEFINITION_OF: Record<Trigger, FirstTransferDefinition> = {
  issuance: "issuance",
  authorization: "authorization",
  "international-transfer": "first-international-transfer",
  "use-or-cancellation": "use-or-cancellation",
};

/** The definition under which `trigger` first transfers units under `auth`, or undefined when it does not. */
export function firstTransferBy(auth: Pick<AuthorizationRecord, "purposes" | "firstTransferDefinition">, trigger: Trigger): FirstTransferDefinition | undefined {
  const ndc = auth.purposes !== "OIMP";
  const oimp = auth.purposes !== "NDC";
  if (ndc && trigger === "international-transfer") return "first-international-transfer";
  if (oimp && auth.firstTransferDefinition === DEFINITION_OF[trigger]) return DEFINITION_OF[trigger];
  return undefined;
}
