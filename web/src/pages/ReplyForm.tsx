import { useEffect, useState } from "preact/hooks";
import { ApiError, postForm } from "../api";
import { ErrorNote } from "../components";
import { language, t } from "../i18n";
import { sha256Base64url } from "../digest";

const DRAFTS = "ebox.draft.";

interface Draft {
  subject: string;
  text: string;
}

/** A reply (text and documents) to a message whose sender allows it. What is typed is kept as a draft in
 * this tab's sessionStorage, so that a session that ends while writing loses nothing: logged in again,
 * the person finds the text where they left it (documents must be chosen again). */
export function ReplyForm({ messageId, subject, onSent }: { messageId: string; subject: string; onSent: () => void }) {
  const key = DRAFTS + messageId;
  const [draft, setDraft] = useState<Draft>(() => {
    const saved = sessionStorage.getItem(key);
    return saved ? (JSON.parse(saved) as Draft) : { subject: `Re: ${subject}`, text: "" };
  });
  const [files, setFiles] = useState<File[]>([]);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState(false);
  useEffect(() => sessionStorage.setItem(key, JSON.stringify(draft)), [draft]);

  const send = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const form = new FormData();
      const lang = language.value === "en" ? "fr" : language.value;
      const attachments = await Promise.all(files.map(async (file, i) => ({
        httpPartName: `upfile${i + 1}`,
        isMainContent: !draft.text.trim() && i === 0,
        digest: { digestMethod: "sha_256", digestValue: await sha256Base64url(await file.arrayBuffer()) },
      })));
      const message: Record<string, unknown> = { subject: { [lang]: draft.subject.trim() }, attachments };
      if (draft.text.trim()) {
        message.bodyContent = { [lang]: draft.text };
        message.isBodyMainContent = true;
      }
      form.append("messageToPublish", new Blob([JSON.stringify(message)], { type: "application/json" }));
      files.forEach((file, i) => form.append(`upfile${i + 1}`, file, file.name));
      await postForm(`/messageRegistry/v3/ebox/messages/${encodeURIComponent(messageId)}/replies`, form);
      sessionStorage.removeItem(key);
      setSent(true);
      onSent();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  if (sent) return <p class="ok" role="status">{t("replySent")}</p>;
  const expired = error instanceof ApiError && error.code === "UNAUTHORIZED";
  return (
    <form class="reply" onSubmit={send}>
      <label>
        <span>{t("replySubject")}</span>
        <input type="text" required maxLength={200} value={draft.subject}
          onInput={(e) => setDraft({ ...draft, subject: (e.target as HTMLInputElement).value })} />
      </label>
      <label>
        <span>{t("replyText")}</span>
        <textarea rows={6} value={draft.text}
          onInput={(e) => setDraft({ ...draft, text: (e.target as HTMLTextAreaElement).value })} />
      </label>
      <label>
        <span>{t("attachFiles")}</span>
        <input type="file" multiple onChange={(e) => setFiles(Array.from((e.target as HTMLInputElement).files ?? []))} />
      </label>
      {expired ? <p class="error" role="alert">{t("draftKept")}</p> : <ErrorNote error={error} />}
      <button type="submit" class="primary" disabled={busy || (!draft.text.trim() && files.length === 0)}>{t("send")}</button>
    </form>
  );
}
