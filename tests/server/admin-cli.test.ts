/**
 * The admin command end to end, as separate processes on the server's database, and the
 * data folder lock: while the server holds a PGlite folder, the admin command refuses.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataDirLockedError, LOCK_FILE_NAME, lockDataDir } from '../../server/db/data-dir-lock.ts';
import { BACKENDS, client, httpFetcher, testDatabaseOptions, type Backend } from './harness.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function runAdmin(env: NodeJS.ProcessEnv, args: string[], viaNpm = false): Promise<Run> {
  const [command, argv] = viaNpm
    ? ['npm', ['run', '--silent', 'admin', '--', ...args]]
    : [process.execPath, ['--import', 'tsx', 'server/cli/admin.ts', ...args]];
  return new Promise((resolve) => {
    execFile(command, argv, { cwd: ROOT, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

function startServerProcess(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve({ child, url: match[1] });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
}

function stopProcess(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

const CSV = [
  'linkedin_url,full_name,headline,company,location,b2b_emails,phones,direct_emails',
  'https://www.linkedin.com/in/cli-person/,CLI Person,Tester,Acme,Paris,cli@acme.example,mobile:+33 6 11 11 11 11|landline:+33 1 22 22 22 22,',
  'https://www.linkedin.com/in/second-person,Second Person,,,,,,second@mail.example',
].join('\n');

describe.each(BACKENDS)('admin command on %s', (backend: Backend) => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let csvFile: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'leadlens-admin-'));
    csvFile = path.join(dir, 'people.csv');
    writeFileSync(csvFile, CSV);
    const options =
      backend === 'postgres' ? await testDatabaseOptions('postgres') : { dataDir: path.join(dir, 'data') };
    env = options.databaseUrl
      ? { DATABASE_URL: options.databaseUrl, DATA_DIR: '' }
      : { DATA_DIR: options.dataDir, DATABASE_URL: '' };
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates a workspace, adds members up to the seats, imports people; the server serves them', async () => {
    const created = await runAdmin(
      env,
      [
        'create-workspace',
        '--name',
        'Acme',
        '--plan',
        'starter',
        '--seats',
        '2',
        '--credits',
        'b2bEmail=15,phone=5,directEmail=5,export=10',
      ],
      true,
    );
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const workspace = JSON.parse(created.stdout) as {
      workspaceId: string;
      admin: { userId: string; email: string; apiKey: string };
    };
    expect(Object.keys(workspace)).toEqual(['workspaceId', 'admin']);
    expect(Object.keys(workspace.admin)).toEqual(['userId', 'email', 'apiKey']);
    expect(workspace.admin.apiKey).toMatch(/^ll_live_[\w-]{32}$/);

    const member = await runAdmin(env, [
      'add-member',
      '--workspace',
      workspace.workspaceId,
      '--email',
      'Member@Acme.example',
    ]);
    expect(member.code).toBe(0);
    const added = JSON.parse(member.stdout) as { userId: string; apiKey: string };
    expect(Object.keys(added)).toEqual(['userId', 'apiKey']);

    const full = await runAdmin(env, [
      'add-member',
      '--workspace',
      workspace.workspaceId,
      '--email',
      'third@acme.example',
    ]);
    expect(full.code).not.toBe(0);
    expect(full.stdout).toBe('');
    expect(full.stderr).toMatch(/All 2 seats/);
    expect(full.stderr).not.toMatch(/\n\s+at /);

    const imported = await runAdmin(env, ['import-people', csvFile]);
    expect(imported.stderr).toBe('');
    expect(JSON.parse(imported.stdout)).toEqual({ imported: 2 });

    const { child, url } = await startServerProcess(env);
    try {
      const api = client(httpFetcher(url), added.apiKey);
      const account = await api.account();
      expect(account).toMatchObject({
        user: { email: 'member@acme.example', role: 'member' },
        workspace: { members: 2, seats: 2 },
      });
      expect(account.balances.b2bEmail.remaining).toBe(15);
      const answer = await api.reveal('cli-person', ['phone']);
      expect(answer.results.phone).toMatchObject({
        status: 'revealed',
        values: [{ phoneKind: 'mobile' }, { phoneKind: 'landline' }],
      });
      if (backend === 'pglite') {
        // The server holds the folder: the admin command refuses instead of losing writes.
        const refused = await runAdmin(env, ['import-people', csvFile]);
        expect(refused.code).not.toBe(0);
        expect(refused.stdout).toBe('');
        expect(refused.stderr).toContain(`The LeadLens server (pid ${child.pid}) holds the data folder`);
        expect(refused.stderr).toContain('DATABASE_URL');
        expect(refused.stderr).not.toMatch(/\n\s+at /);
      } else {
        // On Postgres any number of processes share the database.
        const more = await runAdmin(env, ['import-people', csvFile]);
        expect(JSON.parse(more.stdout)).toEqual({ imported: 2 });
      }
    } finally {
      expect(await stopProcess(child)).toBe(0);
    }
    // Stopped cleanly, the server released the folder.
    const after = await runAdmin(env, ['import-people', csvFile]);
    expect(after.stderr).toBe('');
    expect(JSON.parse(after.stdout)).toEqual({ imported: 2 });
  });

  it('upgrades a free workspace to a paid plan once, and says why it refuses a second time', async () => {
    const created = await runAdmin(env, [
      'create-workspace',
      '--name',
      'Solo',
      '--plan',
      'free',
      '--seats',
      '2',
      '--credits',
      'b2bEmail=3',
    ]);
    const { workspaceId } = JSON.parse(created.stdout) as { workspaceId: string };
    const upgrade = ['upgrade-workspace', '--workspace', workspaceId, '--plan', 'business', '--seats', '5'];
    const done = await runAdmin(env, [...upgrade, '--credits', 'b2bEmail=100,phone=20']);
    expect(done.stderr).toBe('');
    expect(JSON.parse(done.stdout)).toMatchObject({
      workspaceId,
      plan: 'business',
      seats: 5,
      poolId: expect.stringMatching(/^pool_/),
      mergedPools: 1,
      paidLeads: 0,
      personalCreditsEnded: { b2bEmail: 3, phone: 0, directEmail: 0, export: 0 },
    });
    const again = await runAdmin(env, upgrade);
    expect(again.code).not.toBe(0);
    expect(again.stdout).toBe('');
    expect(again.stderr).toContain('already on the business plan');
    expect(again.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses bad arguments with a message, not a stack trace', async () => {
    const badPlan = await runAdmin(env, ['create-workspace', '--name', 'X', '--plan', 'gold', '--seats', '1']);
    expect(badPlan.code).not.toBe(0);
    expect(badPlan.stderr).toContain('--plan must be one of free, starter, business, organization');
    const badCredits = await runAdmin(env, [
      'create-workspace',
      '--name',
      'X',
      '--plan',
      'free',
      '--seats',
      '1',
      '--credits',
      'fax=3',
    ]);
    expect(badCredits.stderr).toContain('unknown credit type "fax"');
    const freeUpgrade = await runAdmin(env, [
      'upgrade-workspace',
      '--workspace',
      'ws_x',
      '--plan',
      'free',
      '--seats',
      '2',
    ]);
    expect(freeUpgrade.stderr).toContain('--plan must be a paid plan: starter, business, organization');
    const unknown = await runAdmin(env, ['launch-rockets']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('Unknown command "launch-rockets"');
    for (const run of [badPlan, badCredits, freeUpgrade, unknown]) expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('the PGlite data folder lock', () => {
  it('is exclusive, even within one process, until released', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'leadlens-lock-'));
    try {
      const held = lockDataDir(dir, 'server');
      expect(() => lockDataDir(dir, 'admin')).toThrow(DataDirLockedError);
      expect(() => lockDataDir(dir, 'admin')).toThrow(`The LeadLens server (pid ${process.pid}) holds the data folder`);
      held.release();
      lockDataDir(dir, 'admin').release();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is taken over when the process that left it died', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'leadlens-lock-'));
    const env = { DATA_DIR: dir, DATABASE_URL: '' };
    const csvFile = path.join(dir, 'people.csv');
    writeFileSync(csvFile, CSV);
    const dead = spawn(process.execPath, ['-e', '0']);
    const pid = dead.pid;
    await new Promise((resolve) => dead.once('exit', resolve));
    writeFileSync(path.join(dir, LOCK_FILE_NAME), JSON.stringify({ pid, purpose: 'server', since: '' }));
    const run = await runAdmin(env, ['import-people', csvFile]);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ imported: 2 });
    rmSync(dir, { recursive: true, force: true });
  });
});
