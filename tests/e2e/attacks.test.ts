/**
 * Attacks: a hostile host page that patches attachShadow, scans the DOM and frames, and posts
 * messages; hostile profile text; messages with bad shapes or from the wrong sender.
 * None of them reads contact data, executes anything, or spends a credit.
 */
import { describe, expect, it } from 'vitest';
import { EXTENSION_ID, serveLinkedInPage } from '../support/extension.ts';
import { profilePageHtml } from '../support/profile-page.ts';
import { ProfilePage } from './pages/profile.ts';
import { useE2eEnvironment } from './environment.ts';
import { PEOPLE } from './people.ts';

const env = useE2eEnvironment({ direct: true });

/** Runs before any other script on the page: everything it can reach ends up in window.__seen. */
const HOSTILE_SCRIPT = `
window.__seen = [];
const record = (what) => { try { window.__seen.push(String(what)); } catch {} };
const originalAttach = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) {
  const root = originalAttach.call(this, { ...init, mode: 'open' });
  (window.__roots = window.__roots || []).push(root);
  return root;
};
const scan = () => {
  record(document.documentElement.outerHTML);
  for (const root of window.__roots || []) record(root.innerHTML);
  for (const frame of document.querySelectorAll('iframe')) {
    record('iframe src=' + frame.src);
    try { record(frame.contentDocument.documentElement.outerHTML); } catch (error) { record('blocked: ' + error.name); }
    try { frame.contentWindow.postMessage({ leadlens: 1, name: 'reveal', payload: { slug: 'ada-lovelace', types: ['phone', 'directEmail'] } }, '*'); } catch {}
  }
  window.postMessage({ leadlens: 1, name: 'reveal', payload: { slug: 'ada-lovelace', types: ['phone'] } }, '*');
  try { chrome.runtime.sendMessage('${EXTENSION_ID}', { leadlens: 1, name: 'reveal', payload: { slug: 'ada-lovelace', types: ['phone'] } }, (reply) => record('reply ' + JSON.stringify(reply))); } catch (error) { record('sendMessage: ' + error.message); }
};
new MutationObserver(scan).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
setInterval(scan, 100);
window.addEventListener('message', (event) => record('message ' + JSON.stringify(event.data)));
`;

describe('a hostile host page', () => {
  it('reads no contact data and causes no charge', async () => {
    const html = profilePageHtml({ name: 'Ada Lovelace' }).replace(
      '<head>',
      `<head><script>${HOSTILE_SCRIPT}</script>`,
    );
    await serveLinkedInPage(env.browser.context, /^https:\/\/www\.linkedin\.com\/in\/ada-lovelace\/?$/, html);
    const before = await env.server.balances(env.workspace.apiKey);

    const profile = await ProfilePage.open(env.browser, PEOPLE.ada.slug);
    await profile.waitForLead('Ada Lovelace');
    await profile.page.waitForTimeout(1_500);
    expect(await env.server.balances(env.workspace.apiKey)).toEqual(before);

    // The user reveals everything; the page keeps scanning and must still see none of it.
    await profile.revealButton('b2bEmail').click();
    await profile.revealButton('phone').click();
    await expect.poll(() => profile.text('+44 7700 900123').isVisible()).toBe(true);
    await expect.poll(() => profile.text('ada@analytical-engines.example').isVisible()).toBe(true);
    await profile.page.waitForTimeout(1_000);

    const seen = (await profile.page.evaluate(() => (window as unknown as { __seen: string[] }).__seen)).join('\n');
    expect(seen.length).toBeGreaterThan(0);
    for (const secret of [
      'ada@analytical-engines.example',
      '+44 7700 900123',
      '+44 20 7946 0958',
      'ada.lovelace@mail.example',
    ]) {
      expect(seen).not.toContain(secret);
    }
    const after = await env.server.balances(env.workspace.apiKey);
    expect(after.phone.remaining).toBe(before.phone.remaining - 1);
    expect(after.b2bEmail.remaining).toBe(before.b2bEmail.remaining - 1);
    expect(after.directEmail.remaining).toBe(before.directEmail.remaining);
  });
});

