import { defineConfig, type UserManifest } from 'wxt';

/**
 * The public half of the extension's signing key. Pinning it keeps the extension id
 * stable (nomkepldboendiaeligekbbpnjhcehfe) across machines, so tests, the server's
 * allowed origins and users' saved settings can rely on it. Chrome only: Firefox names an
 * extension by `browser_specific_settings.gecko.id` instead.
 */
const MANIFEST_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwkQGRVlqO9TSjFRfSN062tBmBGOwZ4U+k2TDKP3zTh5xvTJwkp89bLdiS6nsCBrpDLDQAI2R0eYg005+yJAQOZtJ3aLDh77k1LqHhbgI9BGS/TejzClpcdsj7XMBloeh0OeQP69DRqpneIY+Azn7YyI2OEC4f4HJXh8sGQDVd4hBfOj6hA+m5w9LqmEHiJJo6XliIDIpHD5EW3fmGdA/i2ZhaY7mcWOc/klekB4QL/1OovXIkamWJU85Sn5eDjkbarxqC2T+JrT/rzxJNUpLLup5oiZz6O9mhdJC1GwGz7DrStONcHrEGoZER8hrmsYVbVytWx2ysulNeNStfvc2IQIDAQAB';

/**
 * Firefox's add-on id (MV3 requires one). A GUID, so it claims no domain the project does
 * not own; it must never change once published, since Firefox keys updates and storage by it.
 */
const GECKO_ID = '{c80499c2-7449-4486-8649-3be972e60578}';

type BrowserSettings = NonNullable<UserManifest['browser_specific_settings']>;

/**
 * Firefox only. MV3, like Chrome, so both builds share one code path (action, host and
 * optional host permissions, web-accessible resources by match). The minimum versions are
 * the first that show the built-in data consent below: 140 (an ESR, which companies'
 * machines often run) on desktop, 142 on Android.
 */
const FIREFOX_SETTINGS: BrowserSettings = {
  gecko: {
    id: GECKO_ID,
    strict_min_version: '140.0',
    data_collection_permissions: {
      // All needed for the product to work at all, so none can be optional:
      // the API key of the user's account (authenticationInfo); the profile address of each
      // lead the user opens, sent for automatic discovery (browsingActivity); the lead it
      // names, a person identified to the server and to export targets (personallyIdentifyingInfo).
      required: ['authenticationInfo', 'browsingActivity', 'personallyIdentifyingInfo'],
    },
  },
  gecko_android: { strict_min_version: '142.0' },
};

export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  // Explicit imports only: a reader sees where every name comes from and which world it runs in.
  imports: false,
  srcDir: '.',
  outDir: '.output',
  manifestVersion: 3,
  manifest: ({ browser }) => {
    const firefox = browser === 'firefox';
    return {
      // English and French, chosen by the browser's language (public/_locales/*/messages.json).
      name: '__MSG_extName__',
      description: '__MSG_extDescription__',
      default_locale: 'en',
      // Chrome 102: storage.session (each tab's lead) and promise-returning runtime calls,
      // which the content script uses without the polyfill.
      ...(firefox
        ? { browser_specific_settings: FIREFOX_SETTINGS }
        : { key: MANIFEST_KEY, minimum_chrome_version: '102' }),
      permissions: ['storage', 'alarms'],
      // Self-hosted and development servers need no prompt; any HTTPS server is asked for at sign-in.
      host_permissions: ['http://127.0.0.1/*', 'http://localhost/*'],
      optional_host_permissions: ['https://*/*'],
      web_accessible_resources: [
        {
          resources: ['widget.html'],
          matches: ['https://www.linkedin.com/*'],
          // Chrome's widget URL would otherwise be the same on every machine, so a page could
          // probe for it. Firefox does not implement the property (MDN compatibility data):
          // its extension URLs already hold a random id per install.
          ...(firefox ? {} : { use_dynamic_url: true }),
        },
      ],
    };
  },
  hooks: {
    // The content script takes WXT's plain `browser` (Firefox's `browser`, Chrome's `chrome`),
    // not the polyfill: it calls only runtime.sendMessage, id and getURL, which are
    // promise-based in Chrome's MV3 and in Firefox alike, and the polyfill was a third of its
    // 8 KB budget. Every other context keeps the polyfill.
    'vite:build:extendConfig': (entrypoints, config) => {
      if (!entrypoints.every((entrypoint) => entrypoint.type === 'content-script')) return;
      const alias = config.resolve?.alias;
      if (alias && !Array.isArray(alias)) delete (alias as Record<string, string>)['wxt/browser'];
    },
  },
  vite: () => ({
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  }),
});
