/**
 * One delivery attempt against receivers started on 127.0.0.1. No test sends a packet anywhere
 * else: addresses the guard must refuse come from an injected resolver, and the connector used with
 * them is a spy that fails the test if it is ever called. The real connector only ever meets the
 * local receivers (with `allowLoopback`), including when a name is "resolved" by the test.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type DeliveryRequest,
  MAX_KEPT_RESPONSE_BYTES,
  type ResolvedAddress,
  type Resolver,
  deliverOnce,
} from '../../../../lambdas/deliveries/attempt.js';
import type { ConnectRequest, Connector } from '../../../../lambdas/deliveries/connector.js';
import { generateWebhookSecret, signatureHeaders } from '../../../../lambdas/webhooks/signing.js';
import { freePort } from '../../../support/ports.js';

const BODY = JSON.stringify({ type: 'webhook.test', created_at: '2025-01-01T00:00:00.000Z', data: {} });
const PUBLIC_V4 = '93.184.215.14';
const PUBLIC_V6 = '2606:2800:21f:cb07:6820:80da:af6b:8b2c';

interface Receiver {
  readonly port: number;
  readonly url: string;
  readonly requests: { headers: IncomingMessage['headers']; body: string }[];
  /** Connections accepted, whether or not a request completed on them. */
  connections: number;
}

const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

/** A receiver on 127.0.0.1 that records each request, then lets `respond` answer (or not). */
async function receiver(respond: (response: ServerResponse) => void, host = '127.0.0.1'): Promise<Receiver> {
  const requests: Receiver['requests'] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      respond(response);
    });
  });
  servers.push(server);
  const state = { connections: 0 };
  server.on('connection', () => (state.connections += 1));
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, { port, url: `http://${host}:${port}/hooks`, requests });
}

function answer(status: number, body = '', headers: Record<string, string> = {}) {
  return (response: ServerResponse) => response.writeHead(status, headers).end(body);
}

function resolverAnswering(...answers: readonly (readonly ResolvedAddress[])[]) {
  let call = 0;
  return vi.fn<Resolver>(async () => answers[Math.min(call++, answers.length - 1)] ?? []);
}

const v4 = (address: string): ResolvedAddress => ({ address, family: 4 });
const v6 = (address: string): ResolvedAddress => ({ address, family: 6 });

/** Stands in for the network where the guard must refuse: calling it fails the test. */
function connectorThatMustNotRun() {
  return vi.fn<Connector>(() => {
    throw new Error('The connector was called for an address the guard should have refused.');
  });
}

function deliver(request: Partial<DeliveryRequest> & Pick<DeliveryRequest, 'url'>) {
  return deliverOnce({ headers: {}, body: BODY, ...request });
}

