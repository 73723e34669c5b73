/**
 * A member's monthly limits (R11) as the pages show them: the widget says the limit refused
 * a reveal (not "out of credits", the pool may be full), and the popup shows the member's
 * limit and usage beside the pool's figures. In English and in French.
 */
import '../../components/theme.css';
import '../../entrypoints/popup/popup.css';
import { afterEach, describe, expect, test } from 'vitest';
import { page } from 'vitest/browser';
import { App as PopupApp } from '../../entrypoints/popup/App.tsx';
import { createPopupStore } from '../../entrypoints/popup/store.ts';
import { App as WidgetApp } from '../../entrypoints/widget/App.tsx';
import { createWidgetStore } from '../../entrypoints/widget/store.ts';
import type { Account } from '../../shared/api.ts';
import type { SessionView } from '../../shared/protocol.ts';
import { useLanguage } from '../support/fake-wxt-browser.ts';
import {
  ACCOUNT,
  BALANCES,
  POOL,
  PROFILE,
  fakeOpenOptions,
  fakeSend,
  ok,
  popupState,
  renderInto,
  signedInAs,
  unknownLead,
  widgetState,
} from './fakes.ts';

afterEach(() => {
  useLanguage('en');
});

const LIMITED: Account = {
  ...ACCOUNT,
  user: { ...ACCOUNT.user, role: 'member' },
  limits: { phone: { limit: 20, used: 12, remaining: 8 } },
};

function mountWidgetRefused() {
  const fake = fakeSend({
    widgetOpened: () => ok(widgetState({ session: signedInAs(LIMITED) })),
    reveal: () =>
      ok({
        slug: PROFILE.slug,
        pool: POOL,
        lead: {
          ...unknownLead(),
          phone: { status: 'insufficientCredits', remaining: 0, memberLimit: { limit: 20, used: 20 } },
        },
        balances: BALANCES,
      }),
  });
  const store = createWidgetStore({ send: fake.send, openOptions: fakeOpenOptions() });
  renderInto(<WidgetApp store={store} copy={async () => {}} />);
  void store.getState().load();
}

function mountPopup(session: SessionView) {
  const fake = fakeSend({ popupOpened: () => ok(popupState({ session })), accountRefresh: () => ok(session) });
  const store = createPopupStore({ send: fake.send, openOptions: fakeOpenOptions() });
  renderInto(<PopupApp store={store} />);
  void store.getState().load();
  return store;
}

describe('the widget, a reveal refused by the member’s limit', () => {
  test('names the limit, not an empty pool', async () => {
    mountWidgetRefused();
    await page.getByRole('button', { name: 'Reveal phone' }).click();
    await expect.element(page.getByText('You reached your monthly limit of 20 phone credits.')).toBeVisible();
    await expect.element(page.getByText(/Your workspace admin can raise it/)).toBeVisible();
    expect(document.body.textContent).not.toContain('Out of phone credits');
  });

  test('in French', async () => {
    useLanguage('fr');
    mountWidgetRefused();
    await page.getByRole('button', { name: 'Révéler le téléphone' }).click();
    await expect
      .element(page.getByText('Vous avez atteint votre limite mensuelle de 20 crédits téléphone.'))
      .toBeVisible();
  });
});

describe('the widget before a click', () => {
  test('says what the member can still spend: their limit, when it is lower than the pool', async () => {
    const limited = { ...LIMITED, limits: { phone: { limit: 20, used: 18, remaining: 2 } } };
    const fake = fakeSend({ widgetOpened: () => ok(widgetState({ session: signedInAs(limited) })) });
    const store = createWidgetStore({ send: fake.send, openOptions: fakeOpenOptions() });
    renderInto(<WidgetApp store={store} copy={async () => {}} />);
    void store.getState().load();
    // 4 phone credits in the pool, 2 left under the member's limit.
    await expect.element(page.getByText('1 phone credit · 2 left')).toBeVisible();
    store.getState().receive({
      leadlensPush: 1,
      kind: 'balancesChanged',
      pool: POOL,
      balances: BALANCES,
      limits: { phone: { limit: 20, used: 19, remaining: 1 } },
    });
    await expect.element(page.getByText('1 phone credit · 1 left')).toBeVisible();
  });
});

describe('the popup', () => {
  test('shows the member’s own limit and usage where one is set', async () => {
    mountPopup(signedInAs(LIMITED));
    const limits = page.getByRole('list', { name: 'Your monthly limits' }).getByRole('listitem');
    await expect.element(limits.first()).toHaveTextContent('Your limit: 20 phone credits, 12 used');
    expect(limits.elements()).toHaveLength(1);
  });

  test('no limit, no line', async () => {
    mountPopup(signedInAs(ACCOUNT));
    await expect.element(page.getByRole('list', { name: 'Credits' })).toBeVisible();
    expect(page.getByRole('list', { name: 'Your monthly limits' }).elements()).toHaveLength(0);
  });

  test('usage follows a reveal (the balancesChanged push carries the limits)', async () => {
    const store = mountPopup(signedInAs(LIMITED));
    const line = page.getByRole('list', { name: 'Your monthly limits' }).getByRole('listitem');
    await expect.element(line.first()).toHaveTextContent('12 used');
    store.getState().receive({
      leadlensPush: 1,
      kind: 'balancesChanged',
      pool: POOL,
      balances: BALANCES,
      limits: { phone: { limit: 20, used: 13, remaining: 7 } },
    });
    await expect.element(line.first()).toHaveTextContent('Your limit: 20 phone credits, 13 used');
  });

  test('in French', async () => {
    useLanguage('fr');
    mountPopup(signedInAs(LIMITED));
    const limits = page.getByRole('list', { name: 'Vos limites mensuelles' }).getByRole('listitem');
    await expect.element(limits.first()).toBeVisible();
    // French puts a no-break space before a colon.
    expect(limits.first().element().textContent).toBe('Votre limite\u00a0: 20 crédits téléphone, utilisés\u00a0: 12');
  });
});
