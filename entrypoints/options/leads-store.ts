/**
 * The Leads tab: every lead the pool has revealed (the background's copy, read again from the
 * server), searched, sorted and selected here for exports; and the CRM webhook's settings.
 * Built for 10,000 leads: each lead's search text and name key are made once, the first time a
 * search or the name sort needs them (folding 10,000 names costs more than drawing the first
 * rows), so a keystroke only scans strings and a sort only compares them.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Send } from '../../messaging/client.ts';
import type { ContactValue, PoolLead } from '../../shared/api.ts';
import type { LeadListView, MessageError, PoolScope, Push, WebhookConfigView } from '../../shared/protocol.ts';
import { LOCAL_HOSTS } from '../../shared/server-url.ts';
import { t } from '../../i18n/messages.ts';

export const LEAD_SORTS = ['revealed', 'name', 'exports'] as const;
export type LeadSort = (typeof LEAD_SORTS)[number];

/** A lead with what search and sort read, made once per list. */
export interface LeadEntry {
  lead: PoolLead;
  revealedAt: number;
  lastExportedAt: number;
  /** Everything searchable, folded (lower case, no accents), one field per line; see `textOf`. */
  text?: string;
  /** The name (or slug) folded, for sorting by name; see `nameKeyOf`. */
  nameKey?: string;
}

export interface WebhookState {
  config: WebhookConfigView | null;
  loadError: string | null;
  busy: boolean;
  error: string | null;
  /** What the last save did, said once. */
  saved: 'saved' | 'removed' | null;
}

export interface LeadsStoreState {
  status: 'idle' | 'loading' | 'ready';
  /** A read of the list is on its way while one is shown. */
  refreshing: boolean;
  pool: PoolScope | null;
  entries: LeadEntry[];
  syncedAt: string | null;
  /** The list shown is the local copy: the server could not be read, for this reason. */
  stale: MessageError | null;
  /** The list could not be read at all (not even the local copy). */
  loadError: string | null;
  query: string;
  sort: LeadSort;
  selected: ReadonlySet<string>;
  webhook: WebhookState;

  /** Shows the local copy at once when there is one, then reads the list again from the server. */
  load(): Promise<void>;
  setQuery(query: string): void;
  setSort(sort: LeadSort): void;
  toggle(slug: string, on: boolean): void;
  /** Selects (or unselects) every lead the search matches. */
  selectMatching(on: boolean): void;
  clearSelection(): void;
  /** Takes an export's rows (their `exports` count the export) without waiting for the push. */
  applyExported(rows: PoolLead[]): void;
  receive(push: Push): void;
  loadWebhook(): Promise<void>;
  /**
   * Saves the webhook: an empty `url` removes it; `secret` empty keeps the current one unless
   * `clearSecret`. Asks for the host permission an https address needs before anything it
   * awaits, so it must be called from the click.
   */
  saveWebhook(url: string, secret: string, clearSecret: boolean): Promise<void>;
}

export type LeadsStore = StoreApi<LeadsStoreState>;

export interface LeadsDeps {
  send: Send;
  /** `permissions.request` for host patterns; see OptionsDeps in store.ts. */
  requestOrigins: (origins: string[]) => Promise<boolean>;
}

/** Lower case without accents: "Éloïse" and "eloise" match. */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

export function entryOf(lead: PoolLead): LeadEntry {
  return {
    lead,
    revealedAt: Date.parse(lead.revealedAt) || 0,
    lastExportedAt: lead.lastExportedAt ? Date.parse(lead.lastExportedAt) || 0 : 0,
  };
}

/** Every value the pool revealed for the lead, in R1's type order. */
export function contactValues(lead: PoolLead): ContactValue[] {
  return [...lead.values.b2bEmail, ...lead.values.phone, ...lead.values.directEmail];
}

