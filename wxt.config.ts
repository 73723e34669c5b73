import { defineConfig } from 'wxt';

/**
 * The public half of the extension's signing key. Pinning it keeps the extension id
 * stable (nomkepldboendiaeligekbbpnjhcehfe) across machines, so tests, the server's
 * allowed origins and users' saved settings can rely on it.
 */
const MANIFEST_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwkQGRVlqO9TSjFRfSN062tBmBGOwZ4U+k2TDKP3zTh5xvTJwkp89bLdiS6nsCBrpDLDQAI2R0eYg005+yJAQOZtJ3aLDh77k1LqHhbgI9BGS/TejzClpcdsj7XMBloeh0OeQP69DRqpneIY+Azn7YyI2OEC4f4HJXh8sGQDVd4hBfOj6hA+m5w9LqmEHiJJo6XliIDIpHD5EW3fmGdA/i2ZhaY7mcWOc/klekB4QL/1OovXIkamWJU85Sn5eDjkbarxqC2T+JrT/rzxJNUpLLup5oiZz6O9mhdJC1GwGz7DrStONcHrEGoZER8hrmsYVbVytWx2ysulNeNStfvc2IQIDAQAB';

export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  // Explicit imports only: a reader sees where every name comes from and which world it runs in.
  imports: false,
  srcDir: '.',
  outDir: '.output',
  manifestVersion: 3,
  manifest: {
    name: 'LeadLens',
    description: "Reveal a lead's professional email and phone numbers on profile pages. Each credit is spent once.",
    key: MANIFEST_KEY,
    permissions: ['storage'],
    // Self-hosted and development servers need no prompt; any HTTPS server is asked for at sign-in.
    host_permissions: ['http://127.0.0.1/*', 'http://localhost/*'],
    optional_host_permissions: ['https://*/*'],
    web_accessible_resources: [
      {
        resources: ['widget.html'],
        matches: ['https://www.linkedin.com/*'],
        use_dynamic_url: true,
      },
    ],
  },
  vite: () => ({
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  }),
});
