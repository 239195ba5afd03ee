// The rulebook's `international` section: which international units count for domestic
// compliance, the Kyoto commitment periods and JI rules, the CDM's share of proceeds and crediting
// periods, the Article 6.4 mechanism's shares and removal buffer, and a Party's Article 6.2 choices
// (its NDC, whether and until when an authorization may be revoked, the first transfer
// definitions it allows, how it dates corresponding adjustments). Every share names its rounding:
// the registry never rounds a unit by a hidden rule. The section lives in its own file so that
// schema.ts only wires it in; the builders below repeat schema.ts's few on purpose (importing them
// would make the two files import each other). The same shape validates a mechanism file on its
// own (presets/international/*.yaml, `internationalSchema`).
import { z } from "zod";
import { MECHANISM_IDS, MECHANISMS } from "../international/mechanisms.ts";

const num = () => z.number({ error: "expected a number" });
const fraction = () => num().min(0, { error: "expected a fraction >= 0" }).max(1, { error: "expected a fraction <= 1" });
const year = () => z.int({ error: "expected a whole year" }).min(1990, { error: "expected a year >= 1990" }).max(2200, { error: "expected a year <= 2200" });
const id = () => z.string({ error: "expected a string" }).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { error: "expected an id (letters, digits, . _ -)" });
const alpha2 = () => z.string().regex(/^[A-Z]{2}$/, { error: "expected an ISO 3166 alpha-2 code such as JP" });
const alpha3 = () => z.string().regex(/^[A-Z]{3}$/, { error: "expected an ISO 3166 alpha-3 code such as JPN" });
const units = () =>
  z
    .union([z.int().min(0), z.string().regex(/^\d+$/)], { error: "expected a whole number of tonnes >= 0" })
    .transform((v) => BigInt(v))
    .describe("whole tonnes of CO2e; an integer, or a string of digits");

export const SHARE_ROUNDINGS = ["floor", "ceil", "halfUp", "halfEven"] as const;

const rounding = () =>
  z
    .enum(SHARE_ROUNDINGS)
    .describe("how quantity x rate becomes whole units: floor (down), ceil (up), halfUp (nearest, halves up), halfEven (nearest, halves to even)");

const share = (what: string) =>
  z
    .strictObject({
      rate: fraction().describe("the fraction of the gross quantity issued, e.g. 0.05"),
      rounding: rounding(),
    })
    .describe(`${what}: gross quantity x rate, rounded whole as named; computed on the gross issuance, independently of the other shares`);

// ---------------------------------------------------------------- domestic use

const domesticUseRule = z
  .strictObject({
    id: id().describe("rule id, used in refusals and notes"),
    mechanisms: z.array(z.enum(MECHANISM_IDS)).min(1).describe("mechanisms or programmes whose units the rule admits (kyoto, CDM, JI, JCM, A6.2, A6.4, J-Credit, voluntary)"),
    unitTypes: z.array(id()).min(1).describe("unit types admitted, each issued by one of the mechanisms (e.g. CER, ERU; tCER and lCER only if listed)"),
    limitType: id().optional().describe("the credit type of `credits.limits` these units count against; the unit type when absent"),
    from: year().optional().describe("first compliance year the rule applies"),
    to: year().optional().describe("last compliance year the rule applies"),
    vintages: z
      .strictObject({ from: year().optional().describe("earliest vintage"), to: year().optional().describe("latest vintage") })
      .optional()
      .describe("vintages admitted"),
    excludeActivities: z.array(id()).default([]).describe("activity types never admitted (EU phase 2: nuclear, LULUCF)"),
    onlyHosts: z.array(z.string().regex(/^[A-Z]{2,3}$/)).optional().describe("when given, only units hosted by these Parties (ISO codes) count"),
    excludeHosts: z.array(z.string().regex(/^[A-Z]{2,3}$/)).default([]).describe("host Parties whose units never count"),
    requireLabels: z.array(id()).default([]).describe("quality labels a unit must carry (all of them)"),
    excludeLabels: z.array(id()).default([]).describe("labels that exclude a unit"),
    requireAuthorization: z.boolean().default(false).describe("units count only if authorized under Article 6 and first transferred (the host made the corresponding adjustment)"),
    note: z.string().optional().describe("what the rule leaves out"),
  })
  .describe("one rule admitting international (or other) units for surrender");

