import { getJson } from "../api";
import { ErrorNote, Loading, useLoad } from "../components";
import { formatDate, pick, t } from "../i18n";
import type { SentMessage } from "../model";
import { EvidenceTimeline } from "./EvidenceTimeline";
import { RecipientName, Status } from "./Sent";

/** What a clerk's organisation knows of one message it sent: to whom, when, what became of it (read,
 *  accepted or refused, its action), and the signed evidence of each step, verifiable in the browser. */
export function SentMessagePage({ id }: { id: string }) {
  const sent = useLoad(() => getJson<SentMessage>(`/messageRegistry/v3/sentMessages/${encodeURIComponent(id)}`), [id]);
  const data = sent.data;
  if (!data) {
    return (
      <article class="message">
        <p><a href="#/sent">← {t("backToSent")}</a></p>
        {sent.error ? <ErrorNote error={sent.error} /> : <Loading />}
      </article>
    );
  }
  const action = data.action;
  const level = data.registeredMailType === "qualified" ? t("qualified") : data.registeredMail ? t("registered") : t("level.simple");
  return (
    <article class="message sent-message">
      <p><a href="#/sent">← {t("backToSent")}</a></p>
      <header class="card">
        <h1>{pick(data.subject)}</h1>
        <dl class="facts">
          <div><dt>{t("sentRecipient")}</dt><dd><RecipientName ebox={data.eboxId} /></dd></div>
          <div><dt>{t("sentOn")}</dt><dd><time dateTime={data.receiptDate}>{formatDate(data.receiptDate, true)}</time></dd></div>
          <div><dt>{t("expires")}</dt><dd><time dateTime={data.expirationDate}>{formatDate(data.expirationDate)}</time></dd></div>
          <div><dt>{t("level")}</dt><dd>{level}</dd></div>
          <div><dt>{t("sentMessageId")}</dt><dd><code>{data.messageId}</code></dd></div>
          {action && (
            <div><dt>{t("action")}</dt><dd>
              {action.status === "DONE" ? t("actionDoneOn", { date: formatDate(action.doneAt) })
                : t("actionDue", { date: formatDate(action.dueDate) })}
            </dd></div>
          )}
        </dl>
        <h2 class="visually-hidden">{t("sentStatus")}</h2>
        <Status message={data} />
      </header>
      <EvidenceTimeline id={data.messageId} round={0} awaiting={false} />
    </article>
  );
}
