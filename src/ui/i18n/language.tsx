// The page's language: navigator.language unless the switch chose one (remembered in localStorage). <html lang>
// follows it, and components read their words and number formats from useI18n().
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { formatsFor, type Formats, type Wordable } from '../format';
import { wordIn } from '../../core/messages';
import { CATALOGS } from '../../worker/catalogs';
import { en, type Messages } from './en';
import { es } from './es';

const LANGUAGES = { en, es } as const;
export type Language = keyof typeof LANGUAGES;
/** The locale numbers and dates are written in. */
const LOCALES: Record<Language, string> = { en: 'en-US', es: 'es-ES' };
const STORAGE_KEY = 'gpt2-studio.language';

const isLanguage = (x: unknown): x is Language => typeof x === 'string' && x in LANGUAGES;

/** The remembered choice, else the browser's first language we have, else English. */
function initialLanguage(): Language {
  let chosen: string | null = null;
  try { chosen = localStorage.getItem(STORAGE_KEY); } catch { /* storage refused (private mode): no memory, not an error */ }
  if (isLanguage(chosen)) return chosen;
  for (const tag of navigator.languages?.length ? navigator.languages : [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return 'en';
}

export interface I18n {
  lang: Language;
  /** The Intl locale numbers and dates are written in. */
  locale: string;
  t: Messages;
  f: Formats;
  /** A sentence from the worker or the core in this language (a text already in words as it is). */
  word(x: Wordable): string;
  setLanguage(lang: Language): void;
}

const Context = createContext<I18n | null>(null);

export function LanguageProvider({ children }: { children: ReactNode }) {
  const [lang, setLang] = useState<Language>(initialLanguage);
  useEffect(() => { document.documentElement.lang = lang; }, [lang]);
  const value = useMemo<I18n>(() => ({
    lang, locale: LOCALES[lang], t: LANGUAGES[lang], f: formatsFor(LOCALES[lang]),
    word: (x) => (typeof x === 'string' ? x : wordIn(x, lang, CATALOGS)),
    setLanguage(next) {
      setLang(next);
      try { localStorage.setItem(STORAGE_KEY, next); } catch { /* the choice lasts this visit only */ }
    },
  }), [lang]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(Context);
  if (!i18n) throw new Error('useI18n: no LanguageProvider above this component');
  return i18n;
}

/** The switch: a labelled select, so that a keyboard or screen reader user finds it by its name. */
export function LanguageSwitch() {
  const { lang, t, setLanguage } = useI18n();
  return (
    <div className="language">
      <label htmlFor="language">{t.language.label}</label>
      <select id="language" value={lang} onChange={(e) => { if (isLanguage(e.target.value)) setLanguage(e.target.value); }}>
        {(Object.keys(LANGUAGES) as Language[]).map((l) => <option key={l} value={l} lang={l}>{t.language.names[l]}</option>)}
      </select>
    </div>
  );
}
