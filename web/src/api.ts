// The e-Box public API, as any client calls it: bearer token, JSON, StatusMessage errors.
import { accessToken, expire } from "./auth";

export class ApiError extends Error {
  constructor(public code: string, message: string, public status: number) {
    super(message);
  }
}

let base = "";
let onExpired: () => void = () => {};

export function configureApi(apiBase: string, expired: () => void): void {
  base = apiBase.replace(/\/$/, "");
  onExpired = expired;
}

async function send(method: string, path: string, body?: BodyInit | null, headers: Record<string, string> = {}): Promise<Response> {
  const token = accessToken();
  if (!token) {
    expire();
    onExpired();
    throw new ApiError("UNAUTHORIZED", "no session", 401);
  }
  let answer: Response;
  try {
    answer = await fetch(base + path, { method, body, headers: { Authorization: `Bearer ${token}`, ...headers } });
  } catch {
    throw new ApiError("NETWORK", "network", 0);
  }
  if (answer.ok) return answer;
  let code = "ERROR";
  let message = answer.statusText;
  try {
    const status = (await answer.json()) as { code?: string; message?: string; error?: string };
    code = status.code ?? status.error ?? code;
    message = status.message ?? message;
  } catch {
    /* not a StatusMessage */
  }
  if (answer.status === 401) {
    expire();
    onExpired();
    code = "UNAUTHORIZED";
  }
  throw new ApiError(code, message, answer.status);
}

export async function getJson<T>(path: string): Promise<T> {
  return (await (await send("GET", path)).json()) as T;
}

export async function sendJson<T>(method: string, path: string, body: unknown): Promise<T> {
  const answer = await send(method, path, JSON.stringify(body), { "Content-Type": "application/json" });
  const text = await answer.text();
  return (text ? JSON.parse(text) : {}) as T;
}

export async function postForm<T>(path: string, form: FormData, headers: Record<string, string> = {}): Promise<T> {
  return (await (await send("POST", path, form, headers)).json()) as T;
}

export async function getBytes(path: string): Promise<{ bytes: ArrayBuffer; type: string }> {
  const answer = await send("GET", path, null, { Accept: "*/*" });
  return { bytes: await answer.arrayBuffer(), type: answer.headers.get("Content-Type") ?? "application/octet-stream" };
}

export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "" && value !== false) search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}
