/**
 * The services' DynamoDB client (lib-dynamodb's DocumentClient built by createDocumentClient, with
 * the call bounds) against
 * a fake DynamoDB at the HTTP level: the server answers each request from a script — an error
 * status, a throttle, silence, silence after the headers, a connection closed before or during the
 * answer. What is retried (once, the SDK's standard mode), what is not, what each failure
 * is called when it reaches the caller, and that every call ends within its deadline. The
 * authorizer's GetItem over the same client is in authorizer-faults.test.ts.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cancellationCodes } from '../../../../lambdas/aws/conflicts.js';
import type { CallBounds } from '../../../../lambdas/aws/call-bounds.js';
import { isConditionalCheckFailure } from '../../../../lambdas/aws/dynamo-errors.js';
import { isUpstreamUnavailable } from '../../../../lambdas/aws/upstream-errors.js';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, type Documents } from '../../../../lambdas/aws/aws-clients.js';
import type { ClientOverrides } from '../../../../lambdas/aws/sdk-client-bounds.js';
import { type FaultServer, type FaultStep, startFaultServer } from '../../../support/fault-server.js';

const BOUNDS: CallBounds = {
  connectionTimeoutMs: 200,
  requestTimeoutMs: 300,
  maxAttempts: 2,
  deadlineMs: 700,
};
/** Timer and scheduling slack on a loaded two-core machine. */
const SLACK_MS = 400;

type Step = FaultStep;

let faults: FaultServer;
let endpoint: URL;
let documents: Documents | undefined;

beforeAll(async () => {
  faults = await startFaultServer('application/x-amz-json-1.0');
  endpoint = faults.endpoint;
});

afterEach(() => {
  vi.restoreAllMocks();
  documents?.destroy();
  faults.reset();
});

afterAll(async () => {
  await faults.stop();
});

const CREDENTIALS = { accessKeyId: 'AKIDFAULTS', secretAccessKey: 'secret', sessionToken: 'token' };

function client(bounds: CallBounds = BOUNDS, credentials: ClientOverrides['credentials'] = CREDENTIALS) {
  // The SDK draws its retry jitter from Math.random: no wait here, so the timings are the bounds'.
  vi.spyOn(Math, 'random').mockReturnValue(0);
  documents = createDocumentClient({ endpoint: endpoint.href, region: 'eu-west-1', credentials }, bounds);
  return documents;
}

const ok = (body: unknown): Step => ({ status: 200, body: JSON.stringify(body) });
const dynamoError = (status: number, type: string, members: Record<string, unknown> = {}): Step => ({
  status,
  body: JSON.stringify({
    __type: `com.amazonaws.dynamodb.v20120810#${type}`,
    message: `${type}!`,
    ...members,
  }),
});

const update = () =>
  new UpdateCommand({
    TableName: 'Data',
    Key: { pk: 'RATE#k', sk: 'RATE' },
    UpdateExpression: 'ADD hits :one',
    ExpressionAttributeValues: { ':one': 1 },
    ReturnValues: 'ALL_NEW',
  });
const UPDATED = ok({ Attributes: { pk: { S: 'RATE#k' }, sk: { S: 'RATE' }, hits: { N: '3' } } });

