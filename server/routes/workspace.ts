/**
 * Workspace administration under /v1/workspace: admins only (a member gets 403 `forbidden`,
 * after the 401 of a bad key and before any complaint about the request).
 */
import { Hono } from 'hono';
import {
  AddMemberRequestSchema,
  AddOnPurchaseRequestSchema,
  IDEMPOTENCY_HEADER,
  SetLimitsRequestSchema,
  UpgradeRequestSchema,
  type AddedMember,
  type UpgradeResponse,
} from '../../shared/api.ts';
import { addMemberIn, readAccount, removeMember } from '../accounts.ts';
import { buyAddOns } from '../add-ons.ts';
import { ApiError } from '../errors.ts';
import { checkIdempotencyKey } from '../idempotency.ts';
import { listMembers, readMember, setLimits } from '../members.ts';
import { upgradeWorkspace } from '../upgrade.ts';
import { parseJsonText, readBodyText } from '../validation.ts';
import type { AppEnv } from './env.ts';
import { sendStored } from './stored-response.ts';

const MAX_BODY_BYTES = 16 * 1024;

export const workspaceRoutes = new Hono<AppEnv>()
  .use('/v1/workspace/*', async (c, next) => {
    if (c.var.caller.role !== 'admin') {
      throw new ApiError(403, 'forbidden', 'Only a workspace admin can do this.');
    }
    await next();
  })
  .get('/v1/workspace/members', async (c) => {
    const { db, now } = c.var.deps;
    const at = now();
    return c.json(await db.transaction((tx) => listMembers(tx, c.var.caller, at)));
  })
  .post('/v1/workspace/members', async (c) => {
    const { db, now } = c.var.deps;
    const request = parseJsonText(await readBodyText(c, MAX_BODY_BYTES), AddMemberRequestSchema);
    const at = now();
    const caller = c.var.caller;
    const body = await db.transaction(async (tx): Promise<AddedMember> => {
      const added = await addMemberIn(tx, { workspaceId: caller.workspaceId, ...request, now: at });
      return { member: await readMember(tx, caller.workspaceId, added.userId, at), apiKey: added.apiKey };
    });
    return c.json(body, 201);
  })
  .delete('/v1/workspace/members/:userId', async (c) => {
    const { db, now } = c.var.deps;
    const userId = c.req.param('userId');
    // An admin who removed themselves would lock the workspace out of its own administration.
    if (userId === c.var.caller.userId) {
      throw new ApiError(409, 'conflict', 'You cannot remove yourself; another admin can.', 'userId');
    }
    const { removedAt } = await removeMember(db, { userId, workspaceId: c.var.caller.workspaceId, now: now() });
    return c.json({ id: userId, removedAt: removedAt.toISOString() });
  })
  .put('/v1/workspace/members/:userId/limits', async (c) => {
    const { db, now } = c.var.deps;
    const request = parseJsonText(await readBodyText(c, MAX_BODY_BYTES), SetLimitsRequestSchema);
    const at = now();
    const member = await db.transaction((tx) =>
      setLimits(tx, c.var.caller, { userId: c.req.param('userId'), limits: request.limits, now: at }),
    );
    return c.json(member);
  })
  .post('/v1/workspace/add-ons', async (c) => {
    const { db, now } = c.var.deps;
    const text = await readBodyText(c, MAX_BODY_BYTES);
    const idempotencyKey = checkIdempotencyKey(c.req.header(IDEMPOTENCY_HEADER), IDEMPOTENCY_HEADER);
    const request = parseJsonText(text, AddOnPurchaseRequestSchema);
    const answer = await buyAddOns(db, c.var.caller, { credits: request.credits, idempotencyKey, now: now() });
    return sendStored(c, answer);
  })
  .post('/v1/workspace/upgrade', async (c) => {
    const { db, now } = c.var.deps;
    const request = parseJsonText(await readBodyText(c, MAX_BODY_BYTES), UpgradeRequestSchema);
    const at = now();
    const caller = c.var.caller;
    const body = await db.transaction(async (tx): Promise<UpgradeResponse> => {
      const upgrade = await upgradeWorkspace(tx, {
        workspaceId: caller.workspaceId,
        ...request,
        byUserId: caller.userId,
        now: at,
      });
      const account = await readAccount(tx, { ...caller, plan: upgrade.plan, poolId: upgrade.poolId }, at);
      return { upgrade, account };
    });
    return c.json(body);
  });
