import { describe, expect, test, vi } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { App } from '../../entrypoints/widget/App.tsx';
import { createWidgetStore } from '../../entrypoints/widget/store.ts';
import type { Push, RevealOutcome } from '../../shared/protocol.ts';
import {
  BALANCES,
  PHONES,
  POOL,
  PROFILE,
  SIGNED_OUT,
  balance,
  deferred,
  fail,
  fakeOpenOptions,
  fakeSend,
  ok,
  renderInto,
  revealed,
  unknownLead,
  widgetState,
  type Handlers,
} from './fakes.ts';

function mount(handlers: Handlers) {
  const fake = fakeSend(handlers);
  const openOptions = fakeOpenOptions();
  const copy = vi.fn(async () => {});
  const store = createWidgetStore({ send: fake.send, openOptions });
  const container = renderInto(<App store={store} copy={copy} />);
  void store.getState().load();
  return { ...fake, store, container, openOptions, copy };
}

const phoneRevealed = (): RevealOutcome => ({
  slug: PROFILE.slug,
  pool: POOL,
  lead: { ...unknownLead(), phone: revealed(PHONES) },
  balances: { ...BALANCES, phone: balance(3, 5) },
});

describe('the widget', () => {
  test('shows the lead and one reveal button per type', async () => {
    mount({ widgetOpened: () => ok(widgetState()) });
    await expect.element(page.getByRole('heading', { name: 'Ada Lovelace' })).toBeVisible();
    await expect.element(page.getByText('Analyst of the Analytical Engine')).toBeVisible();
    await expect.element(page.getByText('Babbage & Co')).toBeInTheDocument();
    await expect.element(page.getByText('London, England, United Kingdom')).toBeInTheDocument();
    for (const name of ['Reveal B2B email', 'Reveal phone', 'Reveal direct email']) {
      await expect.element(page.getByRole('button', { name, exact: true })).toBeEnabled();
    }
    await expect.element(page.getByText('1 phone credit · 4 left')).toBeVisible();
  });

  test('says it is loading until the background answers', async () => {
    const reply = deferred<ReturnType<typeof ok<ReturnType<typeof widgetState>>>>();
    mount({ widgetOpened: () => reply.promise });
    await expect.element(page.getByText('Loading…')).toBeVisible();
    reply.resolve(ok(widgetState()));
    await expect.element(page.getByRole('heading', { name: 'Ada Lovelace' })).toBeVisible();
  });

  test('reveal: disabled and busy while loading, then the values as text with copy buttons', async () => {
    const answer = deferred<ReturnType<typeof ok<RevealOutcome>>>();
    const { callsOf } = mount({ widgetOpened: () => ok(widgetState()), reveal: () => answer.promise });
    const button = page.getByRole('button', { name: 'Reveal phone' });
    await button.click();

    await expect.element(button).toBeDisabled();
    await expect.element(button).toHaveAttribute('aria-busy', 'true');
    await expect.element(button).toHaveTextContent('Revealing…');
    expect(callsOf('reveal')).toEqual([{ slug: 'ada-lovelace', types: ['phone'] }]);

    answer.resolve(ok(phoneRevealed()));
    await expect.element(page.getByText('+44 20 7946 0018')).toBeVisible();
    await expect.element(page.getByText('+44 20 7946 0999')).toBeVisible();
    await expect.element(page.getByText('Mobile', { exact: true })).toBeVisible();
    await expect.element(page.getByText('Landline', { exact: true })).toBeVisible();
    await expect.element(page.getByRole('button', { name: 'Copy +44 20 7946 0018' })).toBeVisible();
    await expect.element(page.getByRole('button', { name: 'Reveal phone' })).not.toBeInTheDocument();
    // The other types are untouched.
    await expect.element(page.getByRole('button', { name: 'Reveal B2B email' })).toBeEnabled();
  });

  test('a double click sends exactly one reveal', async () => {
    const answer = deferred<ReturnType<typeof ok<RevealOutcome>>>();
    const { callsOf } = mount({ widgetOpened: () => ok(widgetState()), reveal: () => answer.promise });
    const button = page.getByRole('button', { name: 'Reveal phone' });
    await expect.element(button).toBeEnabled();
    await userEvent.dblClick(button);
    answer.resolve(ok(phoneRevealed()));
    await expect.element(page.getByText('+44 20 7946 0018')).toBeVisible();
    expect(callsOf('reveal')).toHaveLength(1);
  });

  test('two clicks in one task, before the button is re-rendered disabled, send one reveal', async () => {
    const answer = deferred<ReturnType<typeof ok<RevealOutcome>>>();
    const { callsOf } = mount({ widgetOpened: () => ok(widgetState()), reveal: () => answer.promise });
    const button = page.getByRole('button', { name: 'Reveal phone' });
    await expect.element(button).toBeEnabled();
    const element = button.element() as HTMLButtonElement;
    element.click();
    element.click();
    answer.resolve(ok(phoneRevealed()));
    await expect.element(page.getByText('+44 20 7946 0018')).toBeVisible();
    expect(callsOf('reveal')).toHaveLength(1);
  });

  test('types already paid show their values at once, with no button and no reveal', async () => {
    const { callsOf } = mount({
      widgetOpened: () =>
        ok(
          widgetState({
            lead: { ...unknownLead(), b2bEmail: revealed([{ value: 'ada@x.example', verifiedAt: null }]) },
          }),
        ),
    });
    await expect.element(page.getByText('ada@x.example')).toBeVisible();
    await expect.element(page.getByRole('button', { name: 'Reveal B2B email' })).not.toBeInTheDocument();
    await expect.element(page.getByRole('button', { name: 'Reveal phone' })).toBeVisible();
    expect(callsOf('reveal')).toEqual([]);
  });

  test('copy: the value goes to the clipboard and the button says Copied', async () => {
    const { copy } = mount({
      widgetOpened: () =>
        ok(
          widgetState({
            lead: { ...unknownLead(), b2bEmail: revealed([{ value: 'ada@x.example', verifiedAt: null }]) },
          }),
        ),
    });
    const button = page.getByRole('button', { name: 'Copy ada@x.example' });
    const status = page.getByRole('status').filter({ hasText: 'ada@x.example' });
    await button.click();
    expect(copy).toHaveBeenCalledWith('ada@x.example');
    await expect.element(button).toHaveTextContent('Copied');
    // Said aloud too: a status region, always in the page, gets the words.
    await expect.element(status).toHaveTextContent('ada@x.example copied to the clipboard');
    // A moment later the button is ready again, and the region is quiet.
    await expect.element(button, { timeout: 4000 }).toHaveTextContent(/^Copy$/);
    await expect.element(status).not.toBeInTheDocument();
  });

  test('copy refused by the browser: the button and the status region say so', async () => {
    const { copy } = mount({
      widgetOpened: () =>
        ok(
          widgetState({
            lead: { ...unknownLead(), b2bEmail: revealed([{ value: 'ada@x.example', verifiedAt: null }]) },
          }),
        ),
    });
    copy.mockRejectedValueOnce(new Error('clipboard blocked'));
    const button = page.getByRole('button', { name: 'Copy ada@x.example' });
    await button.click();
    await expect.element(button).toHaveTextContent('Copy failed');
    await expect
      .element(page.getByRole('status').filter({ hasText: 'ada@x.example' }))
      .toHaveTextContent('Could not copy ada@x.example. Select it and copy it yourself.');
  });

  test('not found: says so, and that nothing was charged', async () => {
    mount({
      widgetOpened: () => ok(widgetState()),
      reveal: () =>
        ok({
          slug: PROFILE.slug,
          pool: POOL,
          lead: { ...unknownLead(), phone: { status: 'notFound' } },
          balances: BALANCES,
        }),
    });
    await page.getByRole('button', { name: 'Reveal phone' }).click();
    await expect.element(page.getByText('No phone found. Nothing was charged.')).toBeVisible();
  });

  test('out of credits: which type, what is left and what to do', async () => {
    mount({
      widgetOpened: () => ok(widgetState()),
      reveal: () =>
        ok({
          slug: PROFILE.slug,
          pool: POOL,
          lead: { ...unknownLead(), phone: { status: 'insufficientCredits', remaining: 0 } },
          balances: BALANCES,
        }),
    });
    await page.getByRole('button', { name: 'Reveal phone' }).click();
    await expect.element(page.getByText('Out of phone credits: 0 left.')).toBeVisible();
    await expect.element(page.getByText(/A workspace admin can add more phone credits/)).toBeVisible();
    await expect.element(page.getByRole('button', { name: 'Check again' })).toBeVisible();
  });

  test('with 0 credits left a click still asks the background, whose refusal is shown', async () => {
    const { callsOf } = mount({
      widgetOpened: () => ok(widgetState({ balances: { ...BALANCES, directEmail: balance(0, 5) } })),
      reveal: () =>
        ok({
          slug: PROFILE.slug,
          pool: POOL,
          lead: { ...unknownLead(), directEmail: { status: 'insufficientCredits', remaining: 0 } },
          balances: { ...BALANCES, directEmail: balance(0, 5) },
        }),
    });
    await expect.element(page.getByText('1 direct email credit · 0 left')).toBeVisible();
    await page.getByRole('button', { name: 'Reveal direct email' }).click();
    await expect.element(page.getByText('Out of direct email credits: 0 left.')).toBeVisible();
    // The background decides: it reads stale figures again before refusing (credits added).
    expect(callsOf('reveal')).toEqual([{ slug: 'ada-lovelace', types: ['directEmail'] }]);
  });

  test('Check again after credits were added reveals', async () => {
    let credits = 0;
    const { callsOf } = mount({
      widgetOpened: () => ok(widgetState({ balances: { ...BALANCES, phone: balance(0, 5) } })),
      reveal: () =>
        credits === 0
          ? ok({
              slug: PROFILE.slug,
              pool: POOL,
              lead: { ...unknownLead(), phone: { status: 'insufficientCredits', remaining: 0 } },
              balances: { ...BALANCES, phone: balance(0, 5) },
            })
          : ok(phoneRevealed()),
    });
    await page.getByRole('button', { name: 'Reveal phone' }).click();
    await expect.element(page.getByText('Out of phone credits: 0 left.')).toBeVisible();
    credits = 5; // an admin bought add-ons
    await page.getByRole('button', { name: 'Check again' }).click();
    await expect.element(page.getByText('+44 20 7946 0018')).toBeVisible();
    await expect.element(page.getByText(/Out of phone credits/)).not.toBeInTheDocument();
    expect(callsOf('reveal')).toHaveLength(2);
  });

  test('a reveal lost with the worker shows the error, and Retry sends the same reveal again', async () => {
    let attempts = 0;
    const { callsOf } = mount({
      widgetOpened: () => ok(widgetState()),
      reveal: () =>
        ++attempts === 1
          ? fail('internal', "The extension's background could not be reached (worker stopped). Try again.")
          : ok(phoneRevealed()),
    });
    await page.getByRole('button', { name: 'Reveal phone' }).click();
    await expect.element(page.getByRole('alert')).toHaveTextContent(/background could not be reached/);
    await page.getByRole('button', { name: 'Retry' }).click();
    await expect.element(page.getByText('+44 20 7946 0018')).toBeVisible();
    expect(callsOf('reveal')).toEqual([
      { slug: 'ada-lovelace', types: ['phone'] },
      { slug: 'ada-lovelace', types: ['phone'] },
    ]);
    await expect.element(page.getByRole('alert')).not.toBeInTheDocument();
  });

  test('an error the background reports for a type is shown with Retry', async () => {
    mount({
      widgetOpened: () =>
        ok(
          widgetState({
            lead: {
              ...unknownLead(),
              b2bEmail: { status: 'error', code: 'server_unreachable', message: 'The LeadLens server did not answer.' },
            },
          }),
        ),
    });
    await expect.element(page.getByRole('alert')).toHaveTextContent('The LeadLens server did not answer.');
    await expect.element(page.getByRole('button', { name: 'Retry' })).toBeVisible();
  });

  test('signed out: a clear state whose Sign in button opens the options page', async () => {
    const { openOptions, callsOf } = mount({
      widgetOpened: () => ok(widgetState({ session: SIGNED_OUT, lead: null })),
    });
    await expect.element(page.getByText(/Sign in to LeadLens/)).toBeVisible();
    await expect.element(page.getByRole('button', { name: 'Reveal phone' })).not.toBeInTheDocument();
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(openOptions).toHaveBeenCalledTimes(1);
    expect(callsOf('reveal')).toEqual([]);
  });

  test('Sign in that cannot open the options page says why, with no unhandled rejection', async () => {
    const { openOptions } = mount({ widgetOpened: () => ok(widgetState({ session: SIGNED_OUT, lead: null })) });
    openOptions.mockResolvedValueOnce(fail('internal', 'LeadLens could not open its settings (context gone).'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.element(page.getByText('LeadLens could not open its settings (context gone).')).toBeVisible();
  });

  test('signed out by the server: says why', async () => {
    mount({
      widgetOpened: () =>
        ok(
          widgetState({
            session: { signedIn: false, reason: { code: 'unauthorized', message: 'Your API key was revoked.' } },
            lead: null,
          }),
        ),
    });
    await expect.element(page.getByRole('alert')).toHaveTextContent('Your API key was revoked.');
    await expect.element(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  });

  test('a reveal that worked with a warning shows the values and the warning', async () => {
    mount({
      widgetOpened: () => ok(widgetState()),
      reveal: () =>
        ok({
          ...phoneRevealed(),
          warning: { code: 'storage_failed', message: 'Revealed, but not saved on this device.' },
        }),
    });
    await page.getByRole('button', { name: 'Reveal phone' }).click();
    await expect.element(page.getByText('+44 20 7946 0018')).toBeVisible();
    await expect.element(page.getByText('Revealed, but not saved on this device.')).toBeVisible();
  });

  test('a failed load says why and retries', async () => {
    let attempts = 0;
    mount({
      widgetOpened: () =>
        ++attempts === 1 ? fail('no_profile', 'LeadLens does not know this tab’s profile yet.') : ok(widgetState()),
    });
    await expect.element(page.getByRole('alert')).toHaveTextContent('LeadLens does not know this tab’s profile yet.');
    await page.getByRole('button', { name: 'Retry' }).click();
    await expect.element(page.getByRole('heading', { name: 'Ada Lovelace' })).toBeVisible();
  });

  test('hostile profile text is shown as text, never as markup', async () => {
    const hostile = '<img src=x onerror="window.__pwned=1"> مريم 👩‍💻';
    const longHeadline = `<b>bold</b> ${'x'.repeat(290)}`;
    const { container } = mount({
      widgetOpened: () =>
        ok(
          widgetState({
            profile: { ...PROFILE, name: hostile, headline: longHeadline, company: '<script>alert(1)</script>' },
          }),
        ),
    });
    await expect.element(page.getByRole('heading', { name: hostile })).toBeVisible();
    expect(container.querySelector('img, b, script')).toBeNull();
    expect((window as { __pwned?: number }).__pwned).toBeUndefined();
    await expect.element(page.getByText(longHeadline)).toHaveAttribute('title', longHeadline);
  });

  test('says which fields it could not read, and falls back to the slug for the name', async () => {
    mount({
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
    await expect.element(page.getByRole('heading', { name: 'ada-lovelace' })).toBeVisible();
    await expect.element(page.getByText('Could not read the name, headline, and company on this page.')).toBeVisible();
  });
});

describe('the widget and the background’s pushes', () => {
  const push = (overrides: Partial<Extract<Push, { kind: 'leadUpdated' }>> = {}): Push => ({
    leadlensPush: 1,
    kind: 'leadUpdated',
    pool: POOL,
    slug: PROFILE.slug,
    lead: { ...unknownLead(), phone: revealed(PHONES) },
    balances: BALANCES,
    ...overrides,
  });

  test('a reveal in another tab shows here', async () => {
    const { store } = mount({ widgetOpened: () => ok(widgetState()) });
    await expect.element(page.getByRole('button', { name: 'Reveal phone' })).toBeVisible();
    store.getState().receive(push());
    await expect.element(page.getByText('+44 20 7946 0018')).toBeVisible();
  });

  test('pushes for another lead or another pool are ignored', async () => {
    const { store } = mount({ widgetOpened: () => ok(widgetState()) });
    await expect.element(page.getByRole('button', { name: 'Reveal phone' })).toBeVisible();
    store.getState().receive(push({ slug: 'grace-hopper' }));
    store.getState().receive(push({ pool: 'http://127.0.0.1:8787 pool-2' }));
    // The same pool id on another server is another pool.
    store.getState().receive(push({ pool: 'https://other.example pool-1' }));
    await expect.element(page.getByRole('button', { name: 'Reveal phone' })).toBeVisible();
    expect(page.getByText('+44 20 7946 0018').query()).toBeNull();
  });

  test('a session change loads the state again', async () => {
    let signedIn = true;
    const { store, callsOf } = mount({
      widgetOpened: () => ok(signedIn ? widgetState() : widgetState({ session: SIGNED_OUT, lead: null })),
    });
    await expect.element(page.getByRole('button', { name: 'Reveal phone' })).toBeVisible();
    signedIn = false;
    store.getState().receive({ leadlensPush: 1, kind: 'sessionChanged', session: SIGNED_OUT });
    await expect.element(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
    expect(callsOf('widgetOpened')).toHaveLength(2);
  });
});
