import type { ComponentChildren } from "preact";
import { hasScope, logout, type Session, type WebConfig } from "./auth";
import { LanguagePicker } from "./components";
import { t } from "./i18n";
import type { Route } from "./route";

export function Shell({ config, session, route, children }: {
  config: WebConfig; session: Session; route: Route; children: ComponentChildren;
}) {
  const current = (name: string) => (route.name === name || (name === "sent" && route.name === "sentMessage") ? "page" : undefined);
  return (
    <>
      <a class="skip" href="#main">{t("skip")}</a>
      <header class="top">
        <div class="brand">
          <span class="logo" aria-hidden="true">✉</span>
          <span>{t("appName")}</span>
          <span class="enterprise">{hasScope("operator") && !hasScope("messagesfull") ? t("platform")
            : session.enterpriseNumber ? t("ofEnterprise", { n: session.enterpriseNumber }) : t("myEbox")}</span>
        </div>
        <nav aria-label={t("appName")}>
          {hasScope("messagesfull") && <a href="#/inbox" aria-current={current("inbox")}>{t("inbox")}</a>}
          {hasScope("publicationsender") && <a href="#/publish" aria-current={current("publish")}>{t("publish")}</a>}
          {hasScope("publicationsender") && <a href="#/sent" aria-current={current("sent")}>{t("sent")}</a>}
          {hasScope("publicationsender") && <a href="#/bulk" aria-current={current("bulk")}>{t("bulk")}</a>}
          {hasScope("messagesfull") && session.enterpriseNumber && <a href="#/settings" aria-current={current("settings")}>{t("settings")}</a>}
          {(hasScope("operator") || hasScope("publicationsender")) && <a href="#/statistics" aria-current={current("statistics")}>{t("statistics")}</a>}
        </nav>
        <div class="who">
          <span class="name">{t("loggedInAs", { name: session.name })}</span>
          <LanguagePicker />
          <button type="button" class="link" onClick={() => void logout(config)}>{t("logout")}</button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>{children}</main>
    </>
  );
}
