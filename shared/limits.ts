/**
 * What a member can still spend of one type (R11): the pool's credits, capped by the
 * member's own monthly limit when an admin set one. A type is empty when either is 0, and
 * the extension then sends no request for it (a reveal would be refused).
 */
import type { Balances, MemberLimits } from './api.ts';
import type { RevealType } from './credits.ts';

export interface Spendable {
  remaining: number;
  /** Set when the member's limit, not the pool, is what caps `remaining`. */
  memberLimit?: { limit: number; used: number };
}

export function spendable(balances: Balances, limits: MemberLimits | undefined, type: RevealType): Spendable {
  const pool = balances[type].remaining;
  const own = limits?.[type];
  // On a tie the limit is named: more credits in the pool would not help the member.
  if (own && own.remaining <= pool)
    return { remaining: own.remaining, memberLimit: { limit: own.limit, used: own.used } };
  return { remaining: pool };
}
