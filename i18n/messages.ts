/**
 * Every text a LeadLens page shows goes through here, and so do the background's messages
 * for people (errors that cross to the pages as `MessageError.message`): nothing below needs
 * a DOM, so the service worker imports it too. The words are the extension's locale
 * files (public/_locales/<lang>/messages.json, English by default), which the browser picks
 * by its language; WXT types the message names from the English file, so a name that does
 * not exist fails the type check. Numbers, dates, percentages and lists are formatted with
 * `Intl` in the language of those words.
 *
 * `browser.i18n.getMessage` has placeholders but no plurals: a plural message comes as two,
 * `<name>_one` and `<name>_other`, and `plural` picks one by the language's own rule (French
 * says "0 crédit", English "0 credits").
 */
import { browser } from 'wxt/browser';
import type { CreditType } from '../shared/credits.ts';
import type { ServerUrlProblem } from '../shared/server-url.ts';

/** A message name of public/_locales/en/messages.json. */
export type MessageKey = Parameters<typeof browser.i18n.getMessage>[0];

/** The names `<base>` of the messages that come as `<base>_one` and `<base>_other`. */
export type PluralKey = {
  [K in MessageKey]: K extends `${infer Base}_one` ? (`${Base}_other` extends MessageKey ? Base : never) : never;
}[MessageKey];

/** A value put into a message: numbers are formatted for the language. */
export type Substitution = string | number;

/** The message `key` with `values` for its placeholders, in the order they are declared. */
export function t(key: MessageKey, ...values: Substitution[]): string {
  const text = browser.i18n.getMessage(key, values.map(show));
  // An unknown name answers "" (or a locale file lost a message): the name shows the bug.
  return text || key;
}

/** `<key>_one` or `<key>_other` by the plural rule of the language for `count`, which is `$1`. */
export function plural(key: PluralKey, count: number, ...values: Substitution[]): string {
  const form = formats().plural.select(count) === 'one' ? 'one' : 'other';
  return t(`${key}_${form}` as MessageKey, count, ...values);
}

/** Why a typed server address was refused, in the user's language. */
export function serverUrlProblemText(problem: ServerUrlProblem): string {
  switch (problem.kind) {
    case 'empty':
      return t('serverUrlEmpty');
    case 'notAnAddress':
      return t('serverUrlNotAnAddress', problem.typed);
    case 'scheme':
      return t('serverUrlScheme');
    case 'credentials':
      return t('serverUrlCredentials');
    case 'plainHttp':
      return t('serverUrlPlainHttp', problem.host);
  }
}

const TYPE_WORDS: Record<CreditType, MessageKey> = {
  b2bEmail: 'typeWord_b2bEmail',
  phone: 'typeWord_phone',
  directEmail: 'typeWord_directEmail',
  export: 'typeWord_export',
};

/** A credit type inside a sentence: "phone" in "1 phone credit", « téléphone ». */
export function typeWord(type: CreditType): string {
  return t(TYPE_WORDS[type]);
}

/** The same text with its first letter in upper case ("phone credits" → "Phone credits"). */
export function capitalize(text: string): string {
  return text.charAt(0).toLocaleUpperCase(uiLocale()) + text.slice(1);
}

export function formatNumber(value: number): string {
  return formats().number.format(value);
}

/** A whole percentage ("90%", « 90 % »). */
export function formatPercent(percent: number): string {
  return formats().percent.format(percent / 100);
}

/** "name, headline, and company", « le nom, le titre et l’entreprise ». */
export function formatList(items: string[]): string {
  return formats().list.format(items);
}

/** A date a person reads ("Dec 1, 2026", « 1 déc. 2026 »); the raw text when it is not a date. */
export function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : formats().date.format(date);
}

/** A moment a person reads, date and time ("Nov 27, 2026, 6:20 PM"). */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : formats().dateTime.format(date);
}

/** A change in credits with its sign ("+100", "−1"); 0 without one. */
export function formatSigned(value: number): string {
  return formats().signed.format(value);
}

/**
 * The language to format in: the browser's own (so en-GB writes "1 Dec 2026") when the locale
 * files speak it, else the one they fell back to (a German browser reads English words, so
 * English dates). Chrome started with `--lang` may report another UI language than the one
 * its extensions speak; the words decide.
 */
export function uiLocale(): string {
  const words = browser.i18n.getMessage('locale') || 'en';
  let browserLanguage = '';
  try {
    browserLanguage = browser.i18n.getUILanguage();
  } catch {
    // Not offered here: the words' language is enough.
  }
  const lower = browserLanguage.toLowerCase();
  return lower === words || lower.startsWith(`${words}-`) ? browserLanguage : words;
}

interface Formats {
  number: Intl.NumberFormat;
  percent: Intl.NumberFormat;
  date: Intl.DateTimeFormat;
  dateTime: Intl.DateTimeFormat;
  signed: Intl.NumberFormat;
  list: Intl.ListFormat;
  plural: Intl.PluralRules;
}

/** Built once per language: Intl formatters are slow to make and fast to use. */
const cache = new Map<string, Formats>();

function formats(): Formats {
  const locale = uiLocale();
  let made = cache.get(locale);
  if (!made) {
    made = {
      number: new Intl.NumberFormat(locale),
      percent: new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }),
      date: new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric' }),
      dateTime: new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }),
      signed: new Intl.NumberFormat(locale, { signDisplay: 'exceptZero' }),
      list: new Intl.ListFormat(locale, { type: 'conjunction' }),
      plural: new Intl.PluralRules(locale),
    };
    cache.set(locale, made);
  }
  return made;
}

function show(value: Substitution): string {
  return typeof value === 'number' ? formatNumber(value) : value;
}
