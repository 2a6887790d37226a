import { useEffect, useState } from "preact/hooks";
import { getJson, query } from "../api";
import { ErrorNote, Loading, useLoad } from "../components";
import { formatDate, pick, t } from "../i18n";
import type { SentMessage, SentPage } from "../model";
import { sentHref } from "../route";

const PAGE_SIZE = 20;
const SENT = "/messageRegistry/v3/sentMessages";

/** The day after `day` (YYYY-MM-DD): "sent until the 30th" includes the 30th. */
function dayAfter(day: string): string {
  const next = new Date(`${day}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}

/** The API's filters for what the page's address says (#/sent?read=false&delivery=refused&…). */
function apiQuery(q: URLSearchParams, before?: string): string {
  const to = q.get("to");
  return query({
    pageSize: PAGE_SIZE,
    before,
    readStatus: q.get("read"),
    deliveryState: q.get("delivery"),
    actionStatus: q.get("action"),
    receivedAfter: q.get("from"),
    receivedBefore: to ? dayAfter(to) : undefined,
  });
}
const names = new Map<string, Promise<string | null>>();

/** An enterprise's name from the register (the sender's look-up), asked once per number. */
function enterpriseName(number: string): Promise<string | null> {
  if (!names.has(number)) {
    names.set(number, getJson<{ name: string }>(`/messageRegistry/v3/recipients/${number}`).then((r) => r.name, () => null));
  }
  return names.get(number)!;
}

export function RecipientName({ ebox }: { ebox: SentMessage["eboxId"] }) {
  const [name, setName] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    if (ebox.eboxType === "enterprise") void enterpriseName(ebox.eboxIdValue).then((n) => live && setName(n));
    return () => {
      live = false;
    };
  }, [ebox.eboxIdValue]);
  const who = t(ebox.eboxType === "citizen" ? "toCitizen" : "toEnterprise", { id: ebox.eboxIdValue });
  return <>{name ? `${who} · ${name}` : who}</>;
}

/** What became of one published message: read, accepted or refused, its action. */
export function Status({ message }: { message: SentMessage }) {
  const action = message.action;
  return (
    <span class="row-flags">
      <span class={`badge ${message.readStatus ? "done" : "awaiting"}`}>{t(message.readStatus ? "status.read" : "status.unread")}</span>
      {message.registeredMailType === "qualified" ? <span class="badge qualified">{t("qualified")}</span>
        : message.registeredMail && <span class="badge registered">{t("registered")}</span>}
      {message.deliveryState && (
        <span class={`badge delivery ${message.deliveryState === "refused" || message.deliveryState === "expired" ? "overdue" : message.deliveryState === "accepted" ? "done" : "awaiting"}`}>
          {t(`delivery.${message.deliveryState}`)}
        </span>
      )}
      {action && (action.status === "DONE"
        ? <span class="badge done">{t("actionDoneOn", { date: formatDate(action.doneAt) })}</span>
        : (
          <span class={`badge action${action.overdue ? " overdue" : ""}`}>
            {action.overdue ? t("overdue") : t("forAction")}
            {action.dueDate ? ` · ${t("due", { date: formatDate(action.dueDate) })}` : ""}
          </span>
        ))}
    </span>
  );
}

function SentRow({ message }: { message: SentMessage }) {
  const recipient = message.eboxId;
  return (
    <li class="row sent-row">
      <span class="row-sender"><RecipientName ebox={recipient} /></span>
      <a class="row-subject" href={`#/sent/${encodeURIComponent(message.messageId)}`}>{pick(message.subject)}</a>
      <span class="row-date">
        <span class="visually-hidden">{t("sentOn")} </span>
        <time dateTime={message.receiptDate}>{formatDate(message.receiptDate, true)}</time>
      </span>
      <Status message={message} />
    </li>
  );
}

