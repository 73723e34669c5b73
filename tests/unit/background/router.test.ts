import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import background from '../../../entrypoints/background/index.ts';
import { isLeadLensMessage } from '../../../entrypoints/background/router.ts';
import {
  EXTENSION_ORIGIN,
  FakeServer,
  contentSender,
  optionsSender,
  profile,
  resetIndexedDB,
  startBackground,
  widgetSender,
  type Harness,
} from './harness.ts';

let server: FakeServer;
let bg: Harness;

beforeEach(() => {
  resetIndexedDB();
  server = new FakeServer();
  server.addAccount('key-a', 'pool-a');
  bg = startBackground(server);
});

function expectRefused(reply: { ok: boolean; error?: { code: string } }, code: string): void {
  expect(reply.ok).toBe(false);
  expect(reply.error?.code).toBe(code);
}

describe('message shapes', () => {
  it.each([
    ['no name', { leadlens: 1, payload: {} }],
    ['a number for a name', { leadlens: 1, name: 42, payload: {} }],
    ['an unknown name', { leadlens: 1, name: 'deleteEverything', payload: {} }],
    ['a name from Object.prototype', { leadlens: 1, name: 'toString', payload: {} }],
    ['__proto__ as a name', { leadlens: 1, name: '__proto__', payload: {} }],
    [
      'a reveal of an unknown type',
      { leadlens: 1, name: 'reveal', payload: { slug: 'ada-lovelace', types: ['bank'] } },
    ],
    ['a reveal with no types', { leadlens: 1, name: 'reveal', payload: { slug: 'ada-lovelace', types: [] } }],
    [
      'a reveal with a huge slug',
      { leadlens: 1, name: 'reveal', payload: { slug: 'a'.repeat(5000), types: ['phone'] } },
    ],
    [
      'a reveal that repeats a type',
      { leadlens: 1, name: 'reveal', payload: { slug: 'ada-lovelace', types: ['phone', 'phone'] } },
    ],
    ['a signIn without a key', { leadlens: 1, name: 'signIn', payload: { serverUrl: 'http://127.0.0.1:8787' } }],
    ['a payload that is a string', { leadlens: 1, name: 'sessionGet', payload: 'x' }],
  ])('refuses %s as a bad_message value', async (_label, message) => {
    expectRefused(await bg.sendRaw(message, optionsSender()), 'bad_message');
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a profile whose text is longer than the page could hold', async () => {
    const hostile = { ...profile(), name: 'x'.repeat(5000) };
    expectRefused(await bg.send('profileSeen', { profile: hostile }, contentSender(1)), 'bad_message');
  });

  it('leaves messages that are not LeadLens envelopes to other listeners', () => {
    expect(isLeadLensMessage({ type: 'something-else' })).toBe(false);
    expect(isLeadLensMessage('ping')).toBe(false);
    expect(isLeadLensMessage(null)).toBe(false);
    expect(isLeadLensMessage({ leadlensPush: 1, kind: 'sessionChanged' })).toBe(false);
    expect(isLeadLensMessage({ leadlens: 1 })).toBe(true);
  });
});

