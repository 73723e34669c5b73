/**
 * Test doubles for the page stores: a fake `send` answering from handlers and recording
 * every call, and sample protocol data.
 */
import { render, type ComponentChild } from 'preact';
import { vi } from 'vitest';
import type { Send } from '../../messaging/client.ts';
import type { Account, Balances, ContactValue } from '../../shared/api.ts';
import { DEFAULT_DISCOVERY_SETTINGS, type DiscoverySettings } from '../../shared/settings.ts';
import type {
  LeadView,
  MessageError,
  MessageName,
  PopupState,
  ProfileSnapshot,
  Reply,
  RequestOf,
  ResponseOf,
  SessionView,
  WidgetState,
} from '../../shared/protocol.ts';

export type Handlers = {
  [K in MessageName]?: (payload: RequestOf<K>) => Reply<ResponseOf<K>> | Promise<Reply<ResponseOf<K>>>;
};

export interface FakeSend {
  send: Send;
  calls: Array<{ name: MessageName; payload: unknown }>;
  callsOf(name: MessageName): unknown[];
}

export function fakeSend(handlers: Handlers): FakeSend {
  const calls: FakeSend['calls'] = [];
  const send = (async (name: MessageName, payload: unknown) => {
    calls.push({ name, payload });
    const handler = handlers[name] as ((payload: unknown) => unknown) | undefined;
    if (!handler) return fail('internal', `No fake answer for ${name}`);
    return handler(payload);
  }) as Send;
  return { send, calls, callsOf: (name) => calls.filter((call) => call.name === name).map((call) => call.payload) };
}

export function ok<T>(data: T): Reply<T> {
  return { ok: true, data };
}

export function fail(code: MessageError['code'], message: string): Reply<never> {
  return { ok: false, error: { code, message } };
}

/** A promise with its resolve function outside, to hold a reply until the test lets it go. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

export function renderInto(node: ComponentChild): HTMLElement {
  const container = document.createElement('div');
  container.setAttribute('data-test-root', '');
  document.body.append(container);
  render(node, container);
  return container;
}

export function balance(remaining: number, monthlyAllotment: number, addOn = 0) {
  return { remaining, monthlyAllotment, addOn, used: monthlyAllotment + addOn - remaining };
}

export const BALANCES: Balances = {
  b2bEmail: balance(12, 15),
  phone: balance(4, 5),
  directEmail: balance(5, 5),
  export: balance(7, 10, 2),
};

export const ACCOUNT: Account = {
  user: { id: 'u1', email: 'ada@babbage.example', role: 'admin' },
  workspace: {
    id: 'w1',
    name: 'Babbage & Co',
    plan: 'starter',
    seats: 3,
    members: 2,
    renewsAt: '2026-12-01T00:00:00.000Z',
  },
  pool: { id: 'pool-1', kind: 'shared', members: 2 },
  balances: BALANCES,
};

/** The scope the background gives ACCOUNT's pool on the default server. */
export const POOL = 'http://127.0.0.1:8787 pool-1';

export const SIGNED_IN: SessionView = {
  signedIn: true,
  serverUrl: 'http://127.0.0.1:8787',
  account: ACCOUNT,
  pool: POOL,
};
export const SIGNED_OUT: SessionView = { signedIn: false };

export const PROFILE: ProfileSnapshot = {
  slug: 'ada-lovelace',
  url: 'https://www.linkedin.com/in/ada-lovelace/',
  name: 'Ada Lovelace',
  headline: 'Analyst of the Analytical Engine',
  company: 'Babbage & Co',
  location: 'London, England, United Kingdom',
  unreadable: [],
};

/** The defaults (R9): B2B email on, phone and direct email off, nothing kept back. */
export const SETTINGS: DiscoverySettings = DEFAULT_DISCOVERY_SETTINGS;

export function unknownLead(): LeadView {
  return { b2bEmail: { status: 'unknown' }, phone: { status: 'unknown' }, directEmail: { status: 'unknown' } };
}

export function revealed(values: ContactValue[]) {
  return { status: 'revealed' as const, values, revealedAt: '2026-11-27T10:00:00.000Z' };
}

export const PHONES: ContactValue[] = [
  { value: '+44 20 7946 0018', phoneKind: 'mobile', verifiedAt: null },
  { value: '+44 20 7946 0999', phoneKind: 'landline', verifiedAt: '2026-10-01T00:00:00.000Z' },
];

export function widgetState(overrides: Partial<WidgetState> = {}): WidgetState {
  const session = overrides.session ?? SIGNED_IN;
  return {
    profile: PROFILE,
    session,
    pool: session.signedIn ? session.pool : null,
    lead: unknownLead(),
    balances: BALANCES,
    settings: SETTINGS,
    discovery: null,
    ...overrides,
  };
}

/** `openOptions` as the pages get it: a function whose failure is a value. */
export function fakeOpenOptions(result: Reply<null> = { ok: true, data: null }) {
  return vi.fn(async () => result);
}

/** What `popupOpened` answers: the session the background keeps and the settings. */
export function popupState(overrides: Partial<PopupState> = {}): PopupState {
  return { session: SIGNED_IN, settings: SETTINGS, ...overrides };
}

/** Signed in to `account` (ACCOUNT's pool on the default server unless `pool` says otherwise). */
export function signedInAs(account: Account, pool = POOL): SessionView {
  return { signedIn: true, serverUrl: 'http://127.0.0.1:8787', account, pool };
}

/** SIGNED_IN with other balances (the others as BALANCES). */
export function signedInWith(balances: Partial<Balances>): SessionView {
  return signedInAs({ ...ACCOUNT, balances: { ...BALANCES, ...balances } });
}