/** The entry's search text, made on first use and kept with it. */
export function textOf(entry: LeadEntry): string {
  if (entry.text === undefined) {
    const { lead } = entry;
    const values = contactValues(lead).map((v) => v.value);
    // Phones also as bare digits, so "0207946" finds "+44 20 7946 0018" typed either way.
    const digits = lead.values.phone.map((v) => v.value.replace(/\D+/g, ''));
    const fields = [lead.name, lead.company, lead.headline, lead.lead, ...values, ...digits];
    entry.text = fold(fields.filter((field): field is string => !!field).join('\n'));
  }
  return entry.text;
}

/** The entry's name key, made on first use and kept with it. */
export function nameKeyOf(entry: LeadEntry): string {
  entry.nameKey ??= fold(entry.lead.name ?? entry.lead.lead);
  return entry.nameKey;
}

const COMPARE: Record<LeadSort, (a: LeadEntry, b: LeadEntry) => number> = {
  revealed: (a, b) => b.revealedAt - a.revealedAt || byName(a, b),
  name: byName,
  exports: (a, b) => b.lead.exports - a.lead.exports || b.lastExportedAt - a.lastExportedAt || byName(a, b),
};

function byName(a: LeadEntry, b: LeadEntry): number {
  const x = nameKeyOf(a);
  const y = nameKeyOf(b);
  if (x !== y) return x < y ? -1 : 1;
  return a.lead.lead < b.lead.lead ? -1 : a.lead.lead > b.lead.lead ? 1 : 0;
}

let shown: { entries: LeadEntry[]; query: string; sort: LeadSort; result: LeadEntry[] } | null = null;

/** The leads the search matches, in the chosen order (kept until the list, search or sort changes). */
export function matchingLeads(state: Pick<LeadsStoreState, 'entries' | 'query' | 'sort'>): LeadEntry[] {
  const { entries, query, sort } = state;
  if (shown && shown.entries === entries && shown.query === query && shown.sort === sort) return shown.result;
  const words = fold(query).split(/\s+/).filter(Boolean);
  const found = words.length === 0 ? entries.slice() : entries.filter((e) => words.every((w) => textOf(e).includes(w)));
  found.sort(COMPARE[sort]);
  shown = { entries, query, sort, result: found };
  return found;
}

/** The selected leads in the order the list shows them (those the search hides after). */
export function selectedLeads(state: LeadsStoreState): string[] {
  if (state.selected.size === 0) return [];
  const ordered: string[] = [];
  const seen = new Set<string>();
  for (const entry of [...matchingLeads(state), ...state.entries]) {
    const slug = entry.lead.lead;
    if (state.selected.has(slug) && !seen.has(slug)) {
      seen.add(slug);
      ordered.push(slug);
    }
  }
  return ordered;
}

/**
 * A webhook address the background may post to: https anywhere (with the host permission),
 * plain http only to this computer, no credentials. The address is kept whole (a hook's
 * path and query are often its token). Null when refused.
 */
export function checkWebhookUrl(raw: string): { url: string; permission: string | null } | null {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  if (url.username || url.password) return null;
  const local = (LOCAL_HOSTS as readonly string[]).includes(url.hostname);
  if (url.protocol === 'https:') return { url: url.href, permission: `https://${url.hostname}/*` };
  if (url.protocol === 'http:' && local) return { url: url.href, permission: null };
  return null;
}

