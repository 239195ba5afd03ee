// The crediting mechanisms and programmes a unit can come from, and the unit types each issues.
// The unit type codes are those of the ledger's catalogue (src/domain/ledger/catalog.ts), so a
// class defined from credit attributes names a unit type the ledger knows.

export const MECHANISMS = {
  kyoto: { name: "Kyoto Protocol assigned amount (Art. 3, 17)", unitTypes: ["AAU", "RMU"] },
  CDM: { name: "Clean Development Mechanism (Kyoto Art. 12)", unitTypes: ["CER", "tCER", "lCER"] },
  JI: { name: "Joint Implementation (Kyoto Art. 6)", unitTypes: ["ERU"] },
  JCM: { name: "Joint Crediting Mechanism (Japan's bilateral mechanism)", unitTypes: ["JCM"] },
  "A6.2": { name: "Paris Agreement Art. 6.2 cooperative approach", unitTypes: ["ITMO"] },
  "A6.4": { name: "Paris Agreement Art. 6.4 mechanism", unitTypes: ["A6.4ER"] },
  "J-Credit": { name: "Japan's domestic J-Credit scheme", unitTypes: ["J-Credit"] },
  voluntary: { name: "Independent crediting programme (voluntary market)", unitTypes: ["VER"] },
} as const satisfies Record<string, { name: string; unitTypes: readonly string[] }>;

export type Mechanism = keyof typeof MECHANISMS;

export const MECHANISM_IDS = Object.keys(MECHANISMS) as [Mechanism, ...Mechanism[]];

export function unitTypesOf(m: Mechanism): readonly string[] {
  return MECHANISMS[m].unitTypes;
}

export const CREDIT_KINDS = ["reduction", "avoidance", "removal"] as const;
export type CreditKind = (typeof CREDIT_KINDS)[number];
