/**
 * The receiving side of the background's pushes (shared/protocol.ts `Push`), for extension
 * pages. Content scripts' messages reach extension pages too; only the background's count.
 */
import { browser } from 'wxt/browser';
import type { Push } from '../shared/protocol.ts';

export type PushListener = (push: Push) => void;
/** Subscribes to pushes; returns the unsubscribe function. Injected into stores. */
export type Subscribe = (listener: PushListener) => () => void;

export const onPush: Subscribe = (listener) => {
  const handler = (message: unknown, sender: { id?: string; tab?: unknown }): undefined => {
    // The background has no tab; a content script (or a page in a tab) is not the background.
    if (sender.id !== browser.runtime.id || sender.tab !== undefined) return undefined;
    if (!isPush(message)) return undefined;
    listener(message);
    // No reply: returning nothing leaves the message to its real receiver.
    return undefined;
  };
  browser.runtime.onMessage.addListener(handler);
  return () => browser.runtime.onMessage.removeListener(handler);
};

function isPush(message: unknown): message is Push {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { leadlensPush?: unknown }).leadlensPush === 1 &&
    typeof (message as { kind?: unknown }).kind === 'string'
  );
}
