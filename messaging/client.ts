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
    if (reply === 'timeout') {
      return failure(
        `The extension's background did not answer within ${Math.round(timeoutMs / 1000)} s. Try again; if it keeps happening, restart the browser.`,
      );
    }
    if (!isReply(reply)) return failure('The extension did not answer. Try again.');
    return reply as Reply<ResponseOf<K>>;
  } catch (error) {
    return failure(`The extension's background could not be reached (${messageOf(error)}). Try again.`);
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
    return failure(
      `LeadLens could not open its settings (${messageOf(error)}). Open them from the browser's extensions page.`,
    );
  }
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
