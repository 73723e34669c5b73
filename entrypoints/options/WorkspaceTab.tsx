import { useEffect, useState } from 'preact/hooks';
import { CopyButton } from '../../components/CopyButton.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { typeTitle, typeWord } from '../../components/format.ts';
import { formatList, plural, t } from '../../i18n/messages.ts';
import { useStore } from '../../components/useStore.ts';
import type { Member, SetLimitsRequest } from '../../shared/api.ts';
import { CREDIT_TYPES, type CreditType } from '../../shared/credits.ts';
import type { AddOnCredits, WorkspaceStore } from './workspace-store.ts';

/** R10: there are no B2B email add-ons. */
const ADD_ON_TYPES = ['phone', 'directEmail', 'export'] as const;

/** The workspace, for its admins: members, seats, limits, add-ons. */
export function WorkspaceTab({ store, selfId }: { store: WorkspaceStore; selfId: string }) {
  const state = useStore(store);
  const { list, loadError, actionError, load } = state;
  useEffect(() => {
    void load();
  }, [load]);

  if (!list) {
    return loadError ? (
      <ErrorNotice message={loadError} onRetry={() => void load()} />
    ) : (
      <p class="muted" aria-busy="true">
        {t('loading')}
      </p>
    );
  }
  const paid = list.workspace.plan !== 'free';
  return (
    <>
      <section aria-labelledby="members-title">
        <h2 id="members-title">{t('membersTitle')}</h2>
        <p>{t('seatsUsed', list.workspace.members, list.workspace.seats)}</p>
        {actionError?.scope === 'members' && <ErrorNotice message={actionError.message} />}
        <MemberTable members={list.members} selfId={selfId} store={store} paid={paid} />
        <AddMember store={store} />
      </section>
      {/* The server refuses limits and add-ons on the free plan (credits are personal, R8): no form that must fail. */}
      {paid ? <AddOns store={store} /> : <p class="muted">{t('paidPlanFeatures')}</p>}
    </>
  );
}

function MemberTable({
  members,
  selfId,
  store,
  paid,
}: {
  members: Member[];
  selfId: string;
  store: WorkspaceStore;
  /** Limits exist on paid plans only (R11). */
  paid: boolean;
}) {
  const [editing, setEditing] = useState<string | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);
  const busy = useStore(store).busy;
  const member = (id: string | null) => members.find((m) => m.id === id);

  return (
    <>
      <table class="members">
        <caption class="visually-hidden">{t('membersTitle')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('memberColumn')}</th>
            {CREDIT_TYPES.map((type) => (
              <th scope="col" key={type}>
                {typeTitle(type)}
              </th>
            ))}
            <th scope="col">
              <span class="visually-hidden">{t('actionsColumn')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <tr key={m.id}>
              <th scope="row">
                {m.email} {m.role === 'admin' && <span class="tag">{t('roleAdmin')}</span>}
              </th>
              {CREDIT_TYPES.map((type) => (
                <td key={type}>{usageText(m, type)}</td>
              ))}
              <td class="actions">
                {paid && (
                  <button type="button" disabled={busy} onClick={() => setEditing(m.id)}>
                    {t('editLimitsFor', m.email)}
                  </button>
                )}
                {m.id !== selfId && (
                  <button type="button" disabled={busy} onClick={() => setRemoving(m.id)}>
                    {t('removeMemberFor', m.email)}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing && member(editing) && (
        <LimitsForm
          key={editing}
          member={member(editing) as Member}
          busy={busy}
          onCancel={() => setEditing(null)}
          onSave={async (limits) => {
            if (await store.getState().setLimits(editing, limits)) setEditing(null);
          }}
        />
      )}
      {removing && member(removing) && (
        <div class="notice" role="alertdialog" aria-labelledby="remove-question">
          <p id="remove-question">{t('removeQuestion', (member(removing) as Member).email)}</p>
          <div class="buttons">
            <button
              type="button"
              class="danger"
              disabled={busy}
              onClick={async () => {
                if (await store.getState().remove(removing)) setRemoving(null);
              }}
            >
              {t('removeConfirm')}
            </button>
            <button type="button" onClick={() => setRemoving(null)}>
              {t('cancelAction')}
            </button>
          </div>
        </div>
      )}
    </>
  );
}

/** "12 used · limit 20", "3 used · no limit". */
function usageText(member: Member, type: CreditType): string {
  const limit = member.limits[type];
  return limit ? t('usageWithLimit', member.usage[type], limit.limit) : t('usageNoLimit', member.usage[type]);
}

function LimitsForm({
  member,
  busy,
  onSave,
  onCancel,
}: {
  member: Member;
  busy: boolean;
  onSave: (limits: SetLimitsRequest['limits']) => void;
  onCancel: () => void;
}) {
  const [values, setValues] = useState<Record<CreditType, string>>(() => {
    const start = {} as Record<CreditType, string>;
    for (const type of CREDIT_TYPES) start[type] = member.limits[type]?.limit.toString() ?? '';
    return start;
  });
  const [invalid, setInvalid] = useState(false);

  const onSubmit = (event: Event) => {
    event.preventDefault();
    const limits: SetLimitsRequest['limits'] = {};
    for (const type of CREDIT_TYPES) {
      const raw = values[type].trim();
      // Blank clears the limit: "no limit" is what an empty field reads as.
      if (raw === '') limits[type] = null;
      else if (/^\d{1,7}$/.test(raw)) limits[type] = Number(raw);
      else return setInvalid(true);
    }
    setInvalid(false);
    onSave(limits);
  };

  return (
    <form class="form" onSubmit={onSubmit} aria-labelledby="limits-title" noValidate>
      <h3 id="limits-title">{t('limitsFor', member.email)}</h3>
      <p class="muted small">{t('limitsHelp')}</p>
      {CREDIT_TYPES.map((type) => (
        <label key={type}>
          {typeTitle(type)}
          <input
            type="number"
            min={0}
            inputMode="numeric"
            placeholder={t('noLimit')}
            value={values[type]}
            onInput={(event) => setValues({ ...values, [type]: event.currentTarget.value })}
          />
        </label>
      ))}
      {invalid && (
        <p class="error" role="alert">
          {t('limitsInvalid')}
        </p>
      )}
      <div class="buttons">
        <button type="submit" class="primary" disabled={busy}>
          {t('saveLimits')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('cancelAction')}
        </button>
      </div>
    </form>
  );
}

function AddMember({ store }: { store: WorkspaceStore }) {
  const { busy, added, forgetAddedKey } = useStore(store);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<'admin' | 'member'>('member');

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    if (await store.getState().add(email.trim(), role)) setEmail('');
  };

  return (
    <>
      <form class="form" onSubmit={onSubmit} aria-labelledby="add-member-title">
        <h3 id="add-member-title">{t('addMemberTitle')}</h3>
        <label>
          {t('memberEmail')}
          <input type="email" autoComplete="off" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label>
          {t('memberRole')}
          <select value={role} onChange={(e) => setRole(e.currentTarget.value === 'admin' ? 'admin' : 'member')}>
            <option value="member">{t('roleMember')}</option>
            <option value="admin">{t('roleAdmin')}</option>
          </select>
        </label>
        <button type="submit" class="primary" disabled={busy || email.trim() === ''}>
          {t('addMember')}
        </button>
      </form>
      {added && (
        <div class="notice" role="status">
          <p>{t('memberAddedKey', added.email)}</p>
          <p class="key">
            <code>{added.apiKey}</code> <CopyButton value={added.apiKey} />
          </p>
          <button type="button" onClick={forgetAddedKey}>
            {t('keyCopiedDone')}
          </button>
        </div>
      )}
    </>
  );
}

