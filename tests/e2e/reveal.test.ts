/**
 * The user's reveal flows with the built extension in Chromium and the real server:
 * every reveal is paid once (R2, R3), "not found" and "out of credits" cost nothing (R4, R7).
 */
import { describe, expect, it } from 'vitest';
import { signIn } from './pages/options.ts';
import { ProfilePage } from './pages/profile.ts';
import { useE2eEnvironment } from './environment.ts';
import { PEOPLE } from './people.ts';

const env = useE2eEnvironment();

describe('revealing contact data', () => {
  it('reveals both phone numbers of a lead for exactly 1 phone credit, then shows them free after a reload', async () => {
    const profile = await ProfilePage.open(env.browser, PEOPLE.ada.slug);
    await profile.waitForLead('Ada Lovelace');
    await profile.revealButton('phone').click();

    await expect.poll(() => profile.text('+44 7700 900123').isVisible()).toBe(true);
    await expect(profile.text('+44 20 7946 0958').isVisible()).resolves.toBe(true);
    await expect(profile.text('Mobile').isVisible()).resolves.toBe(true);
    await expect(profile.text('Landline').isVisible()).resolves.toBe(true);
    const after = await env.server.balances(env.workspace.apiKey);
    expect(after.phone.remaining).toBe(4);
    expect(after.b2bEmail.remaining).toBe(10);
    expect(after.directEmail.remaining).toBe(5);

    env.proxy.requests.length = 0;
    await profile.page.reload();
    await profile.waitForLead('Ada Lovelace');
    await expect.poll(() => profile.text('+44 7700 900123').isVisible()).toBe(true);
    await expect(profile.revealButton('phone').count()).resolves.toBe(0);
    // Paid data comes from the cache: no reveal reached the server. (The only request is the
    // free availability read that labels the other types' buttons with what a click costs.)
    expect(env.proxy.requests).toEqual([`GET /v1/leads/${PEOPLE.ada.slug}/availability`]);
    expect((await env.server.balances(env.workspace.apiKey)).phone.remaining).toBe(4);
  });

  it('charges one credit for a lead with three phone numbers', async () => {
    const profile = await ProfilePage.open(env.browser, PEOPLE.alan.slug);
    await profile.waitForLead('Alan Turing');
    await profile.revealButton('phone').click();
    for (const number of ['+44 7700 900001', '+44 7700 900002', '+44 1908 640404']) {
      await expect.poll(() => profile.text(number).isVisible()).toBe(true);
    }
    expect((await env.server.balances(env.workspace.apiKey)).phone.remaining).toBe(4);
  });

  it('charges one credit for a double click', async () => {
    const profile = await ProfilePage.open(env.browser, PEOPLE.ada.slug);
    await profile.waitForLead('Ada Lovelace');
    await profile.revealButton('b2bEmail').dblclick();
    await expect.poll(() => profile.text('ada@analytical-engines.example').isVisible()).toBe(true);
    expect((await env.server.balances(env.workspace.apiKey)).b2bEmail.remaining).toBe(9);
    expect(env.reveals().length).toBe(1);
  });

  it('charges one credit when two tabs reveal the same lead at once', async () => {
    env.proxy.setMode({ kind: 'slow', delayMs: 2_000 }, { paths: /^\/v1\/reveals/ });
    const first = await ProfilePage.open(env.browser, PEOPLE.ada.slug);
    const second = await ProfilePage.open(env.browser, PEOPLE.ada.slug);
    await first.waitForLead('Ada Lovelace');
    await second.waitForLead('Ada Lovelace');
    await Promise.all([first.revealButton('phone').click(), second.revealButton('phone').click()]);
    await expect.poll(() => first.text('+44 7700 900123').isVisible()).toBe(true);
    await expect.poll(() => second.text('+44 7700 900123').isVisible()).toBe(true);
    expect((await env.server.balances(env.workspace.apiKey)).phone.remaining).toBe(4);
    expect(env.reveals().length).toBe(1);
  });

  it('says "not found" and charges nothing when the lead has no data', async () => {
    const profile = await ProfilePage.open(env.browser, PEOPLE.nobody.slug);
    await profile.waitForLead('Nobody Known');
    await profile.revealButton('b2bEmail').click();
    await expect.poll(() => profile.text(/No B2B email found/i).isVisible()).toBe(true);
    await expect(profile.text(/Nothing was charged/i).isVisible()).resolves.toBe(true);
    expect((await env.server.balances(env.workspace.apiKey)).b2bEmail.remaining).toBe(10);
  });

  it('refuses a reveal with 0 credits left, says which type ran out, and charges nothing', async () => {
    const poor = await env.server.createWorkspace({ b2bEmail: 5, phone: 0, directEmail: 1, export: 0 });
    await signIn(env.browser, env.proxy.url, poor.apiKey);
    const profile = await ProfilePage.open(env.browser, PEOPLE.ada.slug);
    await profile.waitForLead('Ada Lovelace');
    await profile.revealButton('phone').click();
    await expect.poll(() => profile.text(/Out of phone credits/i).isVisible()).toBe(true);
    await expect(profile.text(/0 left/i).isVisible()).resolves.toBe(true);
    const after = await env.server.balances(poor.apiKey);
    expect(after.phone.remaining).toBe(0);
    expect(after.phone.used).toBe(0);
    expect(after.b2bEmail.remaining).toBe(5);
    // The extension knew the balance was 0: it sent no request that had to fail (DESIGN section 1).
    expect(env.reveals()).toEqual([]);
    const ledger = await env.server.ledger(poor.apiKey);
    expect(ledger.filter((entry) => entry.reason === 'reveal')).toEqual([]);
  });

  it('serves the values free again when the local cache is deleted', async () => {
    const profile = await ProfilePage.open(env.browser, PEOPLE.grace.slug);
    await profile.waitForLead('Grace Hopper');
    await profile.revealButton('b2bEmail').click();
    await expect.poll(() => profile.text('grace@navy.example').isVisible()).toBe(true);
    expect((await env.server.balances(env.workspace.apiKey)).b2bEmail.remaining).toBe(9);

    const worker = await env.browser.serviceWorker();
    await worker.evaluate(async () => {
      const databases = await indexedDB.databases();
      // Keep the session store: only the lead cache is lost. Delete its records, not the database,
      // because the background holds the database open.
      for (const info of databases) {
        if (!info.name) continue;
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const request = indexedDB.open(info.name as string);
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
        const stores = [...db.objectStoreNames].filter((name) => name !== 'session');
        if (stores.length > 0) {
          await new Promise<void>((resolve, reject) => {
            const tx = db.transaction(stores, 'readwrite');
            for (const name of stores) tx.objectStore(name).clear();
            tx.oncomplete = () => resolve();
            tx.onerror = () => reject(tx.error);
          });
        }
        db.close();
      }
    });

    await profile.page.reload();
    await profile.waitForLead('Grace Hopper');
    await profile.revealButton('b2bEmail').click();
    await expect.poll(() => profile.text('grace@navy.example').isVisible()).toBe(true);
    expect((await env.server.balances(env.workspace.apiKey)).b2bEmail.remaining).toBe(9);
  });

  it('does not show one workspace’s paid leads as paid after signing in to another', async () => {
    const profile = await ProfilePage.open(env.browser, PEOPLE.ada.slug);
    await profile.waitForLead('Ada Lovelace');
    await profile.revealButton('b2bEmail').click();
    await expect.poll(() => profile.text('ada@analytical-engines.example').isVisible()).toBe(true);

    const other = await env.server.createWorkspace({ b2bEmail: 3, phone: 1, directEmail: 1, export: 1 });
    await signIn(env.browser, env.proxy.url, other.apiKey);
    await profile.page.reload();
    await profile.waitForLead('Ada Lovelace');
    await expect.poll(() => profile.revealButton('b2bEmail').isVisible()).toBe(true);
    await expect(profile.text('ada@analytical-engines.example').isVisible()).resolves.toBe(false);
    expect((await env.server.balances(other.apiKey)).b2bEmail.remaining).toBe(3);
  });
});
