import { useEffect, useState } from "preact/hooks";
import { ApiError, getJson, sendJson } from "../api";
import { currentSession } from "../auth";
import { ErrorNote, Loading, useLoad } from "../components";
import { t } from "../i18n";
import type { Page, Partition } from "../model";

const V3 = "/messageRegistry/v3/ebox";

interface EboxUser {
  ssin: string;
  roles: string[];
  partitions: string[];
}

interface RoutingRule {
  partitionId: string;
  priority: number;
  messageTypeId?: string;
  senderApplicationId?: string;
  senderOrganizationId?: string;
}

interface NotificationPreference {
  mode: "PER_MESSAGE" | "DAILY_DIGEST" | "NONE";
  email?: string | null;
  language?: string | null;
}

/** Runs a change, then reloads; the error (in the person's language) stays next to the form. */
function useChange(reload: () => void) {
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const run = async (call: () => Promise<unknown>) => {
    setError(undefined);
    setSaved(false);
    try {
      await call();
      setSaved(true);
      reload();
    } catch (e) {
      setError(e);
    }
  };
  return { error, saved, run };
}

function Saved({ saved }: { saved: boolean }) {
  return <span class="ok" role="status">{saved ? `✓ ${t("saved")}` : ""}</span>;
}

function Notifications() {
  const preference = useLoad(() => getJson<NotificationPreference>(`${V3}/users/me/notificationPreferences`)
    .catch((e: unknown) => (e instanceof ApiError && e.status === 404 ? null : Promise.reject(e))), []);
  const [form, setForm] = useState<NotificationPreference>({ mode: "PER_MESSAGE", email: "", language: "" });
  useEffect(() => { if (preference.data) setForm({ ...preference.data, email: preference.data.email ?? "", language: preference.data.language ?? "" }); }, [preference.data]);
  const change = useChange(preference.reload);
  const save = (e: Event) => {
    e.preventDefault();
    const body: Record<string, unknown> = { mode: form.mode };
    if (form.email) body.email = form.email;
    if (form.language) body.language = form.language;
    void change.run(() => sendJson("PUT", `${V3}/users/me/notificationPreferences`, body));
  };
  return (
    <section class="card" aria-labelledby="notifications-title">
      <h2 id="notifications-title">{t("notifications")}</h2>
      <p class="muted">{preference.data === null ? t("notificationsDefault") : t("notificationsIntro")}</p>
      {preference.data === undefined && !preference.error ? <Loading /> : (
      <form class="settings-form" onSubmit={save}>
        <div class="field">
          <label for="mode">{t("notifyMode")}</label>
          <select id="mode" value={form.mode} onChange={(e) => setForm({ ...form, mode: (e.target as HTMLSelectElement).value as NotificationPreference["mode"] })}>
            {(["PER_MESSAGE", "DAILY_DIGEST", "NONE"] as const).map((m) => <option key={m} value={m}>{t(`mode.${m}`)}</option>)}
          </select>
        </div>
        <div class="field">
          <label for="email">{t("email")}</label>
          <input id="email" type="email" autoComplete="email" value={form.email ?? ""} required={form.mode !== "NONE"}
            onInput={(e) => setForm({ ...form, email: (e.target as HTMLInputElement).value })} />
        </div>
        <div class="field">
          <label for="mail-language">{t("mailLanguage")}</label>
          <select id="mail-language" value={form.language ?? ""} onChange={(e) => setForm({ ...form, language: (e.target as HTMLSelectElement).value })}>
            <option value="">{t("allLanguages")}</option>
            <option value="fr">Français</option>
            <option value="nl">Nederlands</option>
            <option value="de">Deutsch</option>
          </select>
        </div>
        <div class="gate-actions">
          <button type="submit" class="primary">{t("save")}</button>
          <Saved saved={change.saved} />
        </div>
        <ErrorNote error={change.error ?? preference.error} />
      </form>
      )}
    </section>
  );
}

function DigitalOnly() {
  const number = currentSession()?.enterpriseNumber ?? "";
  const [value, setValue] = useState<boolean | null>(null);
  const change = useChange(() => {});
  const set = (exclusivelyEbox: boolean) => void change.run(async () => {
    const view = await sendJson<{ exclusivelyEbox: boolean }>("PATCH", "/federation/v1/eboxPreferences",
      { eboxId: { eboxType: "ENTERPRISE", eboxIdValue: number }, exclusivelyEbox });
    setValue(view.exclusivelyEbox);
  });
  return (
    <section class="card" aria-labelledby="digital-title">
      <h2 id="digital-title">{t("digitalOnly")}</h2>
      <p class="muted">{t("digitalOnlyIntro")}</p>
      <div class="gate-actions" role="group" aria-labelledby="digital-title">
        <button type="button" aria-pressed={value === true} class={value === true ? "primary" : ""} onClick={() => set(true)}>{t("digitalOnlyYes")}</button>
        <button type="button" aria-pressed={value === false} class={value === false ? "primary" : ""} onClick={() => set(false)}>{t("digitalOnlyNo")}</button>
        <Saved saved={change.saved} />
      </div>
      <ErrorNote error={change.error} />
    </section>
  );
}

