/**
 * The widget's side of automatic discovery (issue 3): what a click costs beside each
 * button, what discovery did (revealing, no data, out of credits, kept by the guard,
 * failed), the toggles behind the settings button, and figures that follow pushes.
 */
import { describe, expect, test, vi } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { App } from '../../entrypoints/widget/App.tsx';
import { createWidgetStore } from '../../entrypoints/widget/store.ts';
import type { DiscoveryView } from '../../shared/discovery.ts';
import type { Push } from '../../shared/protocol.ts';
import {
  BALANCES,
  POOL,
  PROFILE,
  SETTINGS,
  balance,
  deferred,
  fail,
  fakeOpenOptions,
  fakeSend,
  ok,
  renderInto,
  widgetState,
  type Handlers,
} from './fakes.ts';

function mount(handlers: Handlers) {
  const fake = fakeSend(handlers);
  const store = createWidgetStore({ send: fake.send, openOptions: fakeOpenOptions() });
  renderInto(<App store={store} copy={vi.fn(async () => {})} />);
  void store.getState().load();
  return { ...fake, store };
}

function discovery(overrides: Partial<DiscoveryView['auto']> = {}, cost: Partial<DiscoveryView['cost']> = {}) {
  return {
    cost: { b2bEmail: 'credit', phone: 'credit', directEmail: 'credit', ...cost },
    auto: { b2bEmail: { state: 'off' }, phone: { state: 'off' }, directEmail: { state: 'off' }, ...overrides },
  } satisfies DiscoveryView;
}

function rowOf(title: string) {
  return page.getByRole('group', { name: title });
}

describe('the widget with automatic discovery', () => {
  test('says what a click costs: one credit of the type, free when already paid, nothing without data', async () => {
    mount({
      widgetOpened: () =>
        ok(widgetState({ discovery: discovery({}, { b2bEmail: 'credit', phone: 'free', directEmail: 'noData' }) })),
    });
    await expect.element(rowOf('B2B email')).toHaveTextContent('1 B2B email credit · 12 left');
    await expect.element(rowOf('Phone')).toHaveTextContent('Free, already paid');
    await expect.element(rowOf('Direct email')).toHaveTextContent('No data');
    await expect.element(rowOf('Direct email')).not.toHaveTextContent('left');
  });

  test('before the plan ran (or when it could not check), a click is said to cost one credit', async () => {
    mount({ widgetOpened: () => ok(widgetState({ discovery: null })) });
    await expect.element(rowOf('Phone')).toHaveTextContent('1 phone credit · 4 left');
  });

  test('shows an automatic reveal in progress, then its result from the push', async () => {
    const { store } = mount({
      widgetOpened: () => ok(widgetState({ discovery: discovery({ b2bEmail: { state: 'revealing' } }) })),
    });
    const button = page.getByRole('button', { name: 'Reveal B2B email' });
    await expect.element(button).toBeDisabled();
    await expect.element(button).toHaveTextContent('Revealing…');
    store.getState().receive({
      leadlensPush: 1,
      kind: 'leadUpdated',
      pool: POOL,
      slug: PROFILE.slug,
      lead: {
        b2bEmail: {
          status: 'revealed',
          values: [{ value: 'ada@engines.example', verifiedAt: null }],
          revealedAt: '2026-11-27T10:00:00Z',
        },
        phone: { status: 'unknown' },
        directEmail: { status: 'unknown' },
      },
      balances: BALANCES,
    });
    await expect.element(page.getByText('ada@engines.example')).toBeVisible();
  });

  test('out of credits: says which type ran out, with what is left', async () => {
    mount({
      widgetOpened: () => ok(widgetState({ discovery: discovery({ phone: { state: 'outOfCredits', remaining: 0 } }) })),
    });
    await expect.element(rowOf('Phone')).toHaveTextContent('Out of phone credits: 0 left.');
    await expect.element(page.getByRole('button', { name: 'Check again' })).toBeVisible();
  });

  test('kept by the guard: the button stays, with why it was not revealed automatically', async () => {
    mount({
      widgetOpened: () =>
        ok(widgetState({ discovery: discovery({ phone: { state: 'guarded', keep: 4, remaining: 4 } }) })),
    });
    await expect.element(page.getByRole('button', { name: 'Reveal phone' })).toBeEnabled();
    await expect
      .element(rowOf('Phone'))
      .toHaveTextContent('Not revealed automatically: 4 phone credits are kept for your clicks.');
  });

  test('a failed automatic reveal says why, and Retry reveals by hand', async () => {
    const { callsOf } = mount({
      widgetOpened: () =>
        ok(
          widgetState({
            discovery: discovery({
              b2bEmail: {
                state: 'failed',
                error: { code: 'server_unreachable', message: 'Automatic reveal did not run: server down.' },
              },
            }),
          }),
        ),
      reveal: () => fail('server_unreachable', 'Still down.'),
    });
    await expect.element(rowOf('B2B email')).toHaveTextContent('Automatic reveal did not run: server down.');
    await page.getByRole('button', { name: 'Retry' }).click();
    expect(callsOf('reveal')).toEqual([{ slug: PROFILE.slug, types: ['b2bEmail'] }]);
  });

  test('a discovery push for this tab and lead is shown; one for another tab or lead is not', async () => {
    const { store } = mount({ widgetOpened: () => ok(widgetState({ tabId: 7, discovery: null })) });
    await expect.element(rowOf('Phone')).toHaveTextContent('1 phone credit');
    const push = (tabId: number, slug: string): Push => ({
      leadlensPush: 1,
      kind: 'discoveryUpdated',
      tabId,
      pool: POOL,
      slug,
      discovery: discovery({}, { phone: 'noData' }),
    });
    store.getState().receive(push(8, PROFILE.slug));
    store.getState().receive(push(7, 'grace-hopper'));
    await expect.element(rowOf('Phone')).toHaveTextContent('1 phone credit');
    store.getState().receive(push(7, PROFILE.slug));
    await expect.element(rowOf('Phone')).toHaveTextContent('No data');
  });

  test('balances follow a reveal made in any tab (its own pool only)', async () => {
    const { store } = mount({ widgetOpened: () => ok(widgetState()) });
    await expect.element(rowOf('Phone')).toHaveTextContent('4 left');
    const push = (pool: string): Push => ({
      leadlensPush: 1,
      kind: 'balancesChanged',
      pool,
      balances: { ...BALANCES, phone: balance(1, 5) },
    });
    store.getState().receive(push('http://other.example pool-1'));
    await expect.element(rowOf('Phone')).toHaveTextContent('4 left');
    store.getState().receive(push(POOL));
    await expect.element(rowOf('Phone')).toHaveTextContent('1 left');
  });
});

