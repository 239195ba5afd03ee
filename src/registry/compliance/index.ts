// The compliance cycle in the registry, as callers see it: one service over the secure registry
// (roles, representatives, four-eyes, audit), with the parts in their own files: installations
// and terms (installations.ts), monitoring and reporting (mrv.ts), verifiers and their opinions
// (verifiers.ts), obligations, surrender, status and closing a period (cycle.ts), true-ups
// booked after verification (true-up.ts), Tokyo's excess reductions issued ex post (ex-post.ts,
// its hook ex-post-hook.ts), publication (publish.ts), and the rules on every
// surrender the ledger writes (hook.ts, installed by src/registry/scheme-rules.ts).
import type { Caller } from "../../domain/security/roles.ts";
import type { SecureRegistry } from "../secure/index.ts";
import { ComplianceCtx } from "./context.ts";
import * as cycle from "./cycle.ts";
import * as inst from "./installations.ts";
import * as mrv from "./mrv.ts";
import * as reads from "./reads.ts";
import * as verifiers from "./verifiers.ts";
import * as trueUps from "./true-up.ts";
import * as exPost from "./ex-post.ts";

export type { InstallationView, RegisterInput, TermsInput, TermsView } from "./installations.ts";
export type { PlanInput, PlanView, ReportSubmitInput, ReportView, EstimateInput, InstallationRecords } from "./mrv.ts";
export type { AccreditationInput, FactInput, AppointInput, VerifyInput } from "./verifiers.ts";
export type { PositionView, SurrenderInput, CloseInput, CloseView } from "./cycle.ts";
export type { AccreditationView, SurrenderOptionsView } from "./reads.ts";
export { verifiedEmissionsComplete } from "./cycle.ts";
export type { TrueUpInput, TrueUpView } from "./true-up.ts";
export { trueUpTransactionId } from "./true-up.ts";
export type { ExPostInput, ExPostView } from "./ex-post.ts";
export { exPostIssuanceId, exPostTransactionId } from "./ex-post-hook.ts";
export { evaluateAgainstLimits } from "../../domain/compliance/surrender.ts";

export class ComplianceService {
  readonly ctx: ComplianceCtx;

  constructor(readonly registry: SecureRegistry) {
    this.ctx = new ComplianceCtx(registry);
  }

  registerInstallation = (c: Caller, i: inst.RegisterInput) => inst.registerInstallation(this.ctx, c, i);
  installations = (c: Caller, o?: { after?: string | undefined; limit?: number | undefined }) => inst.installations(this.ctx, c, o);
  setTerms = (c: Caller, i: inst.TermsInput) => inst.setTerms(this.ctx, c, i);
  submitPlan = (c: Caller, i: mrv.PlanInput) => mrv.submitPlan(this.ctx, c, i);
  submitReport = (c: Caller, i: mrv.ReportSubmitInput) => mrv.submitReport(this.ctx, c, i);
  records = (c: Caller, installation: string, year?: number) => mrv.recordsOf(this.ctx, c, installation, year);
  recordAccreditation = (c: Caller, i: verifiers.AccreditationInput) => verifiers.recordAccreditation(this.ctx, c, i);
  recordVerifierFact = (c: Caller, i: verifiers.FactInput) => verifiers.recordVerifierFact(this.ctx, c, i);
  appointVerifier = (c: Caller, i: verifiers.AppointInput) => verifiers.appointVerifier(this.ctx, c, i);
  submitVerification = (c: Caller, i: verifiers.VerifyInput) => verifiers.submitVerification(this.ctx, c, i);
  assignments = (c: Caller, page?: Parameters<typeof verifiers.assignments>[2]) => verifiers.assignments(this.ctx, c, page);
  setEstimate = (c: Caller, i: mrv.EstimateInput) => mrv.setEstimate(this.ctx, c, i);
  status = (c: Caller, period: string, o?: { after?: string | undefined; limit?: number | undefined }) => cycle.periodStatus(this.ctx, c, period, o);
  installationStatus = (c: Caller, installation: string, period: string) => cycle.installationStatus(this.ctx, c, installation, period);
  surrender = (c: Caller, i: cycle.SurrenderInput) => cycle.surrender(this.ctx, c, i);
  close = (c: Caller, i: cycle.CloseInput) => cycle.close(this.ctx, c, i);
  getClose = (c: Caller, period: string) => cycle.getClose(this.ctx, c, period);
  accreditations = (c: Caller, verifier?: string) => reads.accreditationsOf(this.ctx, c, verifier);
  surrenderOptions = (c: Caller, installation: string, period: string) => reads.surrenderOptions(this.ctx, c, installation, period);
  bookTrueUp = (c: Caller, i: trueUps.TrueUpInput) => trueUps.bookTrueUp(this.ctx, c, i);
  trueUps = (c: Caller, installation: string, page?: Parameters<typeof trueUps.trueUpsOf>[3]) => trueUps.trueUpsOf(this.ctx, c, installation, page);
  issueExPost = (c: Caller, i: exPost.ExPostInput) => exPost.issueExPost(this.ctx, c, i);
  exPostIssuances = (c: Caller, o?: Parameters<typeof exPost.listExPost>[2]) => exPost.listExPost(this.ctx, c, o);
}
