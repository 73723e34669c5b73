/**
 * Automatic discovery (R9) as the background carries it out when a profile opens: gather
 * the facts (local cache, the free availability endpoint, balances, settings), let the pure
 * plan of shared/discovery.ts decide, then reveal the chosen types in one request through
 * the ordinary reveal path (cache, in-flight sharing, persisted idempotency key).
 *
 * Whatever may have changed while the server answered is read again before deciding: the
 * tab's profile (nothing is revealed for a profile no longer on screen), the session (a plan
 * never spends in an account it was not made for) and the settings (a type turned off is
 * never revealed). Deciding and reserving happen with nothing awaited in between, so two
 * plans at once never both spend the last credit above the guard.
 */
import { t } from '../../i18n/messages.ts';
import { REVEAL_TYPES, type RevealType } from '../../shared/credits.ts';
import {
  needsAvailability,
  planDiscovery,
  settleDiscovery,
  type AvailabilityFact,
  type DiscoveryView,
} from '../../shared/discovery.ts';
import type { MessageError, PoolScope } from '../../shared/protocol.ts';
import type { DiscoverySettings } from '../../shared/settings.ts';
import { normalizeSlug } from '../../shared/slug.ts';
import type { BackgroundContext } from './context.ts';
import { flightKey, inFlightCounts, readLeadSafely, reveal, type InFlight } from './reveal.ts';
import { activeSession, apiFor, refreshAccount, scopeOf, signOutUnauthorized, type ActiveSession } from './session.ts';
import { readSettings } from './settings.ts';
import { profileOf, recordDiscovery } from './tabs.ts';

/** Runs automatic discovery for the lead `slug` shown in tab `tabId`. Never throws. */
export async function discover(ctx: BackgroundContext, inFlight: InFlight, tabId: number, slug: string): Promise<void> {
  inFlight.planning.set(tabId, slug);
  try {
    await run(ctx, inFlight, tabId, slug);
  } catch (error) {
    console.warn('LeadLens: automatic discovery failed', error);
  } finally {
    if (inFlight.planning.get(tabId) === slug) inFlight.planning.delete(tabId);
  }
}

/** Whether a plan for `slug` in `tabId` is running in this worker. */
export function isPlanning(inFlight: InFlight, tabId: number, slug: string): boolean {
  return inFlight.planning.get(tabId) === slug;
}

async function run(ctx: BackgroundContext, inFlight: InFlight, tabId: number, slug: string): Promise<void> {
  const asked = await activeSession(ctx);
  if (!asked) return;
  const pool = scopeOf(asked);
  const cached = await cachedTypes(ctx, pool, slug);

  // Free, and only when some type is not cached: a lead fully paid makes no request at all.
  let availability: AvailabilityFact = null;
  if (needsAvailability(cached)) {
    const read = await readAvailability(ctx, asked, slug);
    if (read === 'signedOut') return;
    availability = read;
  }

  // Read again what the user may have changed while the server answered.
  if ((await profileOf(tabId))?.slug !== slug) return; // scrolled on: no plan
  let session = await activeSession(ctx);
  if (!session || scopeOf(session) !== pool) return; // another account: its own plan runs
  const settings = await readSettings();
  session = await freshEnough(ctx, session, { settings, cached, availability, inFlight });
  if (!session || scopeOf(session) !== pool) return;

  // From the plan to the reservations nothing is awaited: another plan sees them at once.
  const plan = planDiscovery({
    settings,
    cached,
    availability,
    balances: session.account.balances,
    limits: session.account.limits,
    reserved: inFlightCounts(inFlight, pool),
  });
  const free = plan.reveal.filter((type) => availability?.ok === true && availability.data.paid[type]);
  const reservations = plan.reveal.filter((type) => !free.includes(type)).map((type) => flightKey(pool, slug, type));
  for (const key of reservations) inFlight.reserved.add(key);
  try {
    if (!(await recordDiscovery(tabId, pool, slug, plan.view))) return;
    if (plan.reveal.length === 0) return;
    // A toggle turned off in the last moment still wins.
    const now = await readSettings();
    const types = plan.reveal.filter((type) => now.autoReveal[type]);
    if (types.length === 0) {
      await recordDiscovery(tabId, pool, slug, turnedOff(plan.view, plan.reveal));
      return;
    }
    const outcome = await reveal(ctx, inFlight, tabId, { slug, types }, { free, pool });
    let settled: DiscoveryView;
    if (outcome.ok) {
      if (outcome.data.pool !== pool) return;
      settled = settleDiscovery(
        turnedOff(
          plan.view,
          plan.reveal.filter((type) => !types.includes(type)),
        ),
        outcome.data.lead,
      );
    } else if (outcome.error.code === 'no_profile' || outcome.error.code === 'signed_out') {
      return; // the tab moved on or the account changed before the request went out
    } else {
      settled = failAll(plan.view, outcome.error);
    }
    await recordDiscovery(tabId, pool, slug, settled);
  } finally {
    for (const key of reservations) inFlight.reserved.delete(key);
  }
}

