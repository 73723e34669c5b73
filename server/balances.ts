/** Reading a pool's balances in the shape of the API contract (R1: all four types, always). */
import type { Balances } from '../shared/api.ts';
import { CREDIT_TYPES, type CreditType } from '../shared/credits.ts';
import type { Queryable } from './db/database.ts';

export interface BalanceRow {
  type: CreditType;
  remaining: number;
  monthly_allotment: number;
  add_on: number;
  used: number;
}

export const BALANCE_COLUMNS = 'type, remaining, monthly_allotment, add_on, used';

export function toBalances(rows: BalanceRow[]): Balances {
  const byType = new Map(rows.map((row) => [row.type, row]));
  const entry = (type: CreditType) => {
    const row = byType.get(type);
    return {
      remaining: row?.remaining ?? 0,
      monthlyAllotment: row?.monthly_allotment ?? 0,
      addOn: row?.add_on ?? 0,
      used: row?.used ?? 0,
    };
  };
  return Object.fromEntries(CREDIT_TYPES.map((type) => [type, entry(type)])) as Balances;
}

export async function readBalances(db: Queryable, poolId: string): Promise<Balances> {
  const { rows } = await db.query<BalanceRow>(`SELECT ${BALANCE_COLUMNS} FROM balances WHERE pool_id = $1`, [poolId]);
  return toBalances(rows);
}
