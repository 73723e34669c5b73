/**
 * The manifest each browser gets from wxt.config.ts. Firefox needs settings of its own
 * (an add-on id, the data it transmits); Chrome must keep its pinned key, or the extension id
 * that tests, the server's allowed origins and saved settings rely on would change.
 * `npm test` also builds for Firefox and runs `web-ext lint` on the result.
 */
import { describe, expect, it } from 'vitest';
import type { ConfigEnv, UserManifest } from 'wxt';
import config from '../../wxt.config.ts';
import { LOCALES } from '../support/locale-files.ts';

async function manifestFor(browser: string): Promise<UserManifest> {
  const env: ConfigEnv = { browser, manifestVersion: 3, mode: 'production', command: 'build' };
  const manifest = config.manifest;
  if (typeof manifest !== 'function') throw new Error('wxt.config.ts: manifest is expected to depend on the browser');
  return manifest(env);
}

describe('manifest', () => {
  it('keeps the Chrome key and the dynamic widget URL, with no Firefox settings', async () => {
    const chrome = await manifestFor('chrome');
    expect(chrome.key).toMatch(/^MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwkQGRVlqO9TSjFRf/);
    expect(chrome.web_accessible_resources).toEqual([
      { resources: ['widget.html'], matches: ['https://www.linkedin.com/*'], use_dynamic_url: true },
    ]);
    expect(chrome.browser_specific_settings).toBeUndefined();
  });

  it('gives Firefox an add-on id and declares the data LeadLens transmits', async () => {
    const firefox = await manifestFor('firefox');
    const gecko = firefox.browser_specific_settings?.gecko;
    expect(gecko?.id).toMatch(/^\{[0-9a-f-]{36}\}$/);
    expect(gecko?.data_collection_permissions?.required).toEqual(
      expect.arrayContaining(['authenticationInfo', 'browsingActivity']),
    );
    expect(gecko?.data_collection_permissions?.required).not.toContain('none');
    // Chrome's signing key and its dynamic-URL flag mean nothing to Firefox.
    expect(firefox.key).toBeUndefined();
    expect(firefox.web_accessible_resources).toEqual([
      { resources: ['widget.html'], matches: ['https://www.linkedin.com/*'] },
    ]);
  });

  it('is named and described in the browser’s language, English by default', async () => {
    for (const browser of ['chrome', 'firefox']) {
      const manifest = await manifestFor(browser);
      expect(manifest.default_locale).toBe('en');
      expect(manifest.name).toBe('__MSG_extName__');
      expect(manifest.description).toBe('__MSG_extDescription__');
    }
    for (const messages of Object.values(LOCALES)) {
      expect(messages.extName?.message).toBe('LeadLens');
      expect(messages.extDescription?.message).toMatch(/\S/);
    }
    expect(LOCALES.fr.extDescription?.message).not.toBe(LOCALES.en.extDescription?.message);
  });

  it('asks both browsers for the same permissions', async () => {
    const [chrome, firefox] = await Promise.all([manifestFor('chrome'), manifestFor('firefox')]);
    for (const key of ['permissions', 'host_permissions', 'optional_host_permissions'] as const) {
      expect(firefox[key]).toEqual(chrome[key]);
    }
  });
});
