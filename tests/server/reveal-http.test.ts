/**
 * POST /v1/reveals through a real listening server, where the route reads Node's request
 * stream itself and finds its caller in the statement that records the idempotency key: the
 * order of errors (401 first), body limits with and without a length, the answer's shape,
 * byte-identical replays, and a removed member refused on the reveal path too.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDEMPOTENCY_HEADER, RevealResponseSchema } from '../../shared/api.ts';
import { addMember, createWorkspace, removeMember } from '../../server/accounts.ts';
import { startServer, type RunningServer } from '../../server/serve.ts';
import { BACKENDS, expectError, testDatabaseOptions } from './harness.ts';

/** A POST with a chunked body (no Content-Length), as a streaming client sends it. */
function postChunked(url: string, headers: Record<string, string>, chunks: string[]) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = http.request(url, { method: 'POST', headers }, (response) => {
      const parts: Buffer[] = [];
      response.on('data', (part: Buffer) => parts.push(part));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(parts).toString() }));
    });
    request.on('error', reject);
    for (const chunk of chunks) request.write(chunk);
    request.end();
  });
}

describe.each(BACKENDS)('POST /v1/reveals over HTTP on %s', (backend) => {
  let server: RunningServer;
  let apiKey: string;
  let workspaceId: string;
  beforeAll(async () => {
    server = await startServer({ ...(await testDatabaseOptions(backend)), port: 0, seedDemo: true });
    const ws = await createWorkspace(server.db, {
      name: 'Http',
      plan: 'starter',
      seats: 3,
      credits: { b2bEmail: 5, phone: 5, directEmail: 5 },
    });
    apiKey = ws.admin.apiKey;
    workspaceId = ws.workspaceId;
  });
  afterAll(async () => {
    await server?.close();
  });

  const post = (body: string, headers: Record<string, string> = {}, key: string | null = randomUUID()) =>
    fetch(`${server.url}/v1/reveals`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${apiKey}`,
        'Content-Type': 'application/json',
        ...(key === null ? {} : { [IDEMPOTENCY_HEADER]: key }),
        ...headers,
      },
      body,
    });

  it('reveals in the request order of types, and replays the very bytes', async () => {
    const key = randomUUID();
    const body = JSON.stringify({ lead: 'ada-lovelace', types: ['phone', 'directEmail', 'b2bEmail'] });
    const first = await post(body, {}, key);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/json');
    const text = await first.text();
    const raw = JSON.parse(text) as { results: object; balances: object };
    // Results in the request's order (zod's parse would reorder them), balances in R1's order.
    expect(Object.keys(raw.results)).toEqual(['phone', 'directEmail', 'b2bEmail']);
    expect(Object.keys(raw.balances)).toEqual(['b2bEmail', 'phone', 'directEmail', 'export']);
    const answer = RevealResponseSchema.parse(raw);
    expect(answer.results.phone).toEqual({
      status: 'revealed',
      charged: true,
      values: [
        { value: '+44 7700 900123', phoneKind: 'mobile', verifiedAt: expect.any(String) },
        { value: '+44 20 7946 0958', phoneKind: 'landline', verifiedAt: expect.any(String) },
      ],
    });
    const replay = await post(body, {}, key);
    expect(replay.status).toBe(200);
    expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await replay.text()).toBe(text);
  });

  it('a wrong API key is a 401 before any complaint about the request', async () => {
    const wrong = { Authorization: 'Bearer ll_live_nope' };
    await expectError(await post('not json', wrong), 401, 'unauthorized');
    await expectError(await post('{}', wrong, null), 401, 'unauthorized');
    await expectError(await post('x'.repeat(20_000), wrong), 401, 'unauthorized');
    await expectError(
      await post(JSON.stringify({ lead: 'ada-lovelace', types: ['phone'] }), wrong),
      401,
      'unauthorized',
    );
  });

  it('bad requests name what is wrong', async () => {
    expect((await expectError(await post('not json'), 400, 'bad_request')).field).toBe('body');
    for (const body of ['null', '[]', '[{"lead":"ada-lovelace","types":["phone"]}]', '7', '"ada-lovelace"']) {
      expect((await expectError(await post(body), 400, 'bad_request')).field, body).toBe('body');
    }
    expect((await expectError(await post('{"lead":"ada-lovelace","types":[]}'), 400, 'bad_request')).field).toBe(
      'types',
    );
    await expectError(
      await post('{"lead":"ada-lovelace","types":["phone"]}', {}, null),
      400,
      'idempotency_key_missing',
    );
  });

  it('a body over 16 KB is a 413, with or without a Content-Length, and the server keeps serving', async () => {
    const big = JSON.stringify({ lead: 'ada-lovelace', types: ['phone'], pad: 'x'.repeat(20_000) });
    expect((await expectError(await post(big), 413, 'payload_too_large')).field).toBe('body');
    const headers = {
      Authorization: `Bearer ${apiKey}`,
      'Content-Type': 'application/json',
      [IDEMPOTENCY_HEADER]: randomUUID(),
    };
    const chunked = await postChunked(`${server.url}/v1/reveals`, headers, [big.slice(0, 9000), big.slice(9000)]);
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body)).toMatchObject({ error: { code: 'payload_too_large', field: 'body' } });
    // A small chunked body is read whole.
    const small = JSON.stringify({ lead: 'grace-hopper', types: ['b2bEmail'] });
    const ok = await postChunked(`${server.url}/v1/reveals`, { ...headers, [IDEMPOTENCY_HEADER]: randomUUID() }, [
      small.slice(0, 10),
      small.slice(10),
    ]);
    expect(ok.status).toBe(200);
    expect(RevealResponseSchema.parse(JSON.parse(ok.body)).results.b2bEmail).toMatchObject({ status: 'revealed' });
    expect((await post(JSON.stringify({ lead: 'alan-turing', types: ['phone'] }))).status).toBe(200);
  });

  it('a removed member cannot reveal, and their key records nothing', async () => {
    const member = await addMember(server.db, { workspaceId, email: `gone-${workspaceId}@example.com` });
    await removeMember(server.db, { userId: member.userId });
    const key = randomUUID();
    await expectError(
      await post(
        JSON.stringify({ lead: 'ada-lovelace', types: ['b2bEmail'] }),
        { Authorization: `Bearer ${member.apiKey}` },
        key,
      ),
      401,
      'unauthorized',
    );
    const recorded = await server.db.query('SELECT 1 FROM idempotency_keys WHERE key = $1', [key]);
    expect(recorded.rowCount).toBe(0);
  });
});
