/**
 * Export to a CRM (R5): a real HTTP receiver on 127.0.0.1 gets each lead once, signed, and
 * the results say per lead what happened. Waits between retries are recorded, not slept.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PoolLead } from '../../../shared/api.ts';
import {
  deliverToWebhook,
  parseRetryAfter,
  verifyWebhookSignature,
  type DeliverToWebhookOptions,
  type WebhookPayload,
} from '../../../entrypoints/background/webhook.ts';

const SECRET = 'whsec_test_5f2c';
const NOW = Date.parse('2026-11-27T20:00:00Z');

interface Received {
  lead: string;
  deliveryId: string;
  event: string | undefined;
  timestamp: string;
  signature: string | undefined;
  signatureValid: boolean;
  contentType: string | undefined;
  payload: WebhookPayload;
}

/** What the receiver answers for a lead's nth request (1-based); 200 by default. */
type Plan = (lead: string, attempt: number) => { status: number; headers?: Record<string, string> } | 'hang';

class Receiver {
  readonly received: Received[] = [];
  plan: Plan = () => ({ status: 200 });
  inFlight = 0;
  maxInFlight = 0;
  /** Delays every answer, so that requests overlap. */
  delayMs = 0;
  private server: Server;
  private hanging: ServerResponse[] = [];

