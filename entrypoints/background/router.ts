/**
 * The one door into the background: every message is checked for shape (envelope, name,
 * payload schema) and sender before a handler sees it. Rejections are reply values; the
 * router never throws. Messages that are not LeadLens envelopes are left to other listeners.
 */
import { browser, type Browser } from 'wxt/browser';
import { z } from 'zod';
import {
  PROFILE_ORIGIN,
  protocol,
  type MessageError,
  type MessageName,
  type Reply,
  type ResponseOf,
  type SenderKind,
} from '../../shared/protocol.ts';

type MessageSender = Browser.runtime.MessageSender;

/** A sender the router has checked. */
export interface CheckedSender {
  kind: SenderKind;
  /** The tab: the content script's, or the host tab of the widget frame; null for popup/options. */
  tabId: number | null;
  url: URL;
}

export type PayloadOf<K extends MessageName> = z.output<(typeof protocol)[K]['request']>;

export type Handlers = {
  [K in MessageName]: (payload: PayloadOf<K>, sender: CheckedSender) => Promise<Reply<ResponseOf<K>>>;
};

const EnvelopeSchema = z.object({ leadlens: z.literal(1), name: z.string().max(100), payload: z.unknown() });

/** Whether a message claims to be ours (then this listener answers it, if only to refuse it). */
export function isLeadLensMessage(message: unknown): boolean {
  return typeof message === 'object' && message !== null && (message as { leadlens?: unknown }).leadlens === 1;
}

export async function route(
  message: unknown,
  sender: MessageSender,
  handlers: Handlers,
  ready: Promise<unknown> = Promise.resolve(),
): Promise<Reply<unknown>> {
  try {
    const envelope = EnvelopeSchema.safeParse(message);
    if (!envelope.success) return refuse('bad_message', 'LeadLens received a malformed message and ignored it.');
    const name = envelope.data.name;
    if (!Object.hasOwn(protocol, name)) {
      return refuse('bad_message', `LeadLens does not know the message "${name.slice(0, 100)}".`);
    }
    const messageName = name as MessageName;
    const spec = protocol[messageName];

    const checked = checkSender(sender, spec.from, messageName === 'profileLeft');
    if ('error' in checked) return { ok: false, error: checked.error };

    const payload = spec.request.safeParse(envelope.data.payload);
    if (!payload.success) {
      const issue = payload.error.issues[0];
      const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
      return refuse(
        'bad_message',
        `LeadLens rejected a "${messageName}" message: ${issue?.message ?? 'bad payload'}${where}.`,
      );
    }
    await ready;
    const handler = handlers[messageName] as (payload: unknown, sender: CheckedSender) => Promise<Reply<unknown>>;
    return await handler(payload.data, checked);
  } catch (error) {
    console.error('LeadLens: a message handler failed', error);
    return refuse(
      'internal',
      `LeadLens failed to handle the request (${error instanceof Error ? error.message : String(error)}). Try again.`,
    );
  }
}

function refuse(code: MessageError['code'], message: string): { ok: false; error: MessageError } {
  return { ok: false, error: { code, message } };
}

/**
 * Pages the manifest makes web-accessible with `use_dynamic_url`: framed in a page, Chrome
 * serves them under a per-session id instead of the extension id (sender.id is still ours).
 */
const DYNAMIC_URL_PAGES = ['/widget.html'];

function isOwnPage(url: URL, extension: URL): boolean {
  if (sameOrigin(url, extension)) return true;
  return url.protocol === extension.protocol && url.host !== '' && DYNAMIC_URL_PAGES.includes(url.pathname);
}

/**
 * Compares scheme and host: `URL.origin` is "null" for schemes a URL parser does not know
 * (chrome-extension: outside Chrome), and two "null"s must not count as one origin.
 */
function sameOrigin(a: URL, b: URL): boolean {
  return a.host !== '' && a.protocol === b.protocol && a.host === b.host;
}

function checkSender(
  sender: MessageSender,
  expected: SenderKind,
  leaving = false,
): CheckedSender | { error: MessageError } {
  const forbidden = (message: string) => ({ error: { code: 'forbidden_sender' as const, message } });
  if (sender.id !== browser.runtime.id) return forbidden('LeadLens only answers its own pages and scripts.');
  let url: URL;
  try {
    url = new URL(sender.url ?? '');
  } catch {
    return forbidden('LeadLens only answers senders with a known address.');
  }
  const extension = new URL(browser.runtime.getURL('/'));
  const tabId = sender.tab?.id ?? null;

  if (expected === 'extensionPage') {
    if (!isOwnPage(url, extension)) return forbidden('Only LeadLens pages may send this message.');
    return { kind: 'extensionPage', tabId, url };
  }
  if (expected === 'optionsPage') {
    // Not the widget: it sits in a host page's frame, and needs neither the ledger nor admin rights.
    if (!sameOrigin(url, extension) || url.pathname !== '/options.html') {
      return forbidden('Only the LeadLens options page may send this message.');
    }
    return { kind: 'extensionPage', tabId, url };
  }
  // A content script: in a tab, on a LinkedIn page (any: it follows the SPA from the feed to
  // a profile, and sender.url keeps the address the document was loaded with), never an
  // extension page.
  if (url.origin !== PROFILE_ORIGIN || tabId === null || tabId < 0) {
    return forbidden('Only the LeadLens script on a LinkedIn page may send this message.');
  }
  // The tab's own page: its top frame (the script runs there only), and the document the
  // user sees. A prerendered or back/forward-cached document must not replace the tab's
  // profile. Chrome says which with `documentLifecycle`; browsers without it omit it.
  // `profileLeft` is the exception: a page says it is leaving while it goes into the
  // back/forward cache or is unloaded (Chrome then reports it as `cached` or
  // `pending_deletion`, under a frame id that is no longer 0), and afterwards the tab shows
  // no profile of its. Our script runs in top frames only, so any frame of it is a top one.
  const lifecycle = sender.documentLifecycle;
  const goingAway = leaving && (lifecycle === 'cached' || lifecycle === 'pending_deletion');
  if (!goingAway) {
    if (sender.frameId !== 0) return forbidden('Only the top frame of a LinkedIn tab may send this message.');
    if (lifecycle !== undefined && lifecycle !== 'active') {
      return forbidden('Only the page shown in a LinkedIn tab may send this message.');
    }
  }
  return { kind: 'contentScript', tabId, url };
}
