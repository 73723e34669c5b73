/**
 * A member's monthly limits (R11) in the background: a type is empty when the member's own
 * remaining is 0 even though the pool has credits, so neither a click nor automatic
 * discovery sends a reveal that must fail, and the widget learns it was the limit, not the
 * pool, that refused.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  FakeServer,
  capturePushes,
  contentSender,
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
  server.addAccount('key-a', 'pool-a'); // 5 phone credits in the pool
  server.addPerson('grace-hopper', { phone: [{ value: '+1 555 0100', phoneKind: 'mobile', verifiedAt: null }] });
});

const phoneOf = (slug: string) => ({ slug, types: ['phone' as const] });

describe('a click', () => {
  it('at the limit: refused with the limit and usage, no reveal sent, although the pool has credits', async () => {
    server.setLimit('key-a', 'phone', 20, 20);
    const bg = startBackground(server);
    await signedInOnProfile(bg);
    const before = server.requests.length;
    const outcome = expectOk(await bg.send('reveal', phoneOf('ada-lovelace'), widgetSender(1)));
    expect(outcome.lead.phone).toEqual({
      status: 'insufficientCredits',
      remaining: 0,
      memberLimit: { limit: 20, used: 20 },
    });
    // Only the free availability read, to know whether the pool paid it already (then free).
    expect(server.requests.slice(before).map((request) => request.path)).toEqual([
      '/v1/leads/ada-lovelace/availability',
    ]);
    expect(outcome.balances?.phone.remaining).toBe(5);
  });

  it('at the limit: a lead a teammate already paid is still shown, free (R3)', async () => {
    server.setLimit('key-a', 'phone', 20, 20);
    server.markPaid('pool-a', 'ada-lovelace', 'phone');
    const bg = startBackground(server);
    await signedInOnProfile(bg);
    const outcome = expectOk(await bg.send('reveal', phoneOf('ada-lovelace'), widgetSender(1)));
    expect(outcome.lead.phone).toMatchObject({ status: 'revealed' });
    expect(server.charges).toEqual([]);
  });

  it('the reveal that reaches the limit is stored from its answer: the next lead is refused locally', async () => {
    server.setLimit('key-a', 'phone', 1);
    const bg = startBackground(server);
    await signedInOnProfile(bg);
    expect(expectOk(await bg.send('reveal', phoneOf('ada-lovelace'), widgetSender(1))).lead.phone.status).toBe(
      'revealed',
    );
    const view = expectOk(await bg.send('sessionGet', {}, optionsSender()));
    expect(view.signedIn && view.account.limits?.phone).toEqual({ limit: 1, used: 1, remaining: 0 });

    expectOk(await bg.send('profileSeen', { profile: profile('grace-hopper') }, contentSender(1)));
    await bg.idle();
    const reveals = server.reveals().length;
    const next = expectOk(await bg.send('reveal', phoneOf('grace-hopper'), widgetSender(1)));
    expect(next.lead.phone).toMatchObject({ status: 'insufficientCredits', memberLimit: { limit: 1, used: 1 } });
    expect(server.reveals()).toHaveLength(reveals);
    expect(server.charges).toHaveLength(1);
  });

  it('a limit the admin lowered meanwhile: the server’s refusal says it was the limit', async () => {
    const bg = startBackground(server);
    await signedInOnProfile(bg);
    server.setLimit('key-a', 'phone', 3, 3);
    const outcome = expectOk(await bg.send('reveal', phoneOf('ada-lovelace'), widgetSender(1)));
    expect(outcome.lead.phone).toEqual({
      status: 'insufficientCredits',
      remaining: 0,
      memberLimit: { limit: 3, used: 3 },
    });
    expect(server.charges).toHaveLength(0);
  });

  it('a limit set on another type changes nothing for phone', async () => {
    server.setLimit('key-a', 'b2bEmail', 2, 2);
    const bg = startBackground(server);
    await signedInOnProfile(bg);
    const outcome = expectOk(await bg.send('reveal', phoneOf('ada-lovelace'), widgetSender(1)));
    expect(outcome.lead.phone.status).toBe('revealed');
  });
});

describe('automatic discovery', () => {
  it('at the limit: the type is out of credits (the limit named), only the free availability read', async () => {
    server.setLimit('key-a', 'phone', 20, 20);
    const bg = startBackground(server);
    await signedInOnProfile(bg, { autoReveal: { b2bEmail: false, phone: true, directEmail: false }, tabIds: [] });
    const before = server.requests.length;
    expectOk(await bg.send('profileSeen', { profile: profile() }, contentSender(1)));
    await bg.idle();
    expect(server.requests.slice(before).map((request) => request.path)).toEqual([
      '/v1/leads/ada-lovelace/availability',
    ]);
    const widget = expectOk(await bg.send('widgetOpened', {}, widgetSender(1)));
    expect(widget.discovery?.auto.phone).toEqual({
      state: 'outOfCredits',
      remaining: 0,
      memberLimit: { limit: 20, used: 20 },
    });
  });

  it('the guard counts the member’s own remaining, not the pool’s', async () => {
    server.setLimit('key-a', 'phone', 10, 8); // 2 left for the member, 5 in the pool
    const bg = startBackground(server);
    await signedInOnProfile(bg, { autoReveal: { b2bEmail: false, phone: true, directEmail: false }, tabIds: [] });
    expectOk(await bg.send('settingsChange', { patch: { keepAtLeast: { phone: 2 } } }, optionsSender()));
    expectOk(await bg.send('profileSeen', { profile: profile() }, contentSender(1)));
    await bg.idle();
    expect(server.reveals()).toHaveLength(0);
    const widget = expectOk(await bg.send('widgetOpened', {}, widgetSender(1)));
    expect(widget.discovery?.auto.phone).toMatchObject({ state: 'guarded', keep: 2, remaining: 2 });
  });
});

describe('account refresh', () => {
  it('new usage under a limit is a figure: pages update in place, widgets do not reload', async () => {
    server.setLimit('key-a', 'phone', 20, 3);
    const bg = startBackground(server);
    await signedInOnProfile(bg);
    const pushes = capturePushes();
    server.setLimit('key-a', 'phone', 20, 12);
    const view = expectOk(await bg.send('accountRefresh', {}, optionsSender()));
    expect(view.signedIn && view.account.limits?.phone).toEqual({ limit: 20, used: 12, remaining: 8 });
    await expect.poll(() => pushes.map((push) => push.kind)).toContain('balancesChanged');
    expect(pushes.map((push) => push.kind)).not.toContain('sessionChanged');
    expect(pushes.find((push) => push.kind === 'balancesChanged')).toMatchObject({
      limits: { phone: { limit: 20, used: 12, remaining: 8 } },
    });
  });
});
