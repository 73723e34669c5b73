/**
 * Credit types and plans (DESIGN R1, R8). Pure data shared by the extension and the server.
 */

/** Every credit type (R1). */
export const CREDIT_TYPES = ['b2bEmail', 'phone', 'directEmail', 'export'] as const;
export type CreditType = (typeof CREDIT_TYPES)[number];

/** The credit types spent by revealing contact data; `export` is spent by exports only. */
export const REVEAL_TYPES = ['b2bEmail', 'phone', 'directEmail'] as const;
export type RevealType = (typeof REVEAL_TYPES)[number];

/** Types that a workspace admin can buy add-ons for (R10: no B2B email add-ons). */
export const ADD_ON_TYPES = ['phone', 'directEmail', 'export'] as const;
export type AddOnType = (typeof ADD_ON_TYPES)[number];

export const PLANS = ['free', 'starter', 'business', 'organization'] as const;
export type Plan = (typeof PLANS)[number];

/** Free plans keep credits per user; paid plans share one pool per workspace (R8). */
export function poolKindOf(plan: Plan): 'personal' | 'shared' {
  return plan === 'free' ? 'personal' : 'shared';
}

/** Words a user reads for each type, in the singular ("1 phone credit"). */
export const CREDIT_LABELS: Record<CreditType, string> = {
  b2bEmail: 'B2B email',
  phone: 'phone',
  directEmail: 'direct email',
  export: 'export',
};

export function isRevealType(value: unknown): value is RevealType {
  return typeof value === 'string' && (REVEAL_TYPES as readonly string[]).includes(value);
}
