// Helpers shared by the dataset-reading commands: load with errors turned into exit-2 messages,
// and parse numeric option lists with the option named in the error.
import { InputError } from "../../io/csv.ts";
import { loadDataset } from "../../io/dataset.ts";
import type { Dataset } from "../../io/dataset.ts";
import { t, UsageError } from "../io.ts";

export async function loadOrExplain(dir: string): Promise<Dataset> {
  const tty = process.stderr.isTTY === true;
  try {
    return await loadDataset(dir, (stage) => {
      if (tty) process.stderr.write(`\x1b[2K\r${stage} ...`);
    });
  } catch (err) {
    if (err instanceof InputError) throw new UsageError(err.message);
    throw err;
  } finally {
    if (tty) process.stderr.write("\x1b[2K\r");
  }
}

export function numberList(option: string, text: string): number[] {
  return text.split(",").map((part) => {
    const v = Number(part.trim());
    if (part.trim() === "" || !Number.isFinite(v) || v < 0) throw new UsageError(t("cli.usage.nonNegative", { flag: option, value: JSON.stringify(part) }), { field: option });
    return v;
  });
}

export function positiveNumber(option: string, text: string): number {
  const v = Number(text);
  if (text.trim() === "" || !Number.isFinite(v) || v <= 0) throw new UsageError(t("cli.usage.positive", { flag: option, value: JSON.stringify(text) }), { field: option });
  return v;
}

export function oneOf<T extends string>(option: string, text: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(text)) throw new UsageError(t("cli.usage.oneOf", { flag: option, allowed: allowed.join(", "), value: JSON.stringify(text) }), { field: option });
  return text as T;
}
