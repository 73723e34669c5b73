/**
 * The Bulk enrichment tab: the file the user picked (read here, in the page: the background
 * never sees the file, only the valid slugs), the types to reveal, and the pool's latest job
 * as the background runs it. The job lives in the background's IndexedDB, so a page opened
 * again (or after a browser restart) shows it where it is.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Send } from '../../messaging/client.ts';
import { REVEAL_TYPES, type RevealType } from '../../shared/credits.ts';
import type { ProfileList } from '../../shared/csv-import.ts';
import type { BulkJobView, BulkRowView, PoolScope, Push } from '../../shared/protocol.ts';

/** Rows shown per page of the results table (10,000 rows are never drawn at once). */
export const BULK_PAGE_SIZE = 100;

export interface BulkPreview {
  fileName: string;
  list: ProfileList;
  /** Per type, how many of the valid rows this browser knows the pool paid (free); null until known. */
  paid: Record<RevealType, number> | null;
}

export interface BulkStoreState {
  status: 'idle' | 'loading' | 'ready';
  /** Why the job or the settings could not be read. */
  loadError: string | null;
  /** The types to reveal; defaults: the discovery settings' automatic types. */
  types: Record<RevealType, boolean>;
  preview: BulkPreview | null;
  /** The pool's latest job; null when it has none. */
  job: BulkJobView | null;
  /** A page of the job's rows, from `offset`. */
  rows: BulkRowView[];
  offset: number;
  /** A request to the background is on its way (start, pause, resume). */
  busy: boolean;
  /** What the last action failed with. */
  error: string | null;
  /** The leads to export, while the export dialog is open. */
  exporting: string[] | null;

  load(): Promise<void>;
  /**
   * Reads the job again. While a job runs with no progress pushed for a while, the worker
   * may have been stopped: asking wakes it, and a woken worker resumes the job at once
   * instead of at its next alarm.
   */
  refresh(): Promise<void>;
  /** Reads a picked file (its text) into the preview. */
  choose(fileName: string, text: string): void;
  toggleType(type: RevealType, on: boolean): void;
  start(): Promise<void>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  showRows(offset: number): Promise<void>;
  /** Opens the export dialog with every lead this job revealed. */
  openExport(): Promise<void>;
  closeExport(): void;
  receive(push: Push): void;
}

export type BulkStore = StoreApi<BulkStoreState>;

export interface BulkDeps {
  send: Send;
  readProfileList: (text: string) => ProfileList;
  /** Makes the job's id (sent again on a retry, so a job is never started twice). */
  newJobId?: () => string;
}

