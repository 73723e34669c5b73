/**
 * The widget collapsed to its handle: from a button or Escape, with the focus following
 * the user; remembered in storage.local (the background writes it, every tab follows); put
 * back when it cannot be saved. The frame's size is content-script-mount.test.ts's business.
 */
import '../../components/theme.css';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { App } from '../../entrypoints/widget/App.tsx';
import { createWidgetStore } from '../../entrypoints/widget/store.ts';
import { WIDGET_COLLAPSED_KEY } from '../../shared/widget-frame.ts';
import { fail, fakeOpenOptions, fakeSend, ok, renderInto, widgetState, type Handlers } from './fakes.ts';

/** What the background does with `widgetCollapse`: it stores the flag, and every tab hears of it. */
const storeFlag: Handlers['widgetCollapse'] = async ({ collapsed }) => {
  await fakeBrowser.storage.local.set({ [WIDGET_COLLAPSED_KEY]: collapsed });
  return ok({ collapsed });
};

function mount(handlers: Handlers = {}) {
  const fake = fakeSend({ widgetOpened: () => ok(widgetState()), widgetCollapse: storeFlag, ...handlers });
  const store = createWidgetStore({ send: fake.send, openOptions: fakeOpenOptions() });
  renderInto(<App store={store} />);
  void store.getState().load();
  return { ...fake, store };
}

const collapseButton = () => page.getByRole('button', { name: 'Collapse LeadLens', exact: true });
const handle = () => page.getByRole('button', { name: 'Expand LeadLens', exact: true });
const lead = () => page.getByRole('heading', { name: 'Ada Lovelace' });

beforeEach(() => {
  fakeBrowser.storage.resetState();
});

afterEach(() => {
  fakeBrowser.storage.resetState();
});

describe('collapsing the widget', () => {
  test('the collapse button leaves only the handle, focused, and the choice is stored', async () => {
    const { callsOf } = mount();
    await expect.element(lead()).toBeVisible();
    await collapseButton().click();

    await expect.element(handle()).toHaveFocus();
    await expect.element(handle()).toHaveTextContent('LeadLens');
    await expect.element(lead()).not.toBeInTheDocument();
    expect(page.getByRole('button', { name: 'Reveal phone' }).query()).toBeNull();
    expect(callsOf('widgetCollapse')).toEqual([{ collapsed: true }]);
    expect((await fakeBrowser.storage.local.get(WIDGET_COLLAPSED_KEY))[WIDGET_COLLAPSED_KEY]).toBe(true);
  });

  test('keyboard only: Escape collapses, Enter on the handle expands, the focus follows', async () => {
    const { callsOf } = mount();
    await expect.element(lead()).toBeVisible();
    await userEvent.tab();
    await userEvent.tab();
    await expect.element(collapseButton()).toHaveFocus();
    await userEvent.tab();
    await expect.element(page.getByRole('button', { name: 'Reveal B2B email' })).toHaveFocus();

    await userEvent.keyboard('{Escape}');
    await expect.element(handle()).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    await expect.element(lead()).toBeVisible();
    await expect.element(collapseButton()).toHaveFocus();
    expect(callsOf('widgetCollapse')).toEqual([{ collapsed: true }, { collapsed: false }]);
  });

  test('a widget opened after the choice starts collapsed, without showing itself first', async () => {
    await fakeBrowser.storage.local.set({ [WIDGET_COLLAPSED_KEY]: true });
    const seen: string[] = [];
    const { store } = mount();
    store.subscribe((state) => seen.push(String(state.collapsed)));
    await expect.element(handle()).toBeVisible();
    expect(page.getByRole('button', { name: 'Reveal phone' }).query()).toBeNull();
    expect(seen).not.toContain('false');
    // Not focused: nobody asked for it here.
    await expect.element(handle()).not.toHaveFocus();
  });

  test('collapsed or expanded in another tab: this widget follows, and takes no focus', async () => {
    mount();
    await expect.element(lead()).toBeVisible();
    await fakeBrowser.storage.local.set({ [WIDGET_COLLAPSED_KEY]: true });
    await expect.element(handle()).toBeVisible();
    await expect.element(handle()).not.toHaveFocus();
    await fakeBrowser.storage.local.set({ [WIDGET_COLLAPSED_KEY]: false });
    await expect.element(lead()).toBeVisible();
    await expect.element(collapseButton()).not.toHaveFocus();
  });

  test('a damaged stored value shows the whole widget', async () => {
    await fakeBrowser.storage.local.set({ [WIDGET_COLLAPSED_KEY]: 'yes' });
    mount();
    await expect.element(lead()).toBeVisible();
  });

  test('not saved (the background failed): the widget stays whole and says why', async () => {
    mount({ widgetCollapse: () => fail('storage_failed', 'LeadLens could not save the setting (disk full).') });
    await expect.element(lead()).toBeVisible();
    await collapseButton().click();
    await expect.element(page.getByText('LeadLens could not save the setting (disk full).')).toBeVisible();
    await expect.element(lead()).toBeVisible();
    expect((await fakeBrowser.storage.local.get(WIDGET_COLLAPSED_KEY))[WIDGET_COLLAPSED_KEY]).toBeUndefined();
  });

  test('can be collapsed while the lead is loading or failed to load', async () => {
    mount({ widgetOpened: () => fail('no_profile', 'LeadLens does not know this tab’s profile yet.') });
    await expect.element(page.getByRole('alert')).toBeVisible();
    await collapseButton().click();
    await expect.element(handle()).toHaveFocus();
  });
});

