/**
 * The discovery settings as the background keeps them: defaults (R9), partial changes that
 * all survive, damaged storage read as the defaults, every page told, the badge redrawn.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { DEFAULT_DISCOVERY_SETTINGS } from '../../../shared/settings.ts';
import {
  FakeServer,
  SERVER,
  balancesOf,
  capturePushes,
  expectOk,
  optionsSender,
  resetIndexedDB,
  startBackground,
  widgetSender,
} from './harness.ts';

let server: FakeServer;

beforeEach(() => {
  resetIndexedDB();
  server = new FakeServer();
});

describe('discovery settings', () => {
  it('start as B2B email on, phone and direct email off, nothing kept back (R9)', async () => {
    const bg = startBackground(server);
    const popup = expectOk(await bg.send('popupOpened', {}, optionsSender()));
    expect(popup.settings).toEqual({
      autoReveal: { b2bEmail: true, phone: false, directEmail: false },
      keepAtLeast: { b2bEmail: 0, phone: 0, directEmail: 0 },
    });
  });

  it('change only the fields given, and two changes at once both survive', async () => {
    const bg = startBackground(server);
    await Promise.all([
      bg.send('settingsChange', { patch: { autoReveal: { phone: true } } }, optionsSender()),
      bg.send('settingsChange', { patch: { keepAtLeast: { phone: 7 } } }, widgetSender(1)),
    ]);
    const { settings } = expectOk(await bg.send('popupOpened', {}, optionsSender()));
    expect(settings).toEqual({
      autoReveal: { b2bEmail: true, phone: true, directEmail: false },
      keepAtLeast: { b2bEmail: 0, phone: 7, directEmail: 0 },
    });
    // A worker restart reads them back from storage.
    const restarted = startBackground(server);
    expect(expectOk(await restarted.send('popupOpened', {}, optionsSender())).settings).toEqual(settings);
  });

  it('are told to every page when they change', async () => {
    const bg = startBackground(server);
    const pushes = capturePushes();
    const settings = expectOk(
      await bg.send('settingsChange', { patch: { autoReveal: { directEmail: true } } }, optionsSender()),
    );
    await expect.poll(() => pushes).toContainEqual({ leadlensPush: 1, kind: 'settingsChanged', settings });
  });

  it.each([
    ['a negative guard', { keepAtLeast: { phone: -1 } }],
    ['a fractional guard', { keepAtLeast: { phone: 1.5 } }],
    ['a huge guard', { keepAtLeast: { phone: 1e9 } }],
    ['a toggle that is not a boolean', { autoReveal: { phone: 'yes' } }],
    ['an unknown type', { autoReveal: { export: true } }],
    ['an unknown field', { spendEverything: true }],
  ])('refuse %s and keep what was stored', async (_name, patch) => {
    const bg = startBackground(server);
    const reply = await bg.sendRaw({ leadlens: 1, name: 'settingsChange', payload: { patch } }, optionsSender());
    expect(reply).toMatchObject({ ok: false, error: { code: 'bad_message' } });
    expect(expectOk(await bg.send('popupOpened', {}, optionsSender())).settings).toEqual(DEFAULT_DISCOVERY_SETTINGS);
  });

  it('damaged in storage keep what is valid; a damaged toggle reads as off, never as the default on', async () => {
    await fakeBrowser.storage.local.set({
      discoverySettings: { autoReveal: { b2bEmail: 'yes', phone: true }, keepAtLeast: { phone: 4, directEmail: -2 } },
    });
    const bg = startBackground(server);
    expect(expectOk(await bg.send('popupOpened', {}, optionsSender())).settings).toEqual({
      autoReveal: { b2bEmail: false, phone: true, directEmail: false },
      keepAtLeast: { b2bEmail: 0, phone: 4, directEmail: 0 },
    });
    await fakeBrowser.storage.local.set({ discoverySettings: 'garbage' });
    expect(expectOk(await bg.send('popupOpened', {}, optionsSender())).settings.autoReveal).toEqual({
      b2bEmail: false,
      phone: false,
      directEmail: false,
    });
  });

  it('redraw the badge: it shows only for a type the user auto-reveals at 90% used', async () => {
    // 5 phone credits this month, all spent.
    server.addAccount('key-a', 'pool-a', {
      ...balancesOf(),
      phone: { remaining: 0, monthlyAllotment: 5, addOn: 0, used: 5 },
    });
    const bg = startBackground(server);
    expectOk(await bg.send('signIn', { serverUrl: SERVER, apiKey: 'key-a' }, optionsSender()));
    await expect.poll(() => bg.badges.at(-1)?.text).toBe('');
    expectOk(await bg.send('settingsChange', { patch: { autoReveal: { phone: true } } }, optionsSender()));
    await expect.poll(() => bg.badges.at(-1)?.text).toBe('0');
    expect(bg.badges.at(-1)?.title).toBe('LeadLens: 0 phone credits left (100% used)');
    expectOk(await bg.send('signOut', {}, optionsSender()));
    await expect.poll(() => bg.badges.at(-1)?.text).toBe('');
  });
});
