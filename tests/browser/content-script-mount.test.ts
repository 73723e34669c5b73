/**
 * The widget frame the content script mounts (entrypoints/profile.content/mount.ts), in a real
 * page: the extension's widget page in one iframe, fixed on the right edge, never twice, out of
 * the page's reach of style, and gone when the script is invalidated.
 */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { createWidgetSlot, WIDGET_MARK } from '../../entrypoints/profile.content/mount.ts';
import type { WidgetSlot } from '../../entrypoints/profile.content/navigation.ts';

const widgets = () => [...document.querySelectorAll<HTMLElement>(`[${WIDGET_MARK}]`)];
let lifetime: AbortController;
let slot: WidgetSlot;

beforeEach(() => {
  lifetime = new AbortController();
  slot = createWidgetSlot(document, {
    onInvalidated(callback) {
      lifetime.signal.addEventListener('abort', callback);
      return () => lifetime.signal.removeEventListener('abort', callback);
    },
  });
});

afterEach(() => {
  lifetime.abort();
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
