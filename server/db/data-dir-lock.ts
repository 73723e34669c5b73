/**
 * An exclusive lock on a PGlite data folder. PGlite puts no lock on its folder, and a
 * second process that opens it silently loses writes, so whoever opens it takes this lock:
 * a file holding the owner's pid, created exclusively. A lock whose process is gone is stale
 * and is taken over.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';

export const LOCK_FILE_NAME = 'leadlens.lock';

interface LockOwner {
  pid: number;
  purpose: string;
  since: string;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly owner: LockOwner,
  ) {
    const who = owner.purpose === 'server' ? 'The LeadLens server' : `Another LeadLens process (${owner.purpose})`;
    super(
      `${who} (pid ${owner.pid}) holds the data folder ${dataDir}. ` +
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

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(file: string): LockOwner | null {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'pid' in parsed && typeof parsed.pid === 'number') {
      const record = parsed as Partial<LockOwner> & { pid: number };
      return { pid: record.pid, purpose: record.purpose ?? 'unknown', since: record.since ?? '' };
    }
  } catch {
    // Unreadable or half-written: treated as stale below.
  }
  return null;
}

/** Takes the lock on `dataDir` (which must exist) for this process, or throws DataDirLockedError. */
export function lockDataDir(dataDir: string, purpose: string): DataDirLock {
  const file = path.join(dataDir, LOCK_FILE_NAME);
  const owner: LockOwner = { pid: process.pid, purpose, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 5; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readOwner(file);
      // Our own pid counts as held too: two PGlite instances in one process also lose writes.
      if (holder && isAlive(holder.pid)) throw new DataDirLockedError(dataDir, holder);
      try {
        unlinkSync(file);
      } catch (unlinkError) {
        if ((unlinkError as NodeJS.ErrnoException).code !== 'ENOENT') throw unlinkError;
      }
      continue;
    }
    writeSync(fd, JSON.stringify(owner));
    closeSync(fd);
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      process.off('exit', release);
      // Only remove the file if it is still ours (a stale-lock takeover may have replaced it).
      if (readOwner(file)?.pid === process.pid) {
        try {
          unlinkSync(file);
        } catch {
          // Already gone.
        }
      }
    };
    process.on('exit', release);
    return { file, release };
  }
  throw new Error(`Could not take the lock ${file}: it keeps changing hands.`);
}
