/**
 * The local gateway's 10 MB limit over real sockets: a client still writing a 12 MB body gets the
 * 413 payload_too_large body, never a connection reset (EPIPE / ECONNRESET), every time. The gateway
 * answers before any authorizer or service, so none is needed here.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICES } from '../../../lambdas/api/routes.js';
import {
  MAX_DISCARD_BYTES,
  MAX_PAYLOAD_BYTES,
  type RunningGateway,
  startGateway,
} from '../../../local/gateway.js';

let gateway: RunningGateway;
beforeAll(async () => {
  const never = () => Promise.reject(new Error('the gateway must answer a body over 10 MB itself'));
  gateway = await startGateway(
    { authorizer: never, services: Object.fromEntries(SERVICES.map((service) => [service, never])) as never },
    { host: '127.0.0.1', port: 0 },
  );
});
afterAll(async () => {
  await gateway?.close();
});

interface Outcome {
  readonly status?: number;
  readonly body?: string;
  readonly error?: string;
}

/**
 * POSTs `size` bytes in chunks of `chunk`, yielding to the event loop between chunks (a slow-ish
 * writer that is still writing when the gateway decides), with or without a content-length.
 */
function post(size: number, options: { chunk: number; declared: boolean }): Promise<Outcome> {
  return new Promise((resolve) => {
    const url = new URL('/v1/emails', gateway.url);
    const outgoing = request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: 'Bearer sk_test_x',
        ...(options.declared ? { 'content-length': String(size) } : {}),
      },
    });
    outgoing.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    outgoing.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (data: Buffer) => chunks.push(data));
      response.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
      response.on('end', () =>
        resolve({ status: response.statusCode, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    const piece = Buffer.alloc(options.chunk, 0x78);
    let sent = 0;
    const writeMore = (): void => {
      while (sent < size) {
        const length = Math.min(options.chunk, size - sent);
        sent += length;
        const more = outgoing.write(length === piece.length ? piece : piece.subarray(0, length));
        if (!more) {
          outgoing.once('drain', writeMore);
          return;
        }
        if (sent % (options.chunk * 8) === 0) {
          setImmediate(writeMore);
          return;
        }
      }
      outgoing.end();
    };
    writeMore();
  });
}

const TOO_LARGE = JSON.stringify({
  statusCode: 413,
  name: 'validation_error',
  message: 'The request body is larger than 10 MB.',
  error_code: 'payload_too_large',
});
const TWELVE_MB = 12 * 1024 * 1024;

describe('a body over 10 MB', () => {
  it.each([
    ['with a content-length', true],
    ['chunked, without a content-length', false],
  ])('12 MB %s gets 413 payload_too_large 20 times out of 20, never a reset', async (_name, declared) => {
    const outcomes: Outcome[] = [];
    for (let attempt = 0; attempt < 20; attempt++)
      outcomes.push(await post(TWELVE_MB, { chunk: 64 * 1024, declared }));
    expect(outcomes).toEqual(Array.from({ length: 20 }, () => ({ status: 413, body: TOO_LARGE })));
  });

  it('is read and discarded only up to a bound: the gateway stops reading a body past it', async () => {
    expect(MAX_DISCARD_BYTES).toBeGreaterThan(2 * MAX_PAYLOAD_BYTES);
    const outcome = await post(MAX_DISCARD_BYTES + 8 * 1024 * 1024, { chunk: 256 * 1024, declared: false });
    // Past the bound the gateway answers and closes; the client may see the answer or a reset, never a hang.
    expect(outcome.status === 413 || outcome.error !== undefined).toBe(true);
  });

  it('a body of exactly 10 MB is not refused as too large', async () => {
    const outcome = await post(MAX_PAYLOAD_BYTES, { chunk: 64 * 1024, declared: true });
    expect(outcome.status).not.toBe(413);
  });
});
