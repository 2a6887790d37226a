import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, getJson, postForm } from "../api";
import { currentSession } from "../auth";
import { ErrorNote, useLoad } from "../components";
import { base64urlToHex, sha256Base64url } from "../digest";
import { formatDate, formatSize, LANGUAGE_NAMES, language, pick, t, type Lang } from "../i18n";
import type { EvidencePage, Page, Texts } from "../model";
import { ChainCheck } from "./EvidenceTimeline";

/** Belgian enterprise number: 10 digits, first 0 or 1, the last two 97 - (the first eight mod 97). */
export function checkEnterpriseNumber(raw: string): { number?: string; problem?: "format" | "check" } {
  let digits = raw.replace(/[\s./-]/g, "");
  if (/^\d{9}$/.test(digits)) digits = "0" + digits;
  if (!/^[01]\d{9}$/.test(digits)) return { problem: "format" };
  return 97 - (Number(digits.slice(0, 8)) % 97) === Number(digits.slice(8)) ? { number: digits } : { problem: "check" };
}

interface Recipient {
  enterpriseNumber: string;
  name: string;
  eboxActivated: boolean;
}

interface SenderApplication {
  applicationId: string;
  applicationName?: Texts;
  senderOrganizationIds?: string[];
  messageTypeIds?: string[];
}

interface MessageType {
  messageTypeId: string;
  messageTypeName?: Texts;
}

interface ChosenDocument {
  file: File;
  digest: string; // base64url SHA-256, computed here
}

type Level = "simple" | "registered" | "qualified";
const ACTIONS = ["PAYMENT", "SIGNATURE", "RESPONSE", "DOCUMENT", "OTHER"];

function RecipientField({ value, onChange, recipient }: {
  value: string; onChange: (v: string) => void; recipient: { data?: Recipient; error?: unknown; problem?: string };
}) {
  return (
    <div class="field">
      <label for="recipient">{t("recipient")}</label>
      <input id="recipient" type="text" inputMode="numeric" autoComplete="off" value={value} aria-describedby="recipient-check"
        aria-invalid={recipient.problem || recipient.error ? "true" : undefined}
        onInput={(e) => onChange((e.target as HTMLInputElement).value)} placeholder="0123.456.749" />
      <p id="recipient-check" class="hint" aria-live="polite">
        {recipient.problem === "format" && value.trim() && <span class="bad">{t("numberFormat")}</span>}
        {recipient.problem === "check" && <span class="bad">{t("numberCheck")}</span>}
        {recipient.error instanceof ApiError && recipient.error.status === 404 && <span class="bad">{t("numberUnknown")}</span>}
        {recipient.data && (
          <span class={recipient.data.eboxActivated ? "good" : "bad"}>
            {recipient.data.eboxActivated ? "✓ " : ""}{recipient.data.name}
            {!recipient.data.eboxActivated && ` — ${t("noEbox")}`}
          </span>
        )}
      </p>
    </div>
  );
}

