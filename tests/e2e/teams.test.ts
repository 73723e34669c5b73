/**
 * Teams (issue 6) with two browser profiles, each signed in as a member of one paid
 * workspace: a lead member A paid is free for member B at once (R2, R3, R8), the Usage tab
 * shows who spent it, and only admins get the Workspace tab.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { launchWithExtension, type ExtensionBrowser } from '../support/extension.ts';
import { startFaultProxy } from '../support/fault-proxy.ts';
import { startTestServer, type TestMember, type TestServer, type TestWorkspace } from '../support/test-server.ts';
import { DEFAULT_CREDITS } from './environment.ts';
import { OptionsPage, signIn } from './pages/options.ts';
import { PopupPage, setDiscovery } from './pages/popup.ts';
import { ProfilePage } from './pages/profile.ts';
import { IMPORTED, PEOPLE } from './people.ts';

let server: TestServer;
const browsers: ExtensionBrowser[] = [];

beforeAll(async () => {
  server = await startTestServer();
  await server.addPeople(IMPORTED);
});

afterAll(async () => {
  await server?.close();
});

afterEach(async () => {
  await Promise.all(browsers.splice(0).map((browser) => browser.close()));
});

/** A fresh browser profile signed in with `apiKey`, Ada's page served, discovery as given. */
async function profileSignedIn(
  apiKey: string,
  phoneDiscovery: boolean,
  serverUrl = server.url,
): Promise<ExtensionBrowser> {
  const browser = await launchWithExtension();
  browsers.push(browser);
  for (const person of [PEOPLE.ada, PEOPLE.alan]) await ProfilePage.serve(browser, person.slug, { name: person.name });
  await signIn(browser, serverUrl, apiKey);
  await setDiscovery(browser, { b2bEmail: false, phone: phoneDiscovery, directEmail: false });
  return browser;
}

