/**
 * `npm run --silent admin -- <command>`: workspaces, members and people, on the server's
 * database (DATABASE_URL, or the PGlite folder DATA_DIR, default .data/). Prints JSON on
 * stdout; errors go to stderr with a non-zero exit.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CREDIT_TYPES, PLANS, type CreditType, type Plan } from '../../shared/credits.ts';
import { addMember, createWorkspace, removeMember } from '../accounts.ts';
import { DataDirLockedError } from '../db/data-dir-lock.ts';
import type { Database } from '../db/database.ts';
import { openDatabase } from '../db/open.ts';
import { ApiError, UsageError } from '../errors.ts';
import { ImportError, importPeopleCsv } from '../people.ts';
import { upgradeWorkspace } from '../upgrade.ts';

const USAGE = `Usage: npm run --silent admin -- <command>

  create-workspace --name NAME --plan ${PLANS.join('|')} --seats N --credits b2bEmail=15,phone=5,directEmail=5,export=10 [--admin-email EMAIL]
  add-member --workspace ID --email EMAIL
  remove-member --user ID
  upgrade-workspace --workspace ID --plan starter|business|organization --seats N --credits b2bEmail=500,phone=100,...
      (free plan to paid: personal pools merge into one shared pool; leads paid stay paid,
       personal credits end, the paid allotment starts now)
  import-people FILE.csv

The database is DATABASE_URL if set, otherwise the PGlite folder DATA_DIR (default .data/).`;

function required(values: Record<string, string | boolean | undefined>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${name} is required.`);
  return value;
}

function parseCredits(text: string): Partial<Record<CreditType, number>> {
  const credits: Partial<Record<CreditType, number>> = {};
  for (const part of text.split(',').filter((p) => p.trim() !== '')) {
    const [type, amount] = part.split('=').map((s) => s.trim());
    if (!type || !(CREDIT_TYPES as readonly string[]).includes(type)) {
      throw new UsageError(`--credits: unknown credit type "${type ?? ''}" (types: ${CREDIT_TYPES.join(', ')}).`);
    }
    if (amount === undefined || !/^\d+$/.test(amount)) {
      throw new UsageError(`--credits: ${type} needs a whole number, as in ${type}=10.`);
    }
    credits[type as CreditType] = Number(amount);
  }
  return credits;
}

async function withDatabase<T>(fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase({
    databaseUrl: process.env.DATABASE_URL || undefined,
    dataDir: process.env.DATA_DIR || '.data',
    lockPurpose: 'admin',
  });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

async function run(argv: string[]): Promise<unknown> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'create-workspace': {
      const { values } = parseArgs({
        args: rest,
        options: {
          name: { type: 'string' },
          plan: { type: 'string' },
          seats: { type: 'string' },
          credits: { type: 'string', default: '' },
          'admin-email': { type: 'string' },
        },
      });
      const plan = required(values, 'plan');
      if (!(PLANS as readonly string[]).includes(plan))
        throw new UsageError(`--plan must be one of ${PLANS.join(', ')}.`);
      const seats = required(values, 'seats');
      if (!/^\d+$/.test(seats) || Number(seats) < 1)
        throw new UsageError('--seats must be a whole number of at least 1.');
      const input = {
        name: required(values, 'name'),
        plan: plan as Plan,
        seats: Number(seats),
        credits: parseCredits(values.credits),
        adminEmail: values['admin-email'],
      };
      return withDatabase((db) => createWorkspace(db, input));
    }
    case 'add-member': {
      const { values } = parseArgs({
        args: rest,
        options: { workspace: { type: 'string' }, email: { type: 'string' } },
      });
      const input = { workspaceId: required(values, 'workspace'), email: required(values, 'email') };
      return withDatabase((db) => addMember(db, input));
    }
    case 'remove-member': {
      const { values } = parseArgs({ args: rest, options: { user: { type: 'string' } } });
      const userId = required(values, 'user');
      return withDatabase(async (db) => {
        await removeMember(db, { userId });
        return { removed: userId };
      });
    }
    case 'upgrade-workspace': {
      const { values } = parseArgs({
        args: rest,
        options: {
          workspace: { type: 'string' },
          plan: { type: 'string' },
          seats: { type: 'string' },
          credits: { type: 'string', default: '' },
        },
      });
      const workspaceId = required(values, 'workspace');
      const plan = required(values, 'plan');
      const paid = PLANS.filter((p): p is Exclude<Plan, 'free'> => p !== 'free');
      if (!(paid as readonly string[]).includes(plan)) {
        throw new UsageError(`--plan must be a paid plan: ${paid.join(', ')}.`);
      }
      const seats = required(values, 'seats');
      if (!/^\d+$/.test(seats) || Number(seats) < 1)
        throw new UsageError('--seats must be a whole number of at least 1.');
      const input = {
        workspaceId,
        plan: plan as Exclude<Plan, 'free'>,
        seats: Number(seats),
        credits: parseCredits(values.credits),
        byUserId: null,
        now: new Date(),
      };
      return withDatabase((db) => db.transaction((tx) => upgradeWorkspace(tx, input)));
    }
    case 'import-people': {
      const { positionals } = parseArgs({ args: rest, allowPositionals: true, options: {} });
      const file = positionals[0];
      if (!file) throw new UsageError('import-people needs a CSV file.');
      let csv: string;
      try {
        csv = readFileSync(file, 'utf8');
      } catch (error) {
        throw new UsageError(`Cannot read ${file}: ${(error as Error).message}`);
      }
      return withDatabase((db) => importPeopleCsv(db, csv));
    }
    case undefined:
    case 'help':
    case '--help':
      throw new UsageError(USAGE);
    default:
      throw new UsageError(`Unknown command "${command}".\n\n${USAGE}`);
  }
}

run(process.argv.slice(2)).then(
  (result) => {
    console.log(JSON.stringify(result));
  },
  (error: unknown) => {
    const userError =
      error instanceof UsageError ||
      error instanceof DataDirLockedError ||
      error instanceof ApiError ||
      error instanceof ImportError ||
      (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'));
    console.error(userError ? (error as Error).message : error);
    process.exitCode = userError ? 2 : 1;
  },
);