/**
 * The name a screen reader gives a control, as far as these pages use the rules: aria-label,
 * aria-labelledby, a wrapping or pointing <label>, else its text without aria-hidden parts.
 */
function accessibleName(control: HTMLElement): string {
  const text = (element: Element): string => {
    const copy = element.cloneNode(true) as Element;
    for (const hidden of copy.querySelectorAll('[aria-hidden="true"]')) hidden.remove();
    return (copy.textContent ?? '').trim();
  };
  const label = control.getAttribute('aria-label');
  if (label) return label.trim();
  const labelledBy = control.getAttribute('aria-labelledby');
  if (labelledBy) {
    return labelledBy
      .split(' ')
      .map((id) => document.getElementById(id))
      .map((element) => (element ? text(element) : ''))
      .join(' ')
      .trim();
  }
  const labels = (control as HTMLInputElement).labels;
  if (labels && labels.length > 0) return [...labels].map(text).join(' ').trim();
  return text(control);
}

describe('names and visible focus', () => {
  test('every control of the widget, its settings and the handle has a name', async () => {
    mount();
    await expect.element(lead()).toBeVisible();
    await page.getByRole('button', { name: 'Discovery settings' }).click();
    await expect.element(page.getByRole('switch', { name: 'Automatically reveal phone' })).toBeVisible();
    const controls = [...document.querySelectorAll<HTMLElement>('[data-test-root] :is(button, input, meter)')];
    expect(controls.length).toBeGreaterThan(6);
    for (const control of controls) expect(accessibleName(control), control.outerHTML).not.toBe('');
    await collapseButton().click();
    await expect.element(handle()).toBeVisible();
    expect(accessibleName(handle().element() as HTMLElement)).toBe('Expand LeadLens');
  });

  test('every control of the widget and the handle shows where the focus is', async () => {
    mount();
    await expect.element(lead()).toBeVisible();
    const outlines: string[] = [];
    for (let i = 0; i < 5; i++) {
      await userEvent.tab();
      const focused = document.activeElement as HTMLElement;
      const style = getComputedStyle(focused);
      outlines.push(
        `${focused.getAttribute('aria-label') ?? focused.textContent}: ${style.outlineStyle} ${style.outlineWidth}`,
      );
    }
    for (const outline of outlines) expect(outline).toMatch(/: solid 2px$/);
    await userEvent.keyboard('{Escape}');
    await expect.element(handle()).toHaveFocus();
    const style = getComputedStyle(handle().element());
    expect([style.outlineStyle, style.outlineWidth, style.outlineOffset]).toEqual(['solid', '2px', '-4px']);
  });
});
