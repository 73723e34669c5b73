/**
 * The demo: a Starter workspace and a few people, so a fresh server is usable at once.
 * Seeding is idempotent; with a chosen API key it makes that key the demo admin's.
 */
import { createWorkspace } from './accounts.ts';
import { hashApiKey } from './auth.ts';
import type { Database } from './db/database.ts';
import { importPeople, type PersonRow } from './people.ts';

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

export async function seedDemo(db: Database, opts: { apiKey?: string; now?: Date } = {}): Promise<SeededDemo> {
  await importPeople(db, DEMO_PEOPLE, opts.now);
  const existing = await db.query<{ id: string; workspace_id: string }>(
    'SELECT id, workspace_id FROM users WHERE email = $1',
    [DEMO_ADMIN_EMAIL],
  );
  const admin = existing.rows[0];
  if (admin) {
    if (opts.apiKey) {
      await db.query('UPDATE users SET api_key_hash = $2, removed_at = NULL WHERE id = $1', [
        admin.id,
        hashApiKey(opts.apiKey),
      ]);
    }
    return { workspaceId: admin.workspace_id, apiKey: opts.apiKey ?? null, created: false };
  }
  const created = await createWorkspace(db, {
    name: 'LeadLens Demo',
    plan: 'starter',
    seats: 5,
    credits: DEMO_CREDITS,
    adminEmail: DEMO_ADMIN_EMAIL,
    now: opts.now,
  });
  let apiKey = created.admin.apiKey;
  if (opts.apiKey) {
    await db.query('UPDATE users SET api_key_hash = $2 WHERE id = $1', [created.admin.userId, hashApiKey(opts.apiKey)]);
    apiKey = opts.apiKey;
  }
  return { workspaceId: created.workspaceId, apiKey, created: true };
}