  constructor() {
    this.server = createServer((request, response) => void this.handle(request, response));
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/leadlens`;
  }

  async stop(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Requests received per lead; the receiver counts a lead once per delivery id. */
  attemptsOf(lead: string): number {
    return this.received.filter((entry) => entry.lead === lead).length;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const payload = JSON.parse(body) as WebhookPayload;
    const timestamp = String(request.headers['x-leadlens-timestamp']);
    const signature = request.headers['x-leadlens-signature'] as string | undefined;
    this.received.push({
      lead: payload.lead.slug,
      deliveryId: String(request.headers['x-leadlens-delivery']),
      event: request.headers['x-leadlens-event'] as string | undefined,
      timestamp,
      signature,
      signatureValid: await verifyWebhookSignature(SECRET, timestamp, body, signature, { now: NOW }),
      contentType: request.headers['content-type'],
      payload,
    });
    const answer = this.plan(payload.lead.slug, this.attemptsOf(payload.lead.slug));
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    this.inFlight -= 1;
    if (answer === 'hang') {
      this.hanging.push(response);
      return;
    }
    response.writeHead(answer.status, { 'Content-Type': 'text/plain', ...answer.headers });
    response.end(answer.status < 300 ? 'ok' : 'no');
  }
}

function lead(slug: string, name: string | null = 'Ada Lovelace'): PoolLead {
  return {
    lead: slug,
    name,
    headline: 'Mathematician',
    company: 'Analytical Engines',
    location: 'London, United Kingdom',
    revealedAt: '2026-11-20T08:00:00.000Z',
    lastRevealedAt: '2026-11-20T08:00:00.000Z',
    values: {
      b2bEmail: [{ value: `${slug}@engines.example`, verifiedAt: null }],
      phone: [
        { value: '+44 7700 900123', phoneKind: 'mobile', verifiedAt: null },
        { value: '+44 20 7946 0958', verifiedAt: null },
      ],
      directEmail: [],
    },
    exports: 1,
    lastExportedAt: '2026-11-27T20:00:00.000Z',
  };
}

let receiver: Receiver;
let url: string;
let sleeps: number[];

beforeEach(async () => {
  receiver = new Receiver();
  url = await receiver.start();
  sleeps = [];
});

afterEach(async () => {
  await receiver.stop();
});

function deliver(rows: PoolLead[], overrides: Partial<DeliverToWebhookOptions> = {}) {
  return deliverToWebhook({
    url,
    secret: SECRET,
    rows,
    exportId: 'exp_01',
    exportedAt: '2026-11-27T20:00:00.000Z',
    fetch: (input, init) => fetch(input, init),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    now: () => NOW,
    random: () => 0.5,
    ...overrides,
  });
}

describe('deliverToWebhook', () => {
  it('POSTs each lead once as signed JSON and reports every delivery, in row order', async () => {
    const rows = [lead('ada-lovelace'), lead('jérôme-dupont', 'Jérôme « 👩‍💻 » Dupont'), lead('grace-hopper', null)];
    const deliveries = await deliver(rows);

    expect(deliveries).toEqual([
      { lead: 'ada-lovelace', status: 'delivered', attempts: 1 },
      { lead: 'jérôme-dupont', status: 'delivered', attempts: 1 },
      { lead: 'grace-hopper', status: 'delivered', attempts: 1 },
    ]);
    expect(receiver.received.map((entry) => entry.lead).sort()).toEqual(rows.map((row) => row.lead).sort());
    for (const entry of receiver.received) {
      expect(entry.signatureValid).toBe(true);
      expect(entry.signature).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect(entry.event).toBe('lead.exported');
      expect(entry.contentType).toBe('application/json');
      expect(entry.timestamp).toBe(String(NOW / 1000));
      expect(entry.deliveryId).toMatch(/^[0-9a-f]{32}$/);
    }
    expect(new Set(receiver.received.map((entry) => entry.deliveryId)).size).toBe(3);
    expect(sleeps).toEqual([]);

    const jerome = receiver.received.find((entry) => entry.lead === 'jérôme-dupont')?.payload;
    expect(jerome).toEqual({
      event: 'lead.exported',
      exportId: 'exp_01',
      exportedAt: '2026-11-27T20:00:00.000Z',
      lead: {
        slug: 'jérôme-dupont',
        profileUrl: 'https://www.linkedin.com/in/j%C3%A9r%C3%B4me-dupont/',
        name: 'Jérôme « 👩‍💻 » Dupont',
        headline: 'Mathematician',
        company: 'Analytical Engines',
        location: 'London, United Kingdom',
        emails: ['jérôme-dupont@engines.example'],
        phones: [
          { number: '+44 7700 900123', kind: 'mobile' },
          { number: '+44 20 7946 0958', kind: null },
        ],
        personalEmails: [],
      },
    });
  });

  it('retries a 503 with backoff and delivers each lead once', async () => {
    receiver.plan = (slug, attempt) => (slug !== 'b' && attempt === 1 ? { status: 503 } : { status: 200 });
    const deliveries = await deliver([lead('a'), lead('b'), lead('c')], { concurrency: 1 });

    expect(deliveries.map((delivery) => [delivery.lead, delivery.status, delivery.attempts])).toEqual([
      ['a', 'delivered', 2],
      ['b', 'delivered', 1],
      ['c', 'delivered', 2],
    ]);
    // Accepted once each: one 2xx per lead.
    expect(receiver.attemptsOf('a')).toBe(2);
    expect(receiver.attemptsOf('b')).toBe(1);
    expect(receiver.attemptsOf('c')).toBe(2);
    // The same delivery id on the retry, so a receiver can drop a duplicate.
    const ids = receiver.received.filter((entry) => entry.lead === 'a').map((entry) => entry.deliveryId);
    expect(new Set(ids).size).toBe(1);
    // The first retry waits 0.5 s (random 0.5: the middle of the jitter).
    expect(sleeps).toEqual([500, 500]);
    expect(receiver.received.every((entry) => entry.signatureValid)).toBe(true);
  });

  it('does not retry a 400: the lead is reported failed with the status and a reason', async () => {
    receiver.plan = (slug) => (slug === 'refused' ? { status: 400 } : { status: 204 });
    const deliveries = await deliver([lead('ok-1'), lead('refused'), lead('ok-2')]);

    expect(deliveries[1]).toEqual({
      lead: 'refused',
      status: 'failed',
      attempts: 1,
      httpStatus: 400,
      error: "the webhook refused the lead with HTTP 400; check the receiver's logs",
    });
    expect(receiver.attemptsOf('refused')).toBe(1);
    expect(deliveries.filter((delivery) => delivery.status === 'delivered')).toHaveLength(2);
    expect(sleeps).toEqual([]);
  });

  it('gives up after maxAttempts on a receiver that keeps failing, waiting longer each time', async () => {
    receiver.plan = () => ({ status: 500 });
    const [delivery] = await deliver([lead('a')]);

    expect(delivery).toEqual({
      lead: 'a',
      status: 'failed',
      attempts: 4,
      httpStatus: 500,
      error: 'the webhook answered HTTP 500',
    });
    expect(receiver.attemptsOf('a')).toBe(4);
    expect(sleeps).toEqual([500, 1000, 2000]);
  });

  it('spreads the waits with jitter between 75% and 125% of the backoff', async () => {
    receiver.plan = () => ({ status: 502 });
    await deliver([lead('a')], { random: () => 0, maxAttempts: 3 });
    await deliver([lead('b')], { random: () => 0.999, maxAttempts: 3 });
    expect(sleeps).toEqual([375, 750, 625, 1250]);
  });

  it("honours a 429's Retry-After, up to the cap", async () => {
    receiver.plan = (slug, attempt) =>
      attempt === 1 ? { status: 429, headers: { 'Retry-After': slug === 'soon' ? '7' : '3600' } } : { status: 200 };
    const deliveries = await deliver([lead('soon'), lead('late')], { concurrency: 1 });
    expect(deliveries.map((delivery) => delivery.status)).toEqual(['delivered', 'delivered']);
    expect(sleeps).toEqual([7000, 30_000]);
  });

  it('reports a receiver that is down, after every attempt, with a clear reason', async () => {
    await receiver.stop();
    const [delivery] = await deliver([lead('a')], { maxAttempts: 3 });
    receiver = new Receiver();
    url = await receiver.start();

    expect(delivery?.status).toBe('failed');
    expect(delivery?.attempts).toBe(3);
    expect(delivery?.httpStatus).toBeUndefined();
    expect(delivery?.error).toMatch(
      /^could not reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\); check the receiver is running$/,
    );
    expect(sleeps).toEqual([500, 1000]);
  });

  it('gives up on an attempt that gets no answer within the timeout, and tries again', async () => {
    receiver.plan = (_slug, attempt) => (attempt === 1 ? 'hang' : { status: 200 });
    const [delivery] = await deliver([lead('a')], { timeoutMs: 300 });
    expect(delivery).toEqual({ lead: 'a', status: 'delivered', attempts: 2 });

    receiver.plan = () => 'hang';
    const [lost] = await deliver([lead('b')], { timeoutMs: 300, maxAttempts: 2 });
    expect(lost).toMatchObject({ status: 'failed', attempts: 2, error: 'no answer within 0.3 s' });
  });

  it('does not follow a redirect (a POST would arrive as a GET) and says what to do', async () => {
    receiver.plan = () => ({ status: 307, headers: { Location: 'http://127.0.0.1:1/elsewhere' } });
    const [delivery] = await deliver([lead('a')]);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 1, httpStatus: 307 });
    expect(delivery?.error).toContain('enter the final address');
  });

  it('sends no signature without a secret', async () => {
    await deliver([lead('a')], { secret: '' });
    await deliver([lead('b')], { secret: null });
    expect(receiver.received.map((entry) => entry.signature)).toEqual([undefined, undefined]);
  });

  it('keeps the delivery id of a lead across runs of one export, and changes it with the export', async () => {
    await deliver([lead('a'), lead('b')]);
    await deliver([lead('a'), lead('b')]);
    await deliver([lead('a')], { exportId: 'exp_02' });
    const idsOf = (slug: string) =>
      receiver.received.filter((entry) => entry.lead === slug).map((entry) => entry.deliveryId);
    const [first, again, other] = idsOf('a');
    expect(again).toBe(first);
    expect(other).not.toBe(first);
    expect(idsOf('b')[0]).not.toBe(first);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    receiver.delayMs = 30;
    const rows = Array.from({ length: 12 }, (_, index) => lead(`lead-${index}`));
    const deliveries = await deliver(rows, { concurrency: 3 });
    expect(deliveries.map((delivery) => delivery.lead)).toEqual(rows.map((row) => row.lead));
    expect(deliveries.every((delivery) => delivery.status === 'delivered')).toBe(true);
    expect(receiver.maxInFlight).toBe(3);
  });

  it('refuses an address that is not http(s) without sending anything', async () => {
    const deliveries = await deliver([lead('a'), lead('b')], { url: 'ftp://example.com/hook' });
    expect(deliveries).toEqual([
      { lead: 'a', status: 'failed', attempts: 0, error: expect.stringContaining('not an http(s) address') },
      { lead: 'b', status: 'failed', attempts: 0, error: expect.stringContaining('not an http(s) address') },
    ]);
    expect(await deliver([lead('c')], { url: 'not a url' })).toMatchObject([{ status: 'failed', attempts: 0 }]);
    expect(receiver.received).toEqual([]);
  });

  it('answers an empty list for no rows', async () => {
    expect(await deliver([])).toEqual([]);
  });
});

describe('verifyWebhookSignature', () => {
  const body = JSON.stringify({ event: 'lead.exported', lead: { slug: 'ada' } });
  const timestamp = String(NOW / 1000);

  async function sign(secret: string, data: string): Promise<string> {
    const key = await crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(data));
    return `sha256=${Buffer.from(mac).toString('hex')}`;
  }

  it('accepts the HMAC-SHA256 of "<timestamp>.<body>" and refuses anything else', async () => {
    const header = await sign(SECRET, `${timestamp}.${body}`);
    expect(await verifyWebhookSignature(SECRET, timestamp, body, header)).toBe(true);
    expect(
      await verifyWebhookSignature(SECRET, timestamp, body, header.toUpperCase().replace('SHA256', 'sha256')),
    ).toBe(true);
    expect(await verifyWebhookSignature('other secret', timestamp, body, header)).toBe(false);
    expect(await verifyWebhookSignature(SECRET, timestamp, `${body} `, header)).toBe(false);
    expect(await verifyWebhookSignature(SECRET, String(NOW / 1000 + 1), body, header)).toBe(false);
    expect(await verifyWebhookSignature(SECRET, timestamp, body, await sign(SECRET, body))).toBe(false);
    expect(await verifyWebhookSignature(SECRET, timestamp, body, undefined)).toBe(false);
    expect(await verifyWebhookSignature(SECRET, timestamp, body, 'sha256=zz')).toBe(false);
    expect(await verifyWebhookSignature(SECRET, 'soon', body, header)).toBe(false);
  });

  it('refuses a timestamp further than the tolerance from now, when given now', async () => {
    const header = await sign(SECRET, `${timestamp}.${body}`);
    expect(await verifyWebhookSignature(SECRET, timestamp, body, header, { now: NOW + 299_000 })).toBe(true);
    expect(await verifyWebhookSignature(SECRET, timestamp, body, header, { now: NOW + 301_000 })).toBe(false);
    expect(
      await verifyWebhookSignature(SECRET, timestamp, body, header, { now: NOW + 3_600_000, toleranceSeconds: 7200 }),
    ).toBe(true);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, and nothing else', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter(new Date(NOW + 5000).toUTCString(), NOW)).toBe(5000);
    expect(parseRetryAfter(new Date(NOW - 5000).toUTCString(), NOW)).toBe(0);
    expect(parseRetryAfter('soon', NOW)).toBeNull();
    expect(parseRetryAfter(null, NOW)).toBeNull();
  });
});