describe('the widget settings', () => {
  test('the discovery toggles sit behind the settings button, with the defaults', async () => {
    mount({ widgetOpened: () => ok(widgetState()) });
    const button = page.getByRole('button', { name: 'Discovery settings' });
    await expect.element(button).toHaveAttribute('aria-expanded', 'false');
    await expect.element(page.getByRole('switch', { name: 'Automatically reveal B2B email' })).not.toBeInTheDocument();
    await button.click();
    await expect.element(button).toHaveAttribute('aria-expanded', 'true');
    await expect.element(page.getByRole('switch', { name: 'Automatically reveal B2B email' })).toBeChecked();
    await expect.element(page.getByRole('switch', { name: 'Automatically reveal phone' })).not.toBeChecked();
    await expect.element(page.getByRole('switch', { name: 'Automatically reveal direct email' })).not.toBeChecked();
  });

  test('a toggle sends only its change, and shows it at once', async () => {
    const answer = deferred<ReturnType<typeof ok<typeof SETTINGS>>>();
    const { callsOf } = mount({
      widgetOpened: () => ok(widgetState()),
      settingsChange: () => answer.promise,
    });
    await page.getByRole('button', { name: 'Discovery settings' }).click();
    const phone = page.getByRole('switch', { name: 'Automatically reveal phone' });
    await phone.click();
    await expect.element(phone).toBeChecked();
    expect(callsOf('settingsChange')).toEqual([{ patch: { autoReveal: { phone: true } } }]);
    answer.resolve(ok({ ...SETTINGS, autoReveal: { ...SETTINGS.autoReveal, phone: true } }));
    await expect.element(phone).toBeChecked();
  });

  test('a refused change is put back, with the reason', async () => {
    mount({
      widgetOpened: () => ok(widgetState()),
      settingsChange: () => fail('storage_failed', 'LeadLens could not save the setting. Free some disk space.'),
    });
    await page.getByRole('button', { name: 'Discovery settings' }).click();
    const b2b = page.getByRole('switch', { name: 'Automatically reveal B2B email' });
    await b2b.click();
    await expect.element(b2b).toBeChecked();
    await expect.element(page.getByText('LeadLens could not save the setting. Free some disk space.')).toBeVisible();
  });

  test('a change made in the popup shows here at once (settingsChanged)', async () => {
    const { store } = mount({ widgetOpened: () => ok(widgetState()) });
    await page.getByRole('button', { name: 'Discovery settings' }).click();
    store.getState().receive({
      leadlensPush: 1,
      kind: 'settingsChanged',
      settings: { ...SETTINGS, autoReveal: { b2bEmail: false, phone: true, directEmail: true } },
    });
    await expect.element(page.getByRole('switch', { name: 'Automatically reveal B2B email' })).not.toBeChecked();
    await expect.element(page.getByRole('switch', { name: 'Automatically reveal direct email' })).toBeChecked();
  });

  test('the settings work from the keyboard', async () => {
    const { callsOf } = mount({
      widgetOpened: () => ok(widgetState()),
      settingsChange: () => ok({ ...SETTINGS, autoReveal: { ...SETTINGS.autoReveal, directEmail: true } }),
    });
    await expect.element(page.getByRole('heading', { name: 'Ada Lovelace' })).toBeVisible();
    await userEvent.tab();
    await expect.element(page.getByRole('button', { name: 'Discovery settings' })).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    // The collapse button sits at the bar's end, before the panel it opened.
    await userEvent.tab();
    await expect.element(page.getByRole('button', { name: 'Collapse LeadLens' })).toHaveFocus();
    await userEvent.tab();
    await userEvent.tab();
    await userEvent.tab();
    await expect.element(page.getByRole('switch', { name: 'Automatically reveal direct email' })).toHaveFocus();
    await userEvent.keyboard(' ');
    expect(callsOf('settingsChange')).toEqual([{ patch: { autoReveal: { directEmail: true } } }]);
  });
});
