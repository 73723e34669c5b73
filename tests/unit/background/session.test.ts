import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  FakeServer,
  SERVER,
  capturePushes,
  contentSender,
  deferred,
  expectOk,
  optionsSender,
  profile,
  resetIndexedDB,
  signedInOnProfile,
  startBackground,
  widgetSender,
} from './harness.ts';

let server: FakeServer;

beforeEach(() => {
  resetIndexedDB();
  server = new FakeServer();
  server.addAccount('key-a', 'pool-a');
  server.addAccount('key-b', 'pool-b');
});

describe('sign in', () => {
  it('signs in to a local http server at any port, checked with GET /v1/account', async () => {
    const bg = startBackground(server);
    const pushes = capturePushes();
    const view = expectOk(
      await bg.send('signIn', { serverUrl: ' http://127.0.0.1:8787/ ', apiKey: 'key-a' }, optionsSender()),
    );
    expect(view).toMatchObject({ signedIn: true, serverUrl: SERVER, account: { pool: { id: 'pool-a' } } });
    expect(server.requests).toEqual([
      expect.objectContaining({ method: 'GET', path: '/v1/account', authorization: 'Bearer key-a' }),
    ]);
    expect(pushes).toContainEqual({ leadlensPush: 1, kind: 'sessionChanged', session: view });
    expect(expectOk(await bg.send('sessionGet', {}, optionsSender()))).toEqual(view);
  });

  it('refuses plain http to a host that is not local, without contacting it', async () => {
    const bg = startBackground(server, { hasHostPermission: () => Promise.resolve(true) });
    const reply = await bg.send(
      'signIn',
      { serverUrl: 'http://leadlens.example.com', apiKey: 'key-a' },
      optionsSender(),
    );
    expect(reply).toMatchObject({ ok: false, error: { code: 'bad_server_url' } });
    expect(server.requests).toHaveLength(0);
  });

  it('refuses an https server the user has not allowed, and says to allow access', async () => {
    const asked: string[] = [];
    const bg = startBackground(server, {
      hasHostPermission: (pattern) => {
        asked.push(pattern);
        return Promise.resolve(false);
      },
    });
    const reply = await bg.send(
      'signIn',
      { serverUrl: 'https://leadlens.example.com:8443/api/', apiKey: 'key-a' },
      optionsSender(),
    );
    expect(reply).toMatchObject({ ok: false, error: { code: 'permission_denied' } });
    expect(reply.ok ? '' : reply.error.message).toMatch(/allow access/);
    expect(asked).toEqual(['https://leadlens.example.com/*']);
    expect(server.requests).toHaveLength(0);
  });

  it('signs in to an https server once its host permission is granted', async () => {
    const bg = startBackground(server, { hasHostPermission: () => Promise.resolve(true) });
    server.basePath = '/api';
    const view = expectOk(
      await bg.send('signIn', { serverUrl: 'leadlens.example.com/api/', apiKey: 'key-a' }, optionsSender()),
    );
    expect(view).toMatchObject({ signedIn: true, serverUrl: 'https://leadlens.example.com/api' });
    expect(server.requests.map((request) => request.path)).toEqual(['/v1/account']);
  });

  it('refuses a key the server does not know and stores nothing', async () => {
    const bg = startBackground(server);
    const reply = await bg.send('signIn', { serverUrl: SERVER, apiKey: 'wrong' }, optionsSender());
    expect(reply).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(expectOk(await bg.send('sessionGet', {}, optionsSender()))).toEqual({ signedIn: false });
  });

  it('says the server is unreachable when it is down', async () => {
    const bg = startBackground(server);
    server.fault = 'down';
    const reply = await bg.send('signIn', { serverUrl: SERVER, apiKey: 'key-a' }, optionsSender());
    expect(reply).toMatchObject({ ok: false, error: { code: 'server_unreachable' } });
    expect(reply.ok ? '' : reply.error.message).toBe(
      `LeadLens server at ${SERVER} is not reachable. Check it is running, then retry.`,
    );
  });
});

describe('the API key stays in the background', () => {
  it('is not in storage.session, nothing of the session is in storage.local, and no content script reply carries it', async () => {
    const bg = startBackground(server);
    await signedInOnProfile(bg);
    expectOk(await bg.send('reveal', { slug: 'ada-lovelace', types: ['phone'] }, widgetSender(1)));
    const session = JSON.stringify(await fakeBrowser.storage.session.get(null));
    expect(session).not.toContain('key-a');
    // Content scripts can read storage.local: no key, no pool, no plan, no balances there;
    // only the discovery settings, which are not secret. (Pages read the session with
    // sessionGet or popupOpened, from IndexedDB through the background.)
    const local = await fakeBrowser.storage.local.get(null);
    expect(Object.keys(local).filter((key) => !key.startsWith('discoverySettings'))).toEqual([]);
    expect(JSON.stringify(local)).not.toMatch(/key-a|pool-a|starter|remaining/);

    const seen = await bg.send('profileSeen', { profile: { ...(await profileIn(bg)) } }, contentSender(2));
    expect(seen).toEqual({ ok: true, data: { signedIn: true } });
  });

  it('survives a worker restart (it lives in IndexedDB)', async () => {
    await signedInOnProfile(startBackground(server));
    const restarted = startBackground(server);
    expect(expectOk(await restarted.send('sessionGet', {}, optionsSender()))).toMatchObject({ signedIn: true });
  });
});