function DocumentDrop({ documents, setDocuments }: { documents: ChosenDocument[]; setDocuments: (d: ChosenDocument[]) => void }) {
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const add = async (files: FileList | null) => {
    const chosen = await Promise.all(Array.from(files ?? []).map(async (file) => ({
      file, digest: await sha256Base64url(await file.arrayBuffer()),
    })));
    setDocuments([...documents, ...chosen]);
  };
  return (
    <div class="field">
      <span class="label" id="documents-label">{t("documents")}</span>
      <div class={`drop${over ? " over" : ""}`}
        onDragOver={(e) => { e.preventDefault(); setOver(true); }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => { e.preventDefault(); setOver(false); void add(e.dataTransfer?.files ?? null); }}>
        <p>{t("dropHere")}</p>
        <label class="button-like">
          {t("chooseFiles")}
          <input ref={input} class="visually-hidden" type="file" multiple aria-labelledby="documents-label"
            onChange={(e) => { void add((e.target as HTMLInputElement).files); (e.target as HTMLInputElement).value = ""; }} />
        </label>
      </div>
      {documents.length > 0 && (
        <ul class="chosen">
          {documents.map((d, i) => (
            <li key={d.digest + i}>
              <span class="document-name">{d.file.name}</span>
              <span class="muted">{formatSize(d.file.size / 1024)} · {d.file.type || "application/octet-stream"}</span>
              <span class="digest"><span class="muted">SHA-256 </span><code>{base64urlToHex(d.digest)}</code></span>
              <button type="button" class="link" onClick={() => setDocuments(documents.filter((_, j) => j !== i))}>
                {t("remove")}<span class="visually-hidden"> {d.file.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Sent({ messageId, expirationDate, onAnother }: { messageId: string; expirationDate: string; onAnother: () => void }) {
  const evidence = useLoad(() => getJson<EvidencePage>(`/messageRegistry/v3/ebox/messages/${encodeURIComponent(messageId)}/evidences`), [messageId]);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section class="card" aria-labelledby="sent-title">
      <h2 id="sent-title" tabIndex={-1} ref={heading}>{t("published")}</h2>
      <dl class="facts">
        <div><dt>messageId</dt><dd><code class="message-id">{messageId}</code></dd></div>
        <div><dt>{t("expires")}</dt><dd>{formatDate(expirationDate)}</dd></div>
      </dl>
      <h3>{t("evidence")}</h3>
      <ErrorNote error={evidence.error} />
      <ol class="timeline">
        {evidence.data?.items.map((record) => (
          <li key={record.evidenceId}>
            <time dateTime={record.eventTime}>{formatDate(record.eventTime, true)}</time>
            <span class="event">{record.event.replace(/([a-z])([A-Z])/g, "$1 $2")}</span>
            {record.jws && <details><summary>{t("rawRecord")}</summary><pre class="jws">{record.jws}</pre></details>}
          </li>
        ))}
      </ol>
      {evidence.data && evidence.data.items.length > 0 && (
        <ChainCheck records={evidence.data.items.flatMap((r) => (r.jws ? [r.jws] : []))} head={evidence.data.head} />
      )}
      <button type="button" class="primary" onClick={onAnother}>{t("publishAnother")}</button>
    </section>
  );
}

export function Publish() {
  const organisation = currentSession()?.enterpriseNumber ?? "";
  const applications = useLoad(() => getJson<Page<SenderApplication>>("/messageRegistry/v2/referenceData/senderApplications?pageSize=100"), []);
  const types = useLoad(() => getJson<Page<MessageType>>("/messageRegistry/v2/referenceData/messageTypes"), []);
  const [number, setNumber] = useState("");
  const [recipient, setRecipient] = useState<{ data?: Recipient; error?: unknown; problem?: string }>({});
  const [application, setApplication] = useState("");
  const [messageType, setMessageType] = useState("");
  const [lang, setLang] = useState<Lang>(language.value === "en" ? "fr" : language.value);
  const [subject, setSubject] = useState("");
  const [body, setBody] = useState("");
  const [documents, setDocuments] = useState<ChosenDocument[]>([]);
  const [level, setLevel] = useState<Level>("simple");
  const [replies, setReplies] = useState(false);
  const [forAction, setForAction] = useState(false);
  const [actionKind, setActionKind] = useState(ACTIONS[0]!);
  const [dueDate, setDueDate] = useState("");
  const [step, setStep] = useState<"edit" | "summary">("edit");
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ messageId: string; expirationDate: string }>();
  const idempotency = useRef(crypto.randomUUID());

  useEffect(() => {
    const checked = checkEnterpriseNumber(number);
    if (!checked.number) {
      setRecipient({ problem: checked.problem });
      return;
    }
    let live = true;
    setRecipient({});
    getJson<Recipient>(`/messageRegistry/v3/recipients/${checked.number}`)
      .then((data) => live && setRecipient({ data }), (e: unknown) => live && setRecipient({ error: e }));
    return () => { live = false; };
  }, [number]);

  const apps = (applications.data?.items ?? []).filter((a) => a.senderOrganizationIds?.includes(organisation));
  const app = apps.find((a) => a.applicationId === application) ?? apps[0];
  const typeIds = app?.messageTypeIds ?? [];
  const typeName = (id: string) => pick(types.data?.items.find((m) => m.messageTypeId === id)?.messageTypeName) || id;
  const chosenType = typeIds.includes(messageType) ? messageType : typeIds[0] ?? "";
  const levels: Level[] = ["simple", "registered", "qualified"];

  const ready = !!recipient.data?.eboxActivated && subject.trim() && (documents.length > 0 || body.trim()) && chosenType
    && (!forAction || dueDate);

  const send = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const attachments = documents.map((d, i) => ({
        httpPartName: `upfile${i + 1}`,
        isMainContent: i === 0 && !body.trim(),
        digest: { digestMethod: "sha_256", digestValue: d.digest },
      }));
      const message: Record<string, unknown> = {
        sender: { eboxType: "enterprise", enterpriseNumber: organisation },
        senderApplicationId: app?.applicationId,
        recipient: { eboxType: "enterprise", enterpriseNumber: recipient.data!.enterpriseNumber },
        messageTypeId: chosenType,
        subject: { [lang]: subject.trim() },
        attachments,
        isReplyAuthorized: replies,
      };
      if (body.trim()) {
        message.bodyContent = { [lang]: body };
        message.isBodyMainContent = true;
      }
      if (level !== "simple") {
        message.isRegisteredMail = true;
        message.registeredMailType = level;
      }
      if (forAction) message.action = { kind: actionKind, dueDate };
      const form = new FormData();
      form.append("messageToPublish", new Blob([JSON.stringify(message)], { type: "application/json" }));
      documents.forEach((d, i) => form.append(`upfile${i + 1}`, d.file, d.file.name));
      setResult(await postForm("/messageRegistry/v3/ebox/messages", form, { "Idempotency-Key": idempotency.current }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const reset = () => {
    setResult(undefined); setStep("edit"); setNumber(""); setSubject(""); setBody(""); setDocuments([]);
    setLevel("simple"); setReplies(false); setForAction(false); setDueDate("");
    idempotency.current = crypto.randomUUID();
  };

  if (result) {
    return (<div class="publish"><h1>{t("publish")}</h1><Sent {...result} onAnother={reset} /></div>);
  }
  if (step === "summary") {
    return (
      <div class="publish">
        <h1>{t("summary")}</h1>
        <section class="card" aria-labelledby="summary-title">
          <h2 id="summary-title" class="visually-hidden">{t("summary")}</h2>
          <dl class="summary">
            <div><dt>{t("recipient")}</dt><dd>{recipient.data?.name} ({recipient.data?.enterpriseNumber})</dd></div>
            <div><dt>{t("messageType")}</dt><dd>{typeName(chosenType)}</dd></div>
            <div><dt>{t("subject")}</dt><dd lang={lang}>{subject}</dd></div>
            {body.trim() && <div><dt>{t("body")}</dt><dd lang={lang} class="body-text">{body}</dd></div>}
            <div><dt>{t("documents")}</dt><dd>{documents.length ? documents.map((d) => d.file.name).join(", ") : "—"}</dd></div>
            <div><dt>{t("level")}</dt><dd>{t(`level.${level}`)}</dd></div>
            <div><dt>{t("allowReplies")}</dt><dd>{replies ? t("yes") : t("no")}</dd></div>
            {forAction && <div><dt>{t("action")}</dt><dd>{t(`actionKind.${actionKind}`)} · {t("actionDue", { date: formatDate(dueDate) })}</dd></div>}
          </dl>
          <ErrorNote error={error} />
          <div class="gate-actions">
            <button type="button" class="primary" disabled={busy} onClick={() => void send()}>{t("send")}</button>
            <button type="button" disabled={busy} onClick={() => setStep("edit")}>{t("edit")}</button>
          </div>
        </section>
      </div>
    );
  }
  return (
    <div class="publish">
      <h1>{t("publish")}</h1>
      <form class="card publish-form" onSubmit={(e) => { e.preventDefault(); if (ready) setStep("summary"); }}>
        <RecipientField value={number} onChange={setNumber} recipient={recipient} />
        {apps.length > 1 && (
          <div class="field">
            <label for="application">{t("application")}</label>
            <select id="application" value={app?.applicationId} onChange={(e) => setApplication((e.target as HTMLSelectElement).value)}>
              {apps.map((a) => <option key={a.applicationId} value={a.applicationId}>{pick(a.applicationName) || a.applicationId}</option>)}
            </select>
          </div>
        )}
        <div class="field">
          <label for="message-type">{t("messageType")}</label>
          <select id="message-type" value={chosenType} onChange={(e) => setMessageType((e.target as HTMLSelectElement).value)}>
            {typeIds.map((id) => <option key={id} value={id}>{typeName(id)}</option>)}
          </select>
        </div>
        <div class="field">
          <label for="message-language">{t("messageLanguage")}</label>
          <select id="message-language" value={lang} onChange={(e) => setLang((e.target as HTMLSelectElement).value as Lang)}>
            {(["fr", "nl", "de"] as Lang[]).map((l) => <option key={l} value={l}>{LANGUAGE_NAMES[l]}</option>)}
          </select>
        </div>
        <div class="field">
          <label for="subject">{t("subject")}</label>
          <input id="subject" type="text" required maxLength={200} value={subject} lang={lang} onInput={(e) => setSubject((e.target as HTMLInputElement).value)} />
        </div>
        <div class="field">
          <label for="body">{t("body")}</label>
          <textarea id="body" rows={5} value={body} lang={lang} onInput={(e) => setBody((e.target as HTMLTextAreaElement).value)} />
        </div>
        <DocumentDrop documents={documents} setDocuments={setDocuments} />
        <fieldset class="field">
          <legend>{t("level")}</legend>
          {levels.map((l) => (
            <label key={l} class="check">
              <input type="radio" name="level" value={l} checked={level === l} onChange={() => setLevel(l)} />
              <span>{t(`level.${l}`)}</span>
            </label>
          ))}
        </fieldset>
        <label class="check">
          <input type="checkbox" checked={replies} onChange={(e) => setReplies((e.target as HTMLInputElement).checked)} />
          <span>{t("allowReplies")}</span>
        </label>
        <label class="check">
          <input type="checkbox" checked={forAction} onChange={(e) => setForAction((e.target as HTMLInputElement).checked)} />
          <span>{t("forAction")}</span>
        </label>
        {forAction && (
          <div class="inline-fields">
            <div class="field">
              <label for="action-kind">{t("action")}</label>
              <select id="action-kind" value={actionKind} onChange={(e) => setActionKind((e.target as HTMLSelectElement).value)}>
                {ACTIONS.map((a) => <option key={a} value={a}>{t(`actionKind.${a}`)}</option>)}
              </select>
            </div>
            <div class="field">
              <label for="due-date">{t("dueDate")}</label>
              <input id="due-date" type="date" required value={dueDate} onInput={(e) => setDueDate((e.target as HTMLInputElement).value)} />
            </div>
          </div>
        )}
        <button type="submit" class="primary" disabled={!ready}>{t("review")}</button>
      </form>
    </div>
  );
}
