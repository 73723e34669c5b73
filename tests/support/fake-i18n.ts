/**
 * `browser.i18n` for tests, from the extension's own locale files, with Chrome's rules for
 * placeholders: `$NAME$` stands for its placeholder's content (names in any case), in which
 * `$1`…`$9` are the substitutions, and `$$` is a dollar sign. The files are loaded by the
 * caller: Node imports them (locale-files.ts), the browser tier fetches them (Vite will not
 * let page code import from the public folder).
 */
export type Language = 'en' | 'fr';

export interface LocaleMessage {
  message: string;
  description?: string;
  placeholders?: Record<string, { content: string; example?: string }>;
}

export type LocaleMessages = Record<string, LocaleMessage>;

/** What Chrome's `getMessage` answers: "" for an unknown name. */
export function getMessage(messages: LocaleMessages, name: string, substitutions?: string | string[]): string {
  const entry = Object.entries(messages).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
  if (!entry) return '';
  const values = substitutions === undefined ? [] : Array.isArray(substitutions) ? substitutions : [substitutions];
  const placeholders = Object.fromEntries(
    Object.entries(entry.placeholders ?? {}).map(([key, value]) => [key.toLowerCase(), value.content]),
  );
  const withContent = entry.message.replace(
    /\$([a-z0-9_@]+)\$/gi,
    (_whole, placeholder: string) => placeholders[placeholder.toLowerCase()] ?? '',
  );
  return withContent.replace(/\$(\d)|\$\$/g, (_whole, index?: string) =>
    index === undefined ? '$' : (values[Number(index) - 1] ?? ''),
  );
}

/** Makes `target.i18n` answer from `locales`, in the language `language()` names. */
export function installFakeI18n(
  target: { i18n: object },
  locales: Record<Language, LocaleMessages>,
  language: () => Language,
): void {
  Object.assign(target.i18n, {
    getMessage: (name: string, substitutions?: string | string[]) =>
      getMessage(locales[language()], name, substitutions),
    getUILanguage: () => (language() === 'fr' ? 'fr-FR' : 'en-US'),
  });
}
