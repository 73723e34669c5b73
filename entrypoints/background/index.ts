/**
 * The background service worker. Every listener is registered synchronously at the top of
 * `main` so an event that wakes the worker finds it; handlers await `ready` and read all
 * lasting state from storage, because MV3 may stop the worker at any moment.
 */
import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { DEFAULT_TIMEOUT_MS } from './api-client.ts';
import { updateBadge } from './badge.ts';
import { BULK_ALARM, resumeBulkJobs } from './bulk.ts';
import type { BackgroundContext } from './context.ts';
import { createDatabase } from './database.ts';
import { createHandlers } from './handlers.ts';
import { createInFlight } from './reveal.ts';
import { isLeadLensMessage, route } from './router.ts';
import { readSession } from './session.ts';
import { forgetTab } from './tabs.ts';

export default defineBackground(() => {
  const ctx: BackgroundContext = {
    db: createDatabase(),
    fetch: (input, init) => fetch(input, init),
    now: () => Date.now(),
    newIdempotencyKey: () => crypto.randomUUID(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    timeoutMs: DEFAULT_TIMEOUT_MS,
    hasHostPermission: (pattern) => browser.permissions.contains({ origins: [pattern] }),
    balancesMaxAgeMs: 60_000,
    async setBadge({ text, color, title }) {
      await Promise.all([
        browser.action.setBadgeText({ text }),
        browser.action.setBadgeBackgroundColor({ color }),
        browser.action.setTitle({ title }),
      ]);
    },
  };
  // The one global state: requests in flight, so concurrent asks share them. Losing it costs
  // nothing: the persisted idempotency key turns a retry into a replay.
  const inFlight = createInFlight();
  const handlers = createHandlers(ctx, inFlight);
  // Opening the database early; a failure here surfaces in the handler that needs it.
  const ready = ctx.db().catch((error: unknown) => console.error('LeadLens: could not open the cache', error));

  browser.runtime.onMessage.addListener((message, sender) => {
    if (!isLeadLensMessage(message)) return undefined;
    return route(message, sender, handlers, ready);
  });

  // The badge is browser state: a browser restart clears it, an extension update resets it.
  const showBadge = () => {
    void ready
      .then(() => readSession(ctx))
      .then((record) => updateBadge(ctx, record))
      .catch((error: unknown) => console.warn('LeadLens: could not show the badge', error));
  };
  browser.runtime.onStartup.addListener(showBadge);
  browser.runtime.onInstalled.addListener(showBadge);

  // A bulk enrichment left running (the worker was stopped, the browser restarted) goes on:
  // when the worker starts, when the browser starts, and on the alarm that wakes a stopped
  // worker every 30 s while a job runs. A job already running in this worker is left alone.
  const resumeBulk = () => {
    void ready
      .then(() => resumeBulkJobs(ctx, inFlight))
      .catch((error: unknown) => console.warn('LeadLens: could not resume bulk enrichment', error));
  };
  browser.runtime.onStartup.addListener(resumeBulk);
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === BULK_ALARM) resumeBulk();
  });
  resumeBulk();

  browser.tabs.onRemoved.addListener((tabId) => {
    void ready
      .then(() => forgetTab(tabId))
      .catch((error: unknown) => console.warn('LeadLens: tab cleanup failed', error));
  });
});
