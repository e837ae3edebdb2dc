/**
 * Every SDK client gets its bounds from one place (lambdas/aws/sdk-client-bounds.ts), shown here on
 * SQS (the request path's clients have their own fault tests): a server that never answers ends
 * the call by the request timeout, a throttled one is retried up to maxAttempts, and the deadline
 * ends a call whose attempts would otherwise outlast it.
 */
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CallBounds, DeadlineExceededError } from '../../../../lambdas/aws/call-bounds.js';
import { sdkClientBounds, withDeadline } from '../../../../lambdas/aws/sdk-client-bounds.js';
import { type FaultServer, startFaultServer } from '../../../support/fault-server.js';

const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
/** Timer and scheduling slack on a loaded two-core machine. */
const SLACK_MS = 400;

let server: FaultServer;
beforeAll(async () => {
  server = await startFaultServer('application/x-amz-json-1.0');
});
afterEach(() => server.reset());
afterAll(() => server.stop());

function sqsClient(bounds: CallBounds): SQSClient {
  return withDeadline(
    new SQSClient({
      endpoint: server.endpoint.href,
      region: 'us-east-1',
      credentials: CREDENTIALS,
      ...sdkClientBounds(bounds),
    }),
    bounds,
  );
}

async function timed(call: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  return { error, ms: performance.now() - started };
}

describe('SDK clients off the request path', () => {
  it('a silent server ends one attempt by the request timeout, and maxAttempts bounds the retries', async () => {
    const bounds = { connectionTimeoutMs: 200, requestTimeoutMs: 300, maxAttempts: 2, deadlineMs: 5000 };
    server.script = ['silence', 'silence'];
    const client = sqsClient(bounds);
    const { error, ms } = await timed(client.send(new GetQueueUrlCommand({ QueueName: 'jobs' })));
    client.destroy();
    expect(error).toBeInstanceOf(Error);
    expect(server.received).toHaveLength(2);
    expect(ms).toBeGreaterThanOrEqual(2 * bounds.requestTimeoutMs - 50);
    expect(ms).toBeLessThan(bounds.deadlineMs);
  });

  it('the deadline ends a call whose attempts would outlast it', async () => {
    const bounds = { connectionTimeoutMs: 200, requestTimeoutMs: 2000, maxAttempts: 3, deadlineMs: 500 };
    server.script = ['silence', 'silence', 'silence'];
    const client = sqsClient(bounds);
    const { error, ms } = await timed(client.send(new GetQueueUrlCommand({ QueueName: 'jobs' })));
    client.destroy();
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(ms).toBeGreaterThanOrEqual(bounds.deadlineMs - 50);
    expect(ms).toBeLessThan(bounds.deadlineMs + SLACK_MS);
  });
});
