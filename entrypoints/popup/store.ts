/** The popup's view of the session: who is signed in and the credits left. */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Send } from '../../messaging/client.ts';
import type { Push, SessionView } from '../../shared/protocol.ts';

export interface PopupDeps {
  send: Send;
  openOptions: () => Promise<void> | void;
}

export interface PopupStoreState {
  /** Null until the background has answered. */
  session: SessionView | null;
  error: string | null;

  load(): Promise<void>;
  receive(push: Push): void;
  openOptions(): void;
}

export type PopupStore = StoreApi<PopupStoreState>;

export function createPopupStore({ send, openOptions }: PopupDeps): PopupStore {
  return createStore<PopupStoreState>()((set, get) => ({
    session: null,
    error: null,

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
        if (session?.signedIn && session.account.pool.id === push.poolId) {
          set({ session: { ...session, account: { ...session.account, balances: push.balances } } });
        }
      }
    },

    openOptions() {
      void openOptions();
    },
  }));
}
