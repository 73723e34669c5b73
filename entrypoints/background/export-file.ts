/**
 * The file of a CSV export, in the user's language: `shared/csv-export.ts` writes it, this
 * gives it the header words from the locale files (shared/ cannot read them) and the clock.
 */
import { t } from '../../i18n/messages.ts';
import type { ExportTarget, PoolLead } from '../../shared/api.ts';
import { leadsToCsv, type CsvFile, type StandardLabels } from '../../shared/csv-export.ts';

/** The header words of the standard layout, in the user's language. */
export function csvLabels(): StandardLabels {
  return {
    name: t('csvColName'),
    headline: t('csvColHeadline'),
    company: t('csvColCompany'),
    location: t('csvColLocation'),
    profileUrl: t('csvColProfileUrl'),
    professionalEmails: t('csvColProfessionalEmails'),
    mobilePhones: t('csvColMobilePhones'),
    landlinePhones: t('csvColLandlinePhones'),
    otherPhones: t('csvColOtherPhones'),
    personalEmails: t('csvColPersonalEmails'),
    firstRevealed: t('csvColFirstRevealed'),
    timesExported: t('csvColTimesExported'),
  };
}

/**
 * The file for a `csv` export (standard layout, header in the user's language) or a
 * `hubspotCsv` one (HubSpot's own column names), dated by `now` (milliseconds).
 */
export function exportFile(rows: readonly PoolLead[], target: Exclude<ExportTarget, 'webhook'>, now: number): CsvFile {
  return target === 'hubspotCsv'
    ? leadsToCsv(rows, 'hubspot', { now })
    : leadsToCsv(rows, 'standard', { now, labels: csvLabels() });
}
