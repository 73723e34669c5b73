/**
 * The typed sending side of shared/protocol.ts, for content scripts and extension pages.
 * A lost reply (the service worker was stopped, the extension reloaded) becomes an error
 * value, never an unhandled rejection.
 */
import { browser } from 'wxt/browser';
import type { Envelope, MessageName, Reply, RequestOf, ResponseOf } from '../shared/protocol.ts';

export async function send<K extends MessageName>(name: K, payload: RequestOf<K>): Promise<Reply<ResponseOf<K>>> {
  const envelope: Envelope<K> = { leadlens: 1, name, payload };
  try {
    const reply = (await browser.runtime.sendMessage(envelope)) as Reply<ResponseOf<K>> | undefined;
    if (!reply || typeof reply !== 'object' || !('ok' in reply)) {
      return { ok: false, error: { code: 'internal', message: 'The extension did not answer. Try again.' } };
    }
    return reply;
  } catch (error) {
    return {
      ok: false,
      error: {
        code: 'internal',
        message: `The extension's background could not be reached (${error instanceof Error ? error.message : String(error)}). Try again.`,
      },
    };
  }
}

/** The shape of `send`, injected into page stores so they can be tested without an extension. */
export type Send = typeof send;
