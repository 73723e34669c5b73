import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { SEND_TIMEOUT_MS, openOptionsPage, send } from '../../../messaging/client.ts';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('send', () => {
  it('answers with an error value when the background never replies (e.g. its database open is blocked)', async () => {
    vi.useFakeTimers();
    vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockImplementation(() => new Promise(() => undefined));
    let settled = false;
    const reply = send('sessionGet', {}).finally(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(SEND_TIMEOUT_MS - 1);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await reply).toEqual({
      ok: false,
      error: { code: 'internal', message: expect.stringMatching(/did not answer within 30 s\. Try again/) },
    });
  });

  it('waits longer than the API client does, so a slow server is reported by the background first', async () => {
    const { DEFAULT_TIMEOUT_MS } = await import('../../../entrypoints/background/api-client.ts');
    expect(SEND_TIMEOUT_MS).toBeGreaterThan(DEFAULT_TIMEOUT_MS);
  });

  it('passes the reply through and clears its timer', async () => {
    vi.useFakeTimers();
    vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockResolvedValue({ ok: true, data: { signedIn: false } });
    expect(await send('sessionGet', {})).toEqual({ ok: true, data: { signedIn: false } });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('turns a lost reply into an error value', async () => {
    vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockRejectedValue(new Error('Receiving end does not exist.'));
    expect(await send('sessionGet', {})).toMatchObject({
      ok: false,
      error: { code: 'internal', message: expect.stringMatching(/could not be reached \(Receiving end/) },
    });
  });
});

describe('openOptionsPage', () => {
  it('resolves to an error value instead of rejecting', async () => {
    vi.spyOn(fakeBrowser.runtime, 'openOptionsPage').mockRejectedValue(new Error('Extension context invalidated.'));
    expect(await openOptionsPage()).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/could not open its settings \(Extension context invalidated/) },
    });
  });

  it('resolves ok when the page opens', async () => {
    vi.spyOn(fakeBrowser.runtime, 'openOptionsPage').mockResolvedValue(undefined);
    expect(await openOptionsPage()).toEqual({ ok: true, data: null });
  });
});
