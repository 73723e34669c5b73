/**
 * The Usage tab: the pool's ledger (who spent or granted what, on which lead, when), a page
 * at a time through the background, filtered by member and credit type.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Send } from '../../messaging/client.ts';
import type { LedgerEntry } from '../../shared/api.ts';
import type { CreditType } from '../../shared/credits.ts';

export interface UsageFilter {
  userId?: string;
  type?: CreditType;
}

export interface UsageStoreState {
  filter: UsageFilter;
  entries: LedgerEntry[];
  /** Where the next page starts; null when the last page is shown. */
  nextCursor: string | null;
  status: 'idle' | 'loading' | 'loadingMore' | 'ready';
  error: string | null;
  /** Members seen in the ledger or the member list, id → email: the member filter's choices. */
  people: Record<string, string>;

  /** The first page for `filter` (the current one when not given). */
  load(filter?: UsageFilter): Promise<void>;
  /** The next page (keyset: the cursor of the last page read). */
  loadMore(): Promise<void>;
  knowPeople(people: Array<{ id: string; email: string }>): void;
  /**
   * Admins: every member of the workspace joins the member filter, also those who spent
   * nothing yet. A failure only leaves the filter with the people seen in the ledger.
   */
  loadPeople(): Promise<void>;
}

export type UsageStore = StoreApi<UsageStoreState>;

export function createUsageStore({ send }: { send: Send }): UsageStore {
  // Each read takes a number: an answer for a filter the user has since changed is dropped.
  let generation = 0;

  return createStore<UsageStoreState>()((set, get) => {
    function seen(entries: LedgerEntry[]): Record<string, string> {
      const people = { ...get().people };
      for (const entry of entries) if (entry.userId && entry.userEmail) people[entry.userId] = entry.userEmail;
      return people;
    }

    async function read(cursor: string | undefined, filter: UsageFilter, more: boolean): Promise<void> {
      const mine = ++generation;
      set({ status: more ? 'loadingMore' : 'loading', error: null, filter });
      const reply = await send('ledgerPage', { ...filter, ...(cursor ? { cursor } : {}) });
      if (mine !== generation) return;
      if (!reply.ok) {
        set({ status: 'ready', error: reply.error.message });
        return;
      }
      set({
        status: 'ready',
        entries: more ? [...get().entries, ...reply.data.entries] : reply.data.entries,
        nextCursor: reply.data.nextCursor,
        people: seen(reply.data.entries),
      });
    }

    return {
      filter: {},
      entries: [],
      nextCursor: null,
      status: 'idle',
      error: null,
      people: {},

      load: (filter = get().filter) => read(undefined, filter, false),
      async loadMore() {
        const { nextCursor, filter, status } = get();
        if (nextCursor === null || status === 'loading' || status === 'loadingMore') return;
        await read(nextCursor, filter, true);
      },
      knowPeople(people) {
        set((state) => ({ people: { ...state.people, ...Object.fromEntries(people.map((p) => [p.id, p.email])) } }));
      },
      async loadPeople() {
        const reply = await send('workspaceMembers', {});
        if (reply.ok) get().knowPeople(reply.data.members);
      },
    };
  });
}
