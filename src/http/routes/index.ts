// Every API operation, in the order of the reference.
import type { AppDeps, HttpConfig } from "../context.ts";
import type { Op } from "../route.ts";
import { adminOps } from "./admin.ts";
import { analysisOps } from "./analysis.ts";
import { auctionOps } from "./auctions.ts";
import { authOps } from "./auth.ts";
import { collarOps } from "./collars.ts";
import { complianceOps } from "./compliance.ts";
import { complianceExPostOps } from "./compliance-ex-post.ts";
import { internationalOps } from "./international.ts";
import { linkOps } from "./links.ts";
import { publicOps } from "./public.ts";
import { readOps } from "./read.ts";
import { rulesOps } from "./rules.ts";
import { schemeOps } from "./scheme.ts";
import { simulatorOps } from "./simulator.ts";
import { trailOps } from "./trail.ts";
import { writeOps } from "./write.ts";

export function allOps(deps: AppDeps, config: HttpConfig): Op[] {
  return [
    ...publicOps(deps, config),
    ...authOps(deps, config),
    ...readOps(deps, config),
    ...trailOps(deps, config),
    ...writeOps(deps, config),
    ...adminOps(deps, config),
    ...rulesOps(deps, config),
    ...schemeOps(deps, config),
    ...analysisOps(deps, config),
    ...simulatorOps(deps, config),
    ...complianceOps(deps, config),
    ...complianceExPostOps(deps, config),
    ...auctionOps(deps, config),
    ...collarOps(deps, config),
    ...internationalOps(deps, config),
    ...linkOps(deps, config),
  ];
}
