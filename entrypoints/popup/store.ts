/** The popup's view of the session: who is signed in and the credits left. */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Send } from '../../messaging/client.ts';
import type { Push, Reply, SessionView } from '../../shared/protocol.ts';

export interface PopupDeps {
  send: Send;
  /** Opens the options page; a failure is a value (see messaging/client.ts `openOptionsPage`). */
  openOptions: () => Promise<Reply<null>>;
}

export interface PopupStoreState {
  /** Null until the background has answered. */
  session: SessionView | null;
  /** Why the session or the fresh figures could not be read. */
  error: string | null;
  /** Why the options page did not open. */
  openError: string | null;

  load(): Promise<void>;
  receive(push: Push): void;
  openOptions(): void;
}

export type PopupStore = StoreApi<PopupStoreState>;

export function createPopupStore({ send, openOptions }: PopupDeps): PopupStore {
  return createStore<PopupStoreState>()((set, get) => ({
    session: null,
    error: null,
    openError: null,

    /** The stored session at once, then the account read again from the server (free). */
    async load() {
      const reply = await send('sessionGet', {});
      if (!reply.ok) {
        set({ error: reply.error.message });
        return;
      }
      set({ session: reply.data, error: null });
      if (!reply.data.signedIn) return;
      const fresh = await send('accountRefresh', {});
      // Offline or a server error: the stored figures stay, with the reason beside them.
      if (fresh.ok) set({ session: fresh.data, error: null });
      else set({ error: fresh.error.message });
    },

    receive(push) {
      if (push.kind === 'sessionChanged') set({ session: push.session, error: null });
      // A reveal changed the balances: the account's figures are read again.
      if (push.kind === 'leadUpdated' && push.balances) {
        const session = get().session;
        // Only this account's pool: the scope names the server as well as the pool.
        if (session?.signedIn && session.pool === push.pool) {
          set({ session: { ...session, account: { ...session.account, balances: push.balances } } });
        }
      }
    },

    openOptions() {
      set({ openError: null });
      void openOptions().then((opened) => {
        if (!opened.ok) set({ openError: opened.error.message });
      });
    },
  }));
}
