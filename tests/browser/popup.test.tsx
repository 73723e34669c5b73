// The popup's own styles, as popup.html loads them.
import '../../components/theme.css';
import '../../entrypoints/popup/popup.css';
import { describe, expect, test } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { formatDate } from '../../components/format.ts';
import { App } from '../../entrypoints/popup/App.tsx';
import { createPopupStore } from '../../entrypoints/popup/store.ts';
import type { Balances } from '../../shared/api.ts';
import type { Push, Reply, SessionView } from '../../shared/protocol.ts';
import type { DiscoverySettings } from '../../shared/settings.ts';
import {
  ACCOUNT,
  BALANCES,
  POOL,
  SETTINGS,
  SIGNED_IN,
  SIGNED_OUT,
  balance,
  deferred,
  fail,
  fakeOpenOptions,
  fakeSend,
  ok,
  popupState,
  renderInto,
  signedInAs,
  signedInWith,
  unknownLead,
  type Handlers,
} from './fakes.ts';

function mount(handlers: Handlers) {
  const fake = fakeSend(handlers);
  const openOptions = fakeOpenOptions();
  const store = createPopupStore({ send: fake.send, openOptions });
  renderInto(<App store={store} />);
  void store.getState().load();
  const push = (message: Push) => store.getState().receive(message);
  return { ...fake, openOptions, store, push };
}

/** Opens signed in with `session` kept by the background; the server answers the same. */
function mountSignedIn(session: SessionView = SIGNED_IN, settings: DiscoverySettings = SETTINGS) {
  return mount({ popupOpened: () => ok(popupState({ session, settings })), accountRefresh: () => ok(session) });
}

const RENEWAL = formatDate(ACCOUNT.workspace.renewsAt);

const creditLines = () => page.getByRole('list', { name: 'Credits' }).getByRole('listitem');
const meter = (name: string) => page.getByRole('meter', { name, exact: true });
const warnings = () => page.getByRole('list', { name: 'Credit warnings' }).getByRole('listitem');
const toggle = (name: string) => page.getByRole('switch', { name, exact: true });

/** What a meter shows: credits left, out of how many. */
function meterReading(name: string) {
  const element = meter(name).element() as HTMLMeterElement;
  return { min: element.min, value: element.value, max: element.max };
}

const balancesPush = (balances: Balances, pool = POOL): Push => ({
  leadlensPush: 1,
  kind: 'balancesChanged',
  pool,
  balances,
});