// ---------------------------------------------------------------- Kyoto and JI

const commitmentPeriod = z
  .strictObject({
    id: id().describe("period id, e.g. CP1"),
    code: z.int().min(0).max(9).describe("the period's code in Kyoto block identifiers (Data Exchange Standards: 1 for 2008-2012, 2 for 2013-2020)"),
    from: year().describe("first year"),
    to: year().describe("last year"),
  })
  .refine((p) => p.from <= p.to, { error: "`from` must not be after `to`", path: ["to"] })
  .describe("a Kyoto commitment period");

const kyoto = z
  .strictObject({
    commitmentPeriods: z.array(commitmentPeriod).min(1).describe("commitment periods in order; a tCER expires at the end of the period after the one it was issued for"),
    carryOver: z
      .partialRecord(
        z.enum(["AAU", "RMU", "ERU", "CER", "tCER", "lCER"]),
        z
          .union([z.literal("unlimited"), z.strictObject({ maxShareOfAssignedAmount: fraction().describe("at most this share of the Party's assigned amount") })])
          .describe("`unlimited`, or { maxShareOfAssignedAmount }"),
      )
      .default({})
      .describe("unit types a Party may carry over into the next commitment period and how many; a type not listed cannot be carried over"),
    ji: z
      .strictObject({
        rmuOnlyForSinkProjects: z.boolean().describe("RMUs are converted to ERUs only for projects enhancing removals by sinks, and AAUs only for the others"),
      })
      .optional()
      .describe("Joint Implementation: ERUs are issued by converting the host's AAUs or RMUs"),
  })
  .describe("the Kyoto Protocol's commitment periods and JI conversion rules");

const creditingPeriod = z
  .strictObject({
    renewableYears: z.int().min(1).max(30).describe("length of one renewable crediting period"),
    maxRenewals: z.int().min(0).max(5).describe("how many times it may be renewed"),
    fixedYears: z.int().min(1).max(60).describe("length of a fixed (non-renewable) crediting period"),
  })
  .describe("crediting period lengths");

const cdm = z
  .strictObject({
    shareOfProceeds: share("CERs forwarded to the Adaptation Fund's account on each issuance"),
    shareOfProceedsExemptHosts: z.array(alpha2()).default([]).describe("host Parties whose projects pay no share of proceeds in CERs (the least developed countries)"),
    creditingPeriods: z
      .strictObject({
        standard: creditingPeriod.describe("project activities other than afforestation and reforestation"),
        afforestation: creditingPeriod.describe("afforestation and reforestation project activities (tCERs, lCERs)"),
      })
      .describe("crediting periods by project type"),
  })
  .describe("the Clean Development Mechanism's issuance rules");

// ---------------------------------------------------------------- Article 6.4

const a64 = z
  .strictObject({
    shareOfProceeds: share("A6.4ERs transferred to the Adaptation Fund's account at issuance"),
    omge: share("A6.4ERs cancelled at issuance to deliver overall mitigation in global emissions (OMGE)"),
    removals: z
      .strictObject({
        bufferByRiskRating: z
          .record(id(), share("the buffer pool contribution of a removal activity with this reversal risk rating"))
          .refine((r) => Object.keys(r).length > 0, { error: "name at least one risk rating" })
          .describe("risk rating -> buffer contribution"),
        monitoringYearsAfterCrediting: z.int().min(0).max(200).describe("years after the last crediting period during which the activity is still monitored and reversals cancel buffer units"),
      })
      .optional()
      .describe("removal activities: the reversal risk buffer pool and the monitoring period"),
  })
  .describe("the Article 6.4 mechanism's issuance rules");

// ---------------------------------------------------------------- Article 6.2, a Party's choices

const trajectoryPoint = z.strictObject({ year: year().describe("the year"), amount: units().describe("emissions level of the trajectory or budget in that year") });

