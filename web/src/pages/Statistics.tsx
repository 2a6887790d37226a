import type { ComponentChildren } from "preact";
import { getJson } from "../api";
import { hasScope } from "../auth";
import { BarChart, LineChart } from "../charts";
import { ErrorNote, Loading, useLoad } from "../components";
import { language, t } from "../i18n";
import type { SenderOutcomes, SenderYear, Statistics } from "../model";

const locale = () => `${language.value}-BE`;
const number = (n: number | null | undefined) => (n === null || n === undefined ? "—" : n.toLocaleString(locale()));
const percent = (n: number | null | undefined) =>
  n === null || n === undefined ? "—" : `${n > 0 ? "+" : ""}${n.toLocaleString(locale(), { maximumFractionDigits: 1 })} %`;
const rate = (n: number | null | undefined) => (n === null || n === undefined ? "—" : `${n.toLocaleString(locale())} %`);

function monthName(month: string): string {
  return new Date(`${month}-01T00:00:00Z`).toLocaleDateString(locale(), { month: "short", year: "numeric", timeZone: "UTC" });
}

/** A table with its caption as heading; wide ones scroll on their own (focusable, for the keyboard). */
function Table({ id, title, head, children }: { id: string; title: string; head: string[]; children: ComponentChildren }) {
  return (
    <section class="card stats-table">
      <h2 id={id}>{title}</h2>
      <div class="table-scroll" role="region" aria-labelledby={id} tabIndex={0}>
        <table>
          <caption class="visually-hidden">{title}</caption>
          <thead><tr>{head.map((h) => <th key={h} scope="col">{h}</th>)}</tr></thead>
          <tbody>{children}</tbody>
        </table>
      </div>
    </section>
  );
}

function senderLabel(row: SenderYear): string {
  return row.name ? `${row.name} (${row.organizationId})` : row.organizationId;
}

function PerSender({ rows }: { rows: SenderYear[] }) {
  return (
    <Table id="stats-per-sender" title={t("stats.perSender")} head={[t("stats.sender"), t("stats.year"), t("stats.documents"), t("stats.variation")]}>
      {rows.map((r) => (
        <tr key={`${r.organizationId}-${r.year}`}>
          <th scope="row">{senderLabel(r)}</th><td>{r.year}</td><td class="num">{number(r.documents)}</td>
          <td class="num">{percent(r.variationPercent)}</td>
        </tr>
      ))}
    </Table>
  );
}

function Outcomes({ rows }: { rows: SenderOutcomes[] }) {
  const head = [t("stats.sender"), t("stats.year"), t("stats.documents"), t("stats.readRate"), t("stats.hoursToRead"),
    t("stats.registered"), t("stats.qualified"), t("delivery.accepted"), t("delivery.refused"), t("delivery.expired"),
    t("delivery.pending")];
  return (
    <Table id="stats-outcomes" title={t("stats.outcomes")} head={head}>
      {rows.map((r) => (
        <tr key={`${r.organizationId}-${r.year}`}>
          <th scope="row">{senderLabel(r)}</th><td>{r.year}</td><td class="num">{number(r.documents)}</td>
          <td class="num">{rate(r.readRatePercent)}</td><td class="num">{number(r.averageHoursToFirstRead)}</td>
          <td class="num">{number(r.registered.published)}</td><td class="num">{number(r.qualified.published)}</td>
          <td class="num">{number(r.qualified.accepted)}</td><td class="num">{number(r.qualified.refused)}</td>
          <td class="num">{number(r.qualified.expired)}</td><td class="num">{number(r.qualified.pending)}</td>
        </tr>
      ))}
    </Table>
  );
}