describe('the popup: who and what is left', () => {
  test('who is signed in, the workspace and plan, shared credits and each type left of its total', async () => {
    mountSignedIn();
    await expect.element(page.getByText('ada@babbage.example')).toBeVisible();
    await expect.element(page.getByText('Babbage & Co · Starter plan')).toBeVisible();
    await expect.element(page.getByText('Shared by 2 members')).toBeVisible();
    await expect.element(creditLines().nth(0)).toHaveTextContent('B2B email credits12 left of 15');
    await expect.element(creditLines().nth(1)).toHaveTextContent('Phone credits4 left of 5');
    await expect.element(creditLines().nth(2)).toHaveTextContent('Direct email credits5 left of 5');
    // Export: 10 a month plus 2 add-ons bought.
    await expect.element(creditLines().nth(3)).toHaveTextContent('Export credits7 left of 12');
  });

  test('a meter per type, named after it, from 0 to the period total', async () => {
    mountSignedIn();
    await expect.element(meter('B2B email credits')).toBeVisible();
    expect(meterReading('B2B email credits')).toEqual({ min: 0, value: 12, max: 15 });
    expect(meterReading('Phone credits')).toEqual({ min: 0, value: 4, max: 5 });
    expect(meterReading('Direct email credits')).toEqual({ min: 0, value: 5, max: 5 });
    expect(meterReading('Export credits')).toEqual({ min: 0, value: 7, max: 12 });
  });

  test('a free plan says the credits are personal', async () => {
    const free = signedInAs(
      {
        ...ACCOUNT,
        workspace: { ...ACCOUNT.workspace, name: 'Ada', plan: 'free', seats: 1, members: 1 },
        pool: { id: 'pool-ada', kind: 'personal', members: 1 },
      },
      'http://127.0.0.1:8787 pool-ada',
    );
    mountSignedIn(free);
    await expect.element(page.getByText('Ada · Free plan')).toBeVisible();
    await expect.element(page.getByText('Personal credits')).toBeVisible();
    expect(page.getByText('Shared by', { exact: false }).all()).toHaveLength(0);
  });

  test('a larger workspace says how many members share the credits', async () => {
    mountSignedIn(signedInAs({ ...ACCOUNT, pool: { ...ACCOUNT.pool, members: 4 } }));
    await expect.element(page.getByText('Shared by 4 members')).toBeVisible();
  });

  test('the renewal date', async () => {
    mountSignedIn();
    // The browser's own date format ("1 Dec 2026" in British English).
    await expect.element(page.getByText(`Renews on ${RENEWAL}`)).toBeVisible();
  });

  test('opens at once with the figures the background keeps, then shows the fresh ones', async () => {
    const fresh = deferred<Reply<SessionView>>();
    const { callsOf } = mount({ popupOpened: () => ok(popupState()), accountRefresh: () => fresh.promise });
    await expect.element(creditLines().nth(1)).toHaveTextContent('Phone credits4 left of 5');
    expect(callsOf('accountRefresh')).toHaveLength(1);
    fresh.resolve(ok(signedInWith({ phone: balance(2, 5) })));
    await expect.element(creditLines().nth(1)).toHaveTextContent('Phone credits2 left of 5');
    expect(meterReading('Phone credits').value).toBe(2);
  });

  test('when the server cannot be reached the last known figures stay, with the reason', async () => {
    mount({
      popupOpened: () => ok(popupState()),
      accountRefresh: () => fail('server_unreachable', 'The LeadLens server is not reachable.'),
    });
    await expect
      .element(page.getByRole('alert'))
      .toHaveTextContent('Showing the last known credits. The LeadLens server is not reachable.');
    await expect.element(creditLines().nth(1)).toHaveTextContent('Phone credits4 left of 5');
  });

  test('the background not answering: the message and Retry', async () => {
    let attempts = 0;
    mount({
      popupOpened: () =>
        ++attempts === 1 ? fail('internal', 'The extension did not answer. Try again.') : ok(popupState()),
      accountRefresh: () => ok(SIGNED_IN),
    });
    await expect.element(page.getByRole('alert')).toHaveTextContent('The extension did not answer. Try again.');
    await page.getByRole('button', { name: 'Retry' }).click();
    await expect.element(page.getByText('ada@babbage.example')).toBeVisible();
  });

  test('Settings that cannot open the options page says why, with no unhandled rejection', async () => {
    const { openOptions } = mountSignedIn();
    openOptions.mockResolvedValueOnce(fail('internal', 'LeadLens could not open its settings (gone).'));
    await page.getByRole('button', { name: 'Settings' }).click();
    await expect.element(page.getByRole('alert')).toHaveTextContent('LeadLens could not open its settings (gone).');
  });
});

describe('the popup: warnings', () => {
  test('75%, 90% and 100% used, in words, in a status region', async () => {
    mountSignedIn(
      signedInWith({
        b2bEmail: balance(0, 15),
        phone: balance(1, 4),
        directEmail: balance(1, 10),
        export: balance(4, 15),
      }),
    );
    await expect.element(warnings().nth(0)).toHaveTextContent(`B2B email credits are used up until ${RENEWAL}`);
    await expect.element(warnings().nth(1)).toHaveTextContent('Phone: 75% used, 1 left');
    await expect.element(warnings().nth(2)).toHaveTextContent('Direct email: 90% used, 1 left');
    // Export: 11 of 15 used is 73%, no warning yet.
    expect(warnings().all()).toHaveLength(3);
    await expect.element(page.getByRole('status').filter({ hasText: 'Phone: 75% used' })).toBeVisible();
  });

  test('add-ons count in the total: 9 of 12 used is 75%', async () => {
    mountSignedIn(signedInWith({ export: balance(3, 10, 2) }));
    await expect.element(warnings().nth(0)).toHaveTextContent('Export: 75% used, 3 left');
  });

  test('nothing to warn about: no warnings', async () => {
    mountSignedIn();
    await expect.element(page.getByText('ada@babbage.example')).toBeVisible();
    expect(warnings().all()).toHaveLength(0);
  });
});

