import { describe, expect, test, vi } from 'vitest';
import { page } from 'vitest/browser';
import { App } from '../../entrypoints/options/App.tsx';
import { createOptionsStore } from '../../entrypoints/options/store.ts';
import { createUsageStore } from '../../entrypoints/options/usage-store.ts';
import { createWorkspaceStore } from '../../entrypoints/options/workspace-store.ts';
import { SIGNED_IN, SIGNED_OUT, fail, fakeSend, ok, renderInto, type Handlers } from './fakes.ts';

function mount(handlers: Handlers, granted = true) {
  const fake = fakeSend({ sessionGet: () => ok(SIGNED_OUT), ...handlers });
  const requestOrigins = vi.fn(async () => granted);
  const store = createOptionsStore({ send: fake.send, requestOrigins });
  const createTabs = () => ({ usage: createUsageStore(fake), workspace: createWorkspaceStore(fake) });
  renderInto(<App store={store} createTabs={createTabs} />);
  void store.getState().load();
  return { ...fake, requestOrigins, store };
}

async function fillAndSubmit(serverUrl: string | null, apiKey: string) {
  if (serverUrl !== null) await page.getByLabelText('Server URL').fill(serverUrl);
  await page.getByLabelText('API key').fill(apiKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('the options page', () => {
  test('signed out: a sign-in form with labelled fields and a default server', async () => {
    mount({});
    await expect.element(page.getByLabelText('Server URL')).toHaveValue('http://127.0.0.1:8787');
    await expect.element(page.getByLabelText('API key')).toHaveAttribute('type', 'password');
    await expect.element(page.getByRole('button', { name: 'Sign in' })).toBeEnabled();
  });

  test('signing in to the local server: no permission prompt, then who is signed in', async () => {
    const { callsOf, requestOrigins } = mount({ signIn: () => ok(SIGNED_IN) });
    await fillAndSubmit(null, '  ll_demo_key  ');
    await expect.element(page.getByText('ada@babbage.example')).toBeVisible();
    await expect.element(page.getByText('Babbage & Co')).toBeVisible();
    await expect.element(page.getByText('Starter')).toBeVisible();
    await expect.element(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
    expect(callsOf('signIn')).toEqual([{ serverUrl: 'http://127.0.0.1:8787', apiKey: 'll_demo_key' }]);
    expect(requestOrigins).not.toHaveBeenCalled();
  });

  test('a refused key: the message from the background, and the form stays', async () => {
    mount({ signIn: () => fail('unauthorized', 'The server did not accept this API key.') });
    await fillAndSubmit(null, 'wrong');
    await expect.element(page.getByRole('alert')).toHaveTextContent('The server did not accept this API key.');
    await expect.element(page.getByRole('button', { name: 'Sign in' })).toBeEnabled();
    await expect.element(page.getByLabelText('API key')).toHaveValue('wrong');
  });

  test('a local server typed without a scheme: http, no prompt', async () => {
    const { callsOf, requestOrigins } = mount({ signIn: () => ok(SIGNED_IN) });
    await fillAndSubmit('localhost:9000/', 'key');
    await expect.element(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
    expect(callsOf('signIn')).toEqual([{ serverUrl: 'http://localhost:9000', apiKey: 'key' }]);
    expect(requestOrigins).not.toHaveBeenCalled();
  });

  test('an https server: the host permission is asked for first', async () => {
    const { callsOf, requestOrigins } = mount({ signIn: () => ok(SIGNED_IN) });
    await fillAndSubmit('https://leadlens.example.com:8443/', 'key');
    await expect.element(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
    expect(requestOrigins).toHaveBeenCalledWith(['https://leadlens.example.com/*']);
    expect(callsOf('signIn')).toEqual([{ serverUrl: 'https://leadlens.example.com:8443', apiKey: 'key' }]);
  });

  test('an https server whose permission is refused: a clear message and no sign-in', async () => {
    const { callsOf } = mount({ signIn: () => ok(SIGNED_IN) }, false);
    await fillAndSubmit('https://leadlens.example.com', 'key');
    await expect
      .element(page.getByRole('alert'))
      .toHaveTextContent(/needs your permission to reach leadlens.example.com/);
    expect(callsOf('signIn')).toEqual([]);
  });

  test('plain http to another host, a bad address or no key: said before anything is sent', async () => {
    const { callsOf } = mount({ signIn: () => ok(SIGNED_IN) });
    await fillAndSubmit('http://leadlens.example.com', 'key');
    await expect
      .element(page.getByRole('alert'))
      .toHaveTextContent(/Plain http is only allowed for 127.0.0.1 and localhost/);
    await fillAndSubmit('https://[::1', 'key');
    await expect.element(page.getByRole('alert')).toHaveTextContent(/is not a web address/);
    await fillAndSubmit('http://localhost:9000', '   ');
    await expect.element(page.getByRole('alert')).toHaveTextContent('Enter your API key.');
    expect(callsOf('signIn')).toEqual([]);
  });

  test('signed in: who, then Sign out returns to the form', async () => {
    const { callsOf } = mount({ sessionGet: () => ok(SIGNED_IN), signOut: () => ok(SIGNED_OUT) });
    await expect.element(page.getByText('ada@babbage.example')).toBeVisible();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.element(page.getByLabelText('API key')).toBeVisible();
    expect(callsOf('signOut')).toHaveLength(1);
  });

  test('signed out by the server: the reason is shown above the form', async () => {
    mount({
      sessionGet: () =>
        ok({ signedIn: false, reason: { code: 'unauthorized', message: 'The server no longer accepts this key.' } }),
    });
    await expect.element(page.getByRole('alert')).toHaveTextContent('The server no longer accepts this key.');
    await expect.element(page.getByLabelText('API key')).toBeVisible();
  });

  test('a session that cannot be read: the error and Retry, not a sign-in form', async () => {
    let attempts = 0;
    mount({
      sessionGet: () =>
        ++attempts === 1
          ? fail('internal', "The extension's background did not answer within 30 s. Try again.")
          : ok(SIGNED_IN),
    });
    await expect.element(page.getByRole('alert')).toHaveTextContent(/did not answer within 30 s/);
    expect(page.getByLabelText('API key').query()).toBeNull();
    expect(page.getByRole('button', { name: 'Sign in' }).query()).toBeNull();
    await page.getByRole('button', { name: 'Retry' }).click();
    await expect.element(page.getByText('ada@babbage.example')).toBeVisible();
  });

  test('a session change from elsewhere shows at once', async () => {
    const { store } = mount({ sessionGet: () => ok(SIGNED_IN) });
    await expect.element(page.getByText('ada@babbage.example')).toBeVisible();
    store.getState().receive({ leadlensPush: 1, kind: 'sessionChanged', session: SIGNED_OUT });
    await expect.element(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  });
});
