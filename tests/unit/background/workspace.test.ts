/**
 * The Usage and Workspace tabs' messages in the background: only the options page may send
 * them, they reach the server with the session's key, a purchase carries the page's id as
 * its Idempotency-Key and updates the balances everyone sees, refusals come back in words.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  FakeServer,
  SERVER,
  balancesOf,
  capturePushes,
  expectOk,
  optionsSender,
  startBackground,
  resetIndexedDB,
  widgetSender,
} from './harness.ts';

let server: FakeServer;

beforeEach(() => {
  resetIndexedDB();
  server = new FakeServer();
  server.addAccount('key-admin', 'pool-a');
  server.addAccount('key-member', 'pool-a', balancesOf(), 'member');
});

async function signedIn(apiKey: string) {
  const bg = startBackground(server);
  expectOk(await bg.send('signIn', { serverUrl: SERVER, apiKey }, optionsSender()));
  return bg;
}

describe('who may ask', () => {
  it('a widget may not read the ledger or administer the workspace', async () => {
    const bg = await signedIn('key-admin');
    const before = server.requests.length;
    const fromWidget = await bg.send('ledgerPage', {}, widgetSender(1));
    expect(fromWidget).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    const buy = await bg.send('addOnBuy', { purchaseId: 'purchase-1', credits: { phone: 10 } }, widgetSender(1));
    expect(buy).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    expect(server.requests.length).toBe(before);
  });

  it('signed out: no request, a message saying so', async () => {
    const bg = startBackground(server);
    const reply = await bg.send('workspaceMembers', {}, optionsSender());
    expect(reply).toMatchObject({ ok: false, error: { code: 'signed_out' } });
    expect(server.requests).toHaveLength(0);
  });

  it('a B2B email add-on is refused before it reaches the server (R10)', async () => {
    const bg = await signedIn('key-admin');
    const reply = await bg.sendRaw(
      { leadlens: 1, name: 'addOnBuy', payload: { purchaseId: 'purchase-1', credits: { b2bEmail: 10 } } },
      optionsSender(),
    );
    expect(reply).toMatchObject({ ok: false, error: { code: 'bad_message' } });
  });
});

describe('the ledger', () => {
  it('sends the filters and cursor as the query', async () => {
    const bg = await signedIn('key-member');
    expectOk(await bg.send('ledgerPage', { userId: 'u-2', type: 'phone', cursor: 'c1' }, optionsSender()));
    const request = server.requests.at(-1);
    expect(request?.path).toBe('/v1/ledger');
    expect(Object.fromEntries(new URLSearchParams(request?.search))).toEqual({
      userId: 'u-2',
      type: 'phone',
      cursor: 'c1',
    });
  });
});

describe('workspace administration', () => {
  it('a member is told it is for admins', async () => {
    const bg = await signedIn('key-member');
    const reply = await bg.send('workspaceMembers', {}, optionsSender());
    expect(reply).toEqual({ ok: false, error: { code: 'forbidden', message: 'Only a workspace admin can do this.' } });
  });

  it('seats full: said in words the admin acts on', async () => {
    const bg = await signedIn('key-admin');
    const reply = await bg.send('memberAdd', { email: 'carol@example.com', role: 'member' }, optionsSender());
    expect(reply).toEqual({
      ok: false,
      error: {
        code: 'refused',
        message: 'Every seat of the workspace is taken. Remove a member first, or add seats to the plan.',
      },
    });
  });

  it('a purchase carries the page’s id as Idempotency-Key and updates the balances everyone sees', async () => {
    const bg = await signedIn('key-admin');
    const pushes = capturePushes();
    const bought = expectOk(
      await bg.send('addOnBuy', { purchaseId: 'purchase-42', credits: { phone: 100 } }, optionsSender()),
    );
    expect(bought.purchase.credits).toEqual({ phone: 100, directEmail: 0, export: 0 });
    const request = server.requests.at(-1);
    expect(request).toMatchObject({ method: 'POST', path: '/v1/workspace/add-ons', idempotencyKey: 'purchase-42' });
    const view = expectOk(await bg.send('sessionGet', {}, optionsSender()));
    expect(view.signedIn && view.account.balances.phone.remaining).toBe(105);
    await expect
      .poll(() => pushes.find((push) => push.kind === 'balancesChanged'))
      .toMatchObject({ balances: { phone: { remaining: 105, addOn: 100 } } });
  });
});
