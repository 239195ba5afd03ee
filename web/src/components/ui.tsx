// Small building blocks every page uses, written once with their accessibility: data from the API
// marked translate="no" (it is not interface text and stays in its own language), tables with
// captions and header scopes, form fields with labels and described errors, alerts for failures,
// status text that screen readers announce.
import { type ReactNode, type SelectHTMLAttributes, type InputHTMLAttributes, useEffect, useId, useRef } from "react";
import type { MessageKey } from "../../../src/i18n/index.ts";
import { useT } from "../i18n/context.tsx";
import { errorDetail, errorMessage } from "../i18n/errors.ts";
import { firstPage, type Paged } from "../api/use-paged.ts";
import type { Page } from "../api/types.ts";
import { hasNavigated } from "../router.tsx";

/** Data from the registry (ids, names, notes): never translated, never mixed into a message. */
export function Data(props: { children: ReactNode; className?: string }) {
  return (
    <span translate="no" className={props.className ? `data ${props.className}` : "data"}>
      {props.children}
    </span>
  );
}

/** Whole units, grouped for the language. */
export function Qty(props: { v: string | bigint | number | null | undefined }) {
  const { f } = useT();
  if (props.v === null || props.v === undefined) return <span className="num">-</span>;
  return <span className="num">{f.q(props.v)}</span>;
}

export function PageTitle(props: { title: MessageKey; params?: Record<string, string>; children?: ReactNode }) {
  const { t } = useT();
  const ref = useRef<HTMLHeadingElement>(null);
  const text = t(props.title, props.params);
  useEffect(() => {
    document.title = `${text} - OpenETS`;
  }, [text]);
  useEffect(() => {
    // After a navigation inside the app, moving focus to the new page's heading tells
    // screen-reader users that the page changed; the page the browser loaded keeps its focus.
    if (hasNavigated()) ref.current?.focus({ preventScroll: true });
  }, []);
  return (
    <div className="page-title">
      <h1 ref={ref} tabIndex={-1}>
        {text}
      </h1>
      {props.children}
    </div>
  );
}

export function ErrorBox(props: { error: unknown }) {
  const i = useT();
  if (props.error === undefined || props.error === null) return null;
  const detail = errorDetail(props.error);
  return (
    <div className="error" role="alert">
      <p>{errorMessage(i, props.error)}</p>
      {detail ? (
        <details>
          <summary>{i.t("error.detail")}</summary>
          <p lang="en" translate="no">
            {detail}
          </p>
        </details>
      ) : null}
    </div>
  );
}

export function Loading() {
  const { t } = useT();
  return (
    <p className="loading" role="status" aria-live="polite">
      {t("common.loading")}
    </p>
  );
}

/** A loaded value: the failure, "loading", or the content. */
export function Show<T>(props: { loaded: { data: T | undefined; error: unknown; loading: boolean }; children: (data: T) => ReactNode }) {
  if (props.loaded.error !== undefined) return <ErrorBox error={props.loaded.error} />;
  if (props.loaded.data === undefined) return <Loading />;
  return <>{props.children(props.loaded.data)}</>;
}

export function Notice(props: { children: ReactNode; kind?: "ok" | "info" }) {
  return (
    <div className={`notice ${props.kind ?? "info"}`} role="status" aria-live="polite">
      {props.children}
    </div>
  );
}

export interface Column<T> {
  head: MessageKey;
  cell: (row: T) => ReactNode;
  numeric?: boolean;
}

export function Table<T>(props: { caption: string; columns: readonly Column<T>[]; rows: readonly T[]; rowKey: (row: T) => string; empty?: MessageKey }) {
  const { t } = useT();
  return (
    // A wide table scrolls sideways inside its region, which keyboard users reach with Tab.
    <div className="table-wrap" role="region" aria-label={props.caption} tabIndex={0}>
      <table>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th key={c.head} scope="col" className={c.numeric ? "num" : undefined}>
                {t(c.head)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.length === 0 ? (
            <tr>
              <td colSpan={props.columns.length}>{t(props.empty ?? "common.none")}</td>
            </tr>
          ) : (
            props.rows.map((r) => (
              <tr key={props.rowKey(r)}>
                {props.columns.map((c) => (
                  <td key={c.head} className={c.numeric ? "num" : undefined}>
                    {c.cell(r)}
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

export function Field(props: InputHTMLAttributes<HTMLInputElement> & { label: MessageKey; hint?: MessageKey; error?: string | null }) {
  const { t } = useT();
  const id = useId();
  const { label, hint, error, ...input } = props;
  const describedBy = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{t(label)}</label>
      {hint ? (
        <span id={`${id}-hint`} className="hint">
          {t(hint)}
        </span>
      ) : null}
      <input id={id} aria-describedby={describedBy} aria-invalid={error ? true : undefined} {...input} />
      {error ? (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      ) : null}
    </div>
  );
}

export function Select(props: SelectHTMLAttributes<HTMLSelectElement> & { label: MessageKey; hint?: MessageKey; children: ReactNode }) {
  const { t } = useT();
  const id = useId();
  const { label, hint, children, ...select } = props;
  return (
    <div className="field">
      <label htmlFor={id}>{t(label)}</label>
      {hint ? (
        <span id={`${id}-hint`} className="hint">
          {t(hint)}
        </span>
      ) : null}
      <select id={id} aria-describedby={hint ? `${id}-hint` : undefined} {...select}>
        {children}
      </select>
    </div>
  );
}

export function Badge(props: { kind: string; children: ReactNode }) {
  return <span className={`badge badge-${props.kind}`}>{props.children}</span>;
}

/** A definition list of label/value pairs. */
export function Facts(props: { rows: ReadonlyArray<readonly [MessageKey, ReactNode]> }) {
  const { t } = useT();
  return (
    <dl className="facts">
      {props.rows.map(([k, v]) => (
        <div key={k}>
          <dt>{t(k)}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The state of a paged list below its table: a failure, "loading", or the "show more" button. */
export function PagedFooter(props: { paged: { error: unknown; loading: boolean; more: (() => void) | null } }) {
  const { t } = useT();
  const p = props.paged;
  if (p.loading) return <Loading />;
  // A next page that failed (the network, a session that ended) can be asked again: the cursor
  // is where it was, so the retry appends that page once.
  const failed = p.error !== undefined ? <ErrorBox error={p.error} /> : null;
  if (!p.more) return failed;
  return (
    <>
      {failed}
      <p>
        <button type="button" className="secondary" onClick={p.more}>
          {t(failed ? "common.moreRetry" : "common.more")}
        </button>
      </p>
    </>
  );
}

/**
 * A paged list's table, shown once its first page has come, with its footer below. Until then
 * "loading" or the first page's failure: a table's empty state ("No ... yet") is never on the page
 * while the list is still loading, where a reader (or a browser test) would take it for the answer.
 */
export function PagedList<T, D extends Page<T>>(props: { paged: Paged<T, D>; children: ReactNode }) {
  return (
    <Show loaded={firstPage(props.paged)}>
      {() => (
        <>
          {props.children}
          <PagedFooter paged={props.paged} />
        </>
      )}
    </Show>
  );
}

/** Said beside a list a page read whole (useAll) when it stopped at its bound: never a silent cut. */
export function CutNotice(props: { all: { items: readonly unknown[]; complete: boolean } | undefined }) {
  const { t, f } = useT();
  if (props.all === undefined || props.all.complete) return null;
  return <Notice kind="info">{t("common.cut", { n: f.q(props.all.items.length) })}</Notice>;
}
