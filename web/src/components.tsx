import { useEffect, useState } from "preact/hooks";
import { ApiError, getJson } from "./api";
import { LANGUAGES, LANGUAGE_NAMES, language, pick, setLanguage, t, type Lang } from "./i18n";
import type { Page, SenderOrganization } from "./model";

export function LanguagePicker() {
  return (
    <label class="language">
      <span class="visually-hidden">{t("language")}</span>
      <select value={language.value} onChange={(e) => setLanguage((e.target as HTMLSelectElement).value as Lang)}>
        {LANGUAGES.map((lang) => <option value={lang} lang={lang} key={lang}>{LANGUAGE_NAMES[lang]}</option>)}
      </select>
    </label>
  );
}

/** The sentence a person reads for an error (StatusMessage code → text in their language). */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    const key = `error.${error.code}`;
    const text = t(key, { detail: error.message });
    return text === key ? t("errorGeneric") : text;
  }
  if (error instanceof Error && error.message.startsWith("error.")) return t(error.message);
  return t("errorGeneric");
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  return <p class="error" role="alert">{errorText(error)}</p>;
}

export function Loading() {
  return <p class="loading" role="status">{t("loading")}</p>;
}

/** Loads once per key; `reload` asks again. */
export function useLoad<T>(load: () => Promise<T>, key: unknown[]): { data?: T; error?: unknown; reload: () => void } {
  const [state, setState] = useState<{ data?: T; error?: unknown }>({});
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    load().then((data) => live && setState({ data }), (error: unknown) => live && setState({ error }));
    return () => {
      live = false;
    };
  }, [...key, round]);
  return { ...state, reload: () => setRound((n) => n + 1) };
}

let senders: Promise<Map<string, SenderOrganization>> | null = null;

/** Sender organisations from the reference data (names in every language), loaded once. */
export function senderNames(): Promise<Map<string, SenderOrganization>> {
  senders ??= getJson<Page<SenderOrganization>>("/messageRegistry/v2/referenceData/senderOrganizations")
    .then((page) => new Map(page.items.map((o) => [o.organizationId, o])))
    .catch(() => new Map());
  return senders;
}

export function senderName(names: Map<string, SenderOrganization> | undefined, id: string): string {
  const organisation = names?.get(id);
  return (organisation && (pick(organisation.organizationShortName) || pick(organisation.organizationLongName))) || id;
}

export function useSenders(): Map<string, SenderOrganization> | undefined {
  const [names, setNames] = useState<Map<string, SenderOrganization>>();
  useEffect(() => void senderNames().then(setNames), []);
  return names;
}
