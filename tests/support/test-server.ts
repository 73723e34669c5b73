/**
 * The real credits server for e2e tests and benchmarks: started in-process on a free
 * loopback port with an in-memory PGlite, with people imported from CSV and workspaces
 * created through the same code as the admin command.
 */
import {
  AccountSchema,
  AddedMemberSchema,
  LedgerPageSchema,
  MemberSchema,
  type Account,
  type Balances,
  type LedgerEntry,
  type Member,
  type SetLimitsRequest,
} from '../../shared/api.ts';
import type { CreditType, Plan } from '../../shared/credits.ts';
import { createWorkspace } from '../../server/accounts.ts';
import { importPeopleCsv } from '../../server/people.ts';
import { startServer } from '../../server/serve.ts';

export interface TestPerson {
  slug: string;
  name: string;
  b2bEmails?: string[];
  /** `mobile:+33...` or `landline:+33...`. */
  phones?: string[];
  directEmails?: string[];
}

export interface TestWorkspace {
  workspaceId: string;
  apiKey: string;
  email: string;
}

export interface TestMember {
  userId: string;
  apiKey: string;
  email: string;
}

export type TestServer = Awaited<ReturnType<typeof startTestServer>>;

const cell = (values: string[] | undefined): string => `"${(values ?? []).join('|').replace(/"/g, '""')}"`;

export async function startTestServer() {
  const server = await startServer({ dataDir: 'memory://', port: 0, seedDemo: false });

  async function account(apiKey: string): Promise<Account> {
    const response = await fetch(`${server.url}/v1/account`, { headers: { authorization: `Bearer ${apiKey}` } });
    if (!response.ok) throw new Error(`GET /v1/account: ${response.status} ${await response.text()}`);
    return AccountSchema.parse(await response.json());
  }

  return {
    url: server.url,
    db: server.db,
    async addPeople(people: TestPerson[]): Promise<void> {
      const header = 'linkedin_url,full_name,headline,company,location,b2b_emails,phones,direct_emails';
      const rows = people.map((person) =>
        [
          `https://www.linkedin.com/in/${person.slug}/`,
          `"${person.name.replace(/"/g, '""')}"`,
          '"Engineer"',
          '"Example Corp"',
          '"Paris, France"',
          cell(person.b2bEmails),
          cell(person.phones),
          cell(person.directEmails),
        ].join(','),
      );
      await importPeopleCsv(server.db, [header, ...rows].join('\n'));
    },
    async createWorkspace(
      credits: Partial<Record<CreditType, number>>,
      options: { plan?: Plan; seats?: number; name?: string } = {},
    ): Promise<TestWorkspace> {
      const created = await createWorkspace(server.db, {
        name: options.name ?? `Workspace ${Math.random().toString(36).slice(2, 8)}`,
        plan: options.plan ?? 'starter',
        seats: options.seats ?? 5,
        credits,
      });
      return { workspaceId: created.workspaceId, apiKey: created.admin.apiKey, email: created.admin.email };
    },
    /** Adds a member through the admin endpoint, as the workspace's admin (`workspace.apiKey`). */
    async addMember(
      workspace: TestWorkspace,
      options: { email?: string; role?: 'admin' | 'member' } = {},
    ): Promise<TestMember> {
      const email = options.email ?? `member-${Math.random().toString(36).slice(2, 8)}@example.com`;
      const response = await fetch(`${server.url}/v1/workspace/members`, {
        method: 'POST',
        headers: { authorization: `Bearer ${workspace.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ email, role: options.role ?? 'member' }),
      });
      if (response.status !== 201)
        throw new Error(`POST /v1/workspace/members: ${response.status} ${await response.text()}`);
      const added = AddedMemberSchema.parse(await response.json());
      return { userId: added.member.id, apiKey: added.apiKey, email: added.member.email };
    },
    /** Sets (a number) or clears (null) a member's monthly limits, as the workspace's admin. */
    async setLimits(adminApiKey: string, userId: string, limits: SetLimitsRequest['limits']): Promise<Member> {
      const response = await fetch(`${server.url}/v1/workspace/members/${encodeURIComponent(userId)}/limits`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${adminApiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ limits }),
      });
      if (!response.ok) throw new Error(`PUT limits: ${response.status} ${await response.text()}`);
      return MemberSchema.parse(await response.json());
    },
    account,
    async balances(apiKey: string): Promise<Balances> {
      return (await account(apiKey)).balances;
    },
    /** The pool's newest ledger entries (first page). */
    async ledger(apiKey: string): Promise<LedgerEntry[]> {
      const response = await fetch(`${server.url}/v1/ledger?limit=500`, {
        headers: { authorization: `Bearer ${apiKey}` },
      });
      if (!response.ok) throw new Error(`GET /v1/ledger: ${response.status} ${await response.text()}`);
      return LedgerPageSchema.parse(await response.json()).entries;
    },
    close: () => server.close(),
  };
}
