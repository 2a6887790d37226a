// OpenID Connect, authorization code flow with PKCE (S256), as a public client. The tokens live in this
// module's memory only: never in localStorage, sessionStorage or a cookie. Only the one-time PKCE verifier,
// state and nonce wait in sessionStorage across the redirect to the identity provider.
import { language } from "./i18n";

export interface WebConfig {
  issuer: string;
  clientId: string;
  api: string;
}

export interface Session {
  accessToken: string;
  expiresAt: number;
  name: string;
  enterpriseNumber: string;
  scopes: string[];
}

interface Discovery {
  authorization_endpoint: string;
  token_endpoint: string;
  end_session_endpoint?: string;
}

const PENDING = "ebox.oidc.pending";
let session: Session | null = null;
let discovery: Discovery | null = null;

export function currentSession(): Session | null {
  return session && session.expiresAt > Date.now() ? session : null;
}

export function accessToken(): string | null {
  return currentSession()?.accessToken ?? null;
}

export function hasScope(suffix: string): boolean {
  return (session?.scopes ?? []).some((scope) => scope.endsWith(":" + suffix));
}

async function discover(config: WebConfig): Promise<Discovery> {
  if (!discovery) {
    const answer = await fetch(config.issuer.replace(/\/$/, "") + "/.well-known/openid-configuration");
    if (!answer.ok) throw new Error("identity provider unreachable");
    discovery = (await answer.json()) as Discovery;
  }
  return discovery;
}

function base64url(bytes: Uint8Array): string {
  let text = "";
  bytes.forEach((b) => (text += String.fromCharCode(b)));
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomText(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

function redirectUri(): string {
  return window.location.origin + "/";
}

export async function login(config: WebConfig, returnTo: string): Promise<void> {
  const endpoints = await discover(config);
  const verifier = randomText();
  const state = randomText();
  const nonce = randomText();
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, nonce, returnTo }));
  const query = new URLSearchParams({
    response_type: "code",
    client_id: config.clientId,
    redirect_uri: redirectUri(),
    scope: "openid profile",
    state,
    nonce,
    code_challenge: challenge,
    code_challenge_method: "S256",
    ui_locales: language.value,
  });
  window.location.assign(`${endpoints.authorization_endpoint}?${query}`);
}

function claims(jwt: string): Record<string, unknown> {
  const payload = jwt.split(".")[1] ?? "";
  const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
  return JSON.parse(decodeURIComponent(escape(json))) as Record<string, unknown>;
}

/** Back from the identity provider with ?code=…&state=…: the tokens, and where the person was going. */
export async function completeLogin(config: WebConfig): Promise<string | null> {
  const params = new URLSearchParams(window.location.search);
  const code = params.get("code");
  const pendingText = sessionStorage.getItem(PENDING);
  if (!code && !params.get("error")) return null;
  sessionStorage.removeItem(PENDING);
  window.history.replaceState(null, "", window.location.pathname + window.location.hash);
  if (!code || !pendingText) throw new Error("login interrupted");
  const pending = JSON.parse(pendingText) as { verifier: string; state: string; nonce: string; returnTo: string };
  if (params.get("state") !== pending.state) throw new Error("login state mismatch");
  const endpoints = await discover(config);
  const answer = await fetch(endpoints.token_endpoint, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: redirectUri(),
      client_id: config.clientId,
      code_verifier: pending.verifier,
    }),
  });
  if (!answer.ok) throw new Error("token request refused");
  const tokens = (await answer.json()) as { access_token: string; id_token?: string; expires_in: number; scope?: string };
  const identity = tokens.id_token ? claims(tokens.id_token) : {};
  if (tokens.id_token && (identity.nonce !== pending.nonce || identity.aud !== config.clientId)) {
    throw new Error("identity token not meant for this login");
  }
  const access = claims(tokens.access_token);
  session = {
    accessToken: tokens.access_token,
    expiresAt: Date.now() + tokens.expires_in * 1000,
    name: String(identity.name ?? access.sub ?? ""),
    enterpriseNumber: String(access.enterpriseNumber ?? identity.enterpriseNumber ?? ""),
    scopes: String(tokens.scope ?? access.scope ?? "").split(" ").filter(Boolean),
  };
  return pending.returnTo || "#/inbox";
}

export async function logout(config: WebConfig): Promise<void> {
  session = null;
  const endpoints = await discover(config).catch(() => null);
  if (endpoints?.end_session_endpoint) {
    const query = new URLSearchParams({ post_logout_redirect_uri: redirectUri(), client_id: config.clientId });
    window.location.assign(`${endpoints.end_session_endpoint}?${query}`);
  } else {
    window.location.assign("/");
  }
}

/** The session ended (the API answered 401): forget the token. */
export function expire(): void {
  session = null;
}
