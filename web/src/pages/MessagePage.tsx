import { useEffect, useState } from "preact/hooks";
import { ApiError, getBytes, getJson, sendJson } from "../api";
import { ErrorNote, Loading, senderName, useLoad, useSenders } from "../components";
import { formatDate, formatSize, pick, t } from "../i18n";
import { base64urlToHex as hex, sha256Base64url } from "../digest";
import type { Attachment, Message, Texts } from "../model";
import { EvidenceTimeline } from "./EvidenceTimeline";
import { ReplyForm } from "./ReplyForm";

const BASE = "/messageRegistry/v2/ebox/messages";
const V3 = "/messageRegistry/v3/ebox/messages";


/** The document's bytes, checked against the SHA-256 the API announced, as a blob URL. */
async function fetchDocument(attachment: Attachment): Promise<string> {
  const { bytes } = await getBytes(attachment.contentHref);
  if ((await sha256Base64url(bytes)) !== attachment.digest.digestValue) throw new Error("error.DIGEST");
  return URL.createObjectURL(new Blob([bytes], { type: attachment.mediaType }));
}

function DocumentRow({ attachment, onRead }: { attachment: Attachment; onRead: () => void }) {
  const [error, setError] = useState<unknown>();
  const [checked, setChecked] = useState(false);
  const use = async (open: boolean) => {
    setError(undefined);
    try {
      const url = await fetchDocument(attachment);
      setChecked(true);
      onRead();
      if (open) {
        window.open(url, "_blank", "noopener");
      } else {
        const link = document.createElement("a");
        link.href = url;
        link.download = attachment.fileName;
        document.body.appendChild(link);
        link.click();
        link.remove();
      }
      window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (e) {
      setError(e);
    }
  };
  const title = pick(attachment.attachmentTitle) || attachment.fileName;
  return (
    <li class="document">
      <div class="document-name">
        <span>{title}</span>
        {title !== attachment.fileName && <span class="muted"> ({attachment.fileName})</span>}
      </div>
      <dl class="document-facts">
        <div><dt>{t("type")}</dt><dd>{attachment.mediaType}</dd></div>
        <div><dt>{t("size")}</dt><dd>{formatSize(attachment.size)}</dd></div>
        <div class="digest"><dt>{t("sha256")}</dt><dd><code>{hex(attachment.digest.digestValue)}</code></dd></div>
      </dl>
      <div class="document-actions">
        <button type="button" onClick={() => void use(true)} aria-label={`${t("open")}: ${attachment.fileName}`}>{t("open")}</button>
        <button type="button" class="primary" onClick={() => void use(false)} aria-label={`${t("download")}: ${attachment.fileName}`}>{t("download")}</button>
        {checked && <span class="ok" role="status">✓ {t("verified")}</span>}
      </div>
      <ErrorNote error={error} />
    </li>
  );
}

function QualifiedGate({ message, sender, onAnswered }: { message: Message; sender: string; onAnswered: () => void }) {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const answer = async (accept: boolean) => {
    if (!accept && !window.confirm(t("confirmRefuse"))) return;
    setBusy(true);
    setError(undefined);
    try {
      await sendJson(`POST`, `${V3}/${encodeURIComponent(message.messageId)}/acceptance`, { accept });
      onAnswered();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <section class="card qualified-gate" aria-labelledby="gate-title">
      <p class="badge qualified">{t("qualified")}</p>
      <h1 id="gate-title">{pick(message.subject)}</h1>
      <p><strong>{t("from")}:</strong> {sender}</p>
      <p class="notice">{t("legalNotice")}</p>
      <div class="gate-actions">
        <button type="button" class="primary" disabled={busy} onClick={() => void answer(true)}>{t("accept")}</button>
        <button type="button" class="danger" disabled={busy} onClick={() => void answer(false)}>{t("refuse")}</button>
      </div>
      <ErrorNote error={error} />
    </section>
  );
}

/** Mark the action done; hide the message from the inbox or show it again. */
function MessageActions({ message, onChanged }: { message: Message; onChanged: () => void }) {
  const [error, setError] = useState<unknown>();
  const run = async (call: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await call();
      onChanged();
    } catch (e) {
      setError(e);
    }
  };
  const id = encodeURIComponent(message.messageId);
  return (
    <div class="message-actions">
      {message.action && message.action.status !== "DONE" && (
        <button type="button" class="primary" onClick={() => void run(() => sendJson("PUT", `${V3}/${id}/action`, { status: "DONE" }))}>
          {t("markDone")}
        </button>
      )}
      <button type="button" onClick={() => void run(() => sendJson("PATCH", BASE, { items: [{ messageId: message.messageId, visible: !message.visible }] }))}>
        {message.visible ? t("hide") : t("unhide")}
      </button>
      <ErrorNote error={error} />
    </div>
  );
}

export function MessagePage({ id }: { id: string }) {
  const [round, setRound] = useState(0);
  const senders = useSenders();
  const message = useLoad(() => getJson<Message>(`${BASE}/${encodeURIComponent(id)}`), [id, round]);
  const [body, setBody] = useState<Texts | null>(null);
  const data = message.data;
  // qualified mail: awaiting the answer, or answered and the delivery workflow not yet done with it
  const awaiting = data?.deliveryState === "awaiting_acceptance" || data?.deliveryState === "answered";

  useEffect(() => {
    if (!data || awaiting) return;
    getJson<Texts>(`${BASE}/${encodeURIComponent(id)}/body`).then(setBody, (e: unknown) => {
      if (!(e instanceof ApiError && e.status === 404)) setBody(null);
    });
  }, [data?.messageId, awaiting]);

  // After an answer the delivery workflow moves on asynchronously: ask again until it has.
  const [waiting, setWaiting] = useState(false);
  useEffect(() => {
    if (!waiting) return;
    if (data && !awaiting) {
      setWaiting(false);
      return;
    }
    const timer = window.setTimeout(() => setRound((n) => n + 1), 500);
    return () => window.clearTimeout(timer);
  }, [waiting, data, round]);

  if (message.error) {
    return (<><p><a href="#/inbox">← {t("back")}</a></p><ErrorNote error={message.error} /></>);
  }
  if (!data) return <Loading />;
  const sender = senderName(senders, data.senderOrganizationId);
  if (awaiting) {
    return (
      <div class="message">
        <p><a href="#/inbox">← {t("back")}</a></p>
        <QualifiedGate message={data} sender={sender} onAnswered={() => setWaiting(true)} />
        <EvidenceTimeline id={id} round={round} awaiting />
      </div>
    );
  }
  const action = data.action;
  return (
    <article class="message">
      <p><a href="#/inbox">← {t("back")}</a></p>
      <header class="card">
        <div class="row-flags">
          {data.registeredMailType === "qualified" ? <span class="badge qualified">{t("qualified")}</span>
            : data.registeredMail && <span class="badge registered">{t("registered")}</span>}
          {data.deliveryState === "accepted" && <span class="badge done">{t("accepted")}</span>}
          {data.deliveryState === "refused" && <span class="badge overdue">{t("refused")}</span>}
        </div>
        <h1>{pick(data.subject)}</h1>
        <dl class="facts">
          <div><dt>{t("from")}</dt><dd>{sender}</dd></div>
          <div><dt>{t("received")}</dt><dd><time dateTime={data.receiptDate}>{formatDate(data.receiptDate, true)}</time></dd></div>
          <div><dt>{t("expires")}</dt><dd><time dateTime={data.expirationDate}>{formatDate(data.expirationDate)}</time></dd></div>
          {data.partition && <div><dt>{t("partition")}</dt><dd>{data.partition}</dd></div>}
          {action && (
            <div><dt>{t("action")}</dt><dd>
              {action.status === "DONE" ? t("actionDone") : t("actionDue", { date: formatDate(action.dueDate) })}
              {action.overdue && action.status !== "DONE" && <span class="badge overdue">{t("overdue")}</span>}
            </dd></div>
          )}
        </dl>
      </header>
      {data.deliveryState !== "refused" && body && pick(body) && (
        <section class="card" aria-labelledby="body-title">
          <h2 id="body-title">{t("body")}</h2>
          <div class="body-text">{pick(body)}</div>
        </section>
      )}
      {data.attachments.items.length > 0 && (
        <section class="card" aria-labelledby="docs-title">
          <h2 id="docs-title">{t("documents")}</h2>
          <ul class="documents">
            {data.attachments.items.map((a) => <DocumentRow key={a.attachmentId} attachment={a} onRead={() => {}} />)}
          </ul>
        </section>
      )}
      <MessageActions message={data} onChanged={() => setRound((n) => n + 1)} />
      {data.replyAuthorized && data.deliveryState !== "refused" && (
        <section class="card" aria-labelledby="reply-title">
          <h2 id="reply-title">{t("reply")}</h2>
          <ReplyForm messageId={data.messageId} subject={pick(data.subject)} onSent={() => setRound((n) => n + 1)} />
        </section>
      )}
      <EvidenceTimeline id={id} round={round} awaiting={false} />
    </article>
  );
}
