/**
 * The CRM webhook the user configures (Leads tab, **CRM webhook**): kept in the background's
 * IndexedDB, because its secret signs every lead sent and pages never get it back (a page
 * learns `hasSecret` only). Exports read it here; the options page sets it.
 */
import { t } from '../../i18n/messages.ts';
import type { MessageError, Reply, WebhookConfigView } from '../../shared/protocol.ts';
import { LOCAL_HOSTS } from '../../shared/server-url.ts';
import type { BackgroundContext } from './context.ts';
import type { WebhookRecord } from './database.ts';
import { describeError } from './describe-error.ts';

/** The stored webhook, or null when none is set. */
export async function readWebhook(ctx: BackgroundContext): Promise<WebhookRecord | null> {
  const db = await ctx.db();
  return (await db.get('settingsRecords', 'webhook')) ?? null;
}

export function webhookView(record: WebhookRecord | null): WebhookConfigView {
  return { url: record?.url ?? null, hasSecret: record?.secret != null };
}

export async function getWebhook(ctx: BackgroundContext): Promise<Reply<WebhookConfigView>> {
  return { ok: true, data: webhookView(await readWebhook(ctx)) };
}

/**
 * Sets the webhook (`url` null removes it, and its secret). `secret`: a string sets it, null
 * clears it, absent keeps the one stored.
 */
export async function setWebhook(
  ctx: BackgroundContext,
  { url, secret }: { url: string | null; secret?: string | null | undefined },
): Promise<Reply<WebhookConfigView>> {
  const db = await ctx.db();
  try {
    if (url === null) {
      await db.delete('settingsRecords', 'webhook');
      return { ok: true, data: webhookView(null) };
    }
    const checked = await checkWebhookUrl(ctx, url);
    if (!checked.ok) return { ok: false, error: checked.error };
    const tx = db.transaction('settingsRecords', 'readwrite', { durability: 'strict' });
    // A failed read or write rejects `done` too; the catch below reports it once.
    tx.done.catch(() => undefined);
    const before = await tx.store.get('webhook');
    // "Keep the secret" keeps it for the same receiver only: a secret shared with one
    // receiver must not sign what is sent to another (it could replay it to the first).
    const sameReceiver = before !== undefined && new URL(before.url).origin === new URL(checked.url).origin;
    const record: WebhookRecord = {
      id: 'webhook',
      url: checked.url,
      secret: secret === undefined ? (sameReceiver ? (before.secret ?? null) : null) : secret,
    };
    await tx.store.put(record);
    await tx.done;
    return { ok: true, data: webhookView(record) };
  } catch (error) {
    return { ok: false, error: { code: 'storage_failed', message: t('errSettingNotSaved', describeError(error)) } };
  }
}

/**
 * A webhook address LeadLens may POST to: https to a host the user allowed (the options page
 * asks for the permission in the click on **Save webhook**), or plain http to 127.0.0.1 and
 * localhost, which the manifest grants (a receiver on the user's own machine).
 */
export async function checkWebhookUrl(
  ctx: BackgroundContext,
  typed: string,
): Promise<{ ok: true; url: string } | { ok: false; error: MessageError }> {
  const refuse = (message: string) => ({ ok: false as const, error: { code: 'bad_webhook' as const, message } });
  let url: URL;
  try {
    url = new URL(typed.trim());
  } catch {
    return refuse(t('errWebhookNotAddress', typed.trim()));
  }
  const local = (LOCAL_HOSTS as readonly string[]).includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) return refuse(t('errWebhookScheme'));
  // fetch refuses such addresses, and a password in an address is shown wherever it is.
  if (url.username !== '' || url.password !== '') return refuse(t('errWebhookCredentials'));
  // The fragment is never sent; the path and query are the receiver's.
  url.hash = '';
  if (url.protocol === 'https:' && !(await ctx.hasHostPermission(`https://${url.hostname}/*`))) {
    return { ok: false, error: { code: 'permission_denied', message: t('errWebhookNotAllowed', url.origin) } };
  }
  return { ok: true, url: url.href };
}
