/**
 * The demo: a Starter workspace and a few people, so a fresh server is usable at once. Only a
 * fresh database gets them; with a chosen API key, an existing demo admin gets that key.
 */
import { createWorkspaceIn } from './accounts.ts';
import { hashApiKey } from './auth.ts';
import type { Database } from './db/database.ts';
import { importPeopleIn, type PersonRow } from './people.ts';

export const DEMO_ADMIN_EMAIL = 'demo@leadlens.test';
export const DEMO_CREDITS = { b2bEmail: 100, phone: 25, directEmail: 25, export: 50 } as const;

const VERIFIED = new Date('2026-01-15T09:00:00Z');

export const DEMO_PEOPLE: PersonRow[] = [
  {
    slug: 'ada-lovelace',
    fullName: 'Ada Lovelace',
    headline: 'Analyst & Programmer',
    company: 'Analytical Engines Ltd',
    location: 'London',
    b2bEmail: [{ value: 'ada@analytical-engines.example', verifiedAt: VERIFIED }],
    phone: [
      { value: '+44 7700 900123', phoneKind: 'mobile', verifiedAt: VERIFIED },
      { value: '+44 20 7946 0958', phoneKind: 'landline', verifiedAt: VERIFIED },
    ],
    directEmail: [{ value: 'ada.lovelace@mail.example', verifiedAt: VERIFIED }],
  },
  {
    slug: 'grace-hopper',
    fullName: 'Grace Hopper',
    headline: 'Rear Admiral, Compiler Pioneer',
    company: 'Harvard Computation Lab',
    location: 'Arlington, Virginia',
    b2bEmail: [{ value: 'grace@computation-lab.example', verifiedAt: VERIFIED }],
  },
  {
    slug: 'alan-turing',
    fullName: 'Alan Turing',
    headline: 'Mathematician',
    company: 'Government Code School',
    location: 'Bletchley',
    b2bEmail: [{ value: 'alan@code-school.example', verifiedAt: VERIFIED }],
    phone: [
      { value: '+44 7700 900456', phoneKind: 'mobile', verifiedAt: VERIFIED },
      { value: '+44 1908 640404', phoneKind: 'landline', verifiedAt: VERIFIED },
      { value: '+44 7700 900789', phoneKind: 'mobile', verifiedAt: null },
    ],
  },
  {
    slug: 'katherine-johnson',
    fullName: 'Katherine Johnson',
    headline: 'Research Mathematician',
    company: 'Langley Research Center',
    location: 'Hampton, Virginia',
    b2bEmail: [
      { value: 'katherine@langley.example', verifiedAt: VERIFIED },
      { value: 'k.johnson@langley.example', verifiedAt: null },
    ],
    directEmail: [{ value: 'katherine.johnson@mail.example', verifiedAt: VERIFIED }],
  },
  {
    slug: 'jerome-dupont',
    fullName: 'Jérôme Dupont',
    headline: 'Directeur commercial',
    company: 'Exemple SA',
    location: 'Paris',
    phone: [{ value: '+33 6 12 34 56 78', phoneKind: 'mobile', verifiedAt: VERIFIED }],
  },
  {
    // A known person with no contact data at all: every reveal is "not found" (R4).
    slug: 'no-contact-data',
    fullName: 'Nobody Reachable',
    headline: 'Keeps to themselves',
    company: null,
    location: null,
  },
];

export interface SeededDemo {
  workspaceId: string;
  /** The demo admin's key when known: just created, or the one given. */
  apiKey: string | null;
  created: boolean;
}

/** An arbitrary constant naming the demo-seeding lock (see migrate.ts for the migrations' one). */
const DEMO_LOCK_ID = 7_411_043;

/**
 * Seeds the demo on a fresh database (no workspace at all): the demo people and a Starter
 * workspace whose admin is DEMO_ADMIN_EMAIL. On a database that has workspaces it adds
 * nothing, so a production database never gets a demo; if the demo workspace exists, a
 * given `apiKey` becomes its admin's key (npm start keeps one in DATA_DIR and passes it on
 * every start), unless that admin was removed: a removed user stays removed. Null when there
 * is no demo. Servers starting together take turns (an advisory lock).
 */
export async function seedDemo(db: Database, opts: { apiKey?: string; now?: Date } = {}): Promise<SeededDemo | null> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [DEMO_LOCK_ID]);
    const existing = await tx.query<{ id: string; workspace_id: string; removed: boolean }>(
      // An address can belong to removed users too (003_teams.sql): the active one is the
      // demo admin; with none active, the latest removed one.
      `SELECT id, workspace_id, removed_at IS NOT NULL AS removed FROM users WHERE email = $1
        ORDER BY removed_at IS NULL DESC, created_at DESC LIMIT 1`,
      [DEMO_ADMIN_EMAIL],
    );
    const admin = existing.rows[0];
    if (admin) {
      if (admin.removed) return { workspaceId: admin.workspace_id, apiKey: null, created: false };
      if (opts.apiKey) {
        await tx.query('UPDATE users SET api_key_hash = $2 WHERE id = $1', [admin.id, hashApiKey(opts.apiKey)]);
      }
      return { workspaceId: admin.workspace_id, apiKey: opts.apiKey ?? null, created: false };
    }
    const workspaces = await tx.query('SELECT 1 FROM workspaces LIMIT 1');
    if (workspaces.rowCount > 0) return null;
    await importPeopleIn(tx, DEMO_PEOPLE, opts.now);
    const created = await createWorkspaceIn(tx, {
      name: 'LeadLens Demo',
      plan: 'starter',
      seats: 5,
      credits: DEMO_CREDITS,
      adminEmail: DEMO_ADMIN_EMAIL,
      now: opts.now,
    });
    let apiKey = created.admin.apiKey;
    if (opts.apiKey) {
      await tx.query('UPDATE users SET api_key_hash = $2 WHERE id = $1', [
        created.admin.userId,
        hashApiKey(opts.apiKey),
      ]);
      apiKey = opts.apiKey;
    }
    return { workspaceId: created.workspaceId, apiKey, created: true };
  });
}
