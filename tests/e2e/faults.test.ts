/**
 * Faults on the reveal path: the server down, slow, failing or lying, the response lost
 * after the server committed, the service worker stopped mid-reveal. The user gets a clear
 * message, nothing is cached, and no credit is spent twice.
 */
import { describe, expect, it } from 'vitest';
import type { FaultMode } from '../support/fault-proxy.ts';
import { ProfilePage } from './pages/profile.ts';
import { useE2eEnvironment } from './environment.ts';
import { PEOPLE } from './people.ts';

const env = useE2eEnvironment();

const onReveals = { paths: /^\/v1\/reveals/ };

describe('when the server fails', () => {
  const failures: Array<[string, FaultMode, RegExp]> = [
    ['is down', { kind: 'down' }, /not reachable/i],
    ['answers 500', { kind: 'status', status: 500 }, /failed \(HTTP 500\)/],
    ['answers malformed JSON', { kind: 'malformed' }, /answer LeadLens cannot read/],
  ];

  it.each(failures)(
    'shows a clear message, caches nothing and spends nothing when it %s',
    async (_label, mode, message) => {
      env.proxy.setMode(mode, onReveals);
      const profile = await ProfilePage.open(env.browser, PEOPLE.ada.slug);
      await profile.waitForLead('Ada Lovelace');
      await profile.revealButton('phone').click();
      await expect.poll(() => profile.text(message).isVisible(), { timeout: 30_000 }).toBe(true);
      await expect(profile.widget.getByRole('button', { name: 'Retry' }).isVisible()).resolves.toBe(true);
      expect((await env.server.balances(env.workspace.apiKey)).phone.remaining).toBe(5);

      // Nothing was cached: after a reload the reveal button is back, and a retry that reaches the server pays once.
      env.proxy.setMode({ kind: 'pass' });
      await profile.page.reload();
      await profile.waitForLead('Ada Lovelace');
      await profile.revealButton('phone').click();
      await expect.poll(() => profile.text('+44 7700 900123').isVisible()).toBe(true);
      expect((await env.server.balances(env.workspace.apiKey)).phone.remaining).toBe(4);
    },
  );

  it('shows that it is working while the server is slow, then the values, for one credit', async () => {
    env.proxy.setMode({ kind: 'slow', delayMs: 2_500 }, onReveals);
    const profile = await ProfilePage.open(env.browser, PEOPLE.ada.slug);
    await profile.waitForLead('Ada Lovelace');
    await profile.revealButton('phone').click();
    await expect.poll(() => profile.text(/Revealing/i).isVisible()).toBe(true);
    await expect.poll(() => profile.text('+44 7700 900123').isVisible(), { timeout: 15_000 }).toBe(true);
    expect((await env.server.balances(env.workspace.apiKey)).phone.remaining).toBe(4);
  });

  it('says so when the server does not answer in time, and spends nothing', async () => {
    // Slower than the background's 20 s timeout: the proxy never forwards the abandoned request.
    env.proxy.setMode({ kind: 'slow', delayMs: 60_000 }, onReveals);
    const profile = await ProfilePage.open(env.browser, PEOPLE.ada.slug);
    await profile.waitForLead('Ada Lovelace');
    await profile.revealButton('phone').click();
    await expect.poll(() => profile.text(/did not answer within/i).isVisible(), { timeout: 40_000 }).toBe(true);
    await expect(profile.widget.getByRole('button', { name: 'Retry' }).isVisible()).resolves.toBe(true);
    expect((await env.server.balances(env.workspace.apiKey)).phone.remaining).toBe(5);
  }, 60_000);

  it('replays the committed reveal when the response was lost, charging once', async () => {
    env.proxy.setMode({ kind: 'dropResponse' }, { ...onReveals, times: 1 });
    const profile = await ProfilePage.open(env.browser, PEOPLE.ada.slug);
    await profile.waitForLead('Ada Lovelace');
    await profile.revealButton('phone').click();

    // Chromium itself may resend a request whose connection broke before any answer; otherwise
    // the widget offers Retry. Either way the second attempt carries the same key and is replayed.
    const retry = profile.widget.getByRole('button', { name: 'Retry' });
    const value = profile.text('+44 7700 900123');
    await expect
      .poll(async () => (await retry.isVisible()) || (await value.isVisible()), { timeout: 30_000 })
      .toBe(true);
    expect((await env.server.balances(env.workspace.apiKey)).phone.remaining).toBe(4);
    if (await retry.isVisible()) await retry.click();
    await expect.poll(() => value.isVisible()).toBe(true);

    expect(env.proxy.idempotencyKeys.length).toBeGreaterThanOrEqual(2);
    expect(new Set(env.proxy.idempotencyKeys).size).toBe(1);
    expect((await env.server.balances(env.workspace.apiKey)).phone.remaining).toBe(4);
  });

  it('recovers when the service worker is stopped in the middle of a reveal, charging once', async () => {
    env.proxy.setMode({ kind: 'slow', delayMs: 1_500 }, { ...onReveals, times: 1 });
    const profile = await ProfilePage.open(env.browser, PEOPLE.ada.slug);
    await profile.waitForLead('Ada Lovelace');
    await profile.revealButton('phone').click();
    await expect.poll(() => env.proxy.requests.some((line) => line.startsWith('POST /v1/reveals'))).toBe(true);
    await env.browser.stopServiceWorker();

    // The widget either sees the values (the answer got through) or offers a retry that costs nothing more.
    const retry = profile.widget.getByRole('button', { name: 'Retry' });
    const value = profile.text('+44 7700 900123');
    await expect
      .poll(async () => (await retry.isVisible()) || (await value.isVisible()), { timeout: 30_000 })
      .toBe(true);
    if (await retry.isVisible()) await retry.click();
    await expect.poll(() => value.isVisible(), { timeout: 15_000 }).toBe(true);
    await expect.poll(async () => (await env.server.balances(env.workspace.apiKey)).phone.remaining).toBe(4);
  });
});
