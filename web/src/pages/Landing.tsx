import { LanguagePicker } from "../components";
import { t } from "../i18n";

const hasDraft = () => Object.keys(sessionStorage).some((key) => key.startsWith("ebox.draft."));

export function Landing({ onLogin, error, expired }: { onLogin: () => void; error: boolean; expired: boolean }) {
  return (
    <main id="main" class="landing">
      <div class="landing-card">
        <div class="landing-top">
          <h1><span class="logo" aria-hidden="true">✉</span> {t("appName")}</h1>
          <LanguagePicker />
        </div>
        <p>{t("loginIntro")}</p>
        {(error || expired) && <p class="error" role="alert">{t("error.UNAUTHORIZED")}</p>}
        {expired && hasDraft() && <p class="notice" role="status">{t("draftKept")}</p>}
        <button type="button" class="primary" onClick={onLogin}>{t("login")}</button>
      </div>
    </main>
  );
}
