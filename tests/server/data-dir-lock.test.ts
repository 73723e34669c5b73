/**
 * The PGlite data folder lock (server/db/data-dir-lock.ts): a lock left by a crashed process
 * with our own pid, unreadable lock files, and many processes taking over one stale lock.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, LOCK_FILE_NAME, lockDataDir } from '../../server/db/data-dir-lock.ts';

const LOCK_MODULE = fileURLToPath(new URL('../../server/db/data-dir-lock.ts', import.meta.url));
const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'leadlens-lock-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function deadPid(): Promise<number> {
  const dead = spawn(process.execPath, ['-e', '0']);
  const pid = dead.pid;
  await new Promise((resolve) => dead.once('exit', resolve));
  if (pid === undefined) throw new Error('no pid');
  return pid;
}

describe('the PGlite data folder lock', () => {
  it('takes over a lock holding our own pid that this process does not hold (a restart after a crash)', () => {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, LOCK_FILE_NAME),
      JSON.stringify({ pid: process.pid, purpose: 'server', since: '2026-01-01T00:00:00.000Z' }),
    );
    const lock = lockDataDir(dir, 'server');
    // Now this process holds it: a second taker in this process is refused.
    expect(() => lockDataDir(dir, 'admin')).toThrow(DataDirLockedError);
    lock.release();
    expect(existsSync(path.join(dir, LOCK_FILE_NAME))).toBe(false);
    lockDataDir(dir, 'admin').release();
  });

  it('counts an empty or unreadable lock file as held until it is old', () => {
    const dir = tempDir();
    const file = path.join(dir, LOCK_FILE_NAME);
    writeFileSync(file, '');
    expect(() => lockDataDir(dir, 'server')).toThrow(/pid unknown: the lock file is unreadable/);
    writeFileSync(file, '{"pid":');
    expect(() => lockDataDir(dir, 'server')).toThrow(DataDirLockedError);
    const anHourAgo = new Date(Date.now() - 60 * 60 * 1000);
    utimesSync(file, anHourAgo, anHourAgo);
    lockDataDir(dir, 'server').release();
  });

  it('leaves no temporary or moved-aside files behind', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, LOCK_FILE_NAME), JSON.stringify({ pid: await deadPid(), purpose: 'server' }));
    const lock = lockDataDir(dir, 'server');
    expect(readdirSync(dir)).toEqual([LOCK_FILE_NAME]);
    lock.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('lets exactly one of many processes take over a stale lock', async () => {
    const rounds = 15;
    const processes = 8;
    const pid = await deadPid();
    const roundDirs = Array.from({ length: rounds }, () => {
      const dir = tempDir();
      writeFileSync(path.join(dir, LOCK_FILE_NAME), JSON.stringify({ pid, purpose: 'server', since: '' }));
      return dir;
    });
    // Every child says when it is ready, gets a start time, spins until each round's time, then
    // tries that round's folder, so all of them race on the same stale file at once. They keep
    // what they won until told to exit (stdin closes), so a late one cannot take a released lock.
    const script = `
      import { createInterface } from 'node:readline';
      import { lockDataDir } from ${JSON.stringify(LOCK_MODULE)};
      const dirs = JSON.parse(process.argv[1]);
      const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
      console.log('ready');
      const startAt = Number((await lines.next()).value);
      const results = [];
      for (const [round, dir] of dirs.entries()) {
        const at = startAt + round * 30;
        while (Date.now() < at) {}
        try {
          lockDataDir(dir, 'race');
          results.push(round + ' won');
        } catch (error) {
          results.push(round + ' ' + (error.name === 'DataDirLockedError' ? 'refused' : 'error ' + error.message));
        }
      }
      console.log(results.join('\\n'));
      await lines.next();
    `;
    const children = Array.from({ length: processes }, () => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script, JSON.stringify(roundDirs)],
        {
          stdio: ['pipe', 'pipe', 'inherit'],
        },
      );
      let out = '';
      child.stdout.setEncoding('utf8');
      const ready = new Promise<void>((resolve) => {
        child.stdout.on('data', (chunk: string) => {
          out += chunk;
          if (out.startsWith('ready\n')) resolve();
        });
      });
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      return { child, ready, exited, output: () => out };
    });
    await Promise.all(children.map((c) => c.ready));
    const startAt = Date.now() + 300;
    for (const { child } of children) child.stdin.write(`${startAt}\n`);
    const doneBy = startAt + rounds * 30 + 5000;
    while (children.some((c) => c.output().split('\n').length < rounds + 2) && Date.now() < doneBy) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    for (const { child } of children) child.stdin.end();
    await Promise.all(children.map((c) => c.exited));
    const outputs = children.map((c) => c.output().replace(/^ready\n/, ''));
    const lines = outputs.flatMap((out) => out.trim().split('\n'));
    expect(lines.filter((line) => line.includes('error'))).toEqual([]);
    const winners = Array.from({ length: rounds }, (_, round) => lines.filter((l) => l === `${round} won`).length);
    expect(winners).toEqual(Array.from({ length: rounds }, () => 1));
  });
});
