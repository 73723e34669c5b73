/**
 * The Usage and Workspace tabs' requests: the options page never calls the server itself
 * (the API key stays here). Each answer is a value; the server's refusals become messages
 * that say what to do. What changes the signed-in account (add-ons, the admin's own limits,
 * the member count) is read back into the session, so the popup and badge follow at once.
 */
import { t } from '../../i18n/messages.ts';
import type { MessageError, Reply } from '../../shared/protocol.ts';
import type { ApiFailure, ApiResult } from './api-client.ts';
import type { BackgroundContext } from './context.ts';
import type { Handlers } from './router.ts';
import {
  activeSession,
  apiFor,
  recordBalances,
  refreshAccount,
  signedOutError,
  signOutUnauthorized,
  type ActiveSession,
} from './session.ts';

type WorkspaceHandlers = Pick<
  Handlers,
  'ledgerPage' | 'workspaceMembers' | 'memberAdd' | 'memberRemove' | 'memberLimits' | 'addOnBuy'
>;

export function workspaceHandlers(ctx: BackgroundContext): WorkspaceHandlers {
  /** Runs `call` with the signed-in session's client; failures become messages. */
  async function withSession<T>(
    call: (session: ActiveSession) => Promise<ApiResult<T>>,
    after?: (session: ActiveSession, data: T) => Promise<void>,
  ): Promise<Reply<T>> {
    const session = await activeSession(ctx);
    if (!session) return { ok: false, error: signedOutError() };
    const answer = await call(session);
    if (!answer.ok) {
      if (answer.error.code === 'unauthorized') await signOutUnauthorized(ctx, session, answer.error);
      return { ok: false, error: messageOf(answer.error) };
    }
    // The change is done; a failed read-back only leaves the session's figures behind.
    if (after) await after(session, answer.data).catch((error: unknown) => console.warn('LeadLens:', error));
    return { ok: true, data: answer.data };
  }

  const reread = async (session: ActiveSession) => {
    await refreshAccount(ctx, session);
  };

  return {
    ledgerPage: (query) => withSession((session) => apiFor(ctx, session).ledger(query)),
    workspaceMembers: () => withSession((session) => apiFor(ctx, session).members()),
    // The member count is part of the account ("shared by 3 members").
    memberAdd: (request) => withSession((session) => apiFor(ctx, session).addMember(request), reread),
    memberRemove: ({ userId }) => withSession((session) => apiFor(ctx, session).removeMember(userId), reread),
    memberLimits: ({ userId, limits }) =>
      withSession(
        (session) => apiFor(ctx, session).setLimits(userId, limits),
        // An admin who limits themselves: the popup and the reveal path must know at once.
        async (session) => {
          if (userId === session.account.user.id) await reread(session);
        },
      ),
    addOnBuy: ({ purchaseId, credits }) =>
      withSession(
        (session) => apiFor(ctx, session).buyAddOns(credits, purchaseId),
        (session, purchase) => recordBalances(ctx, session, purchase.balances),
      ),
  };
}

/** The server's refusals of workspace requests, in words a person acts on. */
function messageOf(error: ApiFailure): MessageError {
  switch (error.apiCode) {
    case 'forbidden':
      return { code: 'forbidden', message: t('errAdminOnly') };
    case 'seats_full':
      return { code: 'refused', message: t('errSeatsFull') };
    case 'conflict':
    case 'not_found':
    case 'bad_request':
      // The server's own words say which (yourself, already a member, not on the free plan).
      return { code: 'refused', message: error.message };
    default:
      return { code: error.code, message: error.message };
  }
}
