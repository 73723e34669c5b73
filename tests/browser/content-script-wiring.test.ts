/**
 * index.ts, the WXT wiring of the content script, with WXT's real ContentScriptContext (made
 * from the script's own options, as WXT does) and the fake browser: a start the page cannot
 * hear, leaving the page, the back/forward cache, and an extension reloaded or updated under
 * an open page.
 */
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { ContentScriptContext } from 'wxt/utils/content-script-context';
import contentScript from '../../entrypoints/profile.content/index.ts';
import type { Envelope, MessageName } from '../../shared/protocol.ts';

const widget = () => document.querySelector('[data-leadlens-widget]');
/** The fake runtime, whose id a test takes away; `fakeBrowser.reset()` does not give it back. */
const runtime = fakeBrowser.runtime as { id: string | undefined };
const RUNTIME_ID = runtime.id;
let names: MessageName[];
let ctx: ContentScriptContext;
let leftAt: string;

/** What WXT's entrypoint wrapper does: a context made from the script's own options. */
const newContext = () => new ContentScriptContext('profile', contentScript);

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
  ctx = newContext();
});

afterEach(() => {
  ctx.abort('test over');
  vi.useRealTimers();
  history.replaceState(history.state, '', leftAt);
  widget()?.remove();
  fakeBrowser.reset();
  runtime.id = RUNTIME_ID;
});

test('the page hears nothing of the script starting', async () => {
  const heard: unknown[] = [];
  const listen = (event: MessageEvent) => heard.push(event.data);
  window.addEventListener('message', listen);
  try {
    ctx.abort('a fresh start below');
    ctx = newContext();
    await contentScript.main(ctx);
    await vi.waitFor(() => expect(widget()).not.toBeNull());
    // A posted message arrives as a task of its own: give it one.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(heard).toEqual([]);
  } finally {
    window.removeEventListener('message', listen);
  }
});

test('leaving the document: profileLeft at once', async () => {
  await contentScript.main(ctx);
  await vi.waitFor(() => expect(widget()).not.toBeNull());
  window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false }));
  await vi.waitFor(() => expect(names).toEqual(['profileSeen', 'profileLeft']));
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
  runtime.id = undefined;
  vi.advanceTimersByTime(2000);
  // Read before anything else asks ctx.isInvalid (which would itself invalidate it).
  expect(widget()).toBeNull();
  expect(ctx.signal.aborted).toBe(true);
});

test('a newer copy of the script takes over: the old widget goes, one widget on the page', async () => {
  await contentScript.main(ctx);
  await vi.waitFor(() => expect(widget()).not.toBeNull());
  const old = widget();

  const newer = newContext();
  try {
    // The newer copy announces itself as it starts: the old one stops and takes its widget away.
    expect(ctx.signal.aborted).toBe(true);
    expect(old?.isConnected).toBe(false);
    await contentScript.main(newer);
    await vi.waitFor(() => expect(widget()).not.toBeNull());
    expect(document.querySelectorAll('[data-leadlens-widget]')).toHaveLength(1);
  } finally {
    newer.abort('test over');
  }
});
