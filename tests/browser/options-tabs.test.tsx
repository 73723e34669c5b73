/**
 * The options page's Usage tab (the pool's ledger, for everyone) and Workspace tab (admins
 * only): what they show, what they ask the background, and the confirmations before a
 * change that costs or cannot be undone.
 */
import '../../components/theme.css';
import '../../entrypoints/options/options.css';
import { describe, expect, test, vi } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { App } from '../../entrypoints/options/App.tsx';
import { createOptionsStore } from '../../entrypoints/options/store.ts';
import { createUsageStore } from '../../entrypoints/options/usage-store.ts';
import { createWorkspaceStore } from '../../entrypoints/options/workspace-store.ts';
import type { LedgerEntry, Member, MemberList } from '../../shared/api.ts';
import { ACCOUNT, BALANCES, fail, fakeSend, ok, renderInto, signedInAs, type Handlers } from './fakes.ts';

const ADMIN = signedInAs(ACCOUNT);
const MEMBER = signedInAs({ ...ACCOUNT, user: { id: 'u2', email: 'bob@babbage.example', role: 'member' } });

function mount(handlers: Handlers, session = ADMIN) {
  const fake = fakeSend({ sessionGet: () => ok(session), ...handlers });
  const store = createOptionsStore({ send: fake.send, requestOrigins: vi.fn(async () => true) });
  let purchase = 0;
  const createTabs = () => ({
    usage: createUsageStore(fake),
    workspace: createWorkspaceStore({ send: fake.send, newPurchaseId: () => `purchase-${++purchase}` }),
  });
  renderInto(<App store={store} createTabs={createTabs} />);
  void store.getState().load();
  return fake;
}

function entry(id: string, overrides: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    id,
    at: '2026-11-27T10:15:00.000Z',
    type: 'phone',
    delta: -1,
    reason: 'reveal',
    lead: 'grace-hopper',
    userId: 'u1',
    userEmail: 'ada@babbage.example',
    ...overrides,
  };
}

const tab = (name: string) => page.getByRole('tab', { name, exact: true });
const ledgerRows = () => page.getByRole('table', { name: 'Credit usage' }).getByRole('row');

describe('the tabs', () => {
  test('a member sees Account and Usage, no Workspace tab', async () => {
    mount({}, MEMBER);
    await expect.element(tab('Usage')).toBeVisible();
    await expect.element(tab('Account')).toHaveAttribute('aria-selected', 'true');
    expect(
      page
        .getByRole('tab')
        .elements()
        .map((element) => element.textContent),
    ).toEqual(['Account', 'Usage']);
  });

  test('an admin also sees Workspace; arrow keys move between tabs', async () => {
    mount({ ledgerPage: () => ok({ entries: [], nextCursor: null }) });
    await expect.element(tab('Workspace')).toBeVisible();
    await tab('Account').click();
    await userEvent.keyboard('{ArrowRight}');
    await expect.element(tab('Usage')).toHaveAttribute('aria-selected', 'true');
    await expect.element(tab('Usage')).toHaveFocus();
    await expect.element(page.getByText('No credits spent or granted yet.')).toBeVisible();
  });
});