describe('senders', () => {
  const privileged = [
    ['signIn', { serverUrl: 'http://127.0.0.1:8787', apiKey: 'key-a' }],
    ['signOut', {}],
    ['sessionGet', {}],
    ['widgetOpened', {}],
    ['reveal', { slug: 'ada-lovelace', types: ['phone'] }],
  ] as const;

  it.each(privileged)('refuses %s from a content script', async (name, payload) => {
    const reply = await bg.sendRaw({ leadlens: 1, name, payload }, contentSender(1));
    expectRefused(reply, 'forbidden_sender');
    expect(server.requests).toHaveLength(0);
  });

  it.each(privileged)('refuses %s from a page of another origin', async (name, payload) => {
    const sender = { ...widgetSender(1), url: 'https://evil.example/widget.html' };
    expectRefused(await bg.sendRaw({ leadlens: 1, name, payload }, sender), 'forbidden_sender');
  });

  it('refuses a message from another extension, even with our page address', async () => {
    const sender = { ...optionsSender(), id: 'another-extension-id' };
    expectRefused(await bg.send('sessionGet', {}, sender), 'forbidden_sender');
  });

  it('refuses pages of other extensions and of other schemes with the same id', async () => {
    for (const url of [
      'chrome-extension://another-extension-id/options.html',
      'moz-extension://test-extension-id/options.html',
      'data:text/html,hi',
      'about:blank',
    ]) {
      expectRefused(await bg.send('sessionGet', {}, { ...optionsSender(), url }), 'forbidden_sender');
    }
  });

  it('accepts the widget served under its dynamic id (use_dynamic_url), and only the widget', async () => {
    const dynamic = { ...widgetSender(1), url: 'chrome-extension://5f0c9a4e-dynamic/widget.html' };
    expect(await bg.send('sessionGet', {}, dynamic)).toEqual({ ok: true, data: { signedIn: false } });
    const options = { ...optionsSender(), url: 'chrome-extension://5f0c9a4e-dynamic/options.html' };
    expectRefused(await bg.send('sessionGet', {}, options), 'forbidden_sender');
    const otherExtension = { ...dynamic, id: 'another-extension-id' };
    expectRefused(await bg.send('sessionGet', {}, otherExtension), 'forbidden_sender');
    const web = { ...dynamic, url: 'https://evil.example/widget.html' };
    expectRefused(await bg.send('sessionGet', {}, web), 'forbidden_sender');
  });

  it('refuses a sender without an address', async () => {
    const sender = { id: fakeBrowser.runtime.id };
    expectRefused(await bg.send('sessionGet', {}, sender), 'forbidden_sender');
  });

  it('refuses profileSeen from an extension page', async () => {
    expectRefused(await bg.send('profileSeen', { profile: profile() }, widgetSender(1)), 'forbidden_sender');
  });

  it('refuses profileSeen from another site or over http', async () => {
    expectRefused(
      await bg.send(
        'profileSeen',
        { profile: profile() },
        contentSender(1, 'https://www.linkedin.evil.example/in/ada-lovelace/'),
      ),
      'forbidden_sender',
    );
    expectRefused(
      await bg.send(
        'profileSeen',
        { profile: profile() },
        contentSender(1, 'http://www.linkedin.com/in/ada-lovelace/'),
      ),
      'forbidden_sender',
    );
  });

  it('accepts profileSeen from a LinkedIn page loaded elsewhere (the SPA moved to the profile)', async () => {
    // Chrome keeps sender.url at the address the document was loaded with after pushState.
    const reply = await bg.send(
      'profileSeen',
      { profile: profile() },
      contentSender(1, 'https://www.linkedin.com/feed/'),
    );
    expect(reply).toEqual({ ok: true, data: { signedIn: false } });
  });

  it('refuses content script messages from a subframe', async () => {
    const sender = { ...contentSender(1), frameId: 4 };
    expectRefused(await bg.send('profileSeen', { profile: profile() }, sender), 'forbidden_sender');
    expectRefused(await bg.send('profileLeft', {}, { ...contentSender(1), frameId: undefined }), 'forbidden_sender');
    expect(await fakeBrowser.storage.session.get('tabProfile:1')).toEqual({ 'tabProfile:1': undefined });
  });

  it.each(['prerender', 'cached', 'pending_deletion'] as const)(
    'refuses a profile from a %s document: it must not replace the tab’s profile',
    async (documentLifecycle) => {
      const shown = profile();
      expect(await bg.send('profileSeen', { profile: shown }, contentSender(1))).toMatchObject({ ok: true });
      const hidden = { ...contentSender(1, 'https://www.linkedin.com/in/grace-hopper/'), documentLifecycle };
      const reply = await bg.send('profileSeen', { profile: profile('grace-hopper') }, hidden);
      expectRefused(reply, 'forbidden_sender');
      expect(await fakeBrowser.storage.session.get('tabProfile:1')).toEqual({ 'tabProfile:1': shown });
    },
  );

  it('refuses profileLeft from a prerendered document (it is not the page being left)', async () => {
    const shown = profile();
    expect(await bg.send('profileSeen', { profile: shown }, contentSender(1))).toMatchObject({ ok: true });
    const prerendered = { ...contentSender(1), documentLifecycle: 'prerender' as const };
    expectRefused(await bg.send('profileLeft', {}, prerendered), 'forbidden_sender');
    expect(await fakeBrowser.storage.session.get('tabProfile:1')).toEqual({ 'tabProfile:1': shown });
  });

  it.each(['cached', 'pending_deletion'] as const)(
    'takes profileLeft from a page going away (%s, under a new frame id): the tab shows no profile of its',
    async (documentLifecycle) => {
      expect(await bg.send('profileSeen', { profile: profile() }, contentSender(1))).toMatchObject({ ok: true });
      // What Chrome reported in e2e for a page unloaded by a navigation to another site.
      const leaving = { ...contentSender(1), documentLifecycle, frameId: 5 };
      expect(await bg.send('profileLeft', {}, leaving)).toEqual({ ok: true, data: null });
      expect(await fakeBrowser.storage.session.get('tabProfile:1')).toEqual({ 'tabProfile:1': undefined });
    },
  );

  it('accepts the active document (Chrome) and a sender without documentLifecycle (other browsers)', async () => {
    const active = { ...contentSender(1), documentLifecycle: 'active' as const };
    expect(await bg.send('profileSeen', { profile: profile() }, active)).toMatchObject({ ok: true });
    expect(await bg.send('profileSeen', { profile: profile() }, contentSender(2))).toMatchObject({ ok: true });
  });

  it('refuses a content script message that comes from no tab', async () => {
    const sender = { ...contentSender(1), tab: undefined };
    expectRefused(await bg.send('profileSeen', { profile: profile() }, sender), 'forbidden_sender');
  });

  it('refuses a profile whose slug is not the one of its own address, or not a LinkedIn profile', async () => {
    const mismatched = { ...profile(), slug: 'grace-hopper' };
    expectRefused(await bg.send('profileSeen', { profile: mismatched }, contentSender(1)), 'bad_message');
    const elsewhere = { ...profile(), url: 'https://evil.example/in/ada-lovelace/' };
    expectRefused(await bg.send('profileSeen', { profile: elsewhere }, contentSender(1)), 'bad_message');
    const notCanonical = { ...profile(), slug: 'Ada-Lovelace' };
    expectRefused(await bg.send('profileSeen', { profile: notCanonical }, contentSender(1)), 'bad_message');
  });

  it('lets profileLeft come from any LinkedIn page (the SPA has navigated away)', async () => {
    const reply = await bg.send('profileLeft', {}, contentSender(1, 'https://www.linkedin.com/feed/'));
    expect(reply).toEqual({ ok: true, data: null });
  });

  it('accepts privileged messages from the extension origin', async () => {
    expect(fakeBrowser.runtime.getURL('/')).toBe(`${EXTENSION_ORIGIN}/`);
    expect(await bg.send('sessionGet', {}, optionsSender())).toEqual({ ok: true, data: { signedIn: false } });
  });
});

