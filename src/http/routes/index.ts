// Every API operation, in the order of the reference.
import type { AppDeps, HttpConfig } from "../context.ts";
import type { Op } from "../route.ts";
import { adminOps } from "./admin.ts";
import { authOps } from "./auth.ts";
import { limitOps } from "./limits.ts";
import { publicOps } from "./public.ts";
import { readOps } from "./read.ts";
import { writeOps } from "./write.ts";

export function allOps(deps: AppDeps, config: HttpConfig): Op[] {
  return [...publicOps(deps, config), ...authOps(deps, config), ...readOps(deps, config), ...writeOps(deps, config), ...adminOps(deps, config), ...limitOps(deps, config)];
}
