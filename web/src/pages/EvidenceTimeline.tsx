import { useState } from "preact/hooks";
import { getJson } from "../api";
import { ErrorNote, useLoad } from "../components";
import { EvidenceProblem, verifyEvidence } from "../evidenceCheck";
import { formatDate, t } from "../i18n";
import type { EvidencePage } from "../model";

const V3 = "/messageRegistry/v3/ebox/messages";

/** Checks the signatures, the links and the signed head in the browser, and says what it found. */
export function ChainCheck({ records, head }: { records: string[]; head?: string }) {
  const [state, setState] = useState<{ busy?: boolean; count?: number; problem?: string; error?: unknown }>({});
  const run = async () => {
    setState({ busy: true });
    try {
      setState({ count: await verifyEvidence(records, head) });
    } catch (e) {
      setState(e instanceof EvidenceProblem ? { problem: e.message } : { error: e });
    }
  };
  return (
    <div class="chain-check">
      {head && (
        <details>
          <summary>{t("chainHead")}</summary>
          <pre class="jws">{head}</pre>
        </details>
      )}
      <button type="button" disabled={state.busy} onClick={() => void run()}>{t("verifyEvidence")}</button>
      <div role="status" aria-live="polite">
        {state.busy && <span class="muted">{t("verifying")}</span>}
        {state.count !== undefined && <span class="ok">✓ {t("evidenceVerified", { count: state.count })}</span>}
      </div>
      {state.problem && <p class="error" role="alert">{t(`evidenceCheck.${state.problem}`)}</p>}
      <ErrorNote error={state.error} />
    </div>
  );
}

/** The evidence timeline: each step's time, and its signed record once the person may see it.
 *  Qualified mail not (yet) accepted comes without the records nor the head (`contentWithheld`):
 *  they name and hash the documents. */
export function EvidenceTimeline({ id, round, awaiting }: { id: string; round: number; awaiting: boolean }) {
  const evidence = useLoad(() => getJson<EvidencePage>(`${V3}/${encodeURIComponent(id)}/evidences`), [id, round]);
  if (!evidence.data) return <ErrorNote error={evidence.error} />;
  const { items, head, contentWithheld } = evidence.data;
  const records = items.flatMap((record) => (record.jws ? [record.jws] : []));
  return (
    <section class="card" aria-labelledby="evidence-title">
      <h2 id="evidence-title">{t("evidence")}</h2>
      {contentWithheld ? (
        <p class="notice withheld">{t(awaiting ? "evidenceWithheld" : "evidenceWithheldForGood")}</p>
      ) : (
        <p class="muted">{t("evidenceIntro")}</p>
      )}
      <ol class="timeline">
        {items.map((record) => (
          <li key={record.evidenceId}>
            <time dateTime={record.eventTime}>{formatDate(record.eventTime, true)}</time>
            <span class="event">{record.event.replace(/([a-z])([A-Z])/g, "$1 $2")}</span>
            {record.jws && (
              <details>
                <summary>{t("rawRecord")} <span class="visually-hidden">{record.event}</span></summary>
                <pre class="jws">{record.jws}</pre>
              </details>
            )}
          </li>
        ))}
      </ol>
      {!contentWithheld && records.length > 0 && <ChainCheck records={records} head={head} />}
    </section>
  );
}
