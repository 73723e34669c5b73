/**
 * The widget frame the content script mounts (entrypoints/profile.content/mount.ts), in a real
 * page: the extension's widget page in one iframe, fixed on the right edge, never twice, out of
 * the page's reach of style, and gone when the script is invalidated.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createWidgetSlot, WIDGET_MARK } from '../../entrypoints/profile.content/mount.ts';
import type { WidgetSlot } from '../../entrypoints/profile.content/navigation.ts';
import { WIDGET_COLLAPSED_KEY } from '../../shared/widget-frame.ts';

const widgets = () => [...document.querySelectorAll<HTMLElement>(`[${WIDGET_MARK}]`)];
let lifetime: AbortController;
let slot: WidgetSlot;

function newSlot(): WidgetSlot {
  return createWidgetSlot(document, {
    onInvalidated(callback) {
      lifetime.signal.addEventListener('abort', callback);
      return () => lifetime.signal.removeEventListener('abort', callback);
    },
  });
}

beforeEach(() => {
  fakeBrowser.storage.resetState();
  lifetime = new AbortController();
  slot = newSlot();
});

afterEach(() => {
  lifetime.abort();
  fakeBrowser.storage.resetState();
  for (const widget of widgets()) widget.remove();
  document.querySelector('[data-test-page]')?.remove();
});

test('mounts the extension’s widget page in one frame with a name and clipboard access', () => {
  slot.mount();
  const [frame, ...others] = widgets();
  expect(others).toHaveLength(0);
  expect(frame).toBeInstanceOf(HTMLIFrameElement);
  const iframe = frame as HTMLIFrameElement;
  expect(iframe.src).toBe('chrome-extension://test-extension-id/widget.html');
  expect(iframe.title).toBe('LeadLens');
  expect(iframe.allow).toBe('clipboard-write');
  expect(iframe.parentElement).toBe(document.body);
});

test('mounting again replaces the widget: never two on the page', () => {
  slot.mount();
  const first = widgets()[0];
  slot.mount();
  slot.mount();
  expect(widgets()).toHaveLength(1);
  expect(widgets()[0]).not.toBe(first);
  expect(first?.isConnected).toBe(false);
});

test('a widget left by an older copy of the script goes when this one mounts', () => {
  document.body.insertAdjacentHTML('beforeend', `<div ${WIDGET_MARK}><iframe title="LeadLens"></iframe></div>`);
  slot.mount();
  expect(widgets()).toHaveLength(1);
  expect(widgets()[0]).toBeInstanceOf(HTMLIFrameElement);
});

test('removing is idempotent and leaves nothing behind', () => {
  slot.remove();
  slot.mount();
  slot.remove();
  slot.remove();
  expect(widgets()).toHaveLength(0);
});

test('the script invalidated (extension reloaded or updated): the widget goes', () => {
  slot.mount();
  lifetime.abort();
  expect(widgets()).toHaveLength(0);
});

test('fixed on the right edge: the page’s layout does not move, and scrolling does not move it', () => {
  document.body.insertAdjacentHTML(
    'beforeend',
    '<main data-test-page><p style="margin:0;height:3000px">A long profile page</p></main>',
  );
  const text = document.querySelector<HTMLElement>('[data-test-page] p');
  const before = text?.getBoundingClientRect().toJSON() as DOMRect;
  const scroll = { width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight };

  slot.mount();
  expect(text?.getBoundingClientRect().toJSON()).toEqual(before);
  expect({ width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight }).toEqual(
    scroll,
  );
  const frame = widgets()[0];
  const placed = frame?.getBoundingClientRect();
  expect(placed?.top).toBe(72);
  expect(placed?.right).toBe(document.documentElement.clientWidth - 16);
  expect(placed?.width).toBe(322); // 320 px and its 1 px border

  window.scrollTo(0, 500);
  expect(frame?.getBoundingClientRect().top).toBe(72);
  window.scrollTo(0, 0);
});

test('the page’s own style sheets cannot move or hide the widget', () => {
  const hostile = document.createElement('style');
  hostile.textContent =
    'iframe { position: static !important; display: none !important; width: 0 !important; top: 900px !important; }';
  document.head.append(hostile);
  try {
    slot.mount();
    const style = getComputedStyle(widgets()[0] as HTMLElement);
    expect(style.position).toBe('fixed');
    expect(style.display).toBe('block');
    expect(style.width).toBe('320px');
    expect(style.top).toBe('72px');
  } finally {
    hostile.remove();
  }
});

describe('collapsed to its handle (the flag in storage.local, written by the background)', () => {
  /** The frame's box on screen, border included. */
  const box = () => {
    const rect = widgets()[0]?.getBoundingClientRect();
    return rect && { top: rect.top, right: rect.right, width: rect.width, height: rect.height };
  };
  const right = () => document.documentElement.clientWidth - 16;
  const collapse = (collapsed: unknown) => fakeBrowser.storage.local.set({ [WIDGET_COLLAPSED_KEY]: collapsed });

  test('stored before the page loads: the frame mounts at the handle’s size', async () => {
    await collapse(true);
    lifetime.abort();
    lifetime = new AbortController();
    slot = newSlot();
    // The flag is read as the script starts, long before profileSeen is answered and it mounts.
    await new Promise((resolve) => setTimeout(resolve, 0));
    slot.mount();
    expect(box()).toEqual({ top: 72, right: right(), width: 134, height: 38 });
  });

  test('changed in any tab: the frame follows at once, fixed at the same corner, the page unmoved', async () => {
    document.body.insertAdjacentHTML(
      'beforeend',
      '<main data-test-page><h1 style="margin:0">Ada Lovelace</h1><p style="margin:0;height:2000px">Profile</p></main>',
    );
    const boxes = () =>
      [...document.querySelectorAll('[data-test-page], [data-test-page] *')].map((element) =>
        element.getBoundingClientRect().toJSON(),
      );
    const scroll = () => [document.documentElement.scrollWidth, document.documentElement.scrollHeight];
    slot.mount();
    const before = { boxes: boxes(), scroll: scroll() };
    expect(box()).toEqual({ top: 72, right: right(), width: 322, height: 442 });

    await collapse(true);
    expect(box()).toEqual({ top: 72, right: right(), width: 134, height: 38 });
    expect({ boxes: boxes(), scroll: scroll() }).toEqual(before);

    await collapse(false);
    expect(box()).toEqual({ top: 72, right: right(), width: 322, height: 442 });
    expect({ boxes: boxes(), scroll: scroll() }).toEqual(before);
  });

  test('a damaged value, or the flag removed, shows the whole widget', async () => {
    slot.mount();
    await collapse(true);
    await collapse('yes');
    expect(box()?.width).toBe(322);
    await collapse(true);
    await fakeBrowser.storage.local.remove(WIDGET_COLLAPSED_KEY);
    expect(box()?.width).toBe(322);
  });

  test('the page’s own style sheets cannot resize the handle', async () => {
    const hostile = document.createElement('style');
    hostile.textContent =
      'iframe { width: 900px !important; height: 900px !important; right: 0 !important; transform: none !important; }';
    document.head.append(hostile);
    try {
      slot.mount();
      await collapse(true);
      expect(box()).toEqual({ top: 72, right: right(), width: 134, height: 38 });
    } finally {
      hostile.remove();
    }
  });

  test('the script invalidated: the widget goes and it stops listening', async () => {
    // The fake's event has hasListeners(), which its published type leaves out.
    const listening = () => (fakeBrowser.storage.onChanged as unknown as { hasListeners(): boolean }).hasListeners();
    slot.mount();
    expect(listening()).toBe(true);
    lifetime.abort();
    expect(listening()).toBe(false);
    await collapse(true);
    expect(widgets()).toHaveLength(0);
  });
});
