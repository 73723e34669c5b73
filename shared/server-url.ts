/**
 * The credits server address a user types at sign-in, in canonical form. The options page
 * uses `permissionPattern` to ask for the optional host permission in its click handler;
 * the background uses the same function to check it, so both name the same origin.
 */

/** Hosts the manifest grants over plain http (self-hosting and development). */
export const LOCAL_HOSTS = ['127.0.0.1', 'localhost'] as const;

export type ServerUrlCheck =
  | {
      ok: true;
      /** Origin plus path prefix, without a trailing slash: `https://api.example.com/leadlens`. */
      url: string;
      origin: string;
      /** True when the manifest already grants it (http on 127.0.0.1 or localhost, any port). */
      grantedByManifest: boolean;
      /** The match pattern of the host permission the server needs (any port). */
      permissionPattern: string;
    }
  | { ok: false; problem: ServerUrlProblem };

/**
 * Why a typed address was refused, as data: the pages and the background say it in the
 * user's language (i18n/messages.ts `serverUrlProblemText`).
 */
export type ServerUrlProblem =
  | { kind: 'empty' }
  | { kind: 'notAnAddress'; typed: string }
  | { kind: 'scheme' }
  | { kind: 'credentials' }
  | { kind: 'plainHttp'; host: string };

/**
 * Normalises a typed server address: adds a scheme when none is given (http for local
 * hosts, https otherwise), drops query, hash and trailing slashes, refuses credentials in
 * the URL and plain http to any host but 127.0.0.1 and localhost.
 */
export function normalizeServerUrl(raw: string): ServerUrlCheck {
  const typed = raw.trim();
  if (typed.length === 0) return { ok: false, problem: { kind: 'empty' } };
  let withScheme = typed;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(typed)) {
    const host = typed.split(/[/:]/, 1)[0]?.toLowerCase() ?? '';
    withScheme = `${isLocalHost(host) ? 'http' : 'https'}://${typed}`;
  }
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return { ok: false, problem: { kind: 'notAnAddress', typed } };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, problem: { kind: 'scheme' } };
  }
  if (url.username || url.password) {
    return { ok: false, problem: { kind: 'credentials' } };
  }
  const local = isLocalHost(url.hostname);
  if (url.protocol === 'http:' && !local) {
    return { ok: false, problem: { kind: 'plainHttp', host: url.host } };
  }
  const path = url.pathname.replace(/\/+$/, '');
  return {
    ok: true,
    url: url.origin + path,
    origin: url.origin,
    grantedByManifest: local && url.protocol === 'http:',
    permissionPattern: `${url.protocol}//${url.hostname}/*`,
  };
}

function isLocalHost(hostname: string): boolean {
  return (LOCAL_HOSTS as readonly string[]).includes(hostname);
}