function PlatformTables({ data }: { data: Statistics }) {
  const eboxes = data.eboxes;
  const years = data.documentsPerYear ?? [];
  const months = data.newEboxesPerMonth ?? [];
  return (
    <>
      {eboxes && (
        <Table id="stats-eboxes" title={t("stats.eboxes")} head={[t("stats.measure"), t("stats.eboxCount")]}>
          <tr><th scope="row">{t("stats.activated")}</th><td class="num">{number(eboxes.activated)}</td></tr>
          <tr><th scope="row">{t("stats.enterprises")}</th><td class="num">{number(eboxes.activatedEnterprises)}</td></tr>
          <tr><th scope="row">{t("stats.citizens")}</th><td class="num">{number(eboxes.activatedCitizens)}</td></tr>
          <tr><th scope="row">{t("stats.active", { from: monthName(eboxes.window.from), to: monthName(eboxes.window.to) })}</th>
            <td class="num">{number(eboxes.activeLast12Months)}</td></tr>
          <tr><th scope="row">{t("stats.digitalOnly")}</th><td class="num">{number(eboxes.digitalOnly)}</td></tr>
        </Table>
      )}
      <section class="card">
        <h2 id="stats-years">{t("stats.perYear")}</h2>
        {years.length > 0 && <BarChart points={years.map((y) => ({ label: String(y.year), value: y.documents }))}
          caption={t("stats.perYearChart")} format={number} />}
        <div class="table-scroll" role="region" aria-labelledby="stats-years" tabIndex={0}>
          <table>
            <caption class="visually-hidden">{t("stats.perYear")}</caption>
            <thead><tr><th scope="col">{t("stats.year")}</th><th scope="col">{t("stats.documents")}</th><th scope="col">{t("stats.variation")}</th></tr></thead>
            <tbody>{years.map((y) => (
              <tr key={y.year}><th scope="row">{y.year}</th><td class="num">{number(y.documents)}</td><td class="num">{percent(y.variationPercent)}</td></tr>
            ))}</tbody>
          </table>
        </div>
      </section>
      <section class="card">
        <h2 id="stats-months">{t("stats.newEboxes")}</h2>
        {months.length > 1 && <LineChart points={months.map((m) => ({ label: monthName(m.month), value: m.activated }))}
          caption={t("stats.newEboxesChart")} every={Math.max(1, Math.ceil(months.length / 6))} />}
        <div class="table-scroll" role="region" aria-labelledby="stats-months" tabIndex={0}>
          <table>
            <caption class="visually-hidden">{t("stats.newEboxes")}</caption>
            <thead><tr><th scope="col">{t("stats.month")}</th><th scope="col">{t("stats.activated")}</th></tr></thead>
            <tbody>{months.map((m) => (
              <tr key={m.month}><th scope="row">{monthName(m.month)}</th><td class="num">{number(m.activated)}</td></tr>
            ))}</tbody>
          </table>
        </div>
      </section>
    </>
  );
}

/** A sender's own documents per year, as a chart and a table. */
function OwnYears({ rows }: { rows: SenderYear[] }) {
  return (
    <section class="card">
      <h2 id="stats-own-years">{t("stats.perYear")}</h2>
      {rows.length > 0 && <BarChart points={rows.map((r) => ({ label: String(r.year), value: r.documents }))}
        caption={t("stats.ownPerYearChart")} format={number} />}
      <div class="table-scroll" role="region" aria-labelledby="stats-own-years" tabIndex={0}>
        <table>
          <caption class="visually-hidden">{t("stats.perYear")}</caption>
          <thead><tr><th scope="col">{t("stats.year")}</th><th scope="col">{t("stats.documents")}</th><th scope="col">{t("stats.variation")}</th></tr></thead>
          <tbody>{rows.map((r) => (
            <tr key={r.year}><th scope="row">{r.year}</th><td class="num">{number(r.documents)}</td><td class="num">{percent(r.variationPercent)}</td></tr>
          ))}</tbody>
        </table>
      </div>
    </section>
  );
}

/** The statistics of the e-Box's own report: a platform operator sees every table, a sender its own rows. */
export function StatisticsPage() {
  const operator = hasScope("operator");
  const stats = useLoad(() => getJson<Statistics>(operator ? "/admin/v1/statistics" : "/admin/v1/statistics/sender"), [operator]);
  const data = stats.data;
  return (
    <div class="statistics">
      <div class="inbox-head">
        <h1>{t(operator ? "stats.title" : "stats.ownTitle")}</h1>
        <button type="button" onClick={stats.reload}>{t("refresh")}</button>
      </div>
      <p class="muted">{t(operator ? "stats.intro" : "stats.ownIntro")}</p>
      <ErrorNote error={stats.error} />
      {!data && !stats.error && <Loading />}
      {data && (operator ? <PlatformTables data={data} /> : <OwnYears rows={data.documentsPerSenderPerYear} />)}
      {data && operator && <PerSender rows={data.documentsPerSenderPerYear} />}
      {data && <Outcomes rows={data.senders} />}
    </div>
  );
}
