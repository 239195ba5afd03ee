// The language of the console: chosen by the browser's languages on the first visit, switched by
// the user (remembered in localStorage), applied to <html lang> and the title. `useT` gives the
// message function and the formatters bound to the language, the scheme's year basis and the
// browser's time zone, so a page never formats a number or a date by hand.
import { createContext, Fragment, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { formatDate, formatDateTime, formatMoney, formatMonth, formatNumber, formatPercent, formatQuantity, formatYear } from "../../../src/i18n/format.ts";
import { type Entry, isLang, type Lang, lookup, MESSAGES, type MessageKey, message, negotiate, type Params } from "../../../src/i18n/index.ts";

const LANG_KEY = "openets.lang";

export function initialLang(): Lang {
  try {
    const saved = window.localStorage.getItem(LANG_KEY);
    if (isLang(saved)) return saved;
  } catch {
    // storage may be disabled; fall back to the browser's languages
  }
  return negotiate(navigator.languages.length > 0 ? navigator.languages : [navigator.language]);
}

export interface Formatters {
  /** Whole units (decimal string or bigint). */
  q(v: string | bigint | number): string;
  /** A model figure with at most `digits` decimals. */
  n(v: number, digits?: number): string;
  pct(v: number, digits?: number): string;
  money(v: number, currency: string | null): string;
  dateTime(iso: string): string;
  date(iso: string): string;
  month(yearMonth: string): string;
  /** A scheme year: fiscal ("FY2026", "2026年度") when the scheme counts fiscal years. */
  year(y: number): string;
}

export interface I18n {
  lang: Lang;
  setLang(l: Lang): void;
  t(key: MessageKey, params?: Params): string;
  /** A message of a family keyed by a catalogue code; `fallback` when the code is new to the catalogue. */
  code(family: string, code: string, fallback?: string): string;
  /**
   * A message whose placeholders take React nodes: data (an id, a name) goes in as <Data> so that
   * it stays marked as data inside the sentence.
   */
  tn(key: MessageKey, params: Readonly<Record<string, ReactNode>>): ReactNode;
  /** A text of the allocation engine (an explanation's step, a skip reason) in the language; its strings are data. */
  text(t: { key: string; params: unknown }): ReactNode;
  f: Formatters;
}

const Ctx = createContext<I18n | null>(null);

export function I18nProvider(props: { children: ReactNode; fiscal: boolean; initial?: Lang }) {
  const [lang, setLangState] = useState<Lang>(props.initial ?? initialLang);
  const setLang = useCallback((l: Lang) => {
    setLangState(l);
    try {
      window.localStorage.setItem(LANG_KEY, l);
    } catch {
      // not remembered; the switch still works for this page
    }
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const value = useMemo<I18n>(() => {
    const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    return {
      lang,
      setLang,
      t: (key, params) => message(lang, key, params),
      code: (family, c, fallback) => lookup(lang, family, c) ?? fallback ?? c,
      tn: (key, params) => interpolateNodes(MESSAGES[key][lang], params),
      text: (x) => textNodes(lang, x as EngineText),
      f: {
        q: (v) => formatQuantity(lang, v),
        n: (v, digits) => formatNumber(lang, v, digits),
        pct: (v, digits) => formatPercent(lang, v, digits),
        money: (v, currency) => (currency ? formatMoney(lang, v, currency) : formatNumber(lang, v, 2)),
        dateTime: (iso) => formatDateTime(lang, iso, timeZone),
        date: (iso) => formatDate(lang, iso, timeZone),
        month: (ym) => formatMonth(lang, ym),
        year: (y) => formatYear(lang, y, props.fiscal),
      },
    };
  }, [lang, setLang, props.fiscal]);
  return <Ctx.Provider value={value}>{props.children}</Ctx.Provider>;
}

export function useT(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error("useT outside I18nProvider");
  return v;
}

/** A template with its placeholders replaced by nodes (each part keyed by its position). */
export function interpolateNodes(template: string, params: Readonly<Record<string, ReactNode>>): ReactNode {
  const parts = template.split(/\{([A-Za-z0-9_]+)\}/);
  return parts.map((part, i) => <Fragment key={i}>{i % 2 === 0 ? part : (params[part] ?? `{${part}}`)}</Fragment>);
}

interface EngineText {
  key: string;
  params: Record<string, string | EngineText | EngineText[]>;
}

/** An allocation engine Text as nodes: its words in the language, its string parameters marked as data. */
function textNodes(lang: Lang, t: EngineText): ReactNode {
  const entry = (MESSAGES as Readonly<Record<string, Entry>>)[t.key];
  if (!entry) return <span translate="no">{t.key}</span>;
  const params: Record<string, ReactNode> = {};
  for (const [k, v] of Object.entries(t.params)) {
    params[k] = typeof v === "string" ? (v === "" ? "" : <span translate="no">{v}</span>) : Array.isArray(v) ? v.map((x, i) => <Fragment key={i}>{textNodes(lang, x)}</Fragment>) : textNodes(lang, v);
  }
  return interpolateNodes(entry[lang], params);
}