function Partitions({ partitions, reload }: { partitions: Partition[]; reload: () => void }) {
  const [id, setId] = useState("");
  const [name, setName] = useState("");
  const change = useChange(reload);
  return (
    <section class="card" aria-labelledby="partitions-title">
      <h2 id="partitions-title">{t("partitions")}</h2>
      <ul class="plain">
        {partitions.map((p) => <li key={p.partitionId}><strong>{p.partitionId}</strong> — {p.name}</li>)}
      </ul>
      <form class="inline-fields" onSubmit={(e) => { e.preventDefault(); void change.run(() => sendJson("POST", `${V3}/partitions`, { partitionId: id.trim().toUpperCase(), name: name.trim() })); }}>
        <div class="field"><label for="partition-id">{t("partitionId")}</label>
          <input id="partition-id" type="text" required pattern="[A-Za-z0-9][A-Za-z0-9_-]{0,39}" value={id} onInput={(e) => setId((e.target as HTMLInputElement).value)} /></div>
        <div class="field"><label for="partition-name">{t("partitionName")}</label>
          <input id="partition-name" type="text" required value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} /></div>
        <button type="submit" class="primary">{t("addPartition")}</button>
        <Saved saved={change.saved} />
      </form>
      <ErrorNote error={change.error} />
    </section>
  );
}

function UserRow({ user, partitions, reload }: { user: EboxUser; partitions: Partition[]; reload: () => void }) {
  const [held, setHeld] = useState(new Set(user.partitions));
  const [admin, setAdmin] = useState(user.roles.includes("ADMIN"));
  const change = useChange(reload);
  const save = () => void change.run(() => sendJson("PUT", `${V3}/users/${user.ssin}`,
    { roles: admin ? ["ADMIN", "USER"] : ["USER"], partitions: [...held] }));
  return (
    <li class="user">
      <fieldset>
        <legend>{t("ssin")} {user.ssin}</legend>
        <label class="check"><input type="checkbox" checked={admin} onChange={(e) => setAdmin((e.target as HTMLInputElement).checked)} /><span>{t("administrator")}</span></label>
        {partitions.map((p) => (
          <label class="check" key={p.partitionId}>
            <input type="checkbox" checked={held.has(p.partitionId)} onChange={(e) => {
              const next = new Set(held);
              if ((e.target as HTMLInputElement).checked) next.add(p.partitionId); else next.delete(p.partitionId);
              setHeld(next);
            }} />
            <span>{p.partitionId}</span>
          </label>
        ))}
        <div class="gate-actions">
          <button type="button" onClick={save}>{t("saveRights")}<span class="visually-hidden"> {user.ssin}</span></button>
          <Saved saved={change.saved} />
        </div>
        <ErrorNote error={change.error} />
      </fieldset>
    </li>
  );
}

function Users({ partitions }: { partitions: Partition[] }) {
  const users = useLoad(() => getJson<Page<EboxUser>>(`${V3}/users`), []);
  const [ssin, setSsin] = useState("");
  const change = useChange(users.reload);
  return (
    <section class="card" aria-labelledby="users-title">
      <h2 id="users-title">{t("users")}</h2>
      <ErrorNote error={users.error} />
      <ul class="plain users">
        {users.data?.items.map((u) => <UserRow key={u.ssin} user={u} partitions={partitions} reload={users.reload} />)}
      </ul>
      <form class="inline-fields" onSubmit={(e) => { e.preventDefault(); void change.run(() => sendJson("PUT", `${V3}/users/${ssin.replace(/\D/g, "")}`, { roles: ["USER"], partitions: ["GENERAL"] })); }}>
        <div class="field"><label for="new-ssin">{t("ssin")}</label>
          <input id="new-ssin" type="text" inputMode="numeric" required pattern="[0-9 .\-]{11,15}" value={ssin} onInput={(e) => setSsin((e.target as HTMLInputElement).value)} /></div>
        <button type="submit" class="primary">{t("addUser")}</button>
        <Saved saved={change.saved} />
      </form>
      <ErrorNote error={change.error} />
    </section>
  );
}

