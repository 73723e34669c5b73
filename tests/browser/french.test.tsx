/**
 * The pages in French, as a browser set to French shows them: the words from
 * public/_locales/fr/messages.json, French plurals (0 and 1 are singular), and numbers, dates
 * and percentages formatted the French way. The lead's own data is never translated.
 */
import '../../components/theme.css';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { App as OptionsApp } from '../../entrypoints/options/App.tsx';
import { createOptionsStore } from '../../entrypoints/options/store.ts';
import { createUsageStore } from '../../entrypoints/options/usage-store.ts';
import { createWorkspaceStore } from '../../entrypoints/options/workspace-store.ts';
import { App as PopupApp } from '../../entrypoints/popup/App.tsx';
import { createPopupStore } from '../../entrypoints/popup/store.ts';
import { App as WidgetApp } from '../../entrypoints/widget/App.tsx';
import { createWidgetStore } from '../../entrypoints/widget/store.ts';
import { WIDGET_COLLAPSED_KEY } from '../../shared/widget-frame.ts';
import { useLanguage } from '../support/fake-wxt-browser.ts';
import {
  ACCOUNT,
  BALANCES,
  POOL,
  PROFILE,
  SIGNED_OUT,
  balance,
  fakeOpenOptions,
  fakeSend,
  ok,
  popupState,
  renderInto,
  revealed,
  signedInAs,
  signedInWith,
  unknownLead,
  widgetState,
  type Handlers,
} from './fakes.ts';

/** French puts a no-break space before a colon (our messages) … */
const NBSP = '\u00a0';
/** … and a no-break space, narrow or not as ICU's data says, in numbers and before %. */
const FRENCH_SPACE = '[\u00a0\u202f]';
const RENEWAL = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'short', year: 'numeric' }).format(
  new Date(ACCOUNT.workspace.renewsAt),
);

beforeEach(() => {
  useLanguage('fr');
  fakeBrowser.storage.resetState();
});

afterEach(() => {
  useLanguage('en');
  fakeBrowser.storage.resetState();
});

function mountWidget(handlers: Handlers) {
  const fake = fakeSend({
    widgetCollapse: async ({ collapsed }) => {
      await fakeBrowser.storage.local.set({ [WIDGET_COLLAPSED_KEY]: collapsed });
      return ok({ collapsed });
    },
    ...handlers,
  });
  const copy = vi.fn(async () => {});
  const store = createWidgetStore({ send: fake.send, openOptions: fakeOpenOptions() });
  renderInto(<WidgetApp store={store} copy={copy} />);
  void store.getState().load();
  return { ...fake, copy, store };
}

describe('the widget in French', () => {
  test('its buttons, costs and rows', async () => {
    mountWidget({ widgetOpened: () => ok(widgetState()) });
    await expect.element(page.getByRole('heading', { name: 'Ada Lovelace' })).toBeVisible();
    for (const name of ['Révéler l’e-mail pro', 'Révéler le téléphone', 'Révéler l’e-mail perso']) {
      await expect.element(page.getByRole('button', { name, exact: true })).toHaveTextContent('Révéler');
    }
    await expect.element(page.getByRole('heading', { name: 'Téléphone', exact: true })).toBeVisible();
    await expect.element(page.getByRole('heading', { name: 'E-mail pro', exact: true })).toBeVisible();
    await expect.element(page.getByText('1 crédit téléphone · 4 restants')).toBeVisible();
    await expect.element(page.getByRole('list', { name: 'Coordonnées' })).toBeVisible();
    await expect.element(page.getByRole('button', { name: 'Réglages de la découverte automatique' })).toBeVisible();
  });

  test('out of credits: singular for 0, the renewal date in French', async () => {
    mountWidget({
      widgetOpened: () => ok(widgetState()),
      reveal: () =>
        ok({
          slug: PROFILE.slug,
          pool: POOL,
          lead: { ...unknownLead(), phone: { status: 'insufficientCredits', remaining: 0 } },
          balances: { ...BALANCES, phone: balance(0, 5) },
        }),
    });
    await page.getByRole('button', { name: 'Révéler le téléphone' }).click();
    await expect.element(page.getByText(`Crédits téléphone épuisés${NBSP}: 0 restant.`)).toBeVisible();
    await expect
      .element(page.getByText(`Les crédits se renouvellent le ${RENEWAL}.`, { exact: false }))
      .toHaveTextContent('Un administrateur de l’espace de travail peut ajouter des crédits téléphone.');
    await expect.element(page.getByRole('button', { name: 'Vérifier à nouveau' })).toBeVisible();
  });

  test('fields it could not read, as a French list', async () => {
    mountWidget({
      widgetOpened: () =>
        ok(
          widgetState({
            profile: {
              ...PROFILE,
              name: null,
              headline: null,
              company: null,
              unreadable: ['name', 'headline', 'company'],
            },
          }),
        ),
    });
    await expect
      .element(page.getByText('Impossible de lire le nom, le titre et l’entreprise sur cette page.'))
      .toBeVisible();
  });

  test('copy says so, aloud too; the handle and its keys', async () => {
    const { copy } = mountWidget({
      widgetOpened: () =>
        ok(
          widgetState({
            lead: { ...unknownLead(), b2bEmail: revealed([{ value: 'ada@x.example', verifiedAt: null }]) },
          }),
        ),
    });
    const button = page.getByRole('button', { name: 'Copier ada@x.example' });
    await button.click();
    expect(copy).toHaveBeenCalledWith('ada@x.example');
    await expect.element(button).toHaveTextContent('Copié');
    await expect
      .element(page.getByRole('status').filter({ hasText: 'ada@x.example copié' }))
      .toHaveTextContent('ada@x.example copié dans le presse-papiers');

    await userEvent.keyboard('{Escape}');
    await expect.element(page.getByRole('button', { name: 'Développer LeadLens' })).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    await expect.element(page.getByRole('button', { name: 'Réduire LeadLens' })).toHaveFocus();
  });

  test('signed out', async () => {
    mountWidget({ widgetOpened: () => ok(widgetState({ session: SIGNED_OUT, lead: null })) });
    await expect
      .element(page.getByText('Connectez-vous à LeadLens pour révéler les coordonnées de ce prospect.'))
      .toBeVisible();
    await expect.element(page.getByRole('button', { name: 'Se connecter' })).toBeVisible();
  });
});

