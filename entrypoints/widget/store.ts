/**
 * The widget's state: its tab's lead as the background knows it, plus what is in flight
 * here. The background owns the truth (cache, credits, the refusal of a reveal without
 * credits); this store only shows it, and asks.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Send } from '../../messaging/client.ts';
import type { Balances } from '../../shared/api.ts';
import type { RevealType } from '../../shared/credits.ts';
import type { Cost } from '../../shared/discovery.ts';
import { spendable } from '../../shared/limits.ts';
import type { LeadView, MessageError, PoolScope, Push, Reply, TypeView, WidgetState } from '../../shared/protocol.ts';
import { withPending, type DiscoverySettings, type DiscoverySettingsPatch } from '../../shared/settings.ts';
import { t } from '../../i18n/messages.ts';
import { storedCollapsedFlag, type CollapsedFlag } from './collapsed-flag.ts';

export interface WidgetDeps {
  send: Send;
  /** Opens the options page; a failure is a value (see messaging/client.ts `openOptionsPage`). */
  openOptions: () => Promise<Reply<null>>;
  /** Where the collapsed flag is read and followed; `storage.local` unless a test says otherwise. */
  collapsedFlag?: CollapsedFlag;
}

export interface WidgetStoreState {
  /** The first load (and reloads after a session change). */
  phase: 'loading' | 'ready' | 'failed';
  loadError: MessageError | null;
  view: WidgetState | null;
  /**
   * Reveals sent and not answered yet, each with its request number: their buttons stay
   * disabled. Like `failures` and `warning`, they belong to the lead and pool shown, and are
   * dropped when the widget loads another.
   */
  pending: Partial<Record<RevealType, number>>;
  /** Reveals whose message failed (worker stopped, extension reloaded): shown with Retry. */
  failures: Partial<Record<RevealType, MessageError>>;
  /** Something to know although the last action worked (e.g. values not saved locally). */
  warning: MessageError | null;
  /** Settings changes on their way, oldest first: shown at once over the saved settings. */
  pendingSettings: Array<{ id: number; patch: DiscoverySettingsPatch }>;
  /** Why the last settings change was not saved. */
  settingsError: string | null;
  /**
   * Collapsed to its handle, in every tab (stored by the background); null until read, so a
   * collapsed widget never shows its whole self first.
   */
  collapsed: boolean | null;

  load(): Promise<void>;
  reveal(type: RevealType): Promise<void>;
  receive(push: Push): void;
  signIn(): void;
  /** Changes discovery settings: shown at once, put back if the background refuses. */
  changeSettings(patch: DiscoverySettingsPatch): Promise<void>;
  /** Collapses or expands the widget: shown here at once, put back if it cannot be saved. */
  setCollapsed(collapsed: boolean): Promise<void>;
}

export type WidgetStore = StoreApi<WidgetStoreState>;

/**
 * What one row shows, derived from the lead, the balances, what automatic discovery did and
 * what is in flight. `ready` is a Reveal button with what a click costs.
 */
export type RowView =
  | { kind: 'pending' }
  | { kind: 'failed'; message: string }
  | {
      kind: 'ready';
      remaining: number | null;
      cost: Cost;
      /** Automatic discovery left this type for clicks to keep this many credits (the guard). */
      kept: number | null;
    }
  | Exclude<TypeView, { status: 'unknown' }>;

export function rowView(state: WidgetStoreState, type: RevealType): RowView {
  if (state.pending[type]) return { kind: 'pending' };
  const failure = state.failures[type];
  if (failure) return { kind: 'failed', message: failure.message };
  const view = state.view?.lead?.[type] ?? { status: 'unknown' };
  if (view.status !== 'unknown') return view;
  // Nothing known from a reveal: what automatic discovery did for it, if anything.
  const discovery = state.view?.discovery;
  const auto = discovery?.auto[type];
  if (auto?.state === 'revealing') return { kind: 'pending' };
  if (auto?.state === 'failed') return { kind: 'failed', message: auto.error.message };
  if (auto?.state === 'outOfCredits') {
    return auto.memberLimit
      ? { status: 'insufficientCredits', remaining: auto.remaining, memberLimit: auto.memberLimit }
      : { status: 'insufficientCredits', remaining: auto.remaining };
  }
  return {
    kind: 'ready',
    remaining: spendableOf(state, type),
    cost: discovery?.cost[type] ?? 'unknown',
    kept: auto?.state === 'guarded' ? auto.keep : null,
  };
}

/** The settings as the user sees them: saved, with changes on their way applied. */
export function shownSettings(state: WidgetStoreState): DiscoverySettings | null {
  return state.view ? withPending(state.view.settings, state.pendingSettings) : null;
}

/** What this member can still spend of `type`: the pool's credits capped by their own limit (R11). */
function spendableOf(state: WidgetStoreState, type: RevealType): number | null {
  const balances = balancesOf(state);
  if (!balances) return null;
  const session = state.view?.session;
  return spendable(balances, session?.signedIn ? session.account.limits : undefined, type).remaining;
}

export function balancesOf(state: WidgetStoreState): Balances | null {
  const view = state.view;
  if (!view) return null;
  if (view.balances) return view.balances;
  return view.session.signedIn ? view.session.account.balances : null;
}

/** The lead and pool a state shows, as one comparable value; null when it shows none. */
function subjectOf(view: WidgetState | null): string | null {
  if (!view?.profile || !view.pool) return null;
  return JSON.stringify([view.pool, view.profile.slug]);
}

function omit<T>(record: Partial<Record<RevealType, T>>, types: RevealType[]): Partial<Record<RevealType, T>> {
  return Object.fromEntries(Object.entries(record).filter(([type]) => !types.includes(type as RevealType)));
}