const ndc = z
  .discriminatedUnion("kind", [
    z.strictObject({
      kind: z.literal("single-year").describe("an NDC with one target year"),
      period: z.strictObject({ from: year().describe("first year"), to: year().describe("last year") }).describe("the NDC implementation period"),
      targetYear: year().describe("the target year"),
      method: z
        .enum(["trajectory", "averaging"])
        .describe("trajectory: an indicative multi-year trajectory or budget, adjusted every year; averaging: the average annual amount of ITMOs first transferred and used over the period, applied to the target year"),
      trajectory: z.array(trajectoryPoint).default([]).describe("the indicative trajectory (method trajectory)"),
    }),
    z.strictObject({
      kind: z.literal("multi-year").describe("an NDC with a multi-year target, trajectory or budget"),
      period: z.strictObject({ from: year().describe("first year"), to: year().describe("last year") }).describe("the NDC implementation period"),
      trajectory: z.array(trajectoryPoint).default([]).describe("the multi-year emissions trajectory or budget, per year"),
      budget: units().optional().describe("the emissions budget over the whole period, when the NDC is a budget"),
    }),
  ])
  .describe("the Party's NDC as corresponding adjustments need it");

export const FIRST_TRANSFER_DEFINITIONS = ["first-international-transfer", "authorization", "issuance", "use-or-cancellation"] as const;

const article6 = z
  .strictObject({
    party: alpha3().describe("the Party, as in the AEF (ISO 3166 alpha-3)"),
    registryId: z.string().regex(/^[A-Z]{3}\d{2}$/, { error: "expected the Party code and two digits, e.g. THA01" }).describe("the Party's ITMO registry id in the AEF"),
    ndc,
    authorization: z
      .strictObject({
        revocation: z
          .discriminatedUnion("allowed", [
            z.strictObject({ allowed: z.literal(false).describe("authorizations are never revoked") }),
            z.strictObject({
              allowed: z.literal(true).describe("an authorization may be revoked, for the units not yet first transferred"),
              withinDays: z.int().min(0).max(36500).optional().describe("only within this many days after the authorization date; no deadline when absent"),
            }),
          ])
          .describe("whether and until when an authorization may be revoked (units already first transferred are never affected)"),
        oimpFirstTransfer: z
          .array(z.enum(FIRST_TRANSFER_DEFINITIONS))
          .min(1)
          .describe("first transfer definitions the Party allows for units authorized for other international mitigation purposes; an authorization names one of them (the first is the default)"),
      })
      .describe("the Party's authorizations"),
    adjustments: z
      .strictObject({
        firstTransferYear: z.enum(["vintage", "first-transfer"]).describe("the year a first transfer is added to the annual emissions balance: the vintage of the units or the year of the first transfer"),
        averagingRounding: rounding().describe("how the average annual amount is rounded to whole tonnes in the averaging method (the exact fraction is reported too)"),
      })
      .describe("how corresponding adjustments are dated and averaged"),
    use: z
      .strictObject({
        vintageInNdcPeriod: z.boolean().describe("units used towards the NDC must have a vintage in the NDC implementation period"),
      })
      .describe("conditions on using ITMOs towards the Party's NDC"),
  })
  .describe("the Party's Article 6.2 choices, read by the Article 6 book and the AEF");

// ---------------------------------------------------------------- the section

export const internationalShape = z
  .strictObject({
    domesticUse: z.array(domesticUseRule).default([]).describe("which international units count for compliance in this scheme, and against which credit limit; how much counts is `credits.limits`"),
    kyoto: kyoto.optional(),
    cdm: cdm.optional(),
    a64: a64.optional(),
    article6: article6.optional(),
  })
  .describe("international units: domestic use, Kyoto, CDM, JI, Article 6.2 and 6.4 (issue: international units)");

type Ctx = z.RefinementCtx;

