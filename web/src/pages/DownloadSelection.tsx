import { useEffect, useState } from "preact/hooks";
import { getJson, sendJson } from "../api";
import { ErrorNote } from "../components";
import { formatSize, t } from "../i18n";

interface DownloadJob {
  downloadId: string;
  status: string;
  totalMessages: number;
  messagesDone: number;
  totalBytes: number;
  bytesDone: number;
  packageSize?: number;
  packageSha256?: string;
  downloadUrl?: string;
  code?: string;
  message?: string;
}

const DOWNLOADS = "/messageRegistry/v3/ebox/downloads";

/** The selected messages as one package (documents, metadata, evidence): asked for, followed with a
 * progress bar while the e-Box builds it, then a link to the package. */
export function DownloadSelection({ selected, onDone }: { selected: string[]; onDone: () => void }) {
  const [job, setJob] = useState<DownloadJob>();
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    if (!job || job.status === "READY" || job.status === "FAILED") return;
    const timer = window.setTimeout(() => {
      getJson<DownloadJob>(`${DOWNLOADS}/${encodeURIComponent(job.downloadId)}`).then(setJob, setError);
    }, 700);
    return () => window.clearTimeout(timer);
  }, [job]);

  const start = async () => {
    setError(undefined);
    try {
      setJob(await sendJson<DownloadJob>("POST", DOWNLOADS, { messageIds: selected }));
    } catch (e) {
      setError(e);
    }
  };

  const percent = job ? Math.round(100 * (job.totalBytes ? job.bytesDone / job.totalBytes : job.messagesDone / Math.max(1, job.totalMessages))) : 0;
  return (
    <div class="download-selection" role="region" aria-label={t("downloadSelection")}>
      {!job && (
        <button type="button" class="primary" disabled={selected.length === 0} onClick={() => void start()}>
          {t("downloadSelection")} ({selected.length})
        </button>
      )}
      {job && job.status !== "READY" && job.status !== "FAILED" && (
        <div class="progress">
          <label for="download-progress">{t("preparing", { done: job.messagesDone, total: job.totalMessages })}</label>
          <progress id="download-progress" max={100} value={job.status === "QUEUED" ? undefined : percent}>{percent} %</progress>
        </div>
      )}
      {job?.status === "READY" && job.downloadUrl && (
        <p class="ok" role="status">
          {t("packageReady", { n: job.totalMessages })} {job.packageSize ? `(${formatSize(job.packageSize / 1024)})` : ""}{" "}
          <a class="button-like" href={job.downloadUrl} download onClick={() => window.setTimeout(onDone, 0)}>{t("downloadPackage")}</a>
        </p>
      )}
      {job?.status === "FAILED" && <p class="error" role="alert">{job.message ?? t("errorGeneric")}</p>}
      <ErrorNote error={error} />
    </div>
  );
}
