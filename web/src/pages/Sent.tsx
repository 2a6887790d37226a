import { useEffect, useState } from "preact/hooks";
import { getJson, query } from "../api";
import { ErrorNote, Loading, useLoad } from "../components";
import { formatDate, pick, t } from "../i18n";
import type { SentMessage, SentPage } from "../model";

const PAGE_SIZE = 20;
const names = new Map<string, Promise<string | null>>();

/** An enterprise's name from the register (the sender's look-up), asked once per number. */
function enterpriseName(number: string): Promise<string | null> {
  if (!names.has(number)) {
    names.set(number, getJson<{ name: string }>(`/messageRegistry/v3/recipients/${number}`).then((r) => r.name, () => null));
  }
  return names.get(number)!;
}

function RecipientName({ ebox }: { ebox: SentMessage["eboxId"] }) {
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
function Status({ message }: { message: SentMessage }) {
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
      <span class="row-subject">{pick(message.subject)}</span>
      <span class="row-date">
        <span class="visually-hidden">{t("sentOn")} </span>
        <time dateTime={message.receiptDate}>{formatDate(message.receiptDate, true)}</time>
      </span>
      <Status message={message} />
    </li>
  );
}

/** The page of older messages after `before` (the API's cursor), appended below the ones shown. */
function OlderPage({ before }: { before: string }) {
  const older = useLoad(() => getJson<SentPage>(`/messageRegistry/v3/sentMessages${query({ pageSize: PAGE_SIZE, before })}`), [before]);
  return <SentList page={older} />;
}

function SentList({ page }: { page: { data?: SentPage; error?: unknown } }) {
  const [more, setMore] = useState(false);
  if (page.error) return <li class="more"><ErrorNote error={page.error} /></li>;
  if (!page.data) return <li class="more"><Loading /></li>;
  const next = page.data.before;
  return (
    <>
      {page.data.items.map((m) => <SentRow key={m.messageId} message={m} />)}
      {next && (more ? <OlderPage before={next} />
        : <li class="more"><button type="button" onClick={() => setMore(true)}>{t("olderMessages")}</button></li>)}
    </>
  );
}

export function Sent() {
  const first = useLoad(() => getJson<SentPage>(`/messageRegistry/v3/sentMessages${query({ pageSize: PAGE_SIZE })}`), []);
  return (
    <div class="inbox sent">
      <div class="inbox-head">
        <h1>{t("sentTitle")}</h1>
        <button type="button" onClick={first.reload}>{t("refresh")}</button>
      </div>
      <p class="muted">{t("sentIntro")}</p>
      {first.data && first.data.items.length === 0
        ? <p class="empty">{t("noSent")}</p>
        : <ul class="messages" aria-label={t("sentTitle")}><SentList page={first} /></ul>}
    </div>
  );
}
