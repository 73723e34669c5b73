/**
 * Automatic discovery (R9): what the background does for a profile the moment it opens,
 * as a pure function of what it knows. The background gathers the facts (the local cache,
 * the free availability endpoint, the balances, the settings) and carries the plan out.
 *
 * For each type: off, never revealed without a click; already paid, shown from the cache;
 * paid by the pool but not cached here, revealed for free; no data, nothing spent; no
 * credit left, not asked (R7); at or under the spending guard, left for clicks; otherwise
 * revealed, all such types in one request.
 */
import type { Availability, Balances, MemberLimits } from './api.ts';
import { REVEAL_TYPES, type RevealType } from './credits.ts';
import { spendable } from './limits.ts';
import type { LeadView, MessageError } from './protocol.ts';
import type { DiscoverySettings } from './settings.ts';

/** What a click on a type's Reveal button costs, as far as LeadLens knows. */
export type Cost =
  /** One credit of the type. */
  | 'credit'
  /** The pool already paid for it (R3). */
  | 'free'
  /** The database has no data of the type for this lead (R4): a click spends nothing. */
  | 'noData'
  /** Not known (the availability could not be read): a click may spend one credit. */
  | 'unknown';

/** What automatic discovery did, or is doing, for one type of the lead. */
export type AutoState =
  | { state: 'off' }
  | { state: 'cached' }
  | { state: 'revealing' }
  | { state: 'revealed' }
  | { state: 'noData' }
  | { state: 'outOfCredits'; remaining: number; memberLimit?: { limit: number; used: number } }
  | { state: 'guarded'; keep: number; remaining: number }
  | { state: 'failed'; error: MessageError };

export interface DiscoveryView {
  cost: Record<RevealType, Cost>;
  auto: Record<RevealType, AutoState>;
}

/** The availability answer, or why it could not be read; null when it was not needed. */
export type AvailabilityFact =
  { ok: true; data: Pick<Availability, 'available' | 'paid'> } | { ok: false; error: MessageError } | null;

export interface PlanInput {
  settings: DiscoverySettings;
  /** Types whose data this pool's local cache holds. */
  cached: Readonly<Record<RevealType, boolean>>;
  availability: AvailabilityFact;
  balances: Balances;
  /** The member's own monthly limits (R11): what is left under them caps the pool's credits. */
  limits?: MemberLimits;
  /**
   * Reveals of each type in flight for this pool right now (other tabs, clicks): each may
   * spend a credit, so the guard counts them as spent.
   */
  reserved: Readonly<Record<RevealType, number>>;
}

export interface DiscoveryPlan {
  /** Types to reveal now, in one request; empty means no request. */
  reveal: RevealType[];
  view: DiscoveryView;
}

/** Whether the availability endpoint must be read: only when some type is not cached. */
export function needsAvailability(cached: Readonly<Record<RevealType, boolean>>): boolean {
  return REVEAL_TYPES.some((type) => !cached[type]);
}

const NOT_CHECKED: MessageError = {
  code: 'internal',
  message: 'Automatic reveal did not run: LeadLens could not check this lead. Reveal by hand.',
};

export function planDiscovery({
  settings,
  cached,
  availability,
  balances,
  limits,
  reserved,
}: PlanInput): DiscoveryPlan {
  const reveal: RevealType[] = [];
  const cost = {} as Record<RevealType, Cost>;
  const auto = {} as Record<RevealType, AutoState>;

  for (const type of REVEAL_TYPES) {
    const known = availability?.ok ? availability.data : null;
    if (cached[type] || known?.paid[type]) cost[type] = 'free';
    else if (known) cost[type] = known.available[type] ? 'credit' : 'noData';
    else cost[type] = 'unknown';

    auto[type] = decide(type);
    if (auto[type].state === 'revealing') reveal.push(type);
  }
  return { reveal, view: { cost, auto } };

  function decide(type: RevealType): AutoState {
    if (!settings.autoReveal[type]) return { state: 'off' };
    if (cached[type]) return { state: 'cached' };
    // Callers read availability whenever a type is not cached; without it nothing is known.
    if (!availability?.ok) return { state: 'failed', error: availability?.error ?? NOT_CHECKED };
    const known = availability.data;
    // Paid by the pool (another member, another device, a cleared cache): free, no guard (R3).
    if (known.paid[type]) return { state: 'revealing' };
    if (!known.available[type]) return { state: 'noData' };
    // The member's own remaining counts as well as the pool's: the guard keeps credits the
    // member can still click, and a member at their limit is never sent a reveal.
    const { remaining, memberLimit } = spendable(balances, limits, type);
    const left = remaining - reserved[type];
    // Reveals already running will spend what is left: by the time this one could go, none is.
    if (left <= 0) {
      const out: AutoState = { state: 'outOfCredits', remaining: Math.max(0, left) };
      return memberLimit ? { ...out, memberLimit } : out;
    }
    const keep = settings.keepAtLeast[type];
    if (left <= keep) return { state: 'guarded', keep, remaining };
    return { state: 'revealing' };
  }
}

/**
 * The plan's view once its reveal answered: each type it was revealing takes the outcome
 * the lead now shows. Types it did not touch keep their state.
 */
export function settleDiscovery(view: DiscoveryView, lead: LeadView): DiscoveryView {
  const auto = { ...view.auto };
  const cost = { ...view.cost };
  for (const type of REVEAL_TYPES) {
    if (auto[type].state !== 'revealing') continue;
    const outcome = lead[type];
    switch (outcome.status) {
      case 'revealed':
        auto[type] = { state: 'revealed' };
        cost[type] = 'free';
        break;
      case 'notFound':
        auto[type] = { state: 'noData' };
        cost[type] = 'noData';
        break;
      case 'insufficientCredits':
        auto[type] = outcome.memberLimit
          ? { state: 'outOfCredits', remaining: outcome.remaining, memberLimit: outcome.memberLimit }
          : { state: 'outOfCredits', remaining: outcome.remaining };
        break;
      case 'error':
        auto[type] = { state: 'failed', error: { code: outcome.code, message: outcome.message } };
        break;
      case 'unknown':
        auto[type] = {
          state: 'failed',
          error: { code: 'internal', message: 'LeadLens did not get an answer for this reveal. Retry.' },
        };
        break;
    }
  }
  return { cost, auto };
}
