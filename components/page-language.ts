/** The language a LeadLens page speaks, set on the document (pages only: it needs a DOM). */
import { browser } from 'wxt/browser';
import { t, type MessageKey } from '../i18n/messages.ts';

/** Tells the page which language it speaks, so screen readers pronounce it right. */
export function applyDocumentLanguage(doc: Document, title?: MessageKey): void {
  doc.documentElement.lang = browser.i18n.getMessage('locale') || 'en';
  if (title) doc.title = t(title);
}
