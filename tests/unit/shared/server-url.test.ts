import { describe, expect, it } from 'vitest';
import { serverUrlProblemText } from '../../../i18n/messages.ts';
import { normalizeServerUrl } from '../../../shared/server-url.ts';

describe('normalizeServerUrl', () => {
  it.each([
    ['http://127.0.0.1:8787', 'http://127.0.0.1:8787', true, 'http://127.0.0.1/*'],
    ['  http://localhost:3000/ ', 'http://localhost:3000', true, 'http://localhost/*'],
    ['127.0.0.1:8787', 'http://127.0.0.1:8787', true, 'http://127.0.0.1/*'],
    [
      'https://LeadLens.Example.com/api/?x=1#y',
      'https://leadlens.example.com/api',
      false,
      'https://leadlens.example.com/*',
    ],
    ['leadlens.example.com', 'https://leadlens.example.com', false, 'https://leadlens.example.com/*'],
    ['https://leadlens.example.com:8443', 'https://leadlens.example.com:8443', false, 'https://leadlens.example.com/*'],
    // The manifest grants only http on local hosts: https there is asked for like any host.
    ['https://localhost:8443', 'https://localhost:8443', false, 'https://localhost/*'],
  ])('%j → %s', (input, url, grantedByManifest, permissionPattern) => {
    expect(normalizeServerUrl(input)).toMatchObject({ ok: true, url, grantedByManifest, permissionPattern });
  });

  it.each([
    ['', { kind: 'empty' }, /Enter the address/],
    ['http://leadlens.example.com', { kind: 'plainHttp', host: 'leadlens.example.com' }, /Plain http is only allowed/],
    ['http://10.0.0.5:8787', { kind: 'plainHttp', host: '10.0.0.5:8787' }, /Use https:\/\/10\.0\.0\.5:8787/],
    ['ftp://leadlens.example.com', { kind: 'scheme' }, /must start with https/],
    ['javascript:alert(1)', { kind: 'notAnAddress', typed: 'javascript:alert(1)' }, /not a web address/],
    ['https://user:secret@leadlens.example.com', { kind: 'credentials' }, /API key field/],
    ['https://', { kind: 'notAnAddress', typed: 'https://' }, /"https:\/\/" is not a web address/],
  ] as const)('refuses %j, and says why in the user’s language', (input, problem, message) => {
    const check = normalizeServerUrl(input);
    expect(check).toEqual({ ok: false, problem });
    expect(serverUrlProblemText(problem)).toMatch(message);
  });
});