describe('the Usage tab', () => {
  test('who spent what, on which lead, when; grants name no one', async () => {
    mount(
      {
        ledgerPage: () =>
          ok({
            entries: [
              entry('2'),
              entry('1', { reason: 'addOn', delta: 100, lead: null, userId: 'u1', type: 'export' }),
              entry('0', {
                reason: 'renewal',
                delta: 500,
                lead: null,
                userId: null,
                userEmail: null,
                type: 'b2bEmail',
              }),
            ],
            nextCursor: null,
          }),
      },
      MEMBER,
    );
    await tab('Usage').click();
    await expect
      .element(ledgerRows().nth(1))
      .toHaveTextContent(/ada@babbage\.example.*Reveal · Phone.*-1.*grace-hopper/);
    const cells = ledgerRows().nth(1).getByRole('cell').elements();
    expect(cells[0]?.textContent).toBe(
      new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' }).format(
        new Date('2026-11-27T10:15:00Z'),
      ),
    );
    await expect
      .element(page.getByRole('link', { name: 'grace-hopper' }))
      .toHaveAttribute('href', 'https://www.linkedin.com/in/grace-hopper/');
    await expect.element(ledgerRows().nth(2)).toHaveTextContent(/Add-on purchase · Export.*\+100/);
    await expect.element(ledgerRows().nth(3)).toHaveTextContent(/^.*WorkspaceMonthly renewal · B2B email\+500—$/);
  });

  test('filters by member and type ask the background again; Load more continues from the cursor', async () => {
    const fake = mount(
      {
        ledgerPage: ({ cursor, userId }) =>
          ok(
            cursor
              ? { entries: [entry('older', { lead: 'alan-turing' })], nextCursor: null }
              : userId
                ? { entries: [entry('b', { userId: 'u2', userEmail: 'bob@babbage.example' })], nextCursor: null }
                : {
                    entries: [entry('a'), entry('b', { userId: 'u2', userEmail: 'bob@babbage.example' })],
                    nextCursor: 'c1',
                  },
          ),
      },
      MEMBER,
    );
    await tab('Usage').click();
    await expect.element(ledgerRows()).toHaveLength(3);
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.element(page.getByRole('link', { name: 'alan-turing' })).toBeVisible();
    await expect.element(ledgerRows()).toHaveLength(4);
    expect(page.getByRole('button', { name: 'Load more' }).elements()).toHaveLength(0);

    await page.getByLabelText('Member').selectOptions('bob@babbage.example');
    await expect.element(ledgerRows()).toHaveLength(2);
    await page.getByLabelText('Credit type').selectOptions('Phone');
    await expect
      .poll(() => fake.callsOf('ledgerPage'))
      .toEqual([{}, { cursor: 'c1' }, { userId: 'u2' }, { userId: 'u2', type: 'phone' }]);
  });

  test('an admin can filter by any member, also one who spent nothing yet', async () => {
    mount({
      ledgerPage: () => ok({ entries: [entry('a')], nextCursor: null }),
      workspaceMembers: () =>
        ok({
          workspace: { id: 'w1', name: 'Babbage & Co', plan: 'starter', seats: 3, members: 2, renewsAt: null },
          members: [
            {
              id: 'u9',
              email: 'new@babbage.example',
              role: 'member',
              createdAt: '2026-11-01T00:00:00.000Z',
              usage: { b2bEmail: 0, phone: 0, directEmail: 0, export: 0 },
              limits: {},
            },
          ],
        }),
    });
    await tab('Usage').click();
    await expect.element(page.getByRole('option', { name: 'new@babbage.example' })).toBeInTheDocument();
  });

  test('an error says why, and Retry reads again', async () => {
    let down = true;
    mount(
      {
        ledgerPage: () =>
          down
            ? fail('server_unreachable', 'LeadLens cannot reach the server.')
            : ok({ entries: [entry('a')], nextCursor: null }),
      },
      MEMBER,
    );
    await tab('Usage').click();
    await expect.element(page.getByRole('alert')).toHaveTextContent('LeadLens cannot reach the server.');
    down = false;
    await page.getByRole('button', { name: 'Retry' }).click();
    await expect.element(ledgerRows()).toHaveLength(2);
  });
});

function member(id: string, email: string, overrides: Partial<Member> = {}): Member {
  return {
    id,
    email,
    role: 'member',
    createdAt: '2026-11-01T00:00:00.000Z',
    usage: { b2bEmail: 3, phone: 12, directEmail: 0, export: 0 },
    limits: {},
    ...overrides,
  };
}

function memberList(members: Member[]): MemberList {
  return {
    workspace: { id: 'w1', name: 'Babbage & Co', plan: 'starter', seats: 3, members: members.length, renewsAt: null },
    members,
  };
}

