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
  | { ok: false; message: string };

/**
 * Normalises a typed server address: adds a scheme when none is given (http for local
 * hosts, https otherwise), drops query, hash and trailing slashes, refuses credentials in
 * the URL and plain http to any host but 127.0.0.1 and localhost.
 */
export function normalizeServerUrl(raw: string): ServerUrlCheck {
  const typed = raw.trim();
  if (typed.length === 0) return { ok: false, message: 'Enter the address of your LeadLens server.' };
  let withScheme = typed;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(typed)) {
    const host = typed.split(/[/:]/, 1)[0]?.toLowerCase() ?? '';
    withScheme = `${isLocalHost(host) ? 'http' : 'https'}://${typed}`;
  }
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return { ok: false, message: `"${typed}" is not a web address. Enter one like https://leadlens.example.com.` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return {
      ok: false,
      message: 'The server address must start with https:// (or http:// for 127.0.0.1 and localhost).',
    };
  }
  if (url.username || url.password) {
    return { ok: false, message: 'Put the API key in the API key field, not in the server address.' };
  }
  const local = isLocalHost(url.hostname);
  if (url.protocol === 'http:' && !local) {
    return {
      ok: false,
      message: `Plain http is only allowed for 127.0.0.1 and localhost. Use https://${url.host} for a remote server.`,
    };
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