describe('the popup in French', () => {
  function mountPopup(session = signedInWith({ phone: balance(1, 4) })) {
    const fake = fakeSend({
      popupOpened: () => ok(popupState({ session })),
      accountRefresh: () => ok(session),
    });
    const store = createPopupStore({ send: fake.send, openOptions: fakeOpenOptions() });
    renderInto(<PopupApp store={store} />);
    void store.getState().load();
    return fake;
  }

  test('credits, plurals, percentages, the renewal date and the plan', async () => {
    mountPopup();
    const lines = page.getByRole('list', { name: 'Crédits' }).getByRole('listitem');
    await expect.element(lines.nth(0)).toHaveTextContent('Crédits e-mail pro12 restants sur 15');
    // French singular for 1 (and 0).
    await expect.element(lines.nth(1)).toHaveTextContent('Crédits téléphone1 restant sur 4');
    await expect
      .element(page.getByRole('meter', { name: 'Crédits téléphone' }))
      .toHaveAttribute('aria-valuetext', '1 restant sur 4');
    const warning = page.getByRole('list', { name: 'Alertes de crédits' }).getByRole('listitem').first();
    await expect.element(warning).toHaveTextContent('Téléphone : 75 % utilisés, 1 restant');
    // toHaveTextContent folds every space into one: the exact text keeps French typography.
    expect(warning.element().textContent).toMatch(
      new RegExp(`^Téléphone${NBSP}: 75${FRENCH_SPACE}% utilisés, 1 restant$`),
    );
    await expect.element(page.getByText(`Renouvellement le ${RENEWAL}`)).toBeVisible();
    await expect.element(page.getByText('Babbage & Co · offre Starter')).toBeVisible();
    await expect.element(page.getByText('Partagés par 2 membres')).toBeVisible();
    await expect.element(page.getByRole('switch', { name: 'Révéler automatiquement le téléphone' })).toBeVisible();
    await expect
      .element(page.getByRole('spinbutton', { name: 'Crédits téléphone réservés aux révélations manuelles' }))
      .toBeVisible();
    await expect.element(page.getByRole('button', { name: 'Réglages' })).toBeVisible();
  });

  test('one member, a free plan, large numbers grouped the French way', async () => {
    const account = {
      ...ACCOUNT,
      workspace: { ...ACCOUNT.workspace, plan: 'free' as const },
      pool: { id: 'pool-1', kind: 'shared' as const, members: 1 },
      balances: { ...BALANCES, b2bEmail: balance(12_000, 15_000) },
    };
    mountPopup(signedInAs(account));
    await expect.element(page.getByText('Partagés par 1 membre')).toBeVisible();
    await expect.element(page.getByText(/offre Gratuite$/)).toBeVisible();
    const line = page.getByRole('list', { name: 'Crédits' }).getByRole('listitem').first();
    await expect.element(line).toHaveTextContent('Crédits e-mail pro12 000 restants sur 15 000');
    expect(line.element().textContent).toMatch(
      new RegExp(`^Crédits e-mail pro12${FRENCH_SPACE}000 restants sur 15${FRENCH_SPACE}000$`),
    );
  });
});

describe('the options page in French', () => {
  test('the sign-in form', async () => {
    const fake = fakeSend({ sessionGet: () => ok(SIGNED_OUT) });
    const store = createOptionsStore({ send: fake.send, requestOrigins: async () => true });
    const createTabs = () => ({ usage: createUsageStore(fake), workspace: createWorkspaceStore(fake) });
    renderInto(<OptionsApp store={store} createTabs={createTabs} />);
    void store.getState().load();
    await expect.element(page.getByRole('heading', { name: 'Réglages de LeadLens' })).toBeVisible();
    await expect.element(page.getByLabelText('URL du serveur')).toBeVisible();
    await expect.element(page.getByLabelText('Clé d’API')).toBeVisible();
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expect.element(page.getByRole('alert')).toHaveTextContent('Saisissez votre clé d’API.');
  });
});
