/** The extension's locale files, for tests that run in Node (unit). */
import en from '../../public/_locales/en/messages.json';
import fr from '../../public/_locales/fr/messages.json';
import type { Language, LocaleMessages } from './fake-i18n.ts';

export const LOCALES: Record<Language, LocaleMessages> = { en, fr };
