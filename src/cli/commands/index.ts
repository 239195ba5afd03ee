// Every CLI command module registers itself here (one import and one array line each).
import type { Command } from "commander";
import { register as admin } from "./admin.ts";
import { register as allocate } from "./allocate.ts";
import { register as article6 } from "./article6.ts";
import { register as auction } from "./auction.ts";
import { register as baseline } from "./baseline.ts";
import { register as collar } from "./collar.ts";
import { register as compliance } from "./compliance.ts";
import { register as benchmark } from "./benchmark.ts";
import { register as coverage } from "./coverage.ts";
import { register as dataset } from "./dataset.ts";
import { register as leakage } from "./leakage.ts";
import { register as link } from "./link.ts";
import { register as msr } from "./msr.ts";
import { register as penalty } from "./penalty.ts";
import { register as play } from "./play.ts";
import { register as registry } from "./registry/index.ts";
import { register as rulebook } from "./rulebook.ts";
import { register as simulate } from "./simulate.ts";

export type Register = (program: Command) => void;

export const commandModules: readonly Register[] = [
  admin,
  allocate,
  article6,
  auction,
  baseline,
  benchmark,
  collar,
  compliance,
  coverage,
  dataset,
  leakage,
  link,
  msr,
  penalty,
  play,
  registry,
  rulebook,
  simulate,
];
