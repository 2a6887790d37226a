import { useEffect, useState } from "preact/hooks";
import { ApiError, getJson, sendJson } from "../api";
import { ErrorNote, Loading } from "../components";
import { formatDate, t } from "../i18n";
import type { BatchProgress, ReportLine } from "../model";

const BATCH_ID = /^[A-Za-z0-9._-]{1,80}$/;
const FINISHED = ["COMPLETED", "REFUSED", "CANCELLED"];
const RESTING = [...FINISHED, "SCHEDULED"]; // nothing moves before sendAt: no need to keep asking
const POLL_MS = 1000;

const batchPath = (id: string) => `/bulk/v1/batches/${encodeURIComponent(id)}`;

/** The batch's state, or null while the API has not seen its archive yet. */
async function progressOf(id: string): Promise<BatchProgress | null> {
  try {
    return await getJson<BatchProgress>(batchPath(id));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/** PUT the archive to the pre-signed URL the API gives for `<our organisation>/<batchId>.zip`. */
async function uploadArchive(id: string, file: File): Promise<void> {
  const slot = await sendJson<{ uploadUrl: string }>("POST", `${batchPath(id)}/upload`, {});
  let answer: Response;
  try {
    answer = await fetch(slot.uploadUrl, { method: "PUT", body: file, headers: { "Content-Type": "application/zip" } });
  } catch {
    throw new ApiError("NETWORK", "upload", 0);
  }
  if (!answer.ok) throw new Error("error.UPLOAD");
}

/** The per-line report, read through the pre-signed URL of `GET …/results`. */
async function reportOf(id: string): Promise<ReportLine[]> {
  const link = await getJson<{ resultsUrl: string }>(`${batchPath(id)}/results`);
  const answer = await fetch(link.resultsUrl);
  if (!answer.ok) throw new Error("error.REPORT");
  return (await answer.text()).split("\n").filter((line) => line.trim()).map((line) => JSON.parse(line) as ReportLine);
}

function ProgressView({ progress, onCancel }: { progress: BatchProgress; onCancel: () => void }) {
  const total = progress.totalLines ?? 0;
  const processed = progress.processed ?? 0;
  const label = progress.status === "SCHEDULED"
    ? t("batch.SCHEDULED", { date: formatDate(progress.sendAt, true) }) : t(`batch.${progress.status}`);
  return (
    <div class="card batch-progress" role="status" aria-live="polite">
      <p><strong>{label}</strong></p>
      {total > 0 && (
        <div class="progress">
          <progress max={total} value={processed} aria-label={t("batchProgress", { processed, total })} />
          <span>{t("batchProgress", { processed, total })}</span>
        </div>
      )}
      {progress.status === "COMPLETED" && (
        <p class="batch-counts">{t("batchCounts", {
          accepted: progress.accepted ?? 0, already: progress.alreadyPublished ?? 0, rejected: progress.rejected ?? 0,
        })}</p>
      )}
      {progress.status === "SCHEDULED" && <button type="button" class="danger" onClick={onCancel}>{t("cancelBatch")}</button>}
      {progress.status === "REFUSED" && <p class="error">{t("batchRefused", { code: progress.code ?? "", detail: progress.message ?? "" })}</p>}
    </div>
  );
}

function Report({ lines }: { lines: ReportLine[] }) {
  return (
    <section class="report" aria-labelledby="report-title">
      <h2 id="report-title">{t("report")}</h2>
      <div class="table-scroll" tabIndex={0} role="region" aria-labelledby="report-title">
        <table>
          <thead>
            <tr><th scope="col">{t("line")}</th><th scope="col">{t("lineResult")}</th><th scope="col">{t("lineDetail")}</th></tr>
          </thead>
          <tbody>
            {lines.map((line) => (
              <tr key={line.line} class={line.status === "rejected" ? "rejected" : undefined}>
                <td>{line.line}</td>
                <td>{t(`line.${line.status}`)}{line.alreadyPublished ? ` (${t("line.already")})` : ""}</td>
                <td>
                  {line.messageId && <code class="message-id">{line.messageId}</code>}
                  {line.code && <span> {line.code}{line.message ? `: ${line.message}` : ""}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Follows one batch until it is finished, then shows its report. */
function BatchFollower({ id, previous }: { id: string; previous: string | undefined }) {
  const [progress, setProgress] = useState<BatchProgress | null>(null);
  const [lines, setLines] = useState<ReportLine[]>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    let live = true;
    let timer = 0;
    const poll = async () => {
      try {
        const now = await progressOf(id);
        if (!live) return;
        // An earlier run of the same batch name is not this one: wait for the new drop to be received.
        const fresh = now && (previous === undefined || now.receivedAt !== previous) ? now : null;
        setProgress(fresh);
        if (fresh && RESTING.includes(fresh.status)) {
          if (fresh.status === "COMPLETED") {
            const report = await reportOf(id);
            if (live) setLines(report);
          }
          return;
        }
      } catch (problem) {
        if (live) setError(problem);
        return;
      }
      timer = window.setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [id, previous]);
  const cancel = () => {
    sendJson<BatchProgress>("DELETE", batchPath(id), null).then(setProgress, setError);
  };
  return (
    <>
      <ErrorNote error={error} />
      {!error && !progress && <p class="loading" role="status">{t("batchWaiting")}</p>}
      {progress && <ProgressView progress={progress} onCancel={cancel} />}
      {lines && <Report lines={lines} />}
    </>
  );
}

export function BulkImport() {
  const [file, setFile] = useState<File>();
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [following, setFollowing] = useState<{ id: string; previous: string | undefined }>();
  const nameValid = BATCH_ID.test(name);

  const choose = (chosen: File | undefined) => {
    setFile(chosen);
    if (chosen) setName(chosen.name.replace(/\.zip$/i, "").replace(/[^A-Za-z0-9._-]/g, "-").slice(0, 80));
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!file) return setError(new Error("error.NO_FILE"));
    if (!nameValid) return setError(new Error("error.BATCH_ID"));
    setBusy(true);
    setError(undefined);
    setFollowing(undefined);
    try {
      const before = await progressOf(name);
      await uploadArchive(name, file);
      setFollowing({ id: name, previous: before?.receivedAt });
    } catch (problem) {
      setError(problem);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="bulk">
      <h1>{t("bulk")}</h1>
      <p class="muted">{t("bulkIntro")}</p>
      <form class="publish-form" onSubmit={(e) => void submit(e)}>
        <div class="field">
          <label for="bulk-file">{t("bulkFile")}</label>
          <input id="bulk-file" type="file" accept=".zip,application/zip" onChange={(e) => choose((e.target as HTMLInputElement).files?.[0])} />
        </div>
        <div class="field">
          <label for="batch-id">{t("batchId")}</label>
          <input id="batch-id" type="text" value={name} autoComplete="off" aria-describedby="batch-id-hint"
            aria-invalid={name && !nameValid ? "true" : undefined} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
          <p id="batch-id-hint" class="hint">{t("batchIdHint")}</p>
        </div>
        <ErrorNote error={error} />
        <div class="gate-actions">
          <button type="submit" class="primary" disabled={busy}>{t("uploadBatch")}</button>
          <button type="button" disabled={busy || !nameValid} onClick={() => setFollowing({ id: name, previous: undefined })}>{t("followBatch")}</button>
        </div>
        {busy && <Loading />}
      </form>
      {following && <BatchFollower key={following.id + String(following.previous)} id={following.id} previous={following.previous} />}
    </div>
  );
}
