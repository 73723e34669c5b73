/**
 * A loopback HTTP proxy in front of the real server that can misbehave on demand: be down,
 * be slow, answer 500, answer malformed JSON, or drop the response after the server
 * committed it. Tests switch its mode; the server behind it stays real.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FaultMode =
  | { kind: 'pass' }
  | { kind: 'down' }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'status'; status: number }
  | { kind: 'malformed' }
  /** Forward, let the server commit, then cut the connection before the client sees the answer. */
  | { kind: 'dropResponse' };

export interface FaultProxy {
  url: string;
  setMode(mode: FaultMode, options?: { paths?: RegExp; times?: number }): void;
  /** Requests seen, as `METHOD /path`. */
  requests: string[];
  /** The Idempotency-Key of every request that carried one, in order. */
  idempotencyKeys: string[];
  close(): Promise<void>;
}

export async function startFaultProxy(targetUrl: string): Promise<FaultProxy> {
  const target = new URL(targetUrl);
  let mode: FaultMode = { kind: 'pass' };
  let paths: RegExp | undefined;
  let times = Infinity;
  const requests: string[] = [];
  const idempotencyKeys: string[] = [];

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer, onAnswer?: () => void): void => {
    const upstream = request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        if (onAnswer) {
          answer.resume();
          answer.on('end', onAnswer);
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    upstream.end(body);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push(`${req.method} ${req.url}`);
      const key = req.headers['idempotency-key'];
      if (typeof key === 'string') idempotencyKeys.push(key);
      const applies = mode.kind !== 'pass' && times > 0 && (!paths || paths.test(req.url ?? ''));
      if (!applies) return forward(req, res, body);
      times -= 1;
      switch (mode.kind) {
        case 'down':
          return req.socket.destroy();
        case 'slow': {
          const timer = setTimeout(() => forward(req, res, body), mode.delayMs);
          res.on('close', () => clearTimeout(timer));
          return;
        }
        case 'status':
          res.writeHead(mode.status, { 'content-type': 'application/json' });
          return res.end(JSON.stringify({ error: { code: 'internal', message: 'Injected failure' } }));
        case 'malformed':
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end('{"lead": "ada-lovelace", "results": {"b2bEmail": {"status": "reve');
        case 'dropResponse':
          return forward(req, res, body, () => req.socket.destroy());
        default:
          return forward(req, res, body);
      }
    });
  });
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    idempotencyKeys,
    setMode(next, options = {}) {
      mode = next;
      paths = options.paths;
      times = options.times ?? Infinity;
    },
    close: () =>
      new Promise<void>((resolveClose) => {
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}
