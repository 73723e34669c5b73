/**
 * The widget's collapsed flag as the background keeps it: written on `widgetCollapse` from an
 * extension page only, into storage.local where every tab's content script and widget read it.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { WIDGET_COLLAPSED_KEY } from '../../../shared/widget-frame.ts';
import {
  FakeServer,
  contentSender,
  expectOk,
  optionsSender,
  resetIndexedDB,
  startBackground,
  widgetSender,
} from './harness.ts';

const stored = async () => (await fakeBrowser.storage.local.get(WIDGET_COLLAPSED_KEY))[WIDGET_COLLAPSED_KEY];

let server: FakeServer;

beforeEach(() => {
  resetIndexedDB();
  server = new FakeServer();
});

describe('collapsing the widget', () => {
  it('is stored for every tab, and told to each through storage', async () => {
    const bg = startBackground(server);
    const heard: unknown[] = [];
    fakeBrowser.storage.onChanged.addListener((changes, area) => {
      if (area === 'local' && WIDGET_COLLAPSED_KEY in changes) heard.push(changes[WIDGET_COLLAPSED_KEY]?.newValue);
    });
    expect(expectOk(await bg.send('widgetCollapse', { collapsed: true }, widgetSender(1)))).toEqual({
      collapsed: true,
    });
    expect(await stored()).toBe(true);
    expectOk(await bg.send('widgetCollapse', { collapsed: false }, widgetSender(2)));
    expect(await stored()).toBe(false);
    expect(heard).toEqual([true, false]);
  });

  it('is refused from a content script (the page’s world could reach it) and with a bad shape', async () => {
    const bg = startBackground(server);
    expect(await bg.send('widgetCollapse', { collapsed: true }, contentSender(1))).toMatchObject({
      ok: false,
      error: { code: 'forbidden_sender' },
    });
    expect(
      await bg.send('widgetCollapse', { collapsed: 'yes' } as unknown as { collapsed: boolean }, optionsSender()),
    ).toMatchObject({ ok: false, error: { code: 'bad_message' } });
    expect(await stored()).toBeUndefined();
  });
});
