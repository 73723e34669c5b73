/**
 * An exclusive lock on a PGlite data folder. PGlite puts no lock on its folder, and a
 * second process that opens it silently loses writes, so whoever opens it takes this lock:
 * a file holding the owner's pid.
 *
 * - The file appears complete or not at all: the record is written to a temporary file that
 *   is then hard-linked to the lock's name, which fails if the lock exists. An empty or
 *   unreadable lock file (written by something else) counts as held until it is old.
 * - A lock whose process is gone is stale and is taken over. A lock holding our own pid is
 *   held only if this process took it (a container restarted after a crash often gets the
 *   same pid as the process that died); two holders in one process would lose writes too.
 * - Taking over a stale lock is serialised by a second lock file, `<lock>.takeover`, so two
 *   processes that both found the lock stale cannot both remove it and each create their
 *   own (see removeStale).
 */
import { randomUUID } from 'node:crypto';
import { linkSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const LOCK_FILE_NAME = 'leadlens.lock';
/** An empty or unreadable lock file younger than this counts as held. */
export const UNREADABLE_LOCK_STALE_MS = 60_000;
/** A takeover file this old (and unreadable) was left by a process that died holding it. */
const TAKEOVER_STALE_MS = 10_000;
/** How long to keep trying while other processes take over the same stale lock. */
const TAKE_FOR_MS = 2000;

interface LockOwner {
  pid: number;
  purpose: string;
  since: string;
  /** Tells this lock from an earlier one of the same pid. */
  token?: string;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly owner: LockOwner,
  ) {
    const who = owner.purpose === 'server' ? 'The LeadLens server' : `Another LeadLens process (${owner.purpose})`;
    const pid = owner.pid > 0 ? `pid ${owner.pid}` : 'pid unknown: the lock file is unreadable';
    super(
      `${who} (${pid}) holds the data folder ${dataDir}. ` +
        'Only one process may use a PGlite data folder: stop that process first, ' +
        'or run both against a shared Postgres with DATABASE_URL.',
    );
    this.name = 'DataDirLockedError';
  }
}

export interface DataDirLock {
  readonly file: string;
  release(): void;
}

/** Lock files this process holds, by path, with their tokens. */
const held = new Map<string, LockOwner>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

type ReadResult = { kind: 'owner'; owner: LockOwner } | { kind: 'unreadable'; mtimeMs: number } | { kind: 'missing' };

function readLock(file: string): ReadResult {
  let text: string;
  let mtimeMs: number;
  try {
    mtimeMs = statSync(file).mtimeMs;
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw error;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && 'pid' in parsed && typeof parsed.pid === 'number') {
      const record = parsed as Partial<LockOwner> & { pid: number };
      return {
        kind: 'owner',
        owner: {
          pid: record.pid,
          purpose: record.purpose ?? 'unknown',
          since: record.since ?? '',
          token: typeof record.token === 'string' ? record.token : undefined,
        },
      };
    }
  } catch {
    // Not JSON: unreadable.
  }
  return { kind: 'unreadable', mtimeMs };
}

function sameLock(a: ReadResult, b: ReadResult): boolean {
  if (a.kind === 'owner' && b.kind === 'owner') {
    return a.owner.pid === b.owner.pid && a.owner.since === b.owner.since && a.owner.token === b.owner.token;
  }
  return a.kind === 'unreadable' && b.kind === 'unreadable' && a.mtimeMs === b.mtimeMs;
}

function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone.
  }
}

/** Creates `file` holding `owner`, atomically; false when it already exists. */
function createLockFile(file: string, owner: LockOwner): boolean {
  const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  writeFileSync(temp, JSON.stringify(owner), { flag: 'wx' });
  try {
    linkSync(temp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkQuietly(temp);
  }
}

/** Whether a takeover file (see removeStale) was left by a process that died holding it. */
function takeoverIsStale(seen: ReadResult): boolean {
  if (seen.kind === 'unreadable') return Date.now() - seen.mtimeMs > TAKEOVER_STALE_MS;
  return seen.kind === 'owner' && (seen.owner.pid === process.pid || !isAlive(seen.owner.pid));
}

/**
 * Removes the stale lock `seen` (as read from `file`) unless it changed meanwhile. Only the
 * holder of `<lock>.takeover` removes a lock, after reading it again: a fresh lock can only
 * appear once the stale one is gone, so two processes can never both remove "the stale
 * lock" and each create their own. The takeover file is held for microseconds; one left by a
 * process that died holding it is moved aside (to a unique name, checked to be the one read).
 * Returns false when the takeover file is busy (try again shortly).
 */
function removeStale(file: string, seen: ReadResult): boolean {
  const takeover = `${file}.takeover`;
  const me: LockOwner = { pid: process.pid, purpose: 'takeover', since: new Date().toISOString(), token: randomUUID() };
  if (!createLockFile(takeover, me)) {
    const other = readLock(takeover);
    if (other.kind !== 'missing' && takeoverIsStale(other)) moveAsideIfSame(takeover, other);
    return false;
  }
  try {
    if (sameLock(readLock(file), seen)) moveAsideIfSame(file, seen);
  } finally {
    unlinkQuietly(takeover);
  }
  return true;
}

/** Renames `file` to a unique name and deletes it if it is still `seen`; else puts it back. */
function moveAsideIfSame(file: string, seen: ReadResult): void {
  const moved = `${file}.stale.${process.pid}.${randomUUID()}`;
  try {
    renameSync(file, moved);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    if (!sameLock(readLock(moved), seen)) linkSync(moved, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkQuietly(moved);
  }
}

/** Takes the lock on `dataDir` (which must exist) for this process, or throws DataDirLockedError. */
export function lockDataDir(dataDir: string, purpose: string): DataDirLock {
  const file = path.join(dataDir, LOCK_FILE_NAME);
  const mine = held.get(file);
  if (mine) throw new DataDirLockedError(dataDir, mine);
  const owner: LockOwner = { pid: process.pid, purpose, since: new Date().toISOString(), token: randomUUID() };
  const until = Date.now() + TAKE_FOR_MS;
  while (Date.now() < until) {
    if (createLockFile(file, owner)) {
      held.set(file, owner);
      return { file, release: releaser(file, owner) };
    }
    const seen = readLock(file);
    if (seen.kind === 'missing') continue;
    if (seen.kind === 'unreadable') {
      if (Date.now() - seen.mtimeMs < UNREADABLE_LOCK_STALE_MS) {
        throw new DataDirLockedError(dataDir, { pid: 0, purpose: 'unknown', since: '' });
      }
    } else if (seen.owner.pid !== process.pid && isAlive(seen.owner.pid)) {
      throw new DataDirLockedError(dataDir, seen.owner);
    }
    // Stale: its process is gone, or it has our pid but this process never took it.
    if (!removeStale(file, seen)) pause(2);
  }
  throw new Error(`Could not take the lock ${file}: it keeps changing hands.`);
}

function releaser(file: string, owner: LockOwner): () => void {
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.off('exit', release);
    held.delete(file);
    // Only remove the file if it is still ours (a stale-lock takeover may have replaced it).
    try {
      const current = readLock(file);
      if (current.kind === 'owner' && current.owner.token === owner.token && current.owner.pid === owner.pid) {
        unlinkQuietly(file);
      }
    } catch {
      // Unreadable now: leave it; it turns stale once this process is gone.
    }
  };
  process.on('exit', release);
  return release;
}