describe('the popup: live figures', () => {
  test('a reveal elsewhere updates the meters and the warnings', async () => {
    const { push } = mountSignedIn();
    await expect.element(creditLines().nth(1)).toHaveTextContent('Phone credits4 left of 5');
    push(balancesPush({ ...BALANCES, phone: balance(0, 5) }));
    await expect.element(creditLines().nth(1)).toHaveTextContent('Phone credits0 left of 5');
    expect(meterReading('Phone credits').value).toBe(0);
    await expect.element(warnings().nth(0)).toHaveTextContent(`Phone credits are used up until ${RENEWAL}`);
  });

  test('balances of the same pool id on another server leave the figures alone', async () => {
    const { push } = mountSignedIn();
    await expect.element(creditLines().nth(1)).toHaveTextContent('Phone credits4 left of 5');
    push(balancesPush({ ...BALANCES, phone: balance(0, 5) }, `https://other.example ${ACCOUNT.pool.id}`));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await expect.element(creditLines().nth(1)).toHaveTextContent('Phone credits4 left of 5');
    expect(warnings().all()).toHaveLength(0);
  });

  test('leadUpdated no longer moves the figures (balancesChanged does)', async () => {
    const { push } = mountSignedIn();
    await expect.element(creditLines().nth(1)).toHaveTextContent('Phone credits4 left of 5');
    push({
      leadlensPush: 1,
      kind: 'leadUpdated',
      pool: POOL,
      slug: 'ada-lovelace',
      lead: unknownLead(),
      balances: { ...BALANCES, phone: balance(3, 5) },
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await expect.element(creditLines().nth(1)).toHaveTextContent('Phone credits4 left of 5');
  });

  test('a session change replaces what is shown: signed out in options', async () => {
    const { push } = mountSignedIn();
    await expect.element(page.getByText('ada@babbage.example')).toBeVisible();
    push({ leadlensPush: 1, kind: 'sessionChanged', session: SIGNED_OUT });
    await expect.element(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
    expect(page.getByText('ada@babbage.example').all()).toHaveLength(0);
  });

  test('a session change replaces what is shown: another account', async () => {
    const { push } = mountSignedIn();
    await expect.element(page.getByText('ada@babbage.example')).toBeVisible();
    const charles = signedInAs(
      {
        ...ACCOUNT,
        user: { ...ACCOUNT.user, email: 'charles@babbage.example' },
        pool: { ...ACCOUNT.pool, id: 'pool-2' },
      },
      'http://127.0.0.1:8787 pool-2',
    );
    push({ leadlensPush: 1, kind: 'sessionChanged', session: charles });
    await expect.element(page.getByText('charles@babbage.example')).toBeVisible();
  });

  test("a fresh read that answers after signing out doesn't sign the popup back in", async () => {
    const fresh = deferred<Reply<SessionView>>();
    const { push } = mount({ popupOpened: () => ok(popupState()), accountRefresh: () => fresh.promise });
    await expect.element(page.getByText('ada@babbage.example')).toBeVisible();
    push({ leadlensPush: 1, kind: 'sessionChanged', session: SIGNED_OUT });
    fresh.resolve(ok(SIGNED_IN));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await expect.element(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  });
});

describe('the popup: Automatic discovery', () => {
  test('shows the settings the background keeps, with the guards', async () => {
    mountSignedIn(SIGNED_IN, {
      autoReveal: { b2bEmail: true, phone: true, directEmail: false },
      keepAtLeast: { b2bEmail: 0, phone: 2, directEmail: 0 },
    });
    await expect.element(toggle('Automatically reveal B2B email')).toBeChecked();
    await expect.element(toggle('Automatically reveal phone')).toBeChecked();
    await expect.element(toggle('Automatically reveal direct email')).not.toBeChecked();
    await expect
      .element(page.getByRole('spinbutton', { name: 'Phone credits kept for manual reveals' }))
      .toHaveValue(2);
  });

  test('a toggle is sent at once with only what changed, and shown before the answer', async () => {
    const answer = deferred<Reply<DiscoverySettings>>();
    const { callsOf } = mount({
      popupOpened: () => ok(popupState()),
      accountRefresh: () => ok(SIGNED_IN),
      settingsChange: () => answer.promise,
    });
    await toggle('Automatically reveal phone').click();
    expect(callsOf('settingsChange')).toEqual([{ patch: { autoReveal: { phone: true } } }]);
    await expect.element(toggle('Automatically reveal phone')).toBeChecked();
    await expect.element(page.getByText('Saving…')).toBeInTheDocument();
    answer.resolve(ok({ ...SETTINGS, autoReveal: { ...SETTINGS.autoReveal, phone: true } }));
    await expect.element(page.getByText('Saving…')).not.toBeInTheDocument();
    await expect.element(toggle('Automatically reveal phone')).toBeChecked();
  });

  test('a change that fails is put back, and the popup says why', async () => {
    const answer = deferred<Reply<DiscoverySettings>>();
    mount({
      popupOpened: () => ok(popupState()),
      accountRefresh: () => ok(SIGNED_IN),
      settingsChange: () => answer.promise,
    });
    await toggle('Automatically reveal B2B email').click();
    await expect.element(toggle('Automatically reveal B2B email')).not.toBeChecked();
    answer.resolve(fail('storage_failed', 'The settings could not be saved.'));
    await expect.element(toggle('Automatically reveal B2B email')).toBeChecked();
    await expect
      .element(page.getByRole('alert'))
      .toHaveTextContent('Your change was not saved. The settings could not be saved.');
  });

  test('of two quick changes, only the one that failed is put back', async () => {
    const answers = [deferred<Reply<DiscoverySettings>>(), deferred<Reply<DiscoverySettings>>()];
    const [phoneAnswer, directEmailAnswer] = answers;
    const queue = [...answers];
    mount({
      popupOpened: () => ok(popupState()),
      accountRefresh: () => ok(SIGNED_IN),
      settingsChange: () => {
        const next = queue.shift();
        if (!next) throw new Error('one change too many');
        return next.promise;
      },
    });
    await toggle('Automatically reveal phone').click();
    await toggle('Automatically reveal direct email').click();
    await expect.element(toggle('Automatically reveal phone')).toBeChecked();
    await expect.element(toggle('Automatically reveal direct email')).toBeChecked();
    phoneAnswer?.resolve(fail('internal', 'The extension did not answer.'));
    directEmailAnswer?.resolve(ok({ ...SETTINGS, autoReveal: { ...SETTINGS.autoReveal, directEmail: true } }));
    await expect.element(toggle('Automatically reveal phone')).not.toBeChecked();
    await expect.element(toggle('Automatically reveal direct email')).toBeChecked();
    await expect.element(page.getByRole('alert')).toHaveTextContent('The extension did not answer.');
  });

  test('a guard is sent as a number when committed', async () => {
    const { callsOf } = mount({
      popupOpened: () => ok(popupState()),
      accountRefresh: () => ok(SIGNED_IN),
      settingsChange: ({ patch }) =>
        ok({ ...SETTINGS, keepAtLeast: { ...SETTINGS.keepAtLeast, ...patch.keepAtLeast } }),
    });
    await page.getByRole('spinbutton', { name: 'Phone credits kept for manual reveals' }).fill('3');
    await userEvent.keyboard('{Enter}');
    expect(callsOf('settingsChange')).toEqual([{ patch: { keepAtLeast: { phone: 3 } } }]);
  });

  test('a change made in a widget shows at once', async () => {
    const { push } = mountSignedIn();
    await expect.element(toggle('Automatically reveal phone')).not.toBeChecked();
    push({
      leadlensPush: 1,
      kind: 'settingsChanged',
      settings: { autoReveal: { b2bEmail: false, phone: true, directEmail: false }, keepAtLeast: SETTINGS.keepAtLeast },
    });
    await expect.element(toggle('Automatically reveal phone')).toBeChecked();
    await expect.element(toggle('Automatically reveal B2B email')).not.toBeChecked();
  });
});

describe('the popup: signed out', () => {
  test('says so; Sign in opens the options page, and no server call is made', async () => {
    const { openOptions, callsOf } = mount({ popupOpened: () => ok(popupState({ session: SIGNED_OUT })) });
    await expect.element(page.getByText('You are signed out.', { exact: false })).toBeVisible();
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(openOptions).toHaveBeenCalledTimes(1);
    expect(callsOf('accountRefresh')).toEqual([]);
    expect(page.getByRole('switch').all()).toHaveLength(0);
  });

  test('signed out by the server: says why', async () => {
    mount({
      popupOpened: () =>
        ok(
          popupState({
            session: {
              signedIn: false,
              reason: { code: 'unauthorized', message: 'Your API key was revoked. Sign in again.' },
            },
          }),
        ),
    });
    await expect.element(page.getByRole('alert')).toHaveTextContent('Your API key was revoked. Sign in again.');
    await expect.element(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  });

  test('the server refusing the key on the fresh read signs the popup out, with the reason', async () => {
    mount({
      popupOpened: () => ok(popupState()),
      accountRefresh: () =>
        ok({ signedIn: false, reason: { code: 'unauthorized', message: 'Your API key was revoked. Sign in again.' } }),
    });
    await expect.element(page.getByRole('alert')).toHaveTextContent('Your API key was revoked. Sign in again.');
    await expect.element(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  });
});