describe('the Workspace tab', () => {
  const ada = member('u1', 'ada@babbage.example', { role: 'admin' });
  const bob = member('u2', 'bob@babbage.example', { limits: { phone: { limit: 20, used: 12, remaining: 8 } } });

  test('members with usage and limits, and seats used of total', async () => {
    mount({ workspaceMembers: () => ok(memberList([ada, bob])) });
    await tab('Workspace').click();
    await expect.element(page.getByText('Seats: 2 of 3 used')).toBeVisible();
    const bobRow = page.getByRole('row', { name: /bob@babbage\.example/ });
    await expect.element(bobRow).toHaveTextContent('12 used · limit 20');
    await expect
      .element(page.getByRole('row', { name: /ada@babbage\.example/ }))
      .toHaveTextContent('12 used · no limit');
    // An admin cannot remove themselves (the server refuses it too).
    expect(page.getByRole('button', { name: 'Remove ada@babbage.example' }).elements()).toHaveLength(0);
  });

  test('limits are edited per member: a number sets one, an empty field clears it', async () => {
    let list = memberList([ada, bob]);
    const fake = mount({
      workspaceMembers: () => ok(list),
      memberLimits: ({ limits }) => {
        list = memberList([ada, { ...bob, limits: { export: { limit: 5, used: 0, remaining: 5 } } }]);
        void limits;
        return ok(bob);
      },
    });
    await tab('Workspace').click();
    await page.getByRole('button', { name: 'Edit limits of bob@babbage.example' }).click();
    const form = page.getByRole('form', { name: 'Monthly limits of bob@babbage.example' });
    await expect.element(form.getByLabelText('Phone')).toHaveValue(20);
    await form.getByLabelText('Phone').fill('');
    await form.getByLabelText('Export').fill('5');
    await form.getByRole('button', { name: 'Save limits' }).click();
    expect(fake.callsOf('memberLimits')).toEqual([
      { userId: 'u2', limits: { b2bEmail: null, phone: null, directEmail: null, export: 5 } },
    ]);
    await expect.element(page.getByRole('row', { name: /bob@babbage\.example/ })).toHaveTextContent('0 used · limit 5');
    expect(form.elements()).toHaveLength(0);
  });

  test('on the free plan no limit or add-on form is offered (the server refuses both); the page says why', async () => {
    const free = memberList([ada, bob]);
    mount({ workspaceMembers: () => ok({ ...free, workspace: { ...free.workspace, plan: 'free' } }) });
    await tab('Workspace').click();
    await expect
      .element(page.getByText('Member limits and add-on credits come with paid plans', { exact: false }))
      .toBeVisible();
    expect(page.getByRole('button', { name: 'Edit limits of bob@babbage.example' }).elements()).toHaveLength(0);
    expect(page.getByRole('heading', { name: 'Add-on credits' }).elements()).toHaveLength(0);
    // Members are still managed on the free plan.
    await expect.element(page.getByRole('button', { name: 'Add member' })).toBeVisible();
  });

  test('adding a member shows their key once', async () => {
    let list = memberList([ada]);
    mount({
      workspaceMembers: () => ok(list),
      memberAdd: ({ email }) => {
        const added = member('u3', email);
        list = memberList([ada, added]);
        return ok({ member: added, apiKey: 'll_live_secret_key_123' });
      },
    });
    await tab('Workspace').click();
    await page.getByLabelText('Email', { exact: true }).fill('carol@babbage.example');
    await page.getByRole('button', { name: 'Add member' }).click();
    await expect
      .element(page.getByText('carol@babbage.example was added. Give them this API key: it is shown only this once.'))
      .toBeVisible();
    await expect.element(page.getByText('ll_live_secret_key_123')).toBeVisible();
    await expect.element(page.getByText('Seats: 2 of 3 used')).toBeVisible();
    await page.getByRole('button', { name: 'Done, hide the key' }).click();
    expect(page.getByText('ll_live_secret_key_123').elements()).toHaveLength(0);
  });

  test('seats full: the refusal is said, nothing added', async () => {
    mount({
      workspaceMembers: () => ok(memberList([ada])),
      memberAdd: () =>
        fail('refused', 'Every seat of the workspace is taken. Remove a member first, or add seats to the plan.'),
    });
    await tab('Workspace').click();
    await page.getByLabelText('Email', { exact: true }).fill('dan@babbage.example');
    await page.getByRole('button', { name: 'Add member' }).click();
    await expect.element(page.getByRole('alert')).toHaveTextContent('Every seat of the workspace is taken.');
  });

  test('removing a member asks first; Cancel removes no one', async () => {
    let list = memberList([ada, bob]);
    const fake = mount({
      workspaceMembers: () => ok(list),
      memberRemove: () => {
        list = memberList([ada]);
        return ok({ id: 'u2', removedAt: '2026-11-27T10:00:00.000Z' });
      },
    });
    await tab('Workspace').click();
    await page.getByRole('button', { name: 'Remove bob@babbage.example' }).click();
    const dialog = page.getByRole('alertdialog');
    await expect
      .element(dialog)
      .toHaveTextContent(/Remove bob@babbage\.example from the workspace\? Their API key stops working at once/);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(fake.callsOf('memberRemove')).toEqual([]);

    await page.getByRole('button', { name: 'Remove bob@babbage.example' }).click();
    await page.getByRole('button', { name: 'Remove member' }).click();
    expect(fake.callsOf('memberRemove')).toEqual([{ userId: 'u2' }]);
    await expect.element(page.getByText('Seats: 1 of 3 used')).toBeVisible();
  });

  test('buying add-ons says what is bought before buying; a retry reuses the purchase id', async () => {
    let lost = true;
    const fake = mount({
      workspaceMembers: () => ok(memberList([ada])),
      addOnBuy: ({ credits }) => {
        if (lost) return fail('server_unreachable', 'LeadLens cannot reach the server.');
        return ok({
          purchase: {
            at: '2026-11-27T10:00:00.000Z',
            by: { id: 'u1', email: 'ada@babbage.example' },
            credits: { phone: credits.phone ?? 0, directEmail: credits.directEmail ?? 0, export: credits.export ?? 0 },
          },
          balances: BALANCES,
        });
      },
    });
    await tab('Workspace').click();
    // There are no B2B email add-ons (R10).
    const addOns = page.getByRole('form', { name: 'Add-on credits' });
    expect(addOns.getByLabelText('B2B email').elements()).toHaveLength(0);
    await addOns.getByLabelText('Phone').fill('100');
    await addOns.getByLabelText('Export').fill('50');
    await page.getByRole('button', { name: 'Buy add-ons…' }).click();
    expect(fake.callsOf('addOnBuy')).toEqual([]);
    await expect
      .element(page.getByRole('alertdialog'))
      .toHaveTextContent("Buy 100 phone credits and 50 export credits for the workspace's shared pool?");

    await page.getByRole('button', { name: 'Confirm purchase' }).click();
    await expect.element(page.getByRole('alertdialog').getByRole('alert')).toHaveTextContent('cannot reach the server');
    lost = false;
    await page.getByRole('button', { name: 'Confirm purchase' }).click();
    await expect.element(page.getByRole('status')).toHaveTextContent('Bought 100 phone credits and 50 export credits.');
    const credits = { phone: 100, export: 50 };
    expect(fake.callsOf('addOnBuy')).toEqual([
      { purchaseId: 'purchase-1', credits },
      { purchaseId: 'purchase-1', credits },
    ]);
  });

  test('a member who reached the tab some other way is told it is for admins', async () => {
    mount({ workspaceMembers: () => fail('forbidden', 'Only a workspace admin can do this.') });
    await tab('Workspace').click();
    await expect.element(page.getByRole('alert')).toHaveTextContent('Only a workspace admin can do this.');
  });
});
