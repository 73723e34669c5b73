/**
 * What each message does, once the router has checked its shape and sender. Handlers read
 * everything that must survive from storage (IndexedDB, storage.session) on every call.
 */
import { t } from '../../i18n/messages.ts';
import { REVEAL_TYPES } from '../../shared/credits.ts';
import type { Reply, SessionView } from '../../shared/protocol.ts';
import { updateBadge } from './badge.ts';
import type { BackgroundContext } from './context.ts';
import { describeError } from './describe-error.ts';
import { discover, isPlanning } from './discovery.ts';
import { push } from './push.ts';
import { reveal, type InFlight } from './reveal.ts';
import type { Handlers } from './router.ts';
import { activeSession, readSession, refreshAccount, signIn, signOut, viewOf } from './session.ts';
import { changeSettings, readSettings } from './settings.ts';
import { forgetTab, rememberProfile, widgetState } from './tabs.ts';
import { setWidgetCollapsed } from './widget-collapse.ts';
import { bulkHandlers } from './bulk.ts';
import { exportHandlers } from './exports.ts';
import { workspaceHandlers } from './workspace.ts';

/**
 * Receives work that outlives the message that started it (automatic discovery after
 * `profileSeen`). The worker lets it run (the plan never rejects); tests wait for it.
 */
export type TrackTask = (task: Promise<void>) => void;

export function createHandlers(
  ctx: BackgroundContext,
  inFlight: InFlight,
  track: TrackTask = (task) => void task,
): Handlers {
  return {
    ...workspaceHandlers(ctx),
    ...exportHandlers(ctx),
    ...bulkHandlers(ctx, inFlight, track),
    async profileSeen({ profile }, sender) {
      // The router only lets content scripts in tabs through; tabId is set.
      if (sender.tabId === null) return { ok: true, data: { signedIn: false } };
      const newLead = await rememberProfile(sender.tabId, profile);
      const session = await activeSession(ctx);
      // The content script mounts the widget when this answers; the plan runs beside it.
      // The same lead read again (a richer reading, a sub-page) keeps the plan it has: a
      // toggle turned on since must not reach a profile already open.
      if (session && newLead) track(discover(ctx, inFlight, sender.tabId, profile.slug));
      // Nothing but this flag goes back to a content script: no key, no contact data.
      return { ok: true, data: { signedIn: session !== null } };
    },
    async profileLeft(_payload, sender) {
      if (sender.tabId !== null) await forgetTab(sender.tabId);
      return { ok: true, data: null };
    },
    async widgetOpened(_payload, sender) {
      if (sender.tabId === null) {
        const [session, settings] = await Promise.all([readSession(ctx).then(viewOf), readSettings()]);
        const pool = session.signedIn ? session.pool : null;
        return {
          ok: true,
          data: { profile: null, session, pool, lead: null, balances: null, settings, discovery: null },
        };
      }
      const state = await widgetState(ctx, sender.tabId);
      // The worker was stopped while a plan ran for this lead (its "revealing" would never
      // end) or before it recorded anything: run it again. The persisted idempotency key
      // makes a reveal already sent a replay.
      const slug = state.profile?.slug;
      const stalled =
        !state.discovery || REVEAL_TYPES.some((type) => state.discovery?.auto[type].state === 'revealing');
      if (state.session.signedIn && slug && stalled && !isPlanning(inFlight, sender.tabId, slug)) {
        track(discover(ctx, inFlight, sender.tabId, slug));
      }
      return { ok: true, data: state };
    },
    reveal: (payload, sender) => reveal(ctx, inFlight, sender.tabId, payload),
    async sessionGet() {
      return { ok: true, data: viewOf(await readSession(ctx)) };
    },
    async popupOpened() {
      const [session, settings] = await Promise.all([readSession(ctx).then(viewOf), readSettings()]);
      return { ok: true, data: { session, settings } };
    },
    async settingsChange({ patch }) {
      let settings;
      try {
        settings = await changeSettings(patch);
      } catch (error) {
        return {
          ok: false,
          error: {
            code: 'storage_failed',
            message: t('errSettingNotSaved', describeError(error)),
          },
        };
      }
      void push({ leadlensPush: 1, kind: 'settingsChanged', settings });
      void readSession(ctx)
        .then((record) => updateBadge(ctx, record))
        .catch((error: unknown) => console.warn('LeadLens: could not update the badge', error));
      return { ok: true, data: settings };
    },
    async widgetCollapse({ collapsed }) {
      try {
        await setWidgetCollapsed(collapsed);
      } catch (error) {
        return {
          ok: false,
          error: {
            code: 'storage_failed',
            message: t('errSettingNotSaved', describeError(error)),
          },
        };
      }
      // No push: the frames and the widgets follow storage.onChanged themselves.
      return { ok: true, data: { collapsed } };
    },
    async accountRefresh(): Promise<Reply<SessionView>> {
      const session = await activeSession(ctx);
      if (!session) return { ok: true, data: viewOf(await readSession(ctx)) };
      const refreshed = await refreshAccount(ctx, session);
      if (!refreshed.ok) {
        // A refused key signed the user out; the view says so. Other failures are errors.
        if (refreshed.error.code === 'unauthorized') return { ok: true, data: viewOf(await readSession(ctx)) };
        return { ok: false, error: { code: refreshed.error.code, message: refreshed.error.message } };
      }
      return { ok: true, data: viewOf(refreshed.session) };
    },
    signIn: ({ serverUrl, apiKey }) => signIn(ctx, serverUrl, apiKey),
    async signOut() {
      return { ok: true, data: await signOut(ctx) };
    },
  };
}