describe('hostile profile text', () => {
  it('is shown as text and executes nothing', async () => {
    const name = '<img src=x onerror="window.__pwned=1">Eve';
    await serveLinkedInPage(
      env.browser.context,
      /^https:\/\/www\.linkedin\.com\/in\/eve-hostile\/?$/,
      profilePageHtml({
        name,
        headline: 'x'.repeat(5_000) + ' مرحبا 👋',
        company: '<script>window.__pwned=2</script>',
      }),
    );
    const profile = await ProfilePage.open(env.browser, 'eve-hostile');
    await expect.poll(() => profile.text('<img src=x onerror="window.__pwned=1">Eve').isVisible()).toBe(true);
    await expect(profile.text('<script>window.__pwned=2</script>').isVisible()).resolves.toBe(true);
    // The 5,000-character headline arrives cut, and right-to-left text keeps its direction.
    const headline = profile.widget.getByText(/^x+ مرحبا 👋$|^x+$/).first();
    const shown = (await headline.textContent()) ?? '';
    expect(shown.length).toBeGreaterThan(100);
    expect(shown.length).toBeLessThanOrEqual(300);
    expect(await headline.getAttribute('dir')).toBe('auto');
    await expect(profile.widget.locator('img[src="x"]').count()).resolves.toBe(0);
    const widgetFrame = profile.page.frames().find((frame) => frame.url().includes('widget.html'));
    expect(widgetFrame).toBeDefined();
    expect(await widgetFrame?.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await profile.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  });
});

describe('messages to the background', () => {
  it('refuses privileged messages sent from the content script’s own world', async () => {
    await ProfilePage.serve(env.browser, PEOPLE.ada.slug, { name: 'Ada Lovelace' });
    const tab = await env.browser.context.newPage();
    const cdp = await env.browser.context.newCDPSession(tab);
    const isolated: number[] = [];
    cdp.on(
      'Runtime.executionContextCreated',
      (event: { context: { id: number; name: string; auxData?: { type?: string } } }) => {
        if (event.context.auxData?.type === 'isolated' && event.context.name === 'LeadLens')
          isolated.push(event.context.id);
      },
    );
    await cdp.send('Runtime.enable');
    const profile = await ProfilePage.open(env.browser, PEOPLE.ada.slug, tab);
    await profile.waitForLead('Ada Lovelace');
    await expect.poll(() => isolated.length).toBeGreaterThan(0);

    // Any script running in the content script's world can reach chrome.runtime.
    const send = async (message: unknown): Promise<unknown> => {
      const result = (await cdp.send('Runtime.evaluate', {
        contextId: isolated[isolated.length - 1],
        expression: `chrome.runtime.sendMessage(${JSON.stringify(message)})`,
        awaitPromise: true,
        returnByValue: true,
      })) as { result: { value?: unknown }; exceptionDetails?: { text: string } };
      if (result.exceptionDetails) throw new Error(result.exceptionDetails.text);
      return result.result.value;
    };

    for (const message of [
      { leadlens: 1, name: 'reveal', payload: { slug: PEOPLE.ada.slug, types: ['phone'] } },
      { leadlens: 1, name: 'widgetOpened', payload: {} },
      { leadlens: 1, name: 'sessionGet', payload: {} },
      { leadlens: 1, name: 'signIn', payload: { serverUrl: 'http://127.0.0.1:1', apiKey: 'stolen' } },
    ]) {
      expect(await send(message)).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    }
    expect((await env.server.balances(env.workspace.apiKey)).phone.remaining).toBe(5);
    await cdp.detach();
  });

  it('rejects bad shapes and messages from the wrong kind of sender', async () => {
    await ProfilePage.serve(env.browser, PEOPLE.ada.slug, { name: 'Ada Lovelace' });
    const profile = await ProfilePage.open(env.browser, PEOPLE.ada.slug);
    await profile.waitForLead('Ada Lovelace');
    const widgetFrame = profile.page.frames().find((frame) => frame.url().includes('widget.html'));
    if (!widgetFrame) throw new Error('no widget frame');

    const replies = await widgetFrame.evaluate(async () => {
      const { chrome } = globalThis as unknown as {
        chrome: { runtime: { sendMessage(message: unknown): Promise<unknown> } };
      };
      const send = (message: unknown) => chrome.runtime.sendMessage(message);
      return {
        badShape: await send({ leadlens: 1, name: 'reveal', payload: { slug: 42, types: 'phone' } }),
        unknownName: await send({ leadlens: 1, name: 'chargeEverything', payload: {} }),
        badType: await send({ leadlens: 1, name: 'reveal', payload: { slug: 'ada-lovelace', types: ['export'] } }),
        // profileSeen belongs to content scripts on profile pages, not to extension pages.
        wrongSender: await send({
          leadlens: 1,
          name: 'profileSeen',
          payload: {
            profile: {
              slug: 'x',
              url: 'https://www.linkedin.com/in/x/',
              name: null,
              headline: null,
              company: null,
              location: null,
              unreadable: [],
            },
          },
        }),
      };
    });
    expect(replies.badShape).toMatchObject({ ok: false, error: { code: 'bad_message' } });
    expect(replies.unknownName).toMatchObject({ ok: false, error: { code: 'bad_message' } });
    expect(replies.badType).toMatchObject({ ok: false, error: { code: 'bad_message' } });
    expect(replies.wrongSender).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    expect((await env.server.balances(env.workspace.apiKey)).phone.remaining).toBe(5);
  });
});
