// The message catalogue shared by the web console (and, with issue 15, the CLI): every interface
// string in Japanese and English, as pure data with no DOM and no I/O. An entry is one message in
// both languages; placeholders are `{name}` and the caller formats the values (numbers, dates)
// for the language first (see format.ts). Keys are grouped by area (messages/*.ts); families of
// keys named after catalogue codes (account types, transaction kinds, checks, ...) are looked up
// with `lookup`, and test/i18n.test.ts checks that every code of the catalogues has its entry.
import { MESSAGES } from "./catalogue.ts";
import { interpolate, type Params } from "./interpolate.ts";

export { MESSAGES } from "./catalogue.ts";
export { interpolate } from "./interpolate.ts";
export { renderText, type Text } from "../domain/allocation/texts.ts";
export const LANGS = ["ja", "en"] as const;
export type Lang = (typeof LANGS)[number];

import type { Entry } from "./entry.ts";

export type { Entry } from "./entry.ts";

export type MessageKey = keyof typeof MESSAGES;
export type { Params } from "./interpolate.ts";


/** One message in a language. */
export function message(lang: Lang, key: MessageKey, params?: Params): string {
  return interpolate(MESSAGES[key][lang], params);
}

/** A message of a family keyed by a code (e.g. `accountType` + `operator_holding`), or undefined when the code is new to the catalogue. */
export function lookup(lang: Lang, family: string, code: string, params?: Params): string | undefined {
  const e = (MESSAGES as Readonly<Record<string, Entry>>)[`${family}.${code}`];
  return e === undefined ? undefined : interpolate(e[lang], params);
}

export function isLang(v: unknown): v is Lang {
  return typeof v === "string" && (LANGS as readonly string[]).includes(v);
}

/**
 * The language for a list of preferred language tags (navigator.languages, or Accept-Language in
 * order of quality): the first that is Japanese or English; English when neither appears.
 */
export function negotiate(preferred: readonly string[]): Lang {
  for (const tag of preferred) {
    const primary = tag.trim().toLowerCase().split(/[-_;]/)[0];
    if (isLang(primary)) return primary;
  }
  return "en";
}

/** The tags of an Accept-Language header, best first (q=0 excluded). */
export function acceptLanguage(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(",")
    .slice(0, 20)
    .map((part, i) => {
      const [tag = "", ...rest] = part.trim().split(";");
      const q = rest.map((r) => /^\s*q=([0-9.]+)\s*$/.exec(r)?.[1]).find((x) => x !== undefined);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((x) => x.tag !== "" && x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i)
    .map((x) => x.tag);
}