/** The call's outcome (its error's name, or 'ok'), how long it took, and how many requests were made. */
async function run(send: () => Promise<unknown>) {
  const startedAt = performance.now();
  const outcome = await send().then(
    () => 'ok',
    (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
  );
  return { outcome, elapsedMs: performance.now() - startedAt, requests: faults.received.length };
}

describe('retried once, then answered', () => {
  it.each<[string, Step]>([
    ['a 500', dynamoError(500, 'InternalServerError')],
    ['a 503 page that is not JSON', { status: 503, body: '<html>busy</html>' }],
    ['a throttle', dynamoError(400, 'ThrottlingException')],
    ['ProvisionedThroughputExceededException', dynamoError(400, 'ProvisionedThroughputExceededException')],
    ['a connection closed without an answer', 'close'],
    ['a connection closed in the middle of the body', 'close-mid-body'],
    ['silence (the attempt timeout)', 'silence'],
    ['silence after the headers (the attempt timeout covers the body)', 'silence-after-headers'],
  ])('after %s', async (_fault, first) => {
    faults.script = [first, UPDATED];
    const output = await client().send(update());
    expect(output.Attributes).toEqual({ pk: 'RATE#k', sk: 'RATE', hits: 3 });
    expect(output.$metadata).toMatchObject({ httpStatusCode: 200, attempts: 2 });
    expect(faults.received).toHaveLength(2);
    expect(faults.received[1]?.body).toEqual(faults.received[0]?.body);
  });
});

describe('failures that reach the caller, named as the SDK names them', () => {
  it.each<[string, Step[], Record<string, unknown>]>([
    [
      'throttled twice',
      Array(2).fill(dynamoError(400, 'ThrottlingException')),
      { name: 'ThrottlingException' },
    ],
    [
      'a 500 twice',
      Array(2).fill(dynamoError(500, 'InternalServerError')),
      { name: 'InternalServerError', $fault: 'server' },
    ],
    ['closed twice', ['close', 'close'], { code: 'ECONNRESET' }],
    ['silence twice (two attempt timeouts)', ['silence', 'silence'], { name: 'TimeoutError' }],
  ])('%s → %j, answered 503 by the services', async (_fault, steps, shape) => {
    faults.script = [...steps];
    const { outcome, requests } = await run(() => client().send(update()));
    expect(outcome).toMatchObject(shape);
    expect(isUpstreamUnavailable(outcome)).toBe(true);
    expect(requests).toBe(2);
  });

  it('silence ends at the deadline however many attempts are left, as a TimeoutError', async () => {
    faults.script = ['silence', 'silence'];
    const bounds = { ...BOUNDS, deadlineMs: 450 };
    const { outcome, elapsedMs, requests } = await run(() => client(bounds).send(update()));
    expect(outcome).toMatchObject({ name: 'TimeoutError', message: 'no answer within the 450 ms deadline' });
    expect(isUpstreamUnavailable(outcome)).toBe(true);
    expect(elapsedMs).toBeGreaterThanOrEqual(bounds.deadlineMs - 5);
    expect(elapsedMs).toBeLessThan(bounds.deadlineMs + SLACK_MS);
    expect(requests).toBe(2);
  });

  it('the deadline stops the retry loop: no attempt starts after the caller was told it failed', async () => {
    // A throttle, then a backoff of 0.9 × 1 s: the deadline passes during the wait.
    faults.script = [dynamoError(400, 'ThrottlingException'), UPDATED];
    const documents = client({ ...BOUNDS, deadlineMs: 300 });
    vi.spyOn(Math, 'random').mockReturnValue(0.9);
    const { outcome, requests } = await run(() => documents.send(update()));
    expect(outcome).toMatchObject({ name: 'TimeoutError', message: 'no answer within the 300 ms deadline' });
    expect(requests).toBe(1);
    // Past the moment the backoff would have ended: the aborted call sent nothing more.
    await new Promise((resolve) => setTimeout(resolve, 900 + SLACK_MS));
    expect(faults.received).toHaveLength(1);
  });

  it.each<[string, Step]>([
    ['ValidationException', dynamoError(400, 'ValidationException')],
    ['AccessDeniedException', dynamoError(400, 'AccessDeniedException')],
    ['ResourceNotFoundException', dynamoError(400, 'ResourceNotFoundException')],
  ])('%s is not retried, and is not an outage', async (name, step) => {
    faults.script = [step];
    const { outcome, requests } = await run(() => client().send(update()));
    expect(outcome).toMatchObject({ name, $fault: 'client', $metadata: { httpStatusCode: 400 } });
    expect(isUpstreamUnavailable(outcome)).toBe(false);
    expect(requests).toBe(1);
  });

  it('a refused condition is not retried and is recognised by name', async () => {
    faults.script = [dynamoError(400, 'ConditionalCheckFailedException')];
    const { outcome, requests } = await run(() => client().send(update()));
    expect(isConditionalCheckFailure(outcome)).toBe(true);
    expect(requests).toBe(1);
  });

  it('a cancelled transaction carries its reasons, as lambdas/aws/conflicts.ts reads them', async () => {
    faults.script = [
      dynamoError(400, 'TransactionCanceledException', {
        CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed', Message: 'taken' }],
      }),
    ];
    const { outcome, requests } = await run(() =>
      client().send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: 'Data', Item: { pk: 'a', sk: 'b' } } },
            {
              Put: {
                TableName: 'Data',
                Item: { pk: 'c', sk: 'd' },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      ),
    );
    expect(outcome).toMatchObject({ name: 'TransactionCanceledException' });
    expect(cancellationCodes(outcome)).toEqual(['None', 'ConditionalCheckFailed']);
    expect(requests).toBe(1);
  });

  it('a 200 whose body is not JSON is a failure, not retried', async () => {
    faults.script = [{ status: 200, body: '{"Items":[' }];
    const { outcome, requests } = await run(() =>
      client().send(
        new QueryCommand({
          TableName: 'Data',
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': 'p' },
        }),
      ),
    );
    expect(outcome).toBeInstanceOf(SyntaxError);
    expect(requests).toBe(1);
  });

  it('a credential source that never answers is bounded by the deadline too, and nothing is sent', async () => {
    documents = client(BOUNDS, () => new Promise(() => undefined));
    const { outcome, elapsedMs, requests } = await run(() =>
      (documents as Documents).send(new GetCommand({ TableName: 'Data', Key: { pk: 'a', sk: 'b' } })),
    );
    expect(outcome).toMatchObject({
      name: 'TimeoutError',
      message: `no answer within the ${BOUNDS.deadlineMs} ms deadline`,
    });
    expect(elapsedMs).toBeLessThan(BOUNDS.deadlineMs + SLACK_MS);
    expect(requests).toBe(0);
  });

  it('missing credentials fail the call without a request', async () => {
    documents = client(BOUNDS, () => Promise.reject(new Error('no AWS credentials in the environment')));
    const { outcome, requests } = await run(() =>
      (documents as Documents).send(new GetCommand({ TableName: 'Data', Key: { pk: 'a', sk: 'b' } })),
    );
    expect(outcome).toMatchObject({ message: 'no AWS credentials in the environment' });
    expect(requests).toBe(0);
  });
});

