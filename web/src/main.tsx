import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { configureApi } from "./api";
import { completeLogin, currentSession, hasScope, login, type WebConfig } from "./auth";
import { onLanguage, t } from "./i18n";
import { BulkImport } from "./pages/BulkImport";
import { Inbox } from "./pages/Inbox";
import { Landing } from "./pages/Landing";
import { MessagePage } from "./pages/MessagePage";
import { Publish } from "./pages/Publish";
import { Sent } from "./pages/Sent";
import { SentMessagePage } from "./pages/SentMessage";
import { Settings } from "./pages/Settings";
import { StatisticsPage } from "./pages/Statistics";
import { Shell } from "./Shell";
import { parseRoute, type Route } from "./route";
import "./styles.css";

function useRoute(): Route {
  const [route, setRoute] = useState(parseRoute(window.location.hash));
  useEffect(() => {
    const changed = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener("hashchange", changed);
    return () => window.removeEventListener("hashchange", changed);
  }, []);
  return route;
}

function App({ config, loginError }: { config: WebConfig; loginError: boolean }) {
  const route = useRoute();
  const [, setLang] = useState(0);
  const [expired, setExpired] = useState(false);
  useEffect(() => onLanguage(() => setLang((n) => n + 1)), []);
  useEffect(() => configureApi(config.api, () => setExpired(true)), [config]);
  useEffect(() => {
    document.title = `${t("appName")} – ${t(route.name === "message" ? "body" : route.name === "landing" ? "login" : route.name)}`;
  });
  // A new page: focus its main region, so that a screen reader starts there and Tab goes on from it.
  useEffect(() => document.getElementById("main")?.focus({ preventScroll: true }), [route]);
  const session = currentSession();
  if (!session || route.name === "landing") {
    return <Landing onLogin={() => login(config, route.name === "landing" ? "#/inbox" : window.location.hash)} error={loginError} expired={expired} />;
  }
  return (
    <Shell config={config} session={session} route={route}>
      {route.name === "message" ? <MessagePage key={route.id} id={route.id} />
        : route.name === "settings" && hasScope("messagesfull") && session.enterpriseNumber ? <Settings />
        : route.name === "sent" && hasScope("publicationsender") ? <Sent key={route.query.toString()} query={route.query} />
        : route.name === "sentMessage" && hasScope("publicationsender") ? <SentMessagePage key={route.id} id={route.id} />
        : route.name === "bulk" && hasScope("publicationsender") ? <BulkImport />
        : route.name === "statistics" && (hasScope("operator") || hasScope("publicationsender")) ? <StatisticsPage />
        : hasScope("operator") && !hasScope("messagesfull") && !hasScope("publicationsender") ? <StatisticsPage />
        : route.name === "publish" || !hasScope("messagesfull") ? <Publish />
          : route.name === "inbox" ? <Inbox key={route.query.toString()} query={route.query} />
            : <Inbox query={new URLSearchParams()} />}
    </Shell>
  );
}

async function start(): Promise<void> {
  const root = document.getElementById("app")!;
  const config = (await (await fetch("/config.json")).json()) as WebConfig;
  let loginError = false;
  try {
    const returnTo = await completeLogin(config);
    if (returnTo) window.location.hash = returnTo;
  } catch {
    loginError = true;
  }
  render(<App config={config} loginError={loginError} />, root);
}

void start();