/** Rules across fields of the section; `path` is where the section sits (["international"] in a rulebook). */
export function refineInternational(s: InternationalRules, ctx: Ctx, path: (string | number)[] = []): void {
  const ids = new Set<string>();
  s.domesticUse.forEach((r, i) => {
    if (ids.has(r.id)) ctx.addIssue({ code: "custom", path: [...path, "domesticUse", i, "id"], message: `duplicate rule id "${r.id}"` });
    ids.add(r.id);
    const issued = new Set<string>(r.mechanisms.flatMap((m) => MECHANISMS[m].unitTypes));
    r.unitTypes.forEach((t, j) => {
      if (!issued.has(t)) ctx.addIssue({ code: "custom", path: [...path, "domesticUse", i, "unitTypes", j], message: `unit type "${t}" is not issued by ${r.mechanisms.join(", ")} (they issue: ${[...issued].join(", ")})` });
    });
    if (r.from !== undefined && r.to !== undefined && r.from > r.to) ctx.addIssue({ code: "custom", path: [...path, "domesticUse", i, "to"], message: "`to` is before `from`" });
  });
  s.kyoto?.commitmentPeriods.forEach((p, i, all) => {
    const prev = all[i - 1];
    if (prev && p.from <= prev.to) ctx.addIssue({ code: "custom", path: [...path, "kyoto", "commitmentPeriods", i, "from"], message: "commitment periods must be in order and not overlap" });
    if (all.findIndex((q) => q.code === p.code || q.id === p.id) !== i) ctx.addIssue({ code: "custom", path: [...path, "kyoto", "commitmentPeriods", i, "code"], message: "duplicate commitment period id or code" });
  });
  if (s.a64) {
    const maxBuffer = Math.max(0, ...Object.values(s.a64.removals?.bufferByRiskRating ?? {}).map((b) => b.rate));
    if (s.a64.shareOfProceeds.rate + s.a64.omge.rate + maxBuffer > 1) ctx.addIssue({ code: "custom", path: [...path, "a64"], message: "the share of proceeds, OMGE and largest buffer contribution together exceed the issuance" });
  }
  const a6 = s.article6;
  if (a6) refineNdc(a6.ndc, ctx, [...path, "article6", "ndc"]);
}

function refineNdc(n: NdcRules, ctx: Ctx, path: (string | number)[]): void {
  if (n.period.from > n.period.to) ctx.addIssue({ code: "custom", path: [...path, "period", "to"], message: "`to` is before `from`" });
  const inPeriod = (y: number) => y >= n.period.from && y <= n.period.to;
  if (n.kind === "single-year" && !inPeriod(n.targetYear)) ctx.addIssue({ code: "custom", path: [...path, "targetYear"], message: `the target year ${n.targetYear} is outside the period ${n.period.from}-${n.period.to}` });
  if (n.kind === "single-year" && n.method === "trajectory" && n.trajectory.length === 0) ctx.addIssue({ code: "custom", path: [...path, "trajectory"], message: "the trajectory method needs an indicative trajectory" });
  n.trajectory.forEach((p, i) => {
    if (!inPeriod(p.year)) ctx.addIssue({ code: "custom", path: [...path, "trajectory", i, "year"], message: `year ${p.year} is outside the period` });
    const prev = n.trajectory[i - 1];
    if (prev && p.year <= prev.year) ctx.addIssue({ code: "custom", path: [...path, "trajectory", i, "year"], message: "years must increase" });
  });
}

export type InternationalRules = z.output<typeof internationalShape>;
export type DomesticUseRule = InternationalRules["domesticUse"][number];
export type KyotoRules = NonNullable<InternationalRules["kyoto"]>;
export type CdmRules = NonNullable<InternationalRules["cdm"]>;
export type A64Rules = NonNullable<InternationalRules["a64"]>;
export type Article6Rules = NonNullable<InternationalRules["article6"]>;
export type NdcRules = Article6Rules["ndc"];
export type FirstTransferDefinition = (typeof FIRST_TRANSFER_DEFINITIONS)[number];

/** The section on its own, with its cross-field rules: for tests and configurations of a Party. */
export const internationalSchema = internationalShape.superRefine((s, ctx) => refineInternational(s, ctx));

/**
 * A mechanism file (presets/international/*.yaml): the section's shape with an id, a name and the
 * sources its figures cite, for rules that belong to no national scheme (the UN mechanisms').
 */
export const internationalFileSchema = internationalShape
  .extend({
    id: id().describe("file id, equal to the file name"),
    name: z.string().min(1).describe("what the rules are"),
    sources: z
      .array(z.strictObject({ id: id(), title: z.string().min(1), url: z.string().optional() }))
      .min(1)
      .describe("the documents the figures come from; each figure cites one in a comment"),
  })
  .superRefine((s, ctx) => refineInternational(s, ctx));

export type InternationalFile = z.output<typeof internationalFileSchema>;
