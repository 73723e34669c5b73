/**
 * The size limit of one export and one bulk enrichment, apart from the API schemas: pages
 * that only need the number import it from here, so zod stays out of their bundles.
 */

/** The most leads one export (and one bulk enrichment) may name. */
export const MAX_EXPORT_LEADS = 10_000;
