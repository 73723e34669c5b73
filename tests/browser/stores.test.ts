import { describe, expect, test, vi } from 'vitest';
import { createOptionsStore } from '../../entrypoints/options/store.ts';
import { createPopupStore } from '../../entrypoints/popup/store.ts';
import { balancesOf, createWidgetStore, rowView } from '../../entrypoints/widget/store.ts';
import type { RevealOutcome } from '../../shared/protocol.ts';
import {
  ACCOUNT,
  BALANCES,
  PHONES,
  POOL,
  PROFILE,
  SIGNED_IN,
  SETTINGS,
  SIGNED_OUT,
  balance,
  deferred,
  fail,
  fakeOpenOptions,
  fakeSend,
  ok,
  revealed,
  unknownLead,
  widgetState,
  type Handlers,
} from './fakes.ts';

function phoneOutcome(): RevealOutcome {
  return { slug: PROFILE.slug, pool: POOL, lead: { ...unknownLead(), phone: revealed(PHONES) }, balances: BALANCES };
}

function widgetStore(handlers: Handlers) {
  const fake = fakeSend(handlers);
  const openOptions = fakeOpenOptions();
  return { ...fake, openOptions, store: createWidgetStore({ send: fake.send, openOptions }) };
}

describe('widget store', () => {
  test('load: loading, then the background’s state; rows derived from it', async () => {
    const { store } = widgetStore({ widgetOpened: () => ok(widgetState()) });
    expect(store.getState().phase).toBe('loading');
    await store.getState().load();
    const state = store.getState();
    expect(state.phase).toBe('ready');
    expect(rowView(state, 'phone')).toEqual({ kind: 'ready', remaining: 4, cost: 'unknown', kept: null });
    expect(balancesOf(state)).toBe(BALANCES);
  });

  test('balances fall back to the account’s when the state has none', async () => {
    const { store } = widgetStore({ widgetOpened: () => ok(widgetState({ balances: null })) });
    await store.getState().load();
    expect(balancesOf(store.getState())).toBe(ACCOUNT.balances);
  });

  test('reveal: pending while in flight, a second ask sends nothing, then the outcome', async () => {
    const answer = deferred<ReturnType<typeof ok<RevealOutcome>>>();
    const { store, callsOf } = widgetStore({ widgetOpened: () => ok(widgetState()), reveal: () => answer.promise });
    await store.getState().load();
    const first = store.getState().reveal('phone');
    const second = store.getState().reveal('phone');
    expect(rowView(store.getState(), 'phone')).toEqual({ kind: 'pending' });
    answer.resolve(
      ok({
        slug: PROFILE.slug,
        pool: POOL,
        lead: { ...unknownLead(), phone: revealed(PHONES) },
        balances: { ...BALANCES, phone: balance(3, 5) },
      }),
    );
    await Promise.all([first, second]);
    expect(callsOf('reveal')).toHaveLength(1);
    expect(rowView(store.getState(), 'phone')).toMatchObject({ status: 'revealed', values: PHONES });
    expect(balancesOf(store.getState())?.phone.remaining).toBe(3);
  });

  test('a failed send is kept per type until the retry succeeds', async () => {
    let attempts = 0;
    const { store } = widgetStore({
      widgetOpened: () => ok(widgetState()),
      reveal: () =>
        ++attempts === 1
          ? fail('internal', 'lost')
          : ok({
              slug: PROFILE.slug,
              pool: POOL,
              lead: { ...unknownLead(), phone: { status: 'notFound' } },
              balances: BALANCES,
            }),
    });
    await store.getState().load();
    await store.getState().reveal('phone');
    expect(rowView(store.getState(), 'phone')).toEqual({ kind: 'failed', message: 'lost' });
    expect(rowView(store.getState(), 'b2bEmail')).toMatchObject({ kind: 'ready' });
    await store.getState().reveal('phone');
    expect(rowView(store.getState(), 'phone')).toEqual({ status: 'notFound' });
  });

  test('an outcome for another lead (the tab moved on) is not shown', async () => {
    const { store } = widgetStore({
      widgetOpened: () => ok(widgetState()),
      reveal: () =>
        ok({
          slug: 'grace-hopper',
          pool: POOL,
          lead: { ...unknownLead(), phone: revealed(PHONES) },
          balances: BALANCES,
        }),
    });
    await store.getState().load();
    await store.getState().reveal('phone');
    expect(rowView(store.getState(), 'phone')).toMatchObject({ kind: 'ready' });
  });

  test('a reload during a reveal keeps it pending', async () => {
    const answer = deferred<ReturnType<typeof ok<RevealOutcome>>>();
    const { store } = widgetStore({ widgetOpened: () => ok(widgetState()), reveal: () => answer.promise });
    await store.getState().load();
    void store.getState().reveal('phone');
    await store.getState().load();
    expect(rowView(store.getState(), 'phone')).toEqual({ kind: 'pending' });
  });

  test('a push that this tab’s profile changed loads again; another tab’s does not', async () => {
    const { store, callsOf } = widgetStore({ widgetOpened: () => ok(widgetState({ tabId: 7 })) });
    await store.getState().load();
    store.getState().receive({ leadlensPush: 1, kind: 'tabProfileChanged', tabId: 8 });
    expect(callsOf('widgetOpened')).toHaveLength(1);
    store.getState().receive({ leadlensPush: 1, kind: 'tabProfileChanged', tabId: 7 });
    expect(callsOf('widgetOpened')).toHaveLength(2);
  });

  test('reveal: sent even with a 0 balance, and the lead is only what the background answers', async () => {
    const zero = { ...BALANCES, phone: balance(0, 5) };
    const { store, callsOf } = widgetStore({
      widgetOpened: () => ok(widgetState({ balances: zero })),
      reveal: () => fail('internal', 'lost'),
    });
    await store.getState().load();
    await store.getState().reveal('phone');
    expect(callsOf('reveal')).toEqual([{ slug: PROFILE.slug, types: ['phone'] }]);
    // Nothing made up locally: the lead is still the background's (phone unknown).
    expect(store.getState().view?.lead).toEqual(unknownLead());
    expect(rowView(store.getState(), 'phone')).toEqual({ kind: 'failed', message: 'lost' });
  });

  test('an answer for another pool (the user switched accounts meanwhile) is not shown', async () => {
    const { store } = widgetStore({
      widgetOpened: () => ok(widgetState()),
      reveal: () =>
        ok({
          slug: PROFILE.slug,
          pool: 'http://127.0.0.1:8787 pool-2',
          lead: { ...unknownLead(), phone: revealed(PHONES) },
          balances: { ...BALANCES, phone: balance(0, 5) },
        }),
    });
    await store.getState().load();
    await store.getState().reveal('phone');
    expect(rowView(store.getState(), 'phone')).toEqual({ kind: 'ready', remaining: 4, cost: 'unknown', kept: null });
    expect(balancesOf(store.getState())).toBe(BALANCES);
  });

  test('load: a slower older answer never replaces a newer one', async () => {
    const first = deferred<ReturnType<typeof ok<ReturnType<typeof widgetState>>>>();
    let loads = 0;
    const grace = { ...PROFILE, slug: 'grace-hopper', url: 'https://www.linkedin.com/in/grace-hopper/' };
    const { store } = widgetStore({
      widgetOpened: () => (++loads === 1 ? first.promise : ok(widgetState({ profile: grace }))),
    });
    const older = store.getState().load();
    await store.getState().load();
    first.resolve(ok(widgetState()));
    await older;
    expect(store.getState().view?.profile?.slug).toBe('grace-hopper');
    expect(store.getState().phase).toBe('ready');
  });

  test('pending, failures and warning belong to their lead: loading another lead clears them', async () => {
    const grace = { ...PROFILE, slug: 'grace-hopper', url: 'https://www.linkedin.com/in/grace-hopper/' };
    let profile = PROFILE;
    const adaPhone = deferred<ReturnType<typeof ok<RevealOutcome>>>();
    const gracePhone = deferred<ReturnType<typeof ok<RevealOutcome>>>();
    const { store } = widgetStore({
      widgetOpened: () => ok(widgetState({ profile })),
      reveal: ({ slug, types }) => {
        if (types[0] === 'phone') return slug === PROFILE.slug ? adaPhone.promise : gracePhone.promise;
        if (types[0] === 'b2bEmail') return fail('internal', 'lost');
        return ok({
          slug,
          pool: POOL,
          lead: { ...unknownLead(), directEmail: { status: 'notFound' } },
          balances: BALANCES,
          warning: { code: 'storage_failed', message: 'not saved' },
        });
      },
    });
    await store.getState().load();
    const adaReveal = store.getState().reveal('phone');
    await store.getState().reveal('b2bEmail');
    await store.getState().reveal('directEmail');
    expect(rowView(store.getState(), 'phone')).toEqual({ kind: 'pending' });
    expect(rowView(store.getState(), 'b2bEmail')).toMatchObject({ kind: 'failed' });
    expect(store.getState().warning).toMatchObject({ code: 'storage_failed' });

    profile = grace; // the tab moved on to another profile
    await store.getState().load();
    expect(store.getState()).toMatchObject({ pending: {}, failures: {}, warning: null });
    expect(rowView(store.getState(), 'phone')).toEqual({ kind: 'ready', remaining: 4, cost: 'unknown', kept: null });

    // Grace's phone is asked for; Ada's late answer then changes nothing here.
    const graceReveal = store.getState().reveal('phone');
    adaPhone.resolve(ok({ ...phoneOutcome(), warning: { code: 'storage_failed', message: 'Ada’s' } }));
    await adaReveal;
    expect(rowView(store.getState(), 'phone')).toEqual({ kind: 'pending' });
    expect(store.getState().warning).toBeNull();

    gracePhone.resolve(ok({ ...phoneOutcome(), slug: grace.slug }));
    await graceReveal;
    expect(rowView(store.getState(), 'phone')).toMatchObject({ status: 'revealed' });
  });

  test('load clears the last warning, even for the same lead', async () => {
    const { store } = widgetStore({
      widgetOpened: () => ok(widgetState()),
      reveal: () => ok({ ...phoneOutcome(), warning: { code: 'storage_failed', message: 'Revealed, but not saved.' } }),
    });
    await store.getState().load();
    await store.getState().reveal('phone');
    expect(store.getState().warning).toMatchObject({ code: 'storage_failed' });
    await store.getState().load();
    expect(store.getState().warning).toBeNull();
  });

  test('signed out: no reveal is sent; Sign in opens the options', async () => {
    const { store, callsOf, openOptions } = widgetStore({
      widgetOpened: () => ok(widgetState({ session: SIGNED_OUT, lead: null, balances: null, profile: null })),
    });
    await store.getState().load();
    await store.getState().reveal('phone');
    expect(callsOf('reveal')).toEqual([]);
    store.getState().signIn();
    expect(openOptions).toHaveBeenCalledTimes(1);
  });
});

