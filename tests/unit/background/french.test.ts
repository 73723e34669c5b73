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

  it('a server address that is not one', async () => {
    const bg = startBackground(server);
    const reply = await bg.send('signIn', { serverUrl: 'http://leadlens.example.com', apiKey: 'k' }, optionsSender());
    expect(reply).toMatchObject({
      ok: false,
      error: {
        code: 'bad_server_url',
        message:
          'Le http simple n’est autorisé que pour 127.0.0.1 et localhost. Utilisez https://leadlens.example.com pour un serveur distant.',
      },
    });
  });

  it('the toolbar badge’s tooltip', async () => {
    server.addAccount('key-z', 'pool-z', {
      b2bEmail: { remaining: 1, monthlyAllotment: 10, addOn: 0, used: 9 },
      phone: { remaining: 5, monthlyAllotment: 5, addOn: 0, used: 0 },
      directEmail: { remaining: 5, monthlyAllotment: 5, addOn: 0, used: 0 },
      export: { remaining: 5, monthlyAllotment: 5, addOn: 0, used: 0 },
    });
    const bg = startBackground(server);
    expectOk(await bg.send('signIn', { serverUrl: SERVER, apiKey: 'key-z' }, optionsSender()));
    await expect
      .poll(() => bg.badges.at(-1)?.title)
      .toBe('LeadLens\u00a0: 1 crédit e-mail pro restant (90\u00a0% utilisés)');
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
