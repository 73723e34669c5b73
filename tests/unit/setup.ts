import 'fake-indexeddb/auto';
import { beforeEach } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { installFakeI18n } from '../support/fake-i18n.ts';
import { LOCALES } from '../support/locale-files.ts';

// The background's error messages come from the locale files; the unit tests read English.
// (fakeBrowser.reset() leaves i18n alone: it keeps no state.)
installFakeI18n(fakeBrowser, LOCALES, () => 'en');

beforeEach(() => {
  fakeBrowser.reset();
});