describe('options store', () => {
  test('the permission prompt is the first thing signIn waits for (it needs the click)', async () => {
    const fake = fakeSend({ signIn: () => ok(SIGNED_IN) });
    const requestOrigins = vi.fn(async () => true);
    const store = createOptionsStore({ send: fake.send, requestOrigins });
    const done = store.getState().signIn('https://leadlens.example.com', 'key');
    // Called synchronously, inside the same task as the click.
    expect(requestOrigins).toHaveBeenCalledWith(['https://leadlens.example.com/*']);
    expect(store.getState().busy).toBe(true);
    await done;
    expect(store.getState()).toMatchObject({ busy: false, error: null, session: SIGNED_IN });
  });

  test('a failed sessionGet is an error to retry, not a signed-out session', async () => {
    let attempts = 0;
    const fake = fakeSend({
      sessionGet: () => (++attempts === 1 ? fail('internal', 'No answer.') : ok(SIGNED_IN)),
    });
    const store = createOptionsStore({ send: fake.send, requestOrigins: vi.fn() });
    await store.getState().load();
    expect(store.getState()).toMatchObject({ session: null, loadError: 'No answer.' });
    await store.getState().load();
    expect(store.getState()).toMatchObject({ session: SIGNED_IN, loadError: null });
  });
});

describe('popup store', () => {
  test('balances follow pushes for its own pool only', async () => {
    const fake = fakeSend({
      popupOpened: () => ok({ session: SIGNED_IN, settings: SETTINGS }),
      accountRefresh: () => ok(SIGNED_IN),
    });
    const store = createPopupStore({ send: fake.send, openOptions: vi.fn() });
    await store.getState().load();
    const push = (pool: string) =>
      store.getState().receive({
        leadlensPush: 1,
        kind: 'balancesChanged',
        pool,
        balances: { ...BALANCES, phone: balance(1, 5) },
      });
    push('someone-else');
    // The same pool id on another server is another pool.
    push(`https://other.example ${ACCOUNT.pool.id}`);
    const phoneLeft = () => {
      const session = store.getState().session;
      return session?.signedIn ? session.account.balances.phone.remaining : null;
    };
    expect(phoneLeft()).toBe(4);
    push(POOL);
    expect(phoneLeft()).toBe(1);
  });
});
