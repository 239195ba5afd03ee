// Every API operation, in the order of the reference.
import type { AppDeps, HttpConfig } from "../app.ts";
import type { Op } from "../route.ts";
import { publicOps } from "./public.ts";
import { readOps } from "./read.ts";

export function allOps(deps: AppDeps, config: HttpConfig): Op[] {
  return [...publicOps(deps, config), ...readOps(deps, config)];
}