describe('sign out', () => {
  it('signs out but keeps the pool’s paid leads: signing in again shows them without a request', async () => {
    const bg = startBackground(server);
    await signedInOnProfile(bg);
    expectOk(await bg.send('reveal', { slug: 'ada-lovelace', types: ['phone'] }, widgetSender(1)));
    expect(expectOk(await bg.send('signOut', {}, optionsSender()))).toEqual({ signedIn: false });
    expect(JSON.stringify(await fakeBrowser.storage.local.get(null))).not.toContain('pool-a');
    const signedOut = expectOk(await bg.send('widgetOpened', {}, widgetSender(1)));
    expect(signedOut).toMatchObject({ session: { signedIn: false }, lead: null });

    expectOk(await bg.send('signIn', { serverUrl: SERVER, apiKey: 'key-a' }, optionsSender()));
    const before = server.requests.length;
    const state = expectOk(await bg.send('widgetOpened', {}, widgetSender(1)));
    expect(state.lead?.phone).toMatchObject({ status: 'revealed' });
    expect(server.requests.length).toBe(before);
  });

  it('is done for the user when the server stops accepting the key, with the reason', async () => {
    const bg = startBackground(server);
    await signedInOnProfile(bg);
    server.scripted.push({ status: 401, body: { error: { code: 'unauthorized', message: 'revoked' } } });
    const reply = await bg.send('reveal', { slug: 'ada-lovelace', types: ['phone'] }, widgetSender(1));
    // The reveal signed the user out: its answer says so, with the reason.
    expect(reply).toMatchObject({ ok: false, error: { code: 'signed_out' } });
    expect(reply.ok ? '' : reply.error.message).toMatch(/refused the API key\. Sign in again/);
    const view = expectOk(await bg.send('sessionGet', {}, optionsSender()));
    expect(view).toMatchObject({ signedIn: false, reason: { code: 'unauthorized' } });
    expect(view.signedIn ? '' : view.reason?.message).toMatch(/Sign in again/);
  });
});

describe('accountRefresh', () => {
  it('reads the balances again from the server', async () => {
    const bg = startBackground(server);
    await signedInOnProfile(bg);
    server.setBalance('pool-a', 'phone', 42);
    const view = expectOk(await bg.send('accountRefresh', {}, optionsSender()));
    expect(view.signedIn && view.account.balances.phone.remaining).toBe(42);
  });
});

describe('balances kept by the background', () => {
  it('answers of two reveals arriving out of order leave the newer, lower figure', async () => {
    server.addPerson('grace-hopper', { phone: [{ value: '+1 555 0100', phoneKind: 'mobile', verifiedAt: null }] });
    const first = deferred();
    let posts = 0;
    const bg = startBackground(server, {
      fetch: async (input, init) => {
        const response = await server.fetch(input, init);
        // The first reveal's answer is held until the second one's arrived.
        if (init.method === 'POST' && ++posts === 1) await first.promise;
        return response;
      },
    });
    await signedInOnProfile(bg);
    expectOk(await bg.send('profileSeen', { profile: { ...profile('grace-hopper') } }, contentSender(2)));
    const ada = bg.send('reveal', { slug: 'ada-lovelace', types: ['phone'] }, widgetSender(1));
    await expect.poll(() => posts).toBe(1);
    expectOk(await bg.send('reveal', { slug: 'grace-hopper', types: ['phone'] }, widgetSender(2)));
    first.resolve();
    expectOk(await ada);
    const view = expectOk(await bg.send('sessionGet', {}, optionsSender()));
    // 5 phone credits, 2 spent: the answer that said 4 (sent first, read last) does not win.
    expect(view.signedIn && view.account.balances.phone.remaining).toBe(3);
  });

  it('a refresh that only moves the figures updates pages in place (no widget reload)', async () => {
    const bg = startBackground(server);
    await signedInOnProfile(bg);
    const pushes = capturePushes();
    server.setBalance('pool-a', 'phone', 42);
    expectOk(await bg.send('accountRefresh', {}, optionsSender()));
    await expect.poll(() => pushes.map((push) => push.kind)).toContain('balancesChanged');
    expect(pushes.map((push) => push.kind)).not.toContain('sessionChanged');
  });
});

async function profileIn(bg: ReturnType<typeof startBackground>) {
  const state = expectOk(await bg.send('widgetOpened', {}, widgetSender(1)));
  if (!state.profile) throw new Error('no profile');
  return state.profile;
}
