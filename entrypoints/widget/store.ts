/**
 * The widget's state: its tab's lead as the background knows it, plus what is in flight
 * here. The background owns the truth (cache, credits); this store only shows it.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Send } from '../../messaging/client.ts';
import type { Balances } from '../../shared/api.ts';
import type { RevealType } from '../../shared/credits.ts';
import type { LeadView, MessageError, Push, TypeView, WidgetState } from '../../shared/protocol.ts';

export interface WidgetDeps {
  send: Send;
  openOptions: () => Promise<void> | void;
}

export interface WidgetStoreState {
  /** The first load (and reloads after a session change). */
  phase: 'loading' | 'ready' | 'failed';
  loadError: MessageError | null;
  view: WidgetState | null;
  /** Reveals sent and not answered yet: their buttons stay disabled. */
  pending: Partial<Record<RevealType, true>>;
  /** Reveals whose message failed (worker stopped, extension reloaded): shown with Retry. */
  failures: Partial<Record<RevealType, MessageError>>;
  /** Something to know although the last reveal worked (e.g. the values could not be saved locally). */
  warning: MessageError | null;

  load(): Promise<void>;
  reveal(type: RevealType): Promise<void>;
  receive(push: Push): void;
  signIn(): void;
}

export type WidgetStore = StoreApi<WidgetStoreState>;

/** What one row shows, derived from the lead, the balances and what is in flight. */
export type RowView =
  | { kind: 'pending' }
  | { kind: 'failed'; message: string }
  | { kind: 'ready'; remaining: number | null }
  | Exclude<TypeView, { status: 'unknown' }>;

export function rowView(state: WidgetStoreState, type: RevealType): RowView {
  if (state.pending[type]) return { kind: 'pending' };
  const failure = state.failures[type];
  if (failure) return { kind: 'failed', message: failure.message };
  const view = state.view?.lead?.[type] ?? { status: 'unknown' };
  if (view.status === 'unknown') return { kind: 'ready', remaining: balancesOf(state)?.[type].remaining ?? null };
  return view;
}

export function balancesOf(state: WidgetStoreState): Balances | null {
  const view = state.view;
  if (!view) return null;
  if (view.balances) return view.balances;
  return view.session.signedIn ? view.session.account.balances : null;
}

function omit<T>(record: Partial<Record<RevealType, T>>, types: RevealType[]): Partial<Record<RevealType, T>> {
  return Object.fromEntries(Object.entries(record).filter(([type]) => !types.includes(type as RevealType)));
}

function unknownLead(): LeadView {
  return { b2bEmail: { status: 'unknown' }, phone: { status: 'unknown' }, directEmail: { status: 'unknown' } };
}

export function createWidgetStore({ send, openOptions }: WidgetDeps): WidgetStore {
  return createStore<WidgetStoreState>()((set, get) => {
    /** Takes a lead that the background says changed, if it is this widget's lead. */
    const applyLead = (slug: string, lead: LeadView, balances: Balances | null) => {
      const view = get().view;
      if (!view?.profile || view.profile.slug !== slug) return;
      // A settled answer (from this reveal or another tab's) ends the wait and the failure.
      const settled = (Object.keys(lead) as RevealType[]).filter(
        (type) => lead[type].status !== 'unknown' && lead[type].status !== 'error',
      );
      const pending = omit(get().pending, settled);
      const failures = omit(get().failures, settled);
      set({ view: { ...view, lead, balances: balances ?? view.balances }, pending, failures });
    };

    return {
      phase: 'loading',
      loadError: null,
      view: null,
      pending: {},
      failures: {},
      warning: null,

      async load() {
        set({ phase: 'loading', loadError: null });
        const reply = await send('widgetOpened', {});
        // Reveals still in flight keep their pending state: their answers arrive later.
        if (reply.ok) set({ phase: 'ready', view: reply.data, failures: {} });
        else set({ phase: 'failed', loadError: reply.error });
      },

      async reveal(type) {
        const state = get();
        const slug = state.view?.profile?.slug;
        // A second click before the first answer sends nothing (the background also de-duplicates).
        if (!slug || state.pending[type]) return;
        if (balancesOf(state)?.[type].remaining === 0) {
          // Never send a request that must fail (R7): say so at once.
          const lead = state.view?.lead ?? unknownLead();
          applyLead(slug, { ...lead, [type]: { status: 'insufficientCredits', remaining: 0 } }, null);
          return;
        }
        set({ pending: { ...state.pending, [type]: true }, failures: omit(state.failures, [type]) });

        const reply = await send('reveal', { slug, types: [type] });

        const pending = omit(get().pending, [type]);
        if (reply.ok) {
          set({ pending, warning: reply.data.warning ?? null });
          applyLead(reply.data.slug, reply.data.lead, reply.data.balances);
        } else {
          set({ pending, failures: { ...get().failures, [type]: reply.error } });
        }
      },

      receive(push) {
        const tabId = get().view?.tabId;
        if (push.kind === 'sessionChanged' || (push.kind === 'tabProfileChanged' && push.tabId === tabId)) {
          void get().load();
          return;
        }
        if (push.kind !== 'leadUpdated') return;
        const session = get().view?.session;
        // Another account's pool never shows here (DESIGN section 3).
        if (!session?.signedIn || session.account.pool.id !== push.poolId) return;
        applyLead(push.slug, push.lead, push.balances);
      },

      signIn() {
        void openOptions();
      },
    };
  });
}