export function createBulkStore({ send, readProfileList, newJobId = () => crypto.randomUUID() }: BulkDeps): BulkStore {
  // Rows are read again on progress, one read at a time; a newer wish waits for it.
  let reading = false;
  let readAgain = false;
  // A start retried after a lost answer keeps its id: the background then returns that job.
  let pendingJobId: string | null = null;
  // The signed-in account's pool: pushes of another account's job are not this page's.
  let pool: PoolScope | null = null;

  return createStore<BulkStoreState>()((set, get) => {
    async function readRows(): Promise<void> {
      const { job, offset } = get();
      if (!job) return;
      if (reading) {
        readAgain = true;
        return;
      }
      reading = true;
      try {
        const reply = await send('bulkRows', { jobId: job.id, offset, limit: BULK_PAGE_SIZE });
        if (reply.ok && reply.data.jobId === get().job?.id && offset === get().offset) set({ rows: reply.data.rows });
        else if (!reply.ok) set({ error: reply.error.message });
      } finally {
        reading = false;
      }
      if (readAgain) {
        readAgain = false;
        await readRows();
      }
    }

    function showJob(job: BulkJobView): void {
      const current = get().job;
      if (current && current.id !== job.id) set({ offset: 0, rows: [] });
      // Pushes may arrive out of order with an answer: never go back in progress.
      if (current?.id === job.id && current.updatedAt > job.updatedAt) return;
      set({ job });
      void readRows();
    }

    async function act(work: () => Promise<void>): Promise<void> {
      if (get().busy) return;
      set({ busy: true, error: null });
      try {
        await work();
      } finally {
        set({ busy: false });
      }
    }

    return {
      status: 'idle',
      loadError: null,
      types: { b2bEmail: true, phone: false, directEmail: false },
      preview: null,
      job: null,
      rows: [],
      offset: 0,
      busy: false,
      error: null,
      exporting: null,

      async load() {
        set({ status: 'loading', loadError: null });
        const [opened, job] = await Promise.all([send('popupOpened', {}), send('bulkStatus', {})]);
        if (!opened.ok || !job.ok) {
          const failed = !opened.ok ? opened.error : !job.ok ? job.error : null;
          set({ status: 'ready', loadError: failed?.message ?? null });
          return;
        }
        pool = opened.data.session.signedIn ? opened.data.session.pool : null;
        set({ status: 'ready', types: { ...opened.data.settings.autoReveal } });
        if (job.data) showJob(job.data);
      },

      async refresh() {
        const reply = await send('bulkStatus', {});
        if (reply.ok && reply.data) showJob(reply.data);
      },

      choose(fileName, text) {
        pendingJobId = null;
        const preview: BulkPreview = { fileName, list: readProfileList(text), paid: null };
        set({ preview, error: null });
        if (preview.list.valid.length === 0) return;
        // What is already paid is a nicety of the preview: without an answer it is not shown.
        void send('bulkQuote', { leads: preview.list.valid }).then((reply) => {
          if (reply.ok && get().preview === preview) set({ preview: { ...preview, paid: reply.data.paid } });
        });
      },

      toggleType(type, on) {
        set({ types: { ...get().types, [type]: on } });
      },

      start: () =>
        act(async () => {
          const { preview, types } = get();
          const chosen = REVEAL_TYPES.filter((type) => types[type]);
          if (!preview || preview.list.valid.length === 0 || chosen.length === 0) return;
          pendingJobId ??= newJobId();
          const reply = await send('bulkStart', { jobId: pendingJobId, leads: preview.list.valid, types: chosen });
          if (!reply.ok) {
            set({ error: reply.error.message });
            return;
          }
          pendingJobId = null;
          set({ preview: null, offset: 0, rows: [] });
          showJob(reply.data);
        }),

      pause: () =>
        act(async () => {
          const job = get().job;
          if (!job) return;
          const reply = await send('bulkPause', { jobId: job.id });
          if (reply.ok) showJob(reply.data);
          else set({ error: reply.error.message });
        }),

      resume: () =>
        act(async () => {
          const job = get().job;
          if (!job) return;
          const reply = await send('bulkResume', { jobId: job.id });
          if (reply.ok) showJob(reply.data);
          else set({ error: reply.error.message });
        }),

      async showRows(offset) {
        set({ offset: Math.max(0, offset) });
        await readRows();
      },

      async openExport() {
        const job = get().job;
        if (!job) return;
        const reply = await send('bulkRows', { jobId: job.id, offset: 0, limit: Math.max(1, job.total) });
        if (!reply.ok) {
          set({ error: reply.error.message });
          return;
        }
        const leads = reply.data.rows.filter((row) => row.revealed.length > 0).map((row) => row.slug);
        if (leads.length > 0) set({ exporting: leads });
      },

      closeExport() {
        set({ exporting: null });
      },

      receive(message) {
        if (message.kind !== 'bulkProgress') return;
        const current = get().job;
        // Only this account's jobs: the one shown, or a newer one (started in another page).
        if (pool === null || message.job.pool !== pool) return;
        if (current && current.id !== message.job.id && message.job.createdAt < current.createdAt) return;
        showJob(message.job);
      },
    };
  });
}
