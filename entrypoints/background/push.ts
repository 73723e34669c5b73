/**
 * Pushes to extension pages (widgets, popup, options). `runtime.sendMessage` never reaches
 * content scripts, so contact data pushed here stays in extension origin.
 */
import { browser } from 'wxt/browser';
import type { Push } from '../../shared/protocol.ts';

export async function push(message: Push): Promise<void> {
  try {
    await browser.runtime.sendMessage(message);
  } catch {
    // No page open to receive it ("Receiving end does not exist"): nothing to update.
  }
}