/** The page of older messages after `before` (the API's cursor), appended below the ones shown. */
function OlderPage({ q, before }: { q: URLSearchParams; before: string }) {
  const older = useLoad(() => getJson<SentPage>(SENT + apiQuery(q, before)), [before]);
  return <SentList q={q} page={older} />;
}

function SentList({ q, page }: { q: URLSearchParams; page: { data?: SentPage; error?: unknown } }) {
  const [more, setMore] = useState(false);
  if (page.error) return <li class="more"><ErrorNote error={page.error} /></li>;
  if (!page.data) return <li class="more"><Loading /></li>;
  const next = page.data.before;
  return (
    <>
      {page.data.items.map((m) => <SentRow key={m.messageId} message={m} />)}
      {next && (more ? <OlderPage q={q} before={next} />
        : <li class="more"><button type="button" onClick={() => setMore(true)}>{t("olderMessages")}</button></li>)}
    </>
  );
}

const CHOICES = [
  ["read", "sentFilter.read", [["false", "status.unread"], ["true", "status.read"]]],
  ["delivery", "sentFilter.delivery", [["pending", "delivery.pending"], ["accepted", "delivery.accepted"],
    ["refused", "delivery.refused"], ["expired", "delivery.expired"]]],
  ["action", "sentFilter.action", [["TODO", "sentFilter.actionOpen"], ["DONE", "sentFilter.actionDone"]]],
] as const;

/** Status and date filters, kept in the page's address (the back button and bookmarks keep them). */
function SentFilters({ q }: { q: URLSearchParams }) {
  const [draft, setDraft] = useState(() => new URLSearchParams(q));
  const set = (name: string, value: string) => {
    const next = new URLSearchParams(draft);
    if (value) next.set(name, value);
    else next.delete(name);
    setDraft(next);
  };
  return (
    <form class="toolbar sent-filters" role="search" aria-label={t("filters")}
      onSubmit={(e) => { e.preventDefault(); window.location.hash = sentHref(draft); }}>
      {CHOICES.map(([name, label, options]) => (
        <label key={name}>
          <span>{t(label)}</span>
          <select value={draft.get(name) ?? ""} onChange={(e) => set(name, (e.target as HTMLSelectElement).value)}>
            <option value="">{t("sentFilter.any")}</option>
            {options.map(([value, text]) => <option key={value} value={value}>{t(text)}</option>)}
          </select>
        </label>
      ))}
      <label>
        <span>{t("sentFilter.from")}</span>
        <input type="date" value={draft.get("from") ?? ""} onInput={(e) => set("from", (e.target as HTMLInputElement).value)} />
      </label>
      <label>
        <span>{t("sentFilter.to")}</span>
        <input type="date" value={draft.get("to") ?? ""} onInput={(e) => set("to", (e.target as HTMLInputElement).value)} />
      </label>
      <button type="submit" class="primary">{t("sentFilter.apply")}</button>
      {q.toString() && <a href="#/sent">{t("sentFilter.clear")}</a>}
    </form>
  );
}

export function Sent({ query: q }: { query: URLSearchParams }) {
  const first = useLoad(() => getJson<SentPage>(SENT + apiQuery(q)), []);
  const filtered = q.toString() !== "";
  return (
    <div class="inbox sent">
      <div class="inbox-head">
        <h1>{t("sentTitle")}</h1>
        <button type="button" onClick={first.reload}>{t("refresh")}</button>
      </div>
      <p class="muted">{t("sentIntro")}</p>
      <SentFilters q={q} />
      {first.data && first.data.items.length === 0 && !first.data.before
        ? <p class="empty">{t(filtered ? "sentNoMatch" : "noSent")}</p>
        : (
          <>
            {first.data && first.data.items.length === 0 && <p class="empty">{t("sentNoMatchYet")}</p>}
            <ul class="messages" aria-label={t("sentTitle")}><SentList q={q} page={first} /></ul>
          </>
        )}
    </div>
  );
}
