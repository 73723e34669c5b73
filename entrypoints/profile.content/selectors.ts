/**
 * Every selector LeadLens reads from a LinkedIn page, in one place. Each field lists its
 * fallbacks in the order they are tried; every layout they must read has a fixture page
 * in tests/fixtures/profiles/. When LinkedIn changes its markup, this is the file to edit.
 */

/** The profile's name as rendered: the top card's heading. */
export const NAME = [
  // Logged-in layout.
  'main h1.text-heading-xlarge',
  // Generated class names: the first heading of the profile's main content.
  'main section h1',
  'main h1',
  // Public (logged-out) layout.
  'h1.top-card-layout__title',
] as const;

/** The headline under the name. When none matches, the text right after the name is used. */
export const HEADLINE = [
  'main .pv-text-details__left-panel .text-body-medium',
  'main div.text-body-medium.break-words',
  'h2.top-card-layout__headline',
] as const;

/** The current company. LinkedIn's accessible label names it whatever the class names are. */
export const COMPANY = [
  'main button[aria-label^="Current company:"]',
  'main [aria-label^="Current company:"]',
  '[data-section="currentPositionsDetails"] .top-card-link__description',
] as const;

/** Prefix and suffix of the company button's accessible label, for when it has no text. */
export const COMPANY_LABEL_PREFIX = /^Current company:\s*/;
export const COMPANY_LABEL_SUFFIX = /\.\s*Click to skip to experience card\.?$/i;

/** The location line. When none matches, the text beside the contact-info link is used. */
export const LOCATION = [
  'main .pv-text-details__left-panel + .mt2 span.text-body-small',
  'main span.text-body-small.inline.t-black--light.break-words',
  '.top-card__subline-item',
] as const;

/** The "Contact info" link, which sits beside the location in every logged-in layout. */
export const CONTACT_INFO_LINK = 'main a[href*="/overlay/contact-info"]';

/** Structured data of the public layout (schema.org Person). */
export const JSON_LD = 'script[type="application/ld+json"]';

export const OG_TITLE = 'meta[property="og:title"]';

/**
 * Text where a name should be that names nobody: the site's own name in a bare title, and the
 * placeholder a limited (out-of-network) profile shows. English only: other UI languages need
 * their own wording, taken from a saved page.
 */
export const NOT_A_NAME = /^LinkedIn(?: Member)?$/i;

/** "(3) Ada Lovelace | LinkedIn": the unread count and the site name around a title. */
export const TITLE_COUNT = /^\(\d+\+?\)\s*/;
export const TITLE_SITE = /\s*[|–-]\s*LinkedIn\s*$/i;
/** og:title on public pages is "Name - Company | LinkedIn". */
export const OG_TITLE_COMPANY = /\s+[-–—]\s+.*$/;