describe('the worker entrypoint', () => {
  it('registers its listeners at once and answers through the returned promise', async () => {
    background.main();
    const sender = optionsSender();
    // Another extension message: this listener stays out of it.
    expect(await fakeBrowser.runtime.onMessage.trigger({ type: 'other' }, sender)).toEqual([undefined]);
    const [reply] = (await fakeBrowser.runtime.onMessage.trigger(
      { leadlens: 1, name: 'sessionGet', payload: {} },
      sender,
    )) as unknown[];
    expect(reply).toEqual({ ok: true, data: { signedIn: false } });
    const [refused] = (await fakeBrowser.runtime.onMessage.trigger(
      { leadlens: 1, name: 'nope', payload: {} },
      sender,
    )) as unknown[];
    expect(refused).toMatchObject({ ok: false, error: { code: 'bad_message' } });
  });

  it('forgets a closed tab’s profile', async () => {
    background.main();
    const [seen] = (await fakeBrowser.runtime.onMessage.trigger(
      { leadlens: 1, name: 'profileSeen', payload: { profile: profile() } },
      contentSender(7),
    )) as unknown[];
    expect(seen).toEqual({ ok: true, data: { signedIn: false } });
    expect(await fakeBrowser.storage.session.get('tabProfile:7')).toHaveProperty('tabProfile:7');
    await fakeBrowser.tabs.onRemoved.trigger(7, { windowId: 1, isWindowClosing: false });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await fakeBrowser.storage.session.get('tabProfile:7')).toEqual({ 'tabProfile:7': undefined });
  });
});
