import { describe, expect, test, vi } from 'vitest';
import { createOptionsStore } from '../../entrypoints/options/store.ts';
import { createPopupStore } from '../../entrypoints/popup/store.ts';
import { balancesOf, createWidgetStore, rowView } from '../../entrypoints/widget/store.ts';
import type { RevealOutcome } from '../../shared/protocol.ts';
import {
  ACCOUNT,
  BALANCES,
  PHONES,
  PROFILE,
  SIGNED_IN,
  SIGNED_OUT,
  balance,
  deferred,
  fail,
  fakeSend,
  ok,
  revealed,
  unknownLead,
  widgetState,
  type Handlers,
} from './fakes.ts';

function widgetStore(handlers: Handlers) {
  const fake = fakeSend(handlers);
  const openOptions = vi.fn();
  return { ...fake, openOptions, store: createWidgetStore({ send: fake.send, openOptions }) };
}

describe('widget store', () => {
  test('load: loading, then the background’s state; rows derived from it', async () => {
    const { store } = widgetStore({ widgetOpened: () => ok(widgetState()) });
    expect(store.getState().phase).toBe('loading');
    await store.getState().load();
    const state = store.getState();
    expect(state.phase).toBe('ready');
    expect(rowView(state, 'phone')).toEqual({ kind: 'ready', remaining: 4 });
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
          : ok({ slug: PROFILE.slug, lead: { ...unknownLead(), phone: { status: 'notFound' } }, balances: BALANCES }),
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
        ok({ slug: 'grace-hopper', lead: { ...unknownLead(), phone: revealed(PHONES) }, balances: BALANCES }),
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

  test('a failed sessionGet shows signed out with the reason', async () => {
    const fake = fakeSend({ sessionGet: () => fail('internal', 'No answer.') });
    const store = createOptionsStore({ send: fake.send, requestOrigins: vi.fn() });
    await store.getState().load();
    expect(store.getState()).toMatchObject({ session: SIGNED_OUT, error: 'No answer.' });
  });
});

describe('popup store', () => {
  test('balances follow pushes for its own pool only', async () => {
    const fake = fakeSend({ sessionGet: () => ok(SIGNED_IN), accountRefresh: () => ok(SIGNED_IN) });
    const store = createPopupStore({ send: fake.send, openOptions: vi.fn() });
    await store.getState().load();
    const push = (poolId: string) =>
      store.getState().receive({
        leadlensPush: 1,
        kind: 'leadUpdated',
        poolId,
        slug: 'x',
        lead: unknownLead(),
        balances: { ...BALANCES, phone: balance(1, 5) },
      });
    push('someone-else');
    const phoneLeft = () => {
      const session = store.getState().session;
      return session?.signedIn ? session.account.balances.phone.remaining : null;
    };
    expect(phoneLeft()).toBe(4);
    push(ACCOUNT.pool.id);
    expect(phoneLeft()).toBe(1);
  });
});
