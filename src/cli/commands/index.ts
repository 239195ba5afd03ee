// Every CLI command module registers itself here (one line each).
import type { Command } from "commander";
import { register as benchmark } from "./benchmark.ts";
import { register as coverage } from "./coverage.ts";
import { register as dataset } from "./dataset.ts";
import { register as leakage } from "./leakage.ts";
import { register as simulate } from "./simulate.ts";

export type Register = (program: Command) => void;

export const commandModules: readonly Register[] = [benchmark, coverage, dataset, leakage, simulate];
