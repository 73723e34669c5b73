/**
 * The paid leads cache and the idempotency keys of unconfirmed reveals. Records are keyed
 * by pool, so another account never sees a lead as paid (DESIGN section 3). Writes use
 * strict durability, and nothing but IndexedDB is awaited inside a transaction.
 */
import type { RevealType } from '../../shared/credits.ts';
import type { LeadView, TypeView } from '../../shared/protocol.ts';
import type { CachedType, Database, LeadRecord, PoolScope } from './database.ts';
import { settle } from './transactions.ts';

/** What a widget shows for one type as the cache knows it: revealed when paid, else unknown. */
export function typeViewOf(cached: CachedType | undefined): TypeView {
  return cached ? { status: 'revealed', values: cached.values, revealedAt: cached.revealedAt } : { status: 'unknown' };
}

/** A lead as the cache knows it: paid types revealed, the rest unknown. */
export function leadViewFrom(record: LeadRecord | undefined): LeadView {
  return {
    b2bEmail: typeViewOf(record?.types.b2bEmail),
    phone: typeViewOf(record?.types.phone),
    directEmail: typeViewOf(record?.types.directEmail),
  };
}

export async function readLead(db: Database, pool: PoolScope, slug: string): Promise<LeadRecord | undefined> {
  return db.get('leads', [pool, slug]);
}

/**
 * Puts requested types in the one order they are sent and keyed in, so A+B and B+A are one
 * request (one body, one idempotency key).
 */
export function sortTypes(types: readonly RevealType[]): RevealType[] {
  return [...types].sort();
}

/** The key that identifies a set of requested types, given in `sortTypes` order. */
export function typesKeyOf(sorted: readonly RevealType[]): string {
  return sorted.join(',');
}

/**
 * The idempotency key for revealing `typesKey` of a lead: the one persisted by an earlier try
 * (a lost answer, a worker stopped mid-request) or a new one, persisted before it is used.
 */
export async function idempotencyKeyFor(
  db: Database,
  pool: PoolScope,
  slug: string,
  typesKey: string,
  newKey: () => string,
  now: () => number,
): Promise<string> {
  const tx = db.transaction('pendingReveals', 'readwrite', { durability: 'strict' });
  return settle(tx, async () => {
    const existing = await tx.store.get([pool, slug, typesKey]);
    if (existing) return existing.idempotencyKey;
    const idempotencyKey = newKey();
    await tx.store.put({ pool, slug, typesKey, idempotencyKey, createdAt: new Date(now()).toISOString() });
    return idempotencyKey;
  });
}

/** Forgets an idempotency key once the server answered in a way a retry must not replay. */
export async function forgetPending(db: Database, pool: PoolScope, slug: string, typesKey: string): Promise<void> {
  const tx = db.transaction('pendingReveals', 'readwrite', { durability: 'strict' });
  await settle(tx, () => tx.store.delete([pool, slug, typesKey]));
}

/**
 * Records what the server confirmed as revealed and forgets the request's idempotency key,
 * in one transaction: either both happen or neither (then a retry replays, for free).
 */
export async function confirmReveal(
  db: Database,
  pool: PoolScope,
  slug: string,
  typesKey: string,
  revealed: Partial<Record<RevealType, CachedType>>,
  now: () => number,
): Promise<void> {
  const tx = db.transaction(['leads', 'pendingReveals'], 'readwrite', { durability: 'strict' });
  await settle(tx, async () => {
    const leads = tx.objectStore('leads');
    if (Object.keys(revealed).length > 0) {
      const existing = await leads.get([pool, slug]);
      await leads.put({
        pool,
        slug,
        types: { ...existing?.types, ...revealed },
        updatedAt: new Date(now()).toISOString(),
      });
    }
    await tx.objectStore('pendingReveals').delete([pool, slug, typesKey]);
  });
}