export function createWidgetStore({ send, openOptions, collapsedFlag = storedCollapsedFlag }: WidgetDeps): WidgetStore {
  /** Numbers the loads: only the answer to the latest one is shown. */
  let loads = 0;
  /** Numbers the reveals, so an answer only ends the wait it started. */
  let reveals = 0;
  /** Numbers settings changes, so each answer ends its own. */
  let settingsChanges = 0;

  const store = createStore<WidgetStoreState>()((set, get) => {
    /**
     * Takes a lead that the background says changed, if it is this widget's lead in this
     * widget's pool: an answer or push for another account's pool never shows here (DESIGN
     * section 3), even when the user switched accounts while it was on its way.
     */
    const applyLead = (pool: PoolScope, slug: string, lead: LeadView, balances: Balances | null) => {
      const view = get().view;
      if (!view?.profile || view.profile.slug !== slug || view.pool !== pool) return;
      // A settled answer (from this reveal or another tab's) ends the wait and the failure.
      const settled = (Object.keys(lead) as RevealType[]).filter(
        (type) => lead[type].status !== 'unknown' && lead[type].status !== 'error',
      );
      set({
        view: { ...view, lead, balances: balances ?? view.balances },
        pending: omit(get().pending, settled),
        failures: omit(get().failures, settled),
      });
    };

    return {
      phase: 'loading',
      loadError: null,
      view: null,
      pending: {},
      failures: {},
      warning: null,
      pendingSettings: [],
      settingsError: null,
      collapsed: null,

      async load() {
        const load = ++loads;
        set({ phase: 'loading', loadError: null, warning: null });
        const reply = await send('widgetOpened', {});
        // A newer load started meanwhile (the tab moved on, the session changed): its answer wins.
        if (load !== loads) return;
        if (!reply.ok) {
          set({ phase: 'failed', loadError: reply.error });
          return;
        }
        // Reveals still in flight for this lead keep their state: their answers arrive later.
        // Another lead (or pool) starts clean.
        const sameSubject = subjectOf(reply.data) === subjectOf(get().view);
        set({ phase: 'ready', view: reply.data, ...(sameSubject ? {} : { pending: {}, failures: {} }) });
      },

      async reveal(type) {
        const state = get();
        const subject = subjectOf(state.view);
        const slug = state.view?.profile?.slug;
        // A second click before the first answer sends nothing (the background also de-duplicates).
        if (!slug || subject === null || state.pending[type]) return;
        // Always asked, even with a 0 balance: the background refuses without a request when
        // its figures are fresh, and reads them again first when they are not (credits added,
        // month renewed), which a refusal made here would never let happen.
        const request = ++reveals;
        set({ pending: { ...state.pending, [type]: request }, failures: omit(state.failures, [type]) });

        const reply = await send('reveal', { slug, types: [type] });

        const now = get();
        if (now.pending[type] === request) set({ pending: omit(now.pending, [type]) });
        if (reply.ok) {
          const { pool, lead, balances, warning } = reply.data;
          if (subjectOf(get().view) === subject) set({ warning: warning ?? null });
          applyLead(pool, reply.data.slug, lead, balances);
        } else if (subjectOf(get().view) === subject) {
          set({ failures: { ...get().failures, [type]: reply.error } });
        }
      },

      receive(push) {
        const view = get().view;
        const tabId = view?.tabId;
        switch (push.kind) {
          case 'sessionChanged':
            void get().load();
            return;
          case 'tabProfileChanged':
            if (push.tabId === tabId) void get().load();
            return;
          case 'leadUpdated':
            applyLead(push.pool, push.slug, push.lead, push.balances);
            return;
          case 'balancesChanged':
            // A reveal in any tab: this widget's figures follow, whatever lead it shows.
            if (view && view.pool === push.pool) {
              const session =
                push.limits && view.session.signedIn
                  ? { ...view.session, account: { ...view.session.account, limits: push.limits } }
                  : view.session;
              set({ view: { ...view, balances: push.balances, session } });
            }
            return;
          case 'settingsChanged':
            if (view) set({ view: { ...view, settings: push.settings } });
            return;
          case 'discoveryUpdated':
            if (view && push.tabId === tabId && push.pool === view.pool && push.slug === view.profile?.slug) {
              set({ view: { ...view, discovery: push.discovery } });
            }
            return;
        }
      },

      async changeSettings(patch) {
        const id = ++settingsChanges;
        set({ pendingSettings: [...get().pendingSettings, { id, patch }], settingsError: null });
        const reply = await send('settingsChange', { patch });
        const pendingSettings = get().pendingSettings.filter((change) => change.id !== id);
        const view = get().view;
        if (reply.ok && view) set({ pendingSettings, view: { ...view, settings: reply.data } });
        else if (reply.ok) set({ pendingSettings });
        else set({ pendingSettings, settingsError: t('settingsNotSaved', reply.error.message) });
      },

      async setCollapsed(collapsed) {
        const before = get().collapsed;
        if (before === collapsed) return;
        set({ collapsed });
        const reply = await send('widgetCollapse', { collapsed });
        // Not saved: the frame keeps its size, so the widget goes back to match it, and says why.
        if (!reply.ok && get().collapsed === collapsed) set({ collapsed: before ?? false, warning: reply.error });
      },

      signIn() {
        void openOptions().then((opened) => {
          if (!opened.ok) set({ warning: opened.error });
        });
      },
    };
  });

  // Every tab's widget follows a change made in any of them (and its own, echoed back).
  collapsedFlag.watch((collapsed) => store.setState({ collapsed }));
  void collapsedFlag.read().then((collapsed) => {
    if (store.getState().collapsed === null) store.setState({ collapsed });
  });
  return store;
}
