/**
 * The popup's state: the session with its figures, and Automatic discovery's settings.
 * It opens from what the background keeps (no network), then reads the account again.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Send } from '../../messaging/client.ts';
import type { PoolScope, Push, Reply, SessionView } from '../../shared/protocol.ts';
import { t } from '../../i18n/messages.ts';
import { withPending, type DiscoverySettings, type DiscoverySettingsPatch } from '../../shared/settings.ts';

export interface PopupDeps {
  send: Send;
  /** Opens the options page; a failure is a value (see messaging/client.ts `openOptionsPage`). */
  openOptions: () => Promise<Reply<null>>;
}

/** A settings change sent and not answered yet. */
interface PendingChange {
  id: number;
  patch: DiscoverySettingsPatch;
}

export interface PopupStoreState {
  /** Null until the background has answered. */
  session: SessionView | null;
  /** The settings as the background last told them; null until it has answered. */
  savedSettings: DiscoverySettings | null;
  /** Changes on their way, oldest first: shown at once over `savedSettings`. */
  pendingChanges: PendingChange[];
  /** Why the background did not answer when the popup opened. */
  loadError: string | null;
  /** Why fresh figures could not be read; the last known ones stay on screen. */
  refreshError: string | null;
  /** Why the last settings change was not saved (it has been put back). */
  settingsError: string | null;
  /** Why the options page did not open. */
  openError: string | null;

  load(): Promise<void>;
  receive(push: Push): void;
  changeSettings(patch: DiscoverySettingsPatch): Promise<void>;
  openOptions(): void;
}

export type PopupStore = StoreApi<PopupStoreState>;

/** The settings the toggles show: the saved ones with the changes still on their way. */
export function shownSettings(state: PopupStoreState): DiscoverySettings | null {
  if (state.savedSettings === null) return null;
  return withPending(state.savedSettings, state.pendingChanges);
}

function poolOf(session: SessionView | null): PoolScope | null {
  return session?.signedIn ? session.pool : null;
}

export function createPopupStore({ send, openOptions }: PopupDeps): PopupStore {
  let nextChangeId = 0;

  return createStore<PopupStoreState>()((set, get) => ({
    session: null,
    savedSettings: null,
    pendingChanges: [],
    loadError: null,
    refreshError: null,
    settingsError: null,
    openError: null,

    /** The figures the background keeps, at once; then the account read from the server (free). */
    async load() {
      const opened = await send('popupOpened', {});
      if (!opened.ok) {
        set({ loadError: opened.error.message });
        return;
      }
      set({ session: opened.data.session, savedSettings: opened.data.settings, loadError: null });
      const asked = poolOf(opened.data.session);
      if (asked === null) return;

      const fresh = await send('accountRefresh', {});
      // Signed out or into another account meanwhile (a push): this answer is about the old one.
      if (poolOf(get().session) !== asked) return;
      // Offline or a server error: the last known figures stay, with the reason beside them.
      if (fresh.ok) set({ session: fresh.data, refreshError: null });
      else set({ refreshError: fresh.error.message });
    },

    receive(push) {
      switch (push.kind) {
        case 'sessionChanged':
          set({ session: push.session, refreshError: null });
          break;
        case 'balancesChanged': {
          const session = get().session;
          // Only this account's pool: the scope names the server as well as the pool.
          if (session?.signedIn && session.pool === push.pool) {
            const account = { ...session.account, balances: push.balances };
            // The member's usage under their limits moves with each reveal too.
            if (push.limits) account.limits = push.limits;
            set({ session: { ...session, account } });
          }
          break;
        }
        case 'settingsChanged':
          // Changed in a widget (or the echo of our own change): changes still on their way stay on top.
          set({ savedSettings: push.settings });
          break;
        // leadUpdated, tabProfileChanged, discoveryUpdated: the widget's business.
      }
    },

    /** Shown at once; the background's answer replaces it, a failure puts it back and says why. */
    async changeSettings(patch) {
      const id = ++nextChangeId;
      set((state) => ({ pendingChanges: [...state.pendingChanges, { id, patch }], settingsError: null }));
      const reply = await send('settingsChange', { patch });
      set((state) => {
        const pendingChanges = state.pendingChanges.filter((change) => change.id !== id);
        return reply.ok
          ? { pendingChanges, savedSettings: reply.data }
          : { pendingChanges, settingsError: t('settingsNotSaved', reply.error.message) };
      });
    },

    openOptions() {
      set({ openError: null });
      void openOptions().then((opened) => {
        if (!opened.ok) set({ openError: opened.error.message });
      });
    },
  }));
}
