/**
 * A private Postgres cluster for tests and benchmarks: initdb in a temp folder (as the
 * `postgres` user when we are root, since initdb refuses root), started with pg_ctl on
 * 127.0.0.1 and a free port, its unix socket in the same temp folder. Durability is off:
 * it is thrown away.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export interface PostgresCluster {
  /** Connection URL of the cluster's `postgres` database. */
  url: string;
  port: number;
  stop(): Promise<void>;
  /** stop(), synchronously: for a process 'exit' handler, where nothing asynchronous runs. */
  stopNow(): void;
}

/** The bin folder of the newest installed Postgres (PG_BIN overrides), or a clear error. */
export function findPostgresBin(): string {
  const fromEnv = process.env.PG_BIN;
  if (fromEnv) {
    if (!existsSync(path.join(fromEnv, 'initdb'))) throw new Error(`PG_BIN=${fromEnv} has no initdb.`);
    return fromEnv;
  }
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((name) => existsSync(path.join(root, name, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (!newest) {
    throw new Error(
      'Postgres is not installed: the server tests need it (Debian: `apt-get install postgresql`), ' +
        'or set TEST_DATABASE_URL to a Postgres server you can create databases on.',
    );
  }
  return path.join(root, newest, 'bin');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export async function startPostgres(): Promise<PostgresCluster> {
  const bin = findPostgresBin();
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(path.join(tmpdir(), 'leadlens-pg-'));
  const dataDir = path.join(dir, 'data');
  const asOwner = async (command: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', path.join(bin, command), ...args])
      : run(path.join(bin, command), args);
  const ctl = path.join(bin, 'pg_ctl');
  const stopArgs = ['-D', dataDir, '-m', 'immediate', '-w', 'stop'];
  let started = false;
  let stopped = false;
  /** Stops the cluster (if it runs) and removes its folder; never throws. */
  const stopNow = (): void => {
    if (stopped) return;
    stopped = true;
    if (started) {
      const [command, args] = asRoot ? ['runuser', ['-u', 'postgres', '--', ctl, ...stopArgs]] : [ctl, stopArgs];
      const result = spawnSync(command, args, { stdio: 'ignore', timeout: 30_000 });
      if (result.status !== 0) killPostmaster(dataDir);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    if (asRoot) await run('chown', ['postgres:', dir]);
    await asOwner('initdb', [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--no-sync',
      '--no-instructions',
    ]);
    const port = await freePort();
    const options = [
      `-p ${port}`,
      `-k ${dir}`,
      '-c listen_addresses=127.0.0.1',
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=300',
    ].join(' ');
    // From here a failure may leave a postmaster running (pg_ctl's wait timed out): stop it.
    started = true;
    await asOwner('pg_ctl', [
      '-D',
      dataDir,
      '-l',
      path.join(dir, 'postgres.log'),
      '-o',
      options,
      '-w',
      '-t',
      '60',
      'start',
    ]);
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      port,
      async stop() {
        if (stopped) return;
        await asOwner('pg_ctl', stopArgs).catch(() => killPostmaster(dataDir));
        stopped = true;
        rmSync(dir, { recursive: true, force: true });
      },
      stopNow,
    };
  } catch (error) {
    stopNow();
    throw new Error(`Could not start a private Postgres from ${bin}: ${(error as Error).message}`);
  }
}

/** Kills the postmaster of `dataDir` by the pid in its postmaster.pid, if there is one. */
function killPostmaster(dataDir: string): void {
  try {
    const pid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (Number.isInteger(pid) && pid > 0) process.kill(pid, 'SIGQUIT');
  } catch {
    // No pid file or no such process: nothing runs.
  }
}

/** Creates a fresh, randomly named database on the cluster at `baseUrl`; returns its URL. */
export async function createDatabase(baseUrl: string, prefix = 'leadlens_test'): Promise<string> {
  const name = `${prefix}_${Math.random().toString(36).slice(2, 10)}`;
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Drops the databases `createDatabase` made with exactly this prefix (then `_` and a random
 * suffix). Give a prefix unique to the run (see tests/server/global-setup.ts) so that a shared
 * TEST_DATABASE_URL keeps the databases of other runs, even concurrent ones.
 */
export async function dropDatabases(baseUrl: string, prefix: string): Promise<void> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE left(datname, length($1) + 1) = $1 || '_'",
      [prefix],
    );
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** A prefix for the databases of one test run: `leadlens_test_` and a random part. */
export function runDatabasePrefix(): string {
  return `leadlens_test_${Math.random().toString(36).slice(2, 10)}`;
}