export function createLeadsStore({ send, requestOrigins }: LeadsDeps): LeadsStore {
  /** Numbers the reads: only the latest one's answer is shown. */
  let reads = 0;
  /** A read is on its way; a push meanwhile asks for one more after it, not one each. */
  let inFlight: Promise<void> | null = null;
  let again = false;

  return createStore<LeadsStoreState>()((set, get) => {
    const show = (view: LeadListView) => {
      const entries = view.leads.map(entryOf);
      const slugs = new Set(entries.map((entry) => entry.lead.lead));
      const selected = new Set([...get().selected].filter((slug) => slugs.has(slug)));
      set({
        status: 'ready',
        pool: view.pool,
        entries,
        syncedAt: view.syncedAt,
        stale: view.stale ?? null,
        loadError: null,
        selected,
      });
    };

    const read = async (): Promise<void> => {
      const mine = ++reads;
      const first = get().status === 'idle';
      set(first ? { status: 'loading' } : { refreshing: true });
      if (first) {
        // The copy kept locally first: a page of 10,000 leads need not wait for the server.
        const local = await send('leadsList', { refresh: false });
        if (mine !== reads) return;
        if (local.ok && local.data.syncedAt !== null) {
          show(local.data);
          set({ refreshing: true });
        }
      }
      const reply = await send('leadsList', { refresh: true });
      if (mine !== reads) return;
      set({ refreshing: false });
      if (reply.ok) show(reply.data);
      else if (get().status === 'ready') set({ stale: reply.error });
      else set({ status: 'ready', loadError: reply.error.message });
    };

    const load = (): Promise<void> => {
      if (inFlight) {
        again = true;
        return inFlight;
      }
      inFlight = (async () => {
        do {
          again = false;
          await read();
        } while (again);
        inFlight = null;
      })();
      return inFlight;
    };

    const setWebhook = (patch: Partial<WebhookState>) => set({ webhook: { ...get().webhook, ...patch } });

    return {
      status: 'idle',
      refreshing: false,
      pool: null,
      entries: [],
      syncedAt: null,
      stale: null,
      loadError: null,
      query: '',
      sort: 'revealed',
      selected: new Set(),
      webhook: { config: null, loadError: null, busy: false, error: null, saved: null },

      load,
      setQuery: (query) => set({ query }),
      setSort: (sort) => set({ sort }),
      toggle(slug, on) {
        const selected = new Set(get().selected);
        if (on) selected.add(slug);
        else selected.delete(slug);
        set({ selected });
      },
      selectMatching(on) {
        const selected = new Set(get().selected);
        for (const entry of matchingLeads(get())) {
          if (on) selected.add(entry.lead.lead);
          else selected.delete(entry.lead.lead);
        }
        set({ selected });
      },
      clearSelection: () => set({ selected: new Set() }),
      applyExported(rows) {
        const updated = new Map(rows.map((row) => [row.lead, row]));
        if (updated.size === 0) return;
        set({
          entries: get().entries.map((entry) => {
            const row = updated.get(entry.lead.lead);
            return row ? entryOf(row) : entry;
          }),
        });
      },
      receive(push) {
        if (push.kind !== 'leadsChanged') return;
        const { pool, status } = get();
        if (status !== 'idle' && (pool === null || pool === push.pool)) void load();
      },

      async loadWebhook() {
        const reply = await send('webhookGet', {});
        if (reply.ok) setWebhook({ config: reply.data, loadError: null });
        else setWebhook({ loadError: reply.error.message });
      },
      async saveWebhook(rawUrl, secret, clearSecret) {
        if (get().webhook.busy) return;
        setWebhook({ error: null, saved: null });
        let url: string | null = null;
        if (rawUrl.trim() !== '') {
          const checked = checkWebhookUrl(rawUrl);
          if (!checked) return setWebhook({ error: t('webhookUrlInvalid') });
          url = checked.url;
          setWebhook({ busy: true });
          if (checked.permission) {
            // Asked first, inside the click's user gesture (nothing awaited before it).
            let granted = false;
            try {
              granted = await requestOrigins([checked.permission]);
            } catch {
              granted = false;
            }
            if (!granted) {
              return setWebhook({ busy: false, error: t('webhookNeedsPermission', new URL(checked.url).host) });
            }
          }
        }
        setWebhook({ busy: true });
        const reply = await send('webhookSet', {
          url,
          ...(url === null ? { secret: null } : clearSecret ? { secret: null } : secret ? { secret } : {}),
        });
        if (reply.ok) setWebhook({ busy: false, config: reply.data, saved: url === null ? 'removed' : 'saved' });
        else setWebhook({ busy: false, error: reply.error.message });
      },
    };
  });
}
