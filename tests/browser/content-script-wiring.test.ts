/**
 * index.ts, the WXT wiring of the content script, with WXT's real ContentScriptContext and
 * the fake browser: the back/forward cache and an extension reloaded under an open page.
 */
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { ContentScriptContext } from 'wxt/utils/content-script-context';
import contentScript from '../../entrypoints/profile.content/index.ts';
import type { Envelope, MessageName } from '../../shared/protocol.ts';

const widget = () => document.querySelector('[data-leadlens-widget]');
let names: MessageName[];
let ctx: ContentScriptContext;
let leftAt: string;

beforeEach(() => {
  fakeBrowser.reset();
  names = [];
  fakeBrowser.runtime.onMessage.addListener((message: unknown) => {
    const { name } = message as Envelope<MessageName>;
    names.push(name);
    return Promise.resolve({ ok: true, data: name === 'profileSeen' ? { signedIn: true } : null });
  });
  // The test page plays a profile: its address and its top card.
  leftAt = location.href;
  history.replaceState(history.state, '', '/in/ada-lovelace/');
  document.body.insertAdjacentHTML(
    'beforeend',
    '<main data-test-root><section><h1 class="text-heading-xlarge">Ada Lovelace</h1></section></main>',
  );
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  ctx = new ContentScriptContext('profile', { noScriptStartedPostMessage: true });
});

afterEach(() => {
  ctx.abort('test over');
  vi.useRealTimers();
  history.replaceState(history.state, '', leftAt);
  widget()?.remove();
  fakeBrowser.reset();
});

test('restored from the back/forward cache: profileSeen again, then the widget is back', async () => {
  await contentScript.main(ctx);
  await vi.waitFor(() => expect(widget()).not.toBeNull());
  expect(names).toEqual(['profileSeen']);

  window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: false }));
  window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
  await vi.waitFor(() => expect(names).toEqual(['profileSeen', 'profileLeft', 'profileSeen']));
  await vi.waitFor(() => expect(widget()).not.toBeNull());
  expect(document.querySelectorAll('[data-leadlens-widget]')).toHaveLength(1);
});

test('the extension reloaded under the page: the dead widget goes at the next tick', async () => {
  await contentScript.main(ctx);
  await vi.waitFor(() => expect(widget()).not.toBeNull());

  // What Chrome does to an orphaned content script: its runtime has no id any more.
  (fakeBrowser.runtime as { id: string | undefined }).id = undefined;
  vi.advanceTimersByTime(2000);
  // Read before anything else asks ctx.isInvalid (which would itself invalidate it).
  expect(widget()).toBeNull();
  expect(ctx.signal.aborted).toBe(true);
});