function Routing({ partitions }: { partitions: Partition[] }) {
  const rules = useLoad(() => getJson<Page<RoutingRule>>(`${V3}/routingRules`), []);
  const [list, setList] = useState<RoutingRule[]>([]);
  const [draft, setDraft] = useState({ partitionId: partitions[0]?.partitionId ?? "GENERAL", field: "messageTypeId", value: "" });
  useEffect(() => { if (rules.data) setList([...rules.data.items].sort((a, b) => a.priority - b.priority)); }, [rules.data]);
  const change = useChange(rules.reload);
  const move = (i: number, by: number) => {
    const next = [...list];
    const [rule] = next.splice(i, 1);
    next.splice(i + by, 0, rule!);
    setList(next);
  };
  const save = () => void change.run(() => sendJson("PUT", `${V3}/routingRules`,
    { items: list.map((rule, i) => ({ ...rule, priority: (i + 1) * 10 })) }));
  const criterion = (rule: RoutingRule) => [
    rule.messageTypeId && `${t("messageType")}: ${rule.messageTypeId}`,
    rule.senderApplicationId && `${t("application")}: ${rule.senderApplicationId}`,
    rule.senderOrganizationId && `${t("from")}: ${rule.senderOrganizationId}`,
  ].filter(Boolean).join(", ");
  return (
    <section class="card" aria-labelledby="routing-title">
      <h2 id="routing-title">{t("routing")}</h2>
      <p class="muted">{t("routingIntro")}</p>
      <ErrorNote error={rules.error} />
      <ol class="rules">
        {list.map((rule, i) => (
          <li key={`${i}-${rule.partitionId}-${criterion(rule)}`}>
            <span>{criterion(rule)} → <strong>{rule.partitionId}</strong></span>
            <span class="rule-buttons">
              <button type="button" disabled={i === 0} onClick={() => move(i, -1)} aria-label={`${t("moveUp")}: ${criterion(rule)}`}>↑</button>
              <button type="button" disabled={i === list.length - 1} onClick={() => move(i, 1)} aria-label={`${t("moveDown")}: ${criterion(rule)}`}>↓</button>
              <button type="button" onClick={() => setList(list.filter((_, j) => j !== i))} aria-label={`${t("remove")}: ${criterion(rule)}`}>✕</button>
            </span>
          </li>
        ))}
      </ol>
      <form class="inline-fields" onSubmit={(e) => {
        e.preventDefault();
        setList([...list, { partitionId: draft.partitionId, priority: 0, [draft.field]: draft.value.trim() }]);
        setDraft({ ...draft, value: "" });
      }}>
        <div class="field"><label for="rule-field">{t("criterion")}</label>
          <select id="rule-field" value={draft.field} onChange={(e) => setDraft({ ...draft, field: (e.target as HTMLSelectElement).value })}>
            <option value="messageTypeId">{t("messageType")}</option>
            <option value="senderApplicationId">{t("application")}</option>
            <option value="senderOrganizationId">{t("from")}</option>
          </select></div>
        <div class="field"><label for="rule-value">{t("value")}</label>
          <input id="rule-value" type="text" required value={draft.value} onInput={(e) => setDraft({ ...draft, value: (e.target as HTMLInputElement).value })} /></div>
        <div class="field"><label for="rule-partition">{t("partition")}</label>
          <select id="rule-partition" value={draft.partitionId} onChange={(e) => setDraft({ ...draft, partitionId: (e.target as HTMLSelectElement).value })}>
            {partitions.map((p) => <option key={p.partitionId} value={p.partitionId}>{p.partitionId}</option>)}
          </select></div>
        <button type="submit">{t("addRule")}</button>
      </form>
      <div class="gate-actions">
        <button type="button" class="primary" onClick={save}>{t("saveRules")}</button>
        <Saved saved={change.saved} />
      </div>
      <ErrorNote error={change.error} />
    </section>
  );
}

export function Settings() {
  const partitions = useLoad(() => getJson<Page<Partition>>(`${V3}/partitions`), []);
  // An administrator reads the e-Box's users; anyone else is told FORBIDDEN, and sees only their own settings.
  const admin = useLoad(() => getJson<Page<EboxUser>>(`${V3}/users`).then(() => true, () => false), []);
  return (
    <div class="settings">
      <h1>{t("settings")}</h1>
      <Notifications />
      {admin.data && partitions.data && (
        <>
          <DigitalOnly />
          <Partitions partitions={partitions.data.items} reload={partitions.reload} />
          <Users partitions={partitions.data.items} />
          <Routing partitions={partitions.data.items} />
        </>
      )}
    </div>
  );
}
