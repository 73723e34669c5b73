/**
 * A profile page in the current logged-in layout, for e2e flows that need many leads.
 * Saved layouts that the parser must read live in tests/fixtures/profiles/.
 */
export interface PageProfile {
  name: string;
  headline?: string;
  company?: string;
  location?: string;
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

export function profilePageHtml(profile: PageProfile): string {
  const { name, headline = 'Engineer', company = 'Example Corp', location = 'Paris, France' } = profile;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(name)} | LinkedIn</title>
<meta property="og:title" content="${escapeHtml(name)}"></head>
<body><main class="scaffold-layout__main"><section class="artdeco-card pv-top-card"><div class="ph5">
<h1 class="text-heading-xlarge">${escapeHtml(name)}</h1>
<div class="text-body-medium break-words">${escapeHtml(headline)}</div>
<ul class="pv-text-details__right-panel"><li><button aria-label="Current company: ${escapeHtml(company)}. Click to skip to experience card">${escapeHtml(company)}</button></li></ul>
<span class="text-body-small inline t-black--light break-words">${escapeHtml(location)}</span>
</div></section></main></body></html>`;
}

/**
 * A profile sub-page (`/in/<slug>/details/experience/`) as LinkedIn serves it: a list of jobs
 * under the section's own heading and no top card, so only the title names the lead.
 */
export function detailsPageHtml(name: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(name)} | LinkedIn</title>
<meta property="og:title" content="${escapeHtml(name)} | LinkedIn"></head>
<body><main class="scaffold-layout__main"><section class="artdeco-card">
<h2 class="pvs-header__title">Experience</h2>
<ul class="pvs-list"><li><span>Engineer</span> <span>Example Corp · Full-time</span></li></ul>
</section></main></body></html>`;
}
