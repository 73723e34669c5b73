import { describe, expect, test } from 'vitest';
import { page } from 'vitest/browser';
import { App } from '../../entrypoints/popup/App.tsx';
import { createPopupStore } from '../../entrypoints/popup/store.ts';
import {
  ACCOUNT,
  BALANCES,
  POOL,
  SIGNED_IN,
  SIGNED_OUT,
  balance,
  fail,
  fakeOpenOptions,
  fakeSend,
  ok,
  renderInto,
  unknownLead,
  type Handlers,
} from './fakes.ts';

function mount(handlers: Handlers) {
  const fake = fakeSend(handlers);
  const openOptions = fakeOpenOptions();
  const store = createPopupStore({ send: fake.send, openOptions });
  renderInto(<App store={store} />);
  void store.getState().load();
  return { ...fake, openOptions, store };
}

describe('the popup', () => {
  test('signed in: who, the plan, and each credit type left of its total', async () => {
    mount({ sessionGet: () => ok(SIGNED_IN), accountRefresh: () => ok(SIGNED_IN) });
    await expect.element(page.getByText('ada@babbage.example')).toBeVisible();
    await expect.element(page.getByText('Babbage & Co · Starter plan')).toBeVisible();
    const lines = page.getByRole('listitem');
    await expect.element(lines.nth(0)).toHaveTextContent('B2B email credits12 left of 15');
    await expect.element(lines.nth(1)).toHaveTextContent('Phone credits4 left of 5');
    await expect.element(lines.nth(2)).toHaveTextContent('Direct email credits5 left of 5');
    await expect.element(lines.nth(3)).toHaveTextContent('Export credits7 left of 12');
  });

  test('the figures are read again from the server when it opens', async () => {
    const fresher = { ...SIGNED_IN, account: { ...ACCOUNT, balances: { ...BALANCES, phone: balance(2, 5) } } };
    const { callsOf } = mount({ sessionGet: () => ok(SIGNED_IN), accountRefresh: () => ok(fresher) });
    await expect.element(page.getByText('2 left of 5')).toBeVisible();
    expect(callsOf('accountRefresh')).toHaveLength(1);
  });

  test('when the server cannot be reached the last known figures stay, with the reason', async () => {
    mount({
      sessionGet: () => ok(SIGNED_IN),
      accountRefresh: () => fail('server_unreachable', 'The LeadLens server is not reachable.'),
    });
    await expect
      .element(page.getByRole('alert'))
      .toHaveTextContent('Showing the last known credits. The LeadLens server is not reachable.');
    await expect.element(page.getByText('4 left of 5')).toBeVisible();
  });

  test('signed out: Sign in opens the options page, and no server call is made', async () => {
    const { openOptions, callsOf } = mount({ sessionGet: () => ok(SIGNED_OUT) });
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(openOptions).toHaveBeenCalledTimes(1);
    expect(callsOf('accountRefresh')).toEqual([]);
  });

  test('signed out by the server: says why', async () => {
    mount({
      sessionGet: () =>
        ok({ signedIn: false, reason: { code: 'unauthorized', message: 'Your API key was revoked. Sign in again.' } }),
    });
    await expect.element(page.getByRole('alert')).toHaveTextContent('Your API key was revoked. Sign in again.');
    await expect.element(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  });

  test('the background not answering: the message and Retry', async () => {
    let attempts = 0;
    mount({
      sessionGet: () =>
        ++attempts === 1 ? fail('internal', 'The extension did not answer. Try again.') : ok(SIGNED_IN),
    });
    await expect.element(page.getByRole('alert')).toHaveTextContent('The extension did not answer. Try again.');
    await page.getByRole('button', { name: 'Retry' }).click();
    await expect.element(page.getByText('ada@babbage.example')).toBeVisible();
  });

  test('a push from the same pool id on another server leaves the credits alone', async () => {
    const { store } = mount({ sessionGet: () => ok(SIGNED_IN), accountRefresh: () => ok(SIGNED_IN) });
    await expect.element(page.getByText('4 left of 5')).toBeVisible();
    store.getState().receive({
      leadlensPush: 1,
      kind: 'leadUpdated',
      pool: `https://other.example ${ACCOUNT.pool.id}`,
      slug: 'ada-lovelace',
      lead: unknownLead(),
      balances: { ...BALANCES, phone: balance(0, 5) },
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await expect.element(page.getByText('4 left of 5')).toBeVisible();
  });

  test('Settings that cannot open the options page says why, with no unhandled rejection', async () => {
    const { openOptions } = mount({ sessionGet: () => ok(SIGNED_IN), accountRefresh: () => ok(SIGNED_IN) });
    openOptions.mockResolvedValueOnce(fail('internal', 'LeadLens could not open its settings (gone).'));
    await page.getByRole('button', { name: 'Settings' }).click();
    await expect.element(page.getByRole('alert')).toHaveTextContent('LeadLens could not open its settings (gone).');
  });

  test('a reveal elsewhere updates the credits left', async () => {
    const { store } = mount({ sessionGet: () => ok(SIGNED_IN), accountRefresh: () => ok(SIGNED_IN) });
    await expect.element(page.getByText('4 left of 5')).toBeVisible();
    store.getState().receive({
      leadlensPush: 1,
      kind: 'leadUpdated',
      pool: POOL,
      slug: 'ada-lovelace',
      lead: unknownLead(),
      balances: { ...BALANCES, phone: balance(3, 5) },
    });
    await expect.element(page.getByText('3 left of 5')).toBeVisible();
  });
});
