// The console's frame: skip link, header (scheme, language switch, who is signed in), the main
// navigation by area, and the page of the current path. Pages that need a session say so rather
// than failing; the API decides what each user may actually do.
import { type ReactNode, useMemo } from "react";
import type { Lang } from "../../src/i18n/index.ts";
import { useApi } from "./api/use-api.ts";
import type { Scheme } from "./api/types.ts";
import { I18nProvider, useT } from "./i18n/context.tsx";
import { Link, matchPath, useLocation } from "./router.tsx";
import { NAV, ROUTES, type RouteDef } from "./routes.tsx";
import { abilities, SessionProvider, useSession } from "./session.tsx";
import { PageBoundary } from "./components/boundary.tsx";
import { Data, Loading } from "./components/ui.tsx";
import { SchemeContext, useScheme } from "./scheme.tsx";

export function App(props: { initialLang?: Lang }) {
  const scheme = useApi<Scheme>("/v1/public/scheme");
  return (
    <SchemeContext.Provider value={scheme.data}>
      <I18nProvider fiscal={scheme.data?.yearBasis.kind === "fiscal"} {...(props.initialLang ? { initial: props.initialLang } : {})}>
        <SessionProvider>
          <Frame scheme={scheme.data} schemeLoading={scheme.loading} />
        </SessionProvider>
      </I18nProvider>
    </SchemeContext.Provider>
  );
}

function Frame(props: { scheme: Scheme | undefined; schemeLoading: boolean }) {
  const { t } = useT();
  const { pathname } = useLocation();
  const found = useMemo(() => {
    for (const r of ROUTES) {
      const params = matchPath(r.path, pathname);
      if (params) return { route: r, params };
    }
    return undefined;
  }, [pathname]);
  return (
    <>
      <a className="skip" href="#main">
        {t("app.skip")}
      </a>
      <Header scheme={props.scheme} />
      <div className="layout">
        <Nav pathname={pathname} />
        <main id="main" tabIndex={-1}>
          <PageBoundary resetKey={pathname} fallback={<div className="error" role="alert">{t("error.status.500")}</div>}>
            {/* A page starts once the scheme is known (or failed to load): its defaults (the allocation page's rulebook, fiscal
                years, currency) come from it, and a page shown before would change them under the user's hand. */}
            {props.schemeLoading ? <Loading /> : found ? <Guarded route={found.route} params={found.params} /> : <NotFound />}
          </PageBoundary>
        </main>
      </div>
      <footer>
        {props.scheme?.demo ? <p className="demo-notice">{t("app.demoNotice")}</p> : null}
        <p>
          {t("app.tagline")} · <a href="/docs">{t("app.apiDocs")}</a>
        </p>
      </footer>
    </>
  );
}

function Header(props: { scheme: Scheme | undefined }) {
  const { t } = useT();
  return (
    <header className="top">
      <div className="brand">
        <Link to="/" className="brand-name">
          {t("app.name")}
        </Link>
        <span className="scheme">
          {t("app.schemeLabel")}: {props.scheme === undefined ? "…" : props.scheme.name ? <Data>{props.scheme.name}</Data> : t("app.noScheme")}
        </span>
      </div>
      <LanguageSwitch />
      <UserMenu />
    </header>
  );
}

/** Each language is offered in its own name and marked with its language, so a screen reader pronounces it right. */
function LanguageSwitch() {
  const { lang, setLang, t } = useT();
  return (
    <div className="lang" role="group" aria-label={t("lang.switchLabel")}>
      {(["ja", "en"] as const).map((l) => (
        <button key={l} type="button" lang={l} aria-pressed={lang === l} onClick={() => setLang(l)} className={lang === l ? "current" : undefined}>
          {t(l === "ja" ? "lang.ja" : "lang.en")}
        </button>
      ))}
    </div>
  );
}

function UserMenu() {
  const { t, tn } = useT();
  const { me, signOut } = useSession();
  if (me === undefined) return <div className="user" />;
  if (me === null)
    return (
      <div className="user">
        <Link to="/sign-in">{t("user.signIn")}</Link>
      </div>
    );
  return (
    <div className="user">
      <Link to="/profile">{tn("user.signedInAs", { user: <Data>{me.userId}</Data> })}</Link>
      <button type="button" onClick={() => void signOut()}>
        {t("user.signOut")}
      </button>
    </div>
  );
}

function Nav(props: { pathname: string }) {
  const { t } = useT();
  const { me } = useSession();
  const can = abilities(me);
  const scheme = useScheme();
  // The current item is the one whose path is the longest prefix of the address (so that
  // /simulator/compare is "Compare", not also "Run a scenario").
  const current = NAV.flatMap((g) => g.items.map((it) => it.path))
    .filter((p) => (p === "/" ? props.pathname === "/" : props.pathname === p || props.pathname.startsWith(`${p}/`)))
    .sort((a, b) => b.length - a.length)[0];
  return (
    <nav aria-label={t("nav.label")}>
      {NAV.filter((g) => g.show(can)).map((g) => (
        <div key={g.title} className="nav-group">
          <h2>{t(g.title)}</h2>
          <ul>
            {g.items.filter((it) => it.show?.(can, scheme) ?? true).map((it) => {
              return (
                <li key={it.path}>
                  <Link to={it.path} aria-current={it.path === current ? "page" : undefined}>
                    {t(it.label)}
                  </Link>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </nav>
  );
}

function Guarded(props: { route: RouteDef; params: Record<string, string> }): ReactNode {
  const { t } = useT();
  const { me } = useSession();
  const r = props.route;
  if (r.access === "signed-in") {
    if (me === undefined) return null;
    if (me === null)
      return (
        <section>
          <h1>{t(r.title)}</h1>
          <p>{t("common.signInNeeded")}</p>
          <p>
            <Link to={`/sign-in?next=${encodeURIComponent(window.location.pathname + window.location.search)}`}>{t("user.signIn")}</Link>
          </p>
        </section>
      );
  }
  const Page = r.page;
  return <Page params={props.params} />;
}

function NotFound() {
  const { t } = useT();
  return (
    <section>
      <h1>{t("common.notFoundTitle")}</h1>
      <p>{t("common.notFoundText")}</p>
      <p>
        <Link to="/">{t("common.backToDashboard")}</Link>
      </p>
    </section>
  );
}