describe('two members of one paid workspace', () => {
  let workspace: TestWorkspace;
  let memberA: TestMember;
  let memberB: TestMember;

  it('A reveals a lead; B opens it and sees it at once without spending; the Usage tab says A spent it', async () => {
    workspace = await server.createWorkspace(DEFAULT_CREDITS, { plan: 'starter', seats: 3 });
    memberA = await server.addMember(workspace, { email: 'member-a@example.com' });
    memberB = await server.addMember(workspace, { email: 'member-b@example.com' });
    // B reveals phones automatically, as a member who wants them at once would: the pool paid
    // Ada's phone, so opening her profile is free for B (R3), whatever B's own settings.
    const [browserA, browserB] = await Promise.all([
      profileSignedIn(memberA.apiKey, false),
      profileSignedIn(memberB.apiKey, true),
    ]);

    const a = await ProfilePage.open(browserA, PEOPLE.ada.slug);
    await a.waitForLead(PEOPLE.ada.name);
    await a.revealButton('phone').click();
    await expect.poll(() => a.text('+44 7700 900123').isVisible(), { timeout: 15_000 }).toBe(true);
    expect((await server.balances(workspace.apiKey)).phone.remaining).toBe(4);

    const b = await ProfilePage.open(browserB, PEOPLE.ada.slug);
    await b.waitForLead(PEOPLE.ada.name);
    await expect.poll(() => b.text('+44 7700 900123').isVisible(), { timeout: 15_000 }).toBe(true);
    await expect(b.text('+44 20 7946 0958').isVisible()).resolves.toBe(true);
    await expect(b.revealButton('phone').count()).resolves.toBe(0);
    expect((await server.balances(workspace.apiKey)).phone.remaining).toBe(4);
    const reveals = (await server.ledger(workspace.apiKey)).filter((entry) => entry.reason === 'reveal');
    expect(reveals.map((entry) => entry.userEmail)).toEqual(['member-a@example.com']);

    // B's Usage tab shows A's spending: who, what, which lead.
    const options = await OptionsPage.open(browserB);
    await options.openTab('Usage');
    await expect
      .poll(() => options.ledgerRows())
      .toContainEqual([expect.any(String), 'member-a@example.com', 'Reveal · Phone', '-1', PEOPLE.ada.slug]);
    // B spent nothing: no row names B.
    expect((await options.ledgerRows()).some((row) => row.includes('member-b@example.com'))).toBe(false);

    // A member is offered no Workspace tab.
    expect(await options.tabNames()).toEqual(['Account', 'Leads', 'Bulk enrichment', 'Usage']);
  });

  it('the admin gets the Workspace tab, with the members and what each spent', async () => {
    workspace = await server.createWorkspace(DEFAULT_CREDITS, { plan: 'starter', seats: 3 });
    memberA = await server.addMember(workspace, { email: 'spender@example.com' });
    await server.setLimits(workspace.apiKey, memberA.userId, { phone: 20 });
    const browserA = await profileSignedIn(memberA.apiKey, false);
    const a = await ProfilePage.open(browserA, PEOPLE.ada.slug);
    await a.waitForLead(PEOPLE.ada.name);
    await a.revealButton('phone').click();
    await expect.poll(() => a.text('+44 7700 900123').isVisible(), { timeout: 15_000 }).toBe(true);

    const admin = await launchWithExtension();
    browsers.push(admin);
    await signIn(admin, server.url, workspace.apiKey);
    const options = await OptionsPage.open(admin);
    expect(await options.tabNames()).toEqual(['Account', 'Leads', 'Bulk enrichment', 'Usage', 'Workspace']);
    await options.openTab('Workspace');
    await options.page.getByText('Seats: 2 of 3 used').waitFor();
    const row = options.page.getByRole('row', { name: /spender@example\.com/ });
    await expect.poll(() => row.textContent()).toContain('1 used · limit 20');
  });

  it('a member at their limit is told so, and no reveal is sent, while the pool still has credits (R11)', async () => {
    workspace = await server.createWorkspace(DEFAULT_CREDITS, { plan: 'starter', seats: 3 });
    memberA = await server.addMember(workspace, { email: 'limited@example.com' });
    await server.setLimits(workspace.apiKey, memberA.userId, { phone: 1 });
    // Through the proxy, which records every request the extension makes.
    const proxy = await startFaultProxy(server.url);
    onTestFinished(() => proxy.close());
    const browserA = await profileSignedIn(memberA.apiKey, false, proxy.url);

    const ada = await ProfilePage.open(browserA, PEOPLE.ada.slug);
    await ada.waitForLead(PEOPLE.ada.name);
    await ada.revealButton('phone').click();
    await expect.poll(() => ada.text('+44 7700 900123').isVisible(), { timeout: 15_000 }).toBe(true);

    const popup = await PopupPage.open(browserA);
    await expect.poll(() => popup.limitLines().allTextContents()).toEqual(['Your limit: 1 phone credit, 1 used']);
    await popup.page.close();

    const alan = await ProfilePage.open(browserA, PEOPLE.alan.slug);
    await alan.waitForLead(PEOPLE.alan.name);
    await alan.revealButton('phone').click();
    await expect
      .poll(() => alan.text('You reached your monthly limit of 1 phone credit.').isVisible(), { timeout: 15_000 })
      .toBe(true);
    // Known from Ada's answer: the refusal is local, no reveal request went out for Alan.
    expect(proxy.requests.filter((line) => line.startsWith('POST /v1/reveals'))).toHaveLength(1);
    // The pool has 4 phone credits left; the member's one reveal is the only one in the ledger.
    expect((await server.balances(workspace.apiKey)).phone.remaining).toBe(4);
    const reveals = (await server.ledger(workspace.apiKey)).filter((entry) => entry.reason === 'reveal');
    expect(reveals.map((entry) => entry.lead)).toEqual([PEOPLE.ada.slug]);
  });
});
