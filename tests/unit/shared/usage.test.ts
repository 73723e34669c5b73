import { describe, expect, it } from 'vitest';
import type { Balance, Balances } from '../../../shared/api.ts';
import { badgeFor, NO_BADGE, usageOf } from '../../../shared/usage.ts';

function balance(remaining: number, monthlyAllotment: number, addOn = 0): Balance {
  return { remaining, monthlyAllotment, addOn, used: monthlyAllotment + addOn - remaining };
}

function balances(phone: Balance, b2bEmail = balance(100, 100)): Balances {
  return { b2bEmail, phone, directEmail: balance(10, 10), export: balance(0, 10) };
}

describe('usage levels (the popup warnings)', () => {
  it.each([
    [balance(100, 100), 'ok'],
    [balance(26, 100), 'ok'],
    [balance(25, 100), 'used75'],
    [balance(11, 100), 'used75'],
    [balance(10, 100), 'used90'],
    [balance(7, 70), 'used90'],
    [balance(8, 70), 'used75'],
    [balance(1, 100), 'used90'],
    [balance(0, 100), 'empty'],
    // Add-ons count in the period's total (R10).
    [balance(10, 50, 50), 'used90'],
    // A type the plan grants none of is not a warning.
    [balance(0, 0), 'ok'],
  ] as const)('%o is %s', (value, level) => {
    expect(usageOf(value).level).toBe(level);
  });

  it('gives the share used', () => {
    expect(usageOf(balance(3, 4)).usedFraction).toBe(0.25);
    expect(usageOf(balance(0, 0))).toEqual({ total: 0, remaining: 0, usedFraction: 0, level: 'ok' });
  });
});

describe('the toolbar badge', () => {
  const autoPhone = { b2bEmail: false, phone: true, directEmail: false };

  it('is off while every auto-revealed type is under 90% used', () => {
    expect(badgeFor(balances(balance(11, 100)), autoPhone)).toEqual(NO_BADGE);
  });

  it('shows "!" when an auto-revealed type is 90% used, and says which in its title', () => {
    expect(badgeFor(balances(balance(10, 100)), autoPhone)).toEqual({
      text: '!',
      color: '#b45309',
      title: 'LeadLens: 10 phone credits left (90% used)',
    });
  });

  it('shows "0" in red when one is used up', () => {
    expect(badgeFor(balances(balance(0, 100)), autoPhone)).toMatchObject({ text: '0', color: '#b91c1c' });
  });

  it('ignores types the user does not auto-reveal', () => {
    expect(badgeFor(balances(balance(0, 100)), { b2bEmail: true, phone: false, directEmail: false })).toEqual(NO_BADGE);
  });
});
