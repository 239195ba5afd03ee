// Every CLI command module registers itself here (one line each).
import type { Command } from "commander";
import { register as coverage } from "./coverage.ts";
import { register as dataset } from "./dataset.ts";

export type Register = (program: Command) => void;

export const commandModules: readonly Register[] = [coverage, dataset];
