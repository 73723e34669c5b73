/**
 * The options page's sign-in state. The background checks the key against the server and
 * keeps it; this page only sends what the user typed and shows the answer.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Send } from '../../messaging/client.ts';
import type { Push, SessionView } from '../../shared/protocol.ts';
import { normalizeServerUrl } from '../../shared/server-url.ts';
import { serverUrlProblemText, t } from '../../i18n/messages.ts';

export const DEFAULT_SERVER_URL = 'http://127.0.0.1:8787';

export interface OptionsDeps {
  send: Send;
  /**
   * Asks the user for access to host patterns (`permissions.request`). It must run within
   * the click that asked for it, so `signIn` calls it before anything else it awaits.
   */
  requestOrigins: (origins: string[]) => Promise<boolean>;
}

export interface OptionsStoreState {
  /** Null until the background has answered. */
  session: SessionView | null;
  /** Why the session could not be read; the page offers Retry instead of a sign-in form. */
  loadError: string | null;
  busy: boolean;
  error: string | null;

  load(): Promise<void>;
  signIn(serverUrl: string, apiKey: string): Promise<void>;
  signOut(): Promise<void>;
  receive(push: Push): void;
}

export type OptionsStore = StoreApi<OptionsStoreState>;

export function createOptionsStore({ send, requestOrigins }: OptionsDeps): OptionsStore {
  return createStore<OptionsStoreState>()((set, get) => ({
    session: null,
    loadError: null,
    busy: false,
    error: null,

    async load() {
      set({ loadError: null });
      const reply = await send('sessionGet', {});
      // Not knowing the session is not being signed out: a sign-in form here would invite
      // signing in again over a session that may be fine.
      if (reply.ok) set({ session: reply.data });
      else set({ loadError: reply.error.message });
    },

    async signIn(serverUrl, apiKey) {
      if (get().busy) return;
      // The same check the background makes, so both name the same origin and permission.
      const checked = normalizeServerUrl(serverUrl);
      if (!checked.ok) {
        set({ error: serverUrlProblemText(checked.problem) });
        return;
      }
      const key = apiKey.trim();
      if (!key) {
        set({ error: t('enterApiKey') });
        return;
      }
      set({ busy: true, error: null });
      if (!checked.grantedByManifest) {
        let granted = false;
        try {
          granted = await requestOrigins([checked.permissionPattern]);
        } catch {
          granted = false;
        }
        if (!granted) {
          set({
            busy: false,
            error: t('needsPermission', new URL(checked.url).host),
          });
          return;
        }
      }
      const reply = await send('signIn', { serverUrl: checked.url, apiKey: key });
      if (reply.ok) set({ busy: false, session: reply.data, error: null });
      else set({ busy: false, error: reply.error.message });
    },

    async signOut() {
      if (get().busy) return;
      set({ busy: true, error: null });
      const reply = await send('signOut', {});
      if (reply.ok) set({ busy: false, session: reply.data });
      else set({ busy: false, error: reply.error.message });
    },

    receive(push) {
      if (push.kind === 'sessionChanged') set({ session: push.session, loadError: null });
    },
  }));
}