function AddOns({ store }: { store: WorkspaceStore }) {
  const { busy, purchased, actionError } = useStore(store);
  const [values, setValues] = useState<Record<(typeof ADD_ON_TYPES)[number], string>>({
    phone: '',
    directEmail: '',
    export: '',
  });
  const [confirming, setConfirming] = useState<AddOnCredits | null>(null);
  const [invalid, setInvalid] = useState(false);

  const onSubmit = (event: Event) => {
    event.preventDefault();
    const credits: AddOnCredits = {};
    for (const type of ADD_ON_TYPES) {
      const raw = values[type].trim();
      if (raw === '' || raw === '0') continue;
      if (!/^\d{1,7}$/.test(raw)) return setInvalid(true);
      credits[type] = Number(raw);
    }
    const none = Object.keys(credits).length === 0;
    setInvalid(none);
    if (!none) setConfirming(credits);
  };

  return (
    <section aria-labelledby="add-ons-title">
      <h2 id="add-ons-title">{t('addOnsTitle')}</h2>
      <p class="muted small">{t('addOnsHelp')}</p>
      <form class="form" onSubmit={onSubmit} aria-labelledby="add-ons-title" noValidate>
        {ADD_ON_TYPES.map((type) => (
          <label key={type}>
            {typeTitle(type)}
            <input
              type="number"
              min={0}
              inputMode="numeric"
              value={values[type]}
              disabled={confirming !== null}
              onInput={(event) => setValues({ ...values, [type]: event.currentTarget.value })}
            />
          </label>
        ))}
        {invalid && (
          <p class="error" role="alert">
            {t('addOnsInvalid')}
          </p>
        )}
        <button type="submit" disabled={busy || confirming !== null}>
          {t('buyAddOns')}
        </button>
      </form>
      {confirming && (
        <div class="notice" role="alertdialog" aria-labelledby="buy-question">
          <p id="buy-question">{t('buyQuestion', creditsText(confirming))}</p>
          {actionError?.scope === 'addOns' && <ErrorNotice message={actionError.message} />}
          <div class="buttons">
            <button
              type="button"
              class="primary"
              disabled={busy}
              onClick={async () => {
                if (await store.getState().buy(confirming)) {
                  setConfirming(null);
                  setValues({ phone: '', directEmail: '', export: '' });
                }
              }}
            >
              {t('buyConfirm')}
            </button>
            <button type="button" disabled={busy} onClick={() => setConfirming(null)}>
              {t('cancelAction')}
            </button>
          </div>
        </div>
      )}
      {purchased && <p role="status">{t('bought', creditsText(purchased.credits))}</p>}
    </section>
  );
}

/** "100 phone credits and 50 export credits". */
function creditsText(credits: Partial<Record<(typeof ADD_ON_TYPES)[number], number>>): string {
  return formatList(
    ADD_ON_TYPES.filter((type) => (credits[type] ?? 0) > 0).map((type) =>
      plural('costCredits', credits[type] ?? 0, typeWord(type)),
    ),
  );
}
