/**
 * The typed sending side of shared/protocol.ts, for content scripts and extension pages.
 * A lost reply (the service worker was stopped, the extension reloaded) or one that never
 * comes (the background stuck, e.g. its database open blocked) becomes an error value,
 * never an unhandled rejection or a page left loading forever.
 */
import { browser } from 'wxt/browser';
import type { Envelope, MessageError, MessageName, Reply, RequestOf, ResponseOf } from '../shared/protocol.ts';

/**
 * How long a page waits for the background. Longer than the API client's own timeout (20 s),
 * so that a slow server is reported by the background, with its address, before this fires.
 */
export const SEND_TIMEOUT_MS = 30_000;

export async function send<K extends MessageName>(
  name: K,
  payload: RequestOf<K>,
  timeoutMs = SEND_TIMEOUT_MS,
): Promise<Reply<ResponseOf<K>>> {
  const envelope: Envelope<K> = { leadlens: 1, name, payload };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const reply = await Promise.race([browser.runtime.sendMessage(envelope) as Promise<unknown>, timeout]);
    if (reply === 'timeout') return failure(words('sendTimeout', String(Math.round(timeoutMs / 1000))));
    if (!isReply(reply)) return failure(words('sendNoAnswer'));
    return reply as Reply<ResponseOf<K>>;
  } catch (error) {
    return failure(words('sendUnreachable', messageOf(error)));
  } finally {
    clearTimeout(timer);
  }
}

/** The shape of `send`, injected into page stores so they can be tested without an extension. */
export type Send = typeof send;

/** Opens the options page; a failure (no such page, the extension context gone) is a value. */
export async function openOptionsPage(): Promise<Reply<null>> {
  try {
    await browser.runtime.openOptionsPage();
    return { ok: true, data: null };
  } catch (error) {
    return failure(words('optionsUnopenable', messageOf(error)));
  }
}

type MessageKey = Parameters<typeof browser.i18n.getMessage>[0];

/**
 * A message of the extension's locale files. Not i18n/messages.ts: the content script
 * sends through this module, and the browser's own lookup is all it can afford. When the
 * extension context is gone (the reason these messages exist) the lookup may fail too: then
 * a plain English sentence.
 */
function words(key: MessageKey, ...values: string[]): string {
  try {
    const text = browser.i18n.getMessage(key, values);
    if (text) return text;
  } catch {
    // The extension context is gone.
  }
  return 'LeadLens could not reach its background. Reload the page and try again.';
}

function isReply(reply: unknown): reply is Reply<unknown> {
  return typeof reply === 'object' && reply !== null && 'ok' in reply;
}

function failure(message: string): { ok: false; error: MessageError } {
  return { ok: false, error: { code: 'internal', message } };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
