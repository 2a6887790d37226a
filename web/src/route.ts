// Hash routes (#/inbox?…, #/messages/ID): the web bucket serves one index.html, no server routing.
export type Route =
  | { name: "landing" }
  | { name: "inbox"; query: URLSearchParams }
  | { name: "message"; id: string }
  | { name: "publish" }
  | { name: "sent"; query: URLSearchParams }
  | { name: "sentMessage"; id: string }
  | { name: "bulk" }
  | { name: "settings" }
  | { name: "statistics" };

export function parseRoute(hash: string): Route {
  const [path = "", search = ""] = hash.replace(/^#/, "").split("?");
  const parts = path.split("/").filter(Boolean);
  if (parts[0] === "messages" && parts[1]) return { name: "message", id: decodeURIComponent(parts[1]) };
  if (parts[0] === "publish") return { name: "publish" };
  if (parts[0] === "sent" && parts[1]) return { name: "sentMessage", id: decodeURIComponent(parts[1]) };
  if (parts[0] === "sent") return { name: "sent", query: new URLSearchParams(search) };
  if (parts[0] === "bulk") return { name: "bulk" };
  if (parts[0] === "settings") return { name: "settings" };
  if (parts[0] === "statistics") return { name: "statistics" };
  if (parts[0] === "inbox") return { name: "inbox", query: new URLSearchParams(search) };
  if (parts.length === 0) return { name: "inbox", query: new URLSearchParams() };
  return { name: "landing" };
}

export function inboxHref(query: URLSearchParams): string {
  const text = query.toString();
  return `#/inbox${text ? "?" + text : ""}`;
}

export function sentHref(query: URLSearchParams): string {
  const text = query.toString();
  return `#/sent${text ? "?" + text : ""}`;
}
