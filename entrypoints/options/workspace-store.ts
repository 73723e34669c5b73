/**
 * The Workspace tab (admins): members with their usage and limits, seats, adding and
 * removing members, limits, add-on purchases. Every change goes through the background and
 * the member list is read again after it, so the page shows what the server holds.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Send } from '../../messaging/client.ts';
import type { AddOnPurchase, AddOnPurchaseRequest, MemberList, SetLimitsRequest } from '../../shared/api.ts';

export type AddOnCredits = AddOnPurchaseRequest['credits'];

export interface WorkspaceStoreState {
  list: MemberList | null;
  loadError: string | null;
  /** A change on its way: the buttons wait. */
  busy: boolean;
  /** Why the last change failed, and which part of the page it belongs to. */
  actionError: { scope: 'members' | 'addOns'; message: string } | null;
  /** The member just added and their key, shown once (the server keeps only its hash). */
  added: { email: string; apiKey: string } | null;
  /** The purchase just made, to say what was bought. */
  purchased: AddOnPurchase['purchase'] | null;

  load(): Promise<void>;
  add(email: string, role: 'admin' | 'member'): Promise<boolean>;
  remove(userId: string): Promise<boolean>;
  setLimits(userId: string, limits: SetLimitsRequest['limits']): Promise<boolean>;
  buy(credits: AddOnCredits): Promise<boolean>;
  forgetAddedKey(): void;
}

export type WorkspaceStore = StoreApi<WorkspaceStoreState>;

export function createWorkspaceStore({
  send,
  newPurchaseId = () => crypto.randomUUID(),
}: {
  send: Send;
  newPurchaseId?: () => string;
}): WorkspaceStore {
  /**
   * The purchase confirmed and not yet answered ok. A retry of the same credits reuses its
   * id (the Idempotency-Key): if the first try went through and only its answer was lost,
   * the server replays it instead of selling the credits twice.
   */
  let pending: { id: string; credits: string } | null = null;

  return createStore<WorkspaceStoreState>()((set, get) => {
    async function change<T>(
      scope: 'members' | 'addOns',
      run: () => Promise<{ ok: true; data: T } | { ok: false; error: { message: string } }>,
    ) {
      if (get().busy) return null;
      set({ busy: true, actionError: null });
      const reply = await run();
      if (!reply.ok) {
        set({ busy: false, actionError: { scope, message: reply.error.message } });
        return null;
      }
      set({ busy: false });
      void get().load();
      return reply.data;
    }

    return {
      list: null,
      loadError: null,
      busy: false,
      actionError: null,
      added: null,
      purchased: null,

      async load() {
        const reply = await send('workspaceMembers', {});
        if (reply.ok) set({ list: reply.data, loadError: null });
        else set({ loadError: reply.error.message });
      },
      async add(email, role) {
        set({ added: null });
        const added = await change('members', () => send('memberAdd', { email, role }));
        if (added) set({ added: { email: added.member.email, apiKey: added.apiKey } });
        return added !== null;
      },
      async remove(userId) {
        return (await change('members', () => send('memberRemove', { userId }))) !== null;
      },
      async setLimits(userId, limits) {
        return (await change('members', () => send('memberLimits', { userId, limits }))) !== null;
      },
      async buy(credits) {
        const key = JSON.stringify(credits);
        if (pending?.credits !== key) pending = { id: newPurchaseId(), credits: key };
        const purchaseId = pending.id;
        set({ purchased: null });
        const bought = await change('addOns', () => send('addOnBuy', { purchaseId, credits }));
        if (!bought) return false;
        pending = null;
        set({ purchased: bought.purchase });
        return true;
      },
      forgetAddedKey() {
        set({ added: null });
      },
    };
  });
}
