/**
 * What the content script reads off a profile page. Never contact data: that only ever
 * comes from the server through the background.
 */
export interface ProfileSnapshot {
  /** Canonical slug (see slug.ts): the lead's identity. */
  slug: string;
  /** The page address it was read from. */
  url: string;
  name: string | null;
  headline: string | null;
  company: string | null;
  location: string | null;
  /** Fields the parser could not read on this page, so the widget can say so. */
  unreadable: Array<'name' | 'headline' | 'company' | 'location'>;
}

/** Longest text kept from a page field; longer text is cut (a 5,000-character name is hostile). */
export const MAX_PROFILE_TEXT = 300;
