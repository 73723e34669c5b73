/**
 * The background's messages for people cross to the pages as `MessageError.message`: in a
 * browser set to French they are French (public/_locales/fr), with the same facts in them.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { installFakeI18n } from '../../support/fake-i18n.ts';
import { LOCALES } from '../../support/locale-files.ts';
import {
  FakeServer,
  SERVER,
  expectOk,
  optionsSender,
  resetIndexedDB,
  signedInOnProfile,
  startBackground,
  widgetSender,
} from './harness.ts';

let server: FakeServer;

beforeEach(() => {
  resetIndexedDB();
  server = new FakeServer();
  server.addAccount('key-a', 'pool-a');
  installFakeI18n(fakeBrowser, LOCALES, () => 'fr');
});

afterEach(() => {
  installFakeI18n(fakeBrowser, LOCALES, () => 'en');
});

describe('errors in French', () => {
  it('the server down at sign-in', async () => {
    const bg = startBackground(server);
    server.fault = 'down';
    const reply = await bg.send('signIn', { serverUrl: SERVER, apiKey: 'key-a' }, optionsSender());
    expect(reply).toMatchObject({ ok: false, error: { code: 'server_unreachable' } });
    expect(reply.ok ? '' : reply.error.message).toBe(
      `Le serveur LeadLens (${SERVER}) est injoignable. Vérifiez qu’il fonctionne, puis réessayez.`,
    );
  });

  it('a reveal the server failed, with its status, typographic spaces and all', async () => {
    const bg = startBackground(server);
    await signedInOnProfile(bg);
    server.fault = 'status500';
    const outcome = expectOk(await bg.send('reveal', { slug: 'ada-lovelace', types: ['phone'] }, widgetSender(1)));
    expect(outcome.lead.phone).toMatchObject({
      status: 'error',
      code: 'server_error',
      message: `Le serveur LeadLens (${SERVER}) a échoué (HTTP 500). Réessayez dans un instant\u202f; si l’échec se répète, consultez le journal du serveur.`,
    });
  });

  it('signed out', async () => {
    const bg = startBackground(server);
    const reply = await bg.send('reveal', { slug: 'ada-lovelace', types: ['phone'] }, widgetSender(1));
    expect(reply).toMatchObject({
      ok: false,
      error: {
        code: 'signed_out',
        message: 'Vous n’êtes pas connecté à LeadLens. Ouvrez les réglages de LeadLens et connectez-vous.',
      },
    });
  });
});