describe('deliverOnce against a local receiver', () => {
  it('POSTs the signed body, which the receiver verifies with standardwebhooks, and succeeds on 2xx', async () => {
    const hooks = await receiver(answer(200, 'ok'));
    const secret = generateWebhookSecret();
    const headers = signatureHeaders({
      eventId: 'evt_1',
      timestamp: new Date(),
      body: BODY,
      secrets: [secret],
    });
    const result = await deliver({ url: hooks.url, headers: { ...headers }, allowLoopback: true });

    expect(result).toMatchObject({ outcome: 'succeeded', status: 200, responseBody: 'ok' });
    expect(result.error).toBeUndefined();
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(hooks.requests).toHaveLength(1);
    const [received] = hooks.requests;
    expect(received?.body).toBe(BODY);
    expect(received?.headers['content-type']).toBe('application/json');
    expect(received?.headers['user-agent']).toMatch(/^scopegate-webhooks\//);
    expect(received?.headers['content-length']).toBe(String(Buffer.byteLength(BODY)));
    const asReceived = { ...(received?.headers as Record<string, string>) };
    expect(new Webhook(secret).verify(received?.body ?? '', asReceived)).toEqual(JSON.parse(BODY));
    expect(JSON.stringify(result)).not.toContain(secret);
  });

  it.each([201, 202, 204, 299])('%i is success', async (status) => {
    const hooks = await receiver(answer(status));
    expect(await deliver({ url: hooks.url, allowLoopback: true })).toMatchObject({
      outcome: 'succeeded',
      status,
    });
  });

  it('connects to the checked address under the URL host name, resolving it once (Host header kept)', async () => {
    // The receiver listens on 127.0.0.2 only, and the test's resolver is the only one that says so:
    // the system (/etc/hosts) says localhost is 127.0.0.1. Reaching the receiver proves the
    // connection went to the checked answer, with no second lookup, and no DNS query leaves the machine.
    const hooks = await receiver(answer(200), '127.0.0.2');
    const resolve = resolverAnswering([v4('127.0.0.2')], [v4('10.0.0.1')]);
    const url = `http://localhost:${hooks.port}/hooks`;
    const result = await deliver({ url, resolve, allowLoopback: true });

    expect(result).toMatchObject({ outcome: 'succeeded', status: 200 });
    expect(resolve).toHaveBeenCalledTimes(1);
    expect(resolve).toHaveBeenCalledWith('localhost');
    expect(hooks.requests[0]?.headers.host).toBe(`localhost:${hooks.port}`);
  });

  it('does not follow a redirect: a 302 is a failure and its target is never contacted', async () => {
    const target = await receiver(answer(200));
    const hooks = await receiver(answer(302, '', { location: target.url }));
    const result = await deliver({ url: hooks.url, allowLoopback: true });

    expect(result).toMatchObject({
      outcome: 'failed',
      status: 302,
      error: 'HTTP 302: redirects are not followed.',
    });
    expect(hooks.requests).toHaveLength(1);
    expect(target.connections).toBe(0);
  });

  it('410 is gone', async () => {
    const hooks = await receiver(answer(410, 'endpoint removed'));
    expect(await deliver({ url: hooks.url, allowLoopback: true })).toMatchObject({
      outcome: 'gone',
      status: 410,
      responseBody: 'endpoint removed',
    });
  });

  it('500 is a failure that keeps the status and the body', async () => {
    const hooks = await receiver(answer(500, '{"error":"boom"}'));
    expect(await deliver({ url: hooks.url, allowLoopback: true })).toMatchObject({
      outcome: 'failed',
      status: 500,
      error: 'HTTP 500.',
      responseBody: '{"error":"boom"}',
    });
  });

  it('gives up on a receiver that never answers when the deadline passes', async () => {
    const hooks = await receiver(() => undefined);
    const result = await deliver({ url: hooks.url, allowLoopback: true, timeoutMs: 200 });

    expect(result).toMatchObject({ outcome: 'failed', error: 'No complete answer within 200 ms.' });
    expect(result.status).toBeUndefined();
    expect(result.durationMs).toBeGreaterThanOrEqual(190);
    expect(result.durationMs).toBeLessThan(5_000);
    expect(hooks.requests).toHaveLength(1);
  });

  it('counts the body against the deadline too: headers then a stalled body is a timeout', async () => {
    const hooks = await receiver((response) => {
      response.writeHead(200, { 'content-length': '100' });
      response.write('partial');
    });
    expect(await deliver({ url: hooks.url, allowLoopback: true, timeoutMs: 200 })).toMatchObject({
      outcome: 'failed',
      error: 'No complete answer within 200 ms.',
    });
  });

  it('counts name resolution against the deadline', async () => {
    const resolve = vi.fn<Resolver>(() => new Promise(() => undefined));
    const connect = connectorThatMustNotRun();
    const result = await deliver({ url: 'https://slow-dns.example.com/', resolve, connect, timeoutMs: 200 });
    expect(result).toMatchObject({ outcome: 'failed', error: 'No complete answer within 200 ms.' });
    expect(connect).not.toHaveBeenCalled();
  });

  it('reads at most 1 KB of an endless body, keeps it and stops reading', async () => {
    let closed!: () => void;
    const receiverSawClose = new Promise<void>((resolve) => (closed = resolve));
    const hooks = await receiver((response) => {
      response.writeHead(500, { 'content-type': 'text/plain' });
      const chunk = 'x'.repeat(16 * 1024);
      const pump = (): void => {
        while (!response.destroyed && response.write(chunk));
        if (!response.destroyed) response.once('drain', pump);
      };
      response.on('close', closed);
      pump();
    });
    const result = await deliver({ url: hooks.url, allowLoopback: true });

    expect(result).toMatchObject({ outcome: 'failed', status: 500 });
    expect(result.responseBody).toBe('x'.repeat(MAX_KEPT_RESPONSE_BYTES));
    await receiverSawClose; // the client hung up rather than downloading forever
  });

  it('drops a character cut in half at the 1 KB mark rather than garbling it', async () => {
    const hooks = await receiver(answer(400, `${'a'.repeat(MAX_KEPT_RESPONSE_BYTES - 1)}é and more`));
    const result = await deliver({ url: hooks.url, allowLoopback: true });
    expect(result.responseBody).toBe('a'.repeat(MAX_KEPT_RESPONSE_BYTES - 1));
  });

  it.each([
    ['seconds', () => '120', 120, 120],
    ['an HTTP date', () => new Date(Date.now() + 300_000).toUTCString(), 298, 301],
  ])('parses Retry-After given in %s', async (_form, header, min, max) => {
    const hooks = await receiver((response) => answer(503, '', { 'retry-after': header() })(response));
    const result = await deliver({ url: hooks.url, allowLoopback: true });
    expect(result).toMatchObject({ outcome: 'failed', status: 503 });
    expect(result.retryAfterSeconds).toBeGreaterThanOrEqual(min);
    expect(result.retryAfterSeconds).toBeLessThanOrEqual(max);
  });

  it('reports a refused connection by its code only, never the address', async () => {
    const port = await freePort();
    const result = await deliver({ url: `http://127.0.0.1:${port}/`, allowLoopback: true });
    expect(result).toEqual({
      outcome: 'failed',
      durationMs: result.durationMs,
      error: 'The connection failed (ECONNREFUSED).',
      responseBody: '',
    });
  });
});

describe('the SSRF guard in deliverOnce refuses before connecting', () => {
  it.each([
    ['a public and a private address', [v4(PUBLIC_V4), v4('10.0.0.7')], 'a private address'],
    ['a private address after a public IPv6 one', [v6(PUBLIC_V6), v4('192.168.1.1')], 'a private address'],
    ['the metadata service', [v4('169.254.169.254')], 'a link-local address'],
    ['the IPv6 metadata service', [v6('fd00:ec2::254')], 'a unique-local address'],
    ['IPv4-mapped loopback', [v6('::ffff:127.0.0.1')], 'an IPv4-mapped IPv6 address'],
    ['loopback', [v4('127.0.0.1')], 'a loopback address'],
    ['IPv6 loopback', [v6('::1')], 'a loopback address'],
    ['NAT64 to a private address', [v6('64:ff9b::a00:1')], 'a private address'],
    ['CGNAT', [v4('100.100.100.200')], 'a shared address space (CGNAT) address'],
    ['something that is not an address', [v4('0x7f.0.0.1')], 'something that is not an IP address'],
  ])('a host resolving to %s', async (_case, addresses, phrase) => {
    const resolve = resolverAnswering(addresses);
    const connect = connectorThatMustNotRun();
    const result = await deliver({ url: 'https://hooks.example.com/in', resolve, connect });

    expect(result).toMatchObject({
      outcome: 'refused',
      error: `The webhook's host resolves to ${phrase}; deliveries go only to public addresses.`,
    });
    expect(result.status).toBeUndefined();
    expect(connect).not.toHaveBeenCalled();
    expect(resolve).toHaveBeenCalledTimes(1);
    for (const { address } of addresses) expect(result.error).not.toContain(address);
  });

  it.each([
    ['an integer IPv4 host', 'https://2130706433/', 'must not point to a loopback address'],
    ['a hex IPv4 host', 'https://0x7f.1/', 'must not point to a loopback address'],
    ['an octal IPv4 host', 'https://017700000001/', 'must not point to a loopback address'],
    ['an IPv6 literal', 'https://[fe80::1]/', 'must not point to a link-local address'],
    ['the metadata service', 'https://169.254.169.254/latest/', 'must not point to a link-local address'],
    ['credentials', 'https://u:p@hooks.example.com/', 'must not contain credentials'],
    ['plain http, deployed', 'http://hooks.example.com/', 'must use https'],
  ])('a stored URL with %s (checked again on every attempt)', async (_case, url, reason) => {
    const resolve = resolverAnswering([v4(PUBLIC_V4)]);
    const connect = connectorThatMustNotRun();
    const result = await deliver({ url, resolve, connect });
    expect(result).toMatchObject({ outcome: 'refused', error: `The webhook URL ${reason}.` });
    expect(resolve).not.toHaveBeenCalled();
    expect(connect).not.toHaveBeenCalled();
  });

  it('IPv4-mapped loopback stays refused with allowLoopback off, and is allowed with it on', async () => {
    const connect = vi.fn<Connector>(async () => ({
      status: 204,
      retryAfter: undefined,
      body: Buffer.alloc(0),
    }));
    const mapped = [v6('::ffff:127.0.0.1')];
    const off = await deliver({
      url: 'https://hooks.example.com/',
      resolve: resolverAnswering(mapped),
      connect,
    });
    expect(off.outcome).toBe('refused');
    expect(connect).not.toHaveBeenCalled();
    const on = await deliver({
      url: 'https://hooks.example.com/',
      resolve: resolverAnswering(mapped),
      connect,
      allowLoopback: true,
    });
    expect(on.outcome).toBe('succeeded');
    expect(connect.mock.calls[0]?.[0].addresses).toEqual([{ address: '::ffff:7f00:1', family: 6 }]);
  });

  it('DNS rebinding gets nowhere: one lookup, and the connector is handed the checked address', async () => {
    const resolve = resolverAnswering([v4(PUBLIC_V4)], [v4('169.254.169.254')], [v4('10.0.0.1')]);
    const seen: ConnectRequest[] = [];
    const connect = vi.fn<Connector>(async (request) => {
      seen.push(request);
      return { status: 200, retryAfter: undefined, body: Buffer.from('ok') };
    });
    const result = await deliver({ url: 'https://rebind.example.com/in', resolve, connect });

    expect(result.outcome).toBe('succeeded');
    expect(resolve).toHaveBeenCalledTimes(1);
    expect(connect).toHaveBeenCalledTimes(1);
    expect(seen[0]?.addresses).toEqual([{ address: PUBLIC_V4, family: 4 }]);
    expect(seen[0]?.url.hostname).toBe('rebind.example.com');
  });

  it('hands the connector every checked address, re-printed canonically, and never trusts the reported family', async () => {
    const resolve = resolverAnswering([
      { address: '2606:2800:021f:cb07:6820:80da:af6b:8b2c', family: 4 },
      { address: PUBLIC_V4, family: 6 },
    ]);
    const connect = vi.fn<Connector>(async () => ({
      status: 200,
      retryAfter: undefined,
      body: Buffer.alloc(0),
    }));
    await deliver({ url: 'https://hooks.example.com/', resolve, connect });
    expect(connect.mock.calls[0]?.[0].addresses).toEqual([
      { address: PUBLIC_V6, family: 6 },
      { address: PUBLIC_V4, family: 4 },
    ]);
  });

  it('does not resolve an IP literal: the literal is what gets checked and connected to', async () => {
    const resolve = resolverAnswering([v4('10.0.0.1')]);
    const connect = vi.fn<Connector>(async () => ({
      status: 200,
      retryAfter: undefined,
      body: Buffer.alloc(0),
    }));
    await deliver({ url: `https://${PUBLIC_V4}/in`, resolve, connect });
    await deliver({ url: `https://[${PUBLIC_V6}]/in`, resolve, connect });
    expect(resolve).not.toHaveBeenCalled();
    expect(connect.mock.calls.map(([request]) => request.addresses)).toEqual([
      [{ address: PUBLIC_V4, family: 4 }],
      [{ address: PUBLIC_V6, family: 6 }],
    ]);
  });

  it.each([
    ['a name with no address', resolverAnswering([]), 'The host name has no address.'],
    [
      'a name that does not exist',
      vi.fn<Resolver>(async () => {
        throw Object.assign(new Error('getaddrinfo ENOTFOUND hooks.example.com'), { code: 'ENOTFOUND' });
      }),
      'The host name could not be resolved (ENOTFOUND).',
    ],
  ])('fails on %s without connecting', async (_case, resolve, error) => {
    const connect = connectorThatMustNotRun();
    expect(await deliver({ url: 'https://hooks.example.com/', resolve, connect })).toMatchObject({
      outcome: 'failed',
      error,
    });
    expect(connect).not.toHaveBeenCalled();
  });

  it('keeps only 1 KB even from a connector that returns more', async () => {
    const connect = vi.fn<Connector>(async () => ({
      status: 500,
      retryAfter: undefined,
      body: Buffer.alloc(5000, 'y'),
    }));
    const result = await deliver({
      url: 'https://hooks.example.com/',
      resolve: resolverAnswering([v4(PUBLIC_V4)]),
      connect,
    });
    expect(result.responseBody).toBe('y'.repeat(MAX_KEPT_RESPONSE_BYTES));
  });
});