describe('the requests', () => {
  it('name the operation, carry marshalled values, are signed with the session token', async () => {
    faults.script = [UPDATED];
    await client().send(update());
    const [request] = faults.received;
    expect(request?.headers).toMatchObject({
      'x-amz-target': 'DynamoDB_20120810.UpdateItem',
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-security-token': 'token',
    });
    expect(String(request?.headers.authorization)).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDFAULTS\/\d{8}\/eu-west-1\/dynamodb\/aws4_request, SignedHeaders=.*x-amz-target.*, Signature=[0-9a-f]{64}$/,
    );
    expect(request?.body).toEqual({
      TableName: 'Data',
      Key: { pk: { S: 'RATE#k' }, sk: { S: 'RATE' } },
      UpdateExpression: 'ADD hits :one',
      ExpressionAttributeValues: { ':one': { N: '1' } },
      ReturnValues: 'ALL_NEW',
    });
  });

  it('reuse one kept-alive connection, as a warm Lambda does', async () => {
    faults.script = [UPDATED, UPDATED, UPDATED];
    const documents = client();
    for (let call = 0; call < 3; call++) await documents.send(update());
    expect(new Set(faults.received.map((request) => request.socket)).size).toBe(1);
  });

  it('answer the request id DynamoDB sent', async () => {
    faults.script = [UPDATED];
    const { $metadata } = await client().send(update());
    expect($metadata).toMatchObject({ httpStatusCode: 200, requestId: 'REQ1', attempts: 1 });
  });
});
