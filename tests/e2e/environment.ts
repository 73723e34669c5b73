/**
 * The world of an e2e test file: the real server (in-process, in-memory PGlite) with the test
 * people, a fault proxy in front of it, and for each test a fresh Chromium with the built
 * extension, signed in to a fresh workspace through the options page.
 */
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { CreditType } from '../../shared/credits.ts';
import { launchWithExtension, type ExtensionBrowser } from '../support/extension.ts';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.ts';
import { startTestServer, type TestServer, type TestWorkspace } from '../support/test-server.ts';
import { signIn } from './pages/options.ts';
import { setDiscovery } from './pages/popup.ts';
import { ProfilePage } from './pages/profile.ts';
import { IMPORTED, PEOPLE } from './people.ts';

export interface E2eEnvironment {
  server: TestServer;
  proxy: FaultProxy;
  browser: ExtensionBrowser;
  workspace: TestWorkspace;
  /** The reveal requests that reached the server through the proxy during this test. */
  reveals(): string[];
}

export const DEFAULT_CREDITS: Partial<Record<CreditType, number>> = {
  b2bEmail: 10,
  phone: 5,
  directEmail: 5,
  export: 5,
};

export interface E2eOptions {
  /** The extension talks to the server directly, not through the fault proxy. */
  direct?: boolean;
  /**
   * Automatic discovery as a new user has it (`defaults`: B2B email on), or all off, so a
   * test of clicks sees only what its clicks do. Off unless a test is about discovery.
   */
  discovery?: 'defaults' | 'off';
}

/** Registers the hooks and returns the environment, filled in before each test. */
export function useE2eEnvironment(options: E2eOptions = {}): E2eEnvironment {
  const env = {
    reveals: () => env.proxy.requests.filter((line) => line.startsWith('POST /v1/reveals')),
  } as E2eEnvironment;

  beforeAll(async () => {
    env.server = await startTestServer();
    await env.server.addPeople(IMPORTED);
    env.proxy = await startFaultProxy(env.server.url);
  });

  afterAll(async () => {
    await env.proxy?.close();
    await env.server?.close();
  });

  beforeEach(async () => {
    env.browser = await launchWithExtension();
    for (const person of Object.values(PEOPLE))
      await ProfilePage.serve(env.browser, person.slug, { name: person.name });
    env.workspace = await env.server.createWorkspace(DEFAULT_CREDITS);
    await signIn(env.browser, options.direct ? env.server.url : env.proxy.url, env.workspace.apiKey);
    if (options.discovery !== 'defaults') {
      await setDiscovery(env.browser, { b2bEmail: false, phone: false, directEmail: false });
    }
    env.proxy.requests.length = 0;
    env.proxy.idempotencyKeys.length = 0;
  });

  afterEach(async () => {
    env.proxy.setMode({ kind: 'pass' });
    await env.browser?.close();
  });

  return env;
}
