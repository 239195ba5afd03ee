// Every CLI command module registers itself here (one line each).
import type { Command } from "commander";

export type Register = (program: Command) => void;

export const commandModules: readonly Register[] = [];