async function cachedTypes(
  ctx: BackgroundContext,
  pool: PoolScope,
  slug: string,
): Promise<Record<RevealType, boolean>> {
  const record = await readLeadSafely(await ctx.db(), pool, slug);
  return {
    b2bEmail: Boolean(record?.types.b2bEmail),
    phone: Boolean(record?.types.phone),
    directEmail: Boolean(record?.types.directEmail),
  };
}

async function readAvailability(
  ctx: BackgroundContext,
  session: ActiveSession,
  slug: string,
): Promise<AvailabilityFact | 'signedOut'> {
  const answer = await apiFor(ctx, session).availability(slug);
  if (answer.ok && normalizeSlug(answer.data.lead) === slug) return { ok: true, data: answer.data };
  if (answer.ok) {
    return {
      ok: false,
      error: {
        code: 'server_invalid',
        message: t('errAutomaticOtherLead', session.serverUrl, answer.data.lead),
      },
    };
  }
  if (answer.error.code === 'unauthorized') {
    await signOutUnauthorized(ctx, session, answer.error);
    return 'signedOut';
  }
  return { ok: false, error: automaticFailure(answer.error) };
}

/**
 * The session to plan with. A type the plan would skip for lack of credits (or the guard)
 * on figures older than `balancesMaxAgeMs` is worth one free account read first: credits
 * may have been added or renewed since. Null when the session ended meanwhile.
 */
async function freshEnough(
  ctx: BackgroundContext,
  session: ActiveSession,
  facts: {
    settings: DiscoverySettings;
    cached: Record<RevealType, boolean>;
    availability: AvailabilityFact;
    inFlight: InFlight;
  },
): Promise<ActiveSession | null> {
  if (ctx.now() - session.balancesAt <= ctx.balancesMaxAgeMs) return session;
  const plan = planDiscovery({
    settings: facts.settings,
    cached: facts.cached,
    availability: facts.availability,
    balances: session.account.balances,
    limits: session.account.limits,
    reserved: inFlightCounts(facts.inFlight, scopeOf(session)),
  });
  const starved = REVEAL_TYPES.some((type) => ['outOfCredits', 'guarded'].includes(plan.view.auto[type].state));
  if (!starved) return session;
  const refreshed = await refreshAccount(ctx, session);
  if (refreshed.ok) return refreshed.session;
  // Signed out by a refused key: nothing to plan. Otherwise plan on the figures we have.
  return refreshed.error.code === 'unauthorized' ? null : session;
}

function automaticFailure(error: MessageError): MessageError {
  return { code: error.code, message: t('errAutomaticFailed', error.message) };
}

function failAll(view: DiscoveryView, error: MessageError): DiscoveryView {
  const auto = { ...view.auto };
  for (const type of REVEAL_TYPES) {
    if (auto[type].state === 'revealing') auto[type] = { state: 'failed', error: automaticFailure(error) };
  }
  return { ...view, auto };
}

/** Types the user turned off after the plan decided: shown as off, not revealing. */
function turnedOff(view: DiscoveryView, types: RevealType[]): DiscoveryView {
  const auto = { ...view.auto };
  for (const type of types) auto[type] = { state: 'off' };
  return { ...view, auto };
}
