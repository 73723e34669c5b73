import { describe, expect, it } from 'vitest';
import { RevealRequestSchema, RevealResponseSchema } from '../../../shared/api.ts';
import { MAX_PROFILE_TEXT } from '../../../shared/profile.ts';
import { ProfileSnapshotSchema, protocol } from '../../../shared/protocol.ts';

const snapshot = {
  slug: 'ada-lovelace',
  url: 'https://www.linkedin.com/in/ada-lovelace/',
  name: '<img src=x onerror=alert(1)>',
  headline: null,
  company: 'مهندسی 🚂',
  location: null,
  unreadable: ['headline', 'location'],
};

describe('the message protocol', () => {
  it('says who may send each message', () => {
    const from = Object.fromEntries(Object.entries(protocol).map(([name, spec]) => [name, spec.from]));
    expect(from).toEqual({
      profileSeen: 'contentScript',
      profileLeft: 'contentScript',
      widgetOpened: 'extensionPage',
      reveal: 'extensionPage',
      sessionGet: 'extensionPage',
      accountRefresh: 'extensionPage',
      signIn: 'extensionPage',
      signOut: 'extensionPage',
      popupOpened: 'extensionPage',
      settingsChange: 'extensionPage',
      widgetCollapse: 'extensionPage',
      // The ledger and workspace administration: the options page only, never a widget.
      ledgerPage: 'optionsPage',
      workspaceMembers: 'optionsPage',
      memberAdd: 'optionsPage',
      memberRemove: 'optionsPage',
      memberLimits: 'optionsPage',
      addOnBuy: 'optionsPage',
      // Leads, exports and bulk enrichment: the options page, except what the widget's
      // **Export to CSV** needs (a quote and the export of its own lead).
      leadsList: 'optionsPage',
      exportQuote: 'extensionPage',
      exportRun: 'extensionPage',
      webhookGet: 'optionsPage',
      webhookSet: 'optionsPage',
      bulkStart: 'optionsPage',
      bulkQuote: 'optionsPage',
      bulkPause: 'optionsPage',
      bulkResume: 'optionsPage',
      bulkStatus: 'optionsPage',
      bulkRows: 'optionsPage',
    });
  });

  it('accepts a profile snapshot with hostile text as plain data', () => {
    expect(ProfileSnapshotSchema.parse(snapshot)).toEqual(snapshot);
  });

  it.each([
    ['a name longer than the page limit', { ...snapshot, name: 'x'.repeat(MAX_PROFILE_TEXT + 1) }],
    ['an empty slug', { ...snapshot, slug: '' }],
    ['a url that is not one', { ...snapshot, url: 'not a url' }],
    ['an unknown unreadable field', { ...snapshot, unreadable: ['email'] }],
    ['a missing field', { ...snapshot, company: undefined }],
    ['a slug that is not the one of its address', { ...snapshot, slug: 'grace-hopper' }],
    ['a slug that is not canonical', { ...snapshot, slug: 'Ada-Lovelace' }],
    ['an address on another site', { ...snapshot, url: 'https://evil.example/in/ada-lovelace/' }],
    ['an address over http', { ...snapshot, url: 'http://www.linkedin.com/in/ada-lovelace/' }],
    ['an address on another LinkedIn host', { ...snapshot, url: 'https://linkedin.com/in/ada-lovelace/' }],
    ['an address with credentials', { ...snapshot, url: 'https://x@www.linkedin.com/in/ada-lovelace/' }],
    ['an address that is not a profile', { ...snapshot, url: 'https://www.linkedin.com/company/ada-lovelace/' }],
  ])('refuses a snapshot with %s', (_label, value) => {
    expect(ProfileSnapshotSchema.safeParse(value).success).toBe(false);
  });

  it('accepts an address whose canonical slug is the slug (encoded, sub-page, query)', () => {
    const jerome = { ...snapshot, slug: 'jérôme-dupont' };
    for (const url of [
      'https://www.linkedin.com/in/J%C3%A9r%C3%B4me-Dupont/',
      'https://www.linkedin.com/in/jérôme-dupont/details/experience/?x=1#top',
    ]) {
      expect(ProfileSnapshotSchema.safeParse({ ...jerome, url }).success).toBe(true);
    }
  });

  it('validates reveal requests: known types, at least one, none repeated (as the API does)', () => {
    const reveal = protocol.reveal.request;
    expect(reveal.safeParse({ slug: 'ada-lovelace', types: ['phone', 'b2bEmail'] }).success).toBe(true);
    expect(reveal.safeParse({ slug: 'ada-lovelace', types: ['export'] }).success).toBe(false);
    expect(reveal.safeParse({ slug: 'ada-lovelace', types: [] }).success).toBe(false);
    expect(reveal.safeParse({ slug: 'ada-lovelace' }).success).toBe(false);
    expect(reveal.safeParse({ slug: 'ada-lovelace', types: ['phone', 'phone'] }).success).toBe(false);
    expect(reveal.safeParse({ slug: 'ada-lovelace', types: ['phone', 'b2bEmail', 'phone'] }).success).toBe(false);
  });

  it('bounds sign-in fields', () => {
    const signIn = protocol.signIn.request;
    expect(signIn.safeParse({ serverUrl: 'http://127.0.0.1:8787', apiKey: 'k' }).success).toBe(true);
    expect(signIn.safeParse({ serverUrl: 'http://127.0.0.1:8787', apiKey: '' }).success).toBe(false);
    expect(signIn.safeParse({ serverUrl: 'x'.repeat(2001), apiKey: 'k' }).success).toBe(false);
  });
});

describe('the API contract the background parses answers with', () => {
  it('canonicalises the lead of a reveal request and refuses repeated types', () => {
    expect(RevealRequestSchema.parse({ lead: 'Ada-Lovelace/', types: ['phone'] }).lead).toBe('ada-lovelace');
    expect(RevealRequestSchema.safeParse({ lead: 'ada', types: ['phone', 'phone'] }).success).toBe(false);
  });

  it('refuses a "revealed" result without values', () => {
    const balances = { remaining: 1, monthlyAllotment: 1, addOn: 0, used: 0 };
    const response = {
      lead: 'ada-lovelace',
      results: { phone: { status: 'revealed', charged: true, values: [] } },
      balances: { b2bEmail: balances, phone: balances, directEmail: balances, export: balances },
    };
    expect(RevealResponseSchema.safeParse(response).success).toBe(false);
  });
});
