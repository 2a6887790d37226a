import { useEffect, useState } from "preact/hooks";
import { getJson, query } from "../api";
import { ErrorNote, Loading, senderName, useLoad, useSenders } from "../components";
import { formatDate, pick, t } from "../i18n";
import type { EboxSummary, Message, Page, Partition } from "../model";
import { inboxHref } from "../route";
import { DownloadSelection } from "./DownloadSelection";

const PAGE_SIZE = 20;
const FILTERS = [
  ["unread", "unreadOnly"],
  ["forAction", "forAction"],
  ["overdue", "overdue"],
  ["registered", "registeredOnly"],
  ["hidden", "showHidden"],
] as const;

/** The API's v2.1 filters for what the inbox's address says. */
function apiQuery(q: URLSearchParams, page: number): string {
  return query({
    page,
    pageSize: PAGE_SIZE,
    partition: q.get("partition"),
    q: q.get("q"),
    readStatus: q.get("unread") ? "false" : undefined,
    forAction: q.get("forAction") ? "true" : undefined,
    overdue: q.get("overdue") ? "true" : undefined,
    registeredMail: q.get("registered") ? "true" : undefined,
    // No visibility filter by default: the API's unfiltered page is the fast one (a filtered page reads its
    // whole key range for an exact total), so hidden messages are listed too, marked "hidden".
    visible: q.get("hidden") ? "false" : undefined,
  });
}

function Counts() {
  const [summary, setSummary] = useState<EboxSummary>();
  useEffect(() => {
    let live = true;
    const load = () => getJson<EboxSummary>("/messageRegistry/v2/ebox").then((s) => live && setSummary(s), () => {});
    load();
    const timer = window.setInterval(load, 30_000);
    window.addEventListener("focus", load);
    return () => {
      live = false;
      window.clearInterval(timer);
      window.removeEventListener("focus", load);
    };
  }, []);
  if (!summary) return null;
  return (
    <p class="counts" aria-live="polite">
      <span>{t("messagesCount", { n: summary.numberOfMessages })}</span>
      <span class="unread-count">{t("unreadCount", { n: summary.numberOfUnreadMessages })}</span>
    </p>
  );
}

function Row({ message, sender, selected, onSelect }: {
  message: Message; sender: string; selected: boolean; onSelect: (on: boolean) => void;
}) {
  const action = message.action;
  const awaiting = message.deliveryState === "awaiting_acceptance";
  return (
    <li class={`row${message.readStatus ? "" : " unread"}`}>
      <input type="checkbox" class="row-select" checked={selected} onChange={(e) => onSelect((e.target as HTMLInputElement).checked)}
        aria-label={`${t("selectMessage")}: ${pick(message.subject)}`} />
      <a href={`#/messages/${encodeURIComponent(message.messageId)}`} class="row-link">
        <span class="row-sender">{sender}</span>
        <span class="row-subject">
          {!message.readStatus && <span class="visually-hidden">{t("unread")}: </span>}
          {pick(message.subject)}
        </span>
        <span class="row-date"><time dateTime={message.receiptDate}>{formatDate(message.receiptDate)}</time></span>
        <span class="row-flags">
          {message.registeredMailType === "qualified" ? <span class="badge qualified">{t("qualified")}</span>
            : message.registeredMail && <span class="badge registered">{t("registered")}</span>}
          {awaiting && <span class="badge awaiting">{t("awaitingAcceptance")}</span>}
          {action && action.status !== "DONE" && (
            <span class={`badge action${action.overdue ? " overdue" : ""}`}>
              {action.overdue ? t("overdue") : t("forAction")}
              {action.dueDate ? ` · ${t("due", { date: formatDate(action.dueDate) })}` : ""}
            </span>
          )}
          {action && action.status === "DONE" && <span class="badge done">{t("actionDone")}</span>}
          {!message.visible && <span class="badge">{t("hidden")}</span>}
        </span>
      </a>
    </li>
  );
}

export function Inbox({ query: q }: { query: URLSearchParams }) {
  const page = Math.max(1, Number(q.get("page") ?? 1) || 1);
  const senders = useSenders();
  const partitions = useLoad(() => getJson<Page<Partition>>("/messageRegistry/v3/ebox/partitions"), []);
  const messages = useLoad(() => getJson<Page<Message>>(`/messageRegistry/v2/ebox/messages${apiQuery(q, page)}`), [q.toString()]);
  const [search, setSearch] = useState(q.get("q") ?? "");
  const [selected, setSelected] = useState<string[]>([]);
  const select = (id: string, on: boolean) => setSelected((now) => (on ? [...now, id] : now.filter((x) => x !== id)));

  const go = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(q);
    for (const [name, value] of Object.entries(changes)) {
      if (value) next.set(name, value);
      else next.delete(name);
    }
    if (!("page" in changes)) next.delete("page");
    window.location.hash = inboxHref(next);
  };
  const pages = messages.data ? Math.max(1, Math.ceil(messages.data.totalItems / PAGE_SIZE)) : 1;

  return (
    <div class="inbox">
      <div class="inbox-head">
        <h1>{t("inbox")}</h1>
        <Counts />
      </div>
      <form class="toolbar" role="search" onSubmit={(e) => { e.preventDefault(); go({ q: search.trim() || null }); }}>
        {partitions.data && partitions.data.items.length > 1 && (
          <label>
            <span>{t("partition")}</span>
            <select value={q.get("partition") ?? ""} onChange={(e) => go({ partition: (e.target as HTMLSelectElement).value || null })}>
              <option value="">{t("allPartitions")}</option>
              {partitions.data.items.map((p) => <option key={p.partitionId} value={p.partitionId}>{p.name}</option>)}
            </select>
          </label>
        )}
        <label class="search">
          <span>{t("search")}</span>
          <input type="search" value={search} placeholder={t("searchPlaceholder")} onInput={(e) => setSearch((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit" class="primary">{t("apply")}</button>
        <fieldset class="filters">
          <legend>{t("filters")}</legend>
          {FILTERS.map(([name, label]) => (
            <label key={name} class="check">
              <input type="checkbox" checked={!!q.get(name)} onChange={(e) => go({ [name]: (e.target as HTMLInputElement).checked ? "1" : null })} />
              <span>{t(label)}</span>
            </label>
          ))}
        </fieldset>
      </form>
      <ErrorNote error={messages.error} />
      {!messages.data && !messages.error && <Loading />}
      {messages.data && (messages.data.items.length === 0
        ? <p class="empty">{t("noMessages")}</p>
        : (
          <ul class="messages" aria-label={t("inbox")}>
            {messages.data.items.map((m) => <Row key={m.messageId} message={m} sender={senderName(senders, m.senderOrganizationId)}
              selected={selected.includes(m.messageId)} onSelect={(on) => select(m.messageId, on)} />)}
          </ul>
        ))}
      {selected.length > 0 && <DownloadSelection key={selected.join()} selected={selected} onDone={() => {}} />}
      {messages.data && pages > 1 && (
        <nav class="pager" aria-label={t("page", { page, pages })}>
          <button type="button" disabled={page <= 1} onClick={() => go({ page: String(page - 1) })}>{t("previous")}</button>
          <span>{t("page", { page, pages })}</span>
          <button type="button" disabled={page >= pages} onClick={() => go({ page: String(page + 1) })}>{t("next")}</button>
        </nav>
      )}
    </div>
  );
}
