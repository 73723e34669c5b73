/**
 * The locale files (public/_locales/<lang>/messages.json): every English message has its
 * French one with the same placeholders in the same order, so no text falls back to English
 * or loses a value; plural messages come in pairs; the manifest's names exist.
 */
import { describe, expect, it } from 'vitest';
import type { LocaleMessages } from '../support/fake-i18n.ts';
import { LOCALES } from '../support/locale-files.ts';

/** The `$NAME$` placeholders a message uses, lower case. */
function used(text: string): string[] {
  return [...text.matchAll(/\$([a-z0-9_@]+)\$/gi)].map((match) => (match[1] ?? '').toLowerCase());
}

/** Each declared placeholder with the substitution it stands for ("count" → "$1"). */
function declared(messages: LocaleMessages, key: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(messages[key]?.placeholders ?? {}).map(([name, { content }]) => [name.toLowerCase(), content]),
  );
}

const { en, fr } = LOCALES;

describe('the locale files', () => {
  it('have exactly the same message names in English and French', () => {
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort());
  });

  it.each(Object.keys(en))('%s: the same placeholders, standing for the same values, in both', (key) => {
    expect(declared(fr, key)).toEqual(declared(en, key));
    for (const messages of [en, fr]) {
      const text = messages[key]?.message ?? '';
      expect(text.trim()).not.toBe('');
      // Every placeholder used is declared, and every declared one is used.
      expect([...new Set(used(text))].sort()).toEqual(Object.keys(declared(messages, key)).sort());
    }
  });

  it('number substitutions $1, $2… without gaps, as the helper passes them', () => {
    for (const key of Object.keys(en)) {
      const contents = Object.values(declared(en, key)).sort();
      expect(contents, key).toEqual(contents.map((_content, index) => `$${index + 1}`));
    }
  });

  it('give plural messages both forms, with the count first', () => {
    const plurals = Object.keys(en).filter((key) => /_(one|other)$/.test(key));
    expect(plurals.length).toBeGreaterThan(0);
    for (const key of plurals) {
      const base = key.replace(/_(one|other)$/, '');
      expect(Object.keys(en), key).toEqual(expect.arrayContaining([`${base}_one`, `${base}_other`]));
      expect(Object.values(declared(en, key)), key).toContain('$1');
      const [first] = Object.entries(declared(en, key)).find(([, content]) => content === '$1') ?? [];
      expect(['count', 'left'], key).toContain(first);
    }
  });

  it('use names Chrome accepts, unique whatever their case', () => {
    const names = Object.keys(en);
    for (const name of names) expect(name).toMatch(/^[A-Za-z0-9_]+$/);
    expect(new Set(names.map((name) => name.toLowerCase())).size).toBe(names.length);
  });

  it('write French with a no-break space before a colon or a semicolon, never a breaking one', () => {
    for (const [key, { message }] of Object.entries(fr)) expect(message, key).not.toMatch(/ [:;]/);
  });
});
