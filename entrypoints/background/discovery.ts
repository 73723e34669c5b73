/**
 * Automatic discovery (R9) as the background carries it out when a profile opens: gather
 * the facts (local cache, the free availability endpoint, balances, settings), let the pure
 * plan of shared/discovery.ts decide, then reveal the chosen types in one request through
 * the ordinary reveal path (cache, in-flight sharing, persisted idempotency key).
 *
 * Nothing is revealed for a profile the tab no longer shows: the tab's profile is checked
 * after the availability answer and again by the reveal path right before its request.
 */
import { REVEAL_TYPES, type RevealType } from '../../shared/credits.ts';
import {
  needsAvailability,
  planDiscovery,
  settleDiscovery,
  type AvailabilityFact,
  type DiscoveryPlan,
  type DiscoveryView,
} from '../../shared/discovery.ts';
import type { MessageError } from '../../shared/protocol.ts';
import type { ProfileSnapshot } from '../../shared/profile.ts';
import type { DiscoverySettings } from '../../shared/settings.ts';
import { normalizeSlug } from '../../shared/slug.ts';
import type { BackgroundContext } from './context.ts';
import { inFlightCounts, readLeadSafely, reveal, type InFlight } from './reveal.ts';
import { activeSession, apiFor, refreshAccount, scopeOf, signOutUnauthorized, type ActiveSession } from './session.ts';
import { readSettings } from './settings.ts';
import { profileOf, recordDiscovery } from './tabs.ts';

/** Runs automatic discovery for `profile`, just reported by the content script of `tabId`. Never throws. */
export async function discover(
  ctx: BackgroundContext,
  inFlight: InFlight,
  tabId: number,
  profile: ProfileSnapshot,
): Promise<void> {
  try {
    await run(ctx, inFlight, tabId, profile.slug);
  } catch (error) {
    console.warn('LeadLens: automatic discovery failed', error);
  }
}

async function run(ctx: BackgroundContext, inFlight: InFlight, tabId: number, slug: string): Promise<void> {
  const session = await activeSession(ctx);
  if (!session) return;
  const pool = scopeOf(session);
  const settings = await readSettings();
  const record = await readLeadSafely(await ctx.db(), pool, slug);
  const cached = Object.fromEntries(REVEAL_TYPES.map((type) => [type, Boolean(record?.types[type])])) as Record<
    RevealType,
    boolean
  >;

  // Free, and only when some type is not cached: a lead fully paid makes no request at all.
  let availability: AvailabilityFact = null;
  if (needsAvailability(cached)) {
    const answer = await apiFor(ctx, session).availability(slug);
    if (answer.ok && normalizeSlug(answer.data.lead) === slug) {
      availability = { ok: true, data: answer.data };
    } else if (answer.ok) {
      availability = {
        ok: false,
        error: {
          code: 'server_invalid',
          message: `LeadLens server at ${session.serverUrl} answered for another lead (${answer.data.lead}). Nothing was revealed; reveal by hand or reload.`,
        },
      };
    } else {
      if (answer.error.code === 'unauthorized') {
        await signOutUnauthorized(ctx, session, answer.error);
        return;
      }
      availability = { ok: false, error: automaticFailure(answer.error) };
    }
  }

  // The user moved on while the server answered (fast scrolling through profiles): no plan.
  if ((await profileOf(tabId))?.slug !== slug) return;

  const current = await freshEnough(ctx, session, settings, cached, availability, inFlight);
  if (!current || scopeOf(current) !== pool) return;
  const plan = planDiscovery({
    settings,
    cached,
    availability,
    balances: current.account.balances,
    reserved: inFlightCounts(inFlight, pool),
  });
  if (!(await recordDiscovery(tabId, pool, slug, plan.view))) return;
  if (plan.reveal.length === 0) return;

  const free = plan.reveal.filter((type) => availability?.ok && availability.data.paid[type]);
  const outcome = await reveal(ctx, inFlight, tabId, { slug, types: plan.reveal }, { free });
  let settled: DiscoveryView;
  if (outcome.ok) {
    // The session changed meanwhile: this view belongs to the old pool; the widget reloads anyway.
    if (outcome.data.pool !== pool) return;
    settled = settleDiscovery(plan.view, outcome.data.lead);
  } else if (outcome.error.code === 'no_profile') {
    return; // The tab moved on before the request went out: nothing was asked, nothing to show.
  } else {
    settled = failAll(plan.view, outcome.error);
  }
  await recordDiscovery(tabId, pool, slug, settled);
}

/**
 * The balances to plan with. A type the plan would skip for lack of credits (or the guard)
 * on figures older than `balancesMaxAgeMs` is worth one free account read first: credits
 * may have been added or renewed since. Null when the session ended meanwhile.
 */
async function freshEnough(
  ctx: BackgroundContext,
  session: ActiveSession,
  settings: DiscoverySettings,
  cached: Record<RevealType, boolean>,
  availability: AvailabilityFact,
  inFlight: InFlight,
): Promise<ActiveSession | null> {
  if (ctx.now() - session.balancesAt <= ctx.balancesMaxAgeMs) return session;
  const plan: DiscoveryPlan = planDiscovery({
    settings,
    cached,
    availability,
    balances: session.account.balances,
    reserved: inFlightCounts(inFlight, scopeOf(session)),
  });
  const starved = REVEAL_TYPES.some((type) => {
    const state = plan.view.auto[type].state;
    return state === 'outOfCredits' || state === 'guarded';
  });
  if (!starved) return session;
  const refreshed = await refreshAccount(ctx, session);
  if (refreshed.ok) return refreshed.session;
  // Signed out by a refused key: nothing to plan. Otherwise plan on the figures we have.
  return refreshed.error.code === 'unauthorized' ? null : session;
}

function automaticFailure(error: MessageError): MessageError {
  return { code: error.code, message: `Automatic reveal did not run: ${error.message}` };
}

function failAll(view: DiscoveryView, error: MessageError): DiscoveryView {
  const auto = { ...view.auto };
  for (const type of REVEAL_TYPES) {
    if (auto[type].state === 'revealing') auto[type] = { state: 'failed', error: automaticFailure(error) };
  }
  return { ...view, auto };
}
