/**
 * `wxt/browser` for Vitest browser mode: WXT's fake browser. (WxtVitest's own mock imports
 * `wxt/testing`, which pulls its Node-only Vite plugin into the page.) Its `i18n` reads the
 * extension's locale files, which the test server serves from the public folder as the
 * extension does: English, as the browser tests assert, unless a test switches to French with
 * `useLanguage('fr')` (and back in its cleanup).
 */
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { installFakeI18n, type Language, type LocaleMessages } from './fake-i18n.ts';

async function load(language: Language): Promise<LocaleMessages> {
  const response = await fetch(`/_locales/${language}/messages.json`);
  if (!response.ok) throw new Error(`The ${language} locale file did not load (HTTP ${response.status})`);
  return (await response.json()) as LocaleMessages;
}

const [en, fr] = await Promise.all([load('en'), load('fr')]);
let language: Language = 'en';

/** The language the fake browser speaks from now on. */
export function useLanguage(next: Language): void {
  language = next;
}

installFakeI18n(fakeBrowser, { en, fr }, () => language);

export const browser = fakeBrowser;
export default fakeBrowser;
