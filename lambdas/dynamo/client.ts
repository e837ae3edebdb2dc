/**
 * scopegate's DynamoDB client: any operation of DynamoDB's JSON protocol, SigV4-signed and sent over
 * node:https, with the SDK's behaviour where it matters — the CallBounds per attempt and per call,
 * a retry with jitter on a throttle, a 5xx, a timeout or a dropped connection, errors named by
 * DynamoDB's error type — and none of its weight. The SDK's DynamoDB client and DocumentClient are
 * about 550 KB minified and take 130–200 ms to load; this client and aws4 are about 14 KB, 22 KB
 * with the document layer and util-dynamodb (docs/decisions.md, "scopegate's own DynamoDB client").
 *
 * Signing is `aws4` (8 KB, Node's crypto, synchronous). aws4fetch signs with WebCrypto and builds
 * `Headers`, which in Node loads undici on first use: its bundle loads in 2 ms but its first call
 * costs 50–80 ms more than aws4's (bench/sigv4-libraries.md).
 */
import aws4 from 'aws4';
import { type CallBounds, DeadlineExceededError } from '../call-bounds.js';
import { errorOfAnswer, failureOf } from './errors.js';
import { retryDelayMs } from './retry-policy.js';
import type { AwsCredentials, DynamoTarget } from './target.js';
import { attempt, loadTransport, pause, type Transport } from './transport.js';
import { isObject, toWireJson } from './wire.js';

export interface DynamoClientConfig extends DynamoTarget {
  /** DYNAMODB_BOUNDS on the request path; a test may shrink them, the CLI widens them. */
  readonly bounds: CallBounds;
  /** Math.random unless a test fixes the jitter. */
  readonly random?: () => number;
}

export interface DynamoAnswer {
  /** The answer's JSON object in DynamoDB's wire format (binary values as base64 text). */
  readonly body: Readonly<Record<string, unknown>>;
  readonly requestId: string | undefined;
  /** Attempts made, the one that succeeded included. */
  readonly attempts: number;
}

export interface DynamoClient {
  /**
   * One call of a DynamoDB operation (`GetItem`, `TransactWriteItems`, …) with its request in
   * DynamoDB's JSON (AttributeValues; bytes may be Uint8Arrays). Rejects with a DynamoDbError when
   * DynamoDB refuses, a TimeoutError when a bound runs out, or Node's network error.
   */
  call(operation: string, request: object): Promise<DynamoAnswer>;
  /** Closes kept-alive connections (tests, the CLI and the local stack on shutdown). */
  destroy(): void;
}

export function createDynamoClient(config: DynamoClientConfig): DynamoClient {
  const { bounds } = config;
  const random = config.random ?? Math.random;
  let transport: Promise<Transport> | undefined;
  let loaded: Transport | undefined;

  async function callWithin(operation: string, body: string, signal: AbortSignal): Promise<DynamoAnswer> {
    transport ??= loadTransport(config.endpoint.protocol).then((value) => (loaded = value));
    const connection = await transport;
    for (let attemptNumber = 1; ; attemptNumber++) {
      try {
        const headers = signedHeaders(config, operation, body, await config.credentials());
        const answer = await attempt(connection, config.endpoint, headers, body, bounds, signal);
        if (answer.status !== 200) throw errorOfAnswer(answer.status, answer.body, answer.requestId);
        return { body: answerObject(answer.body), requestId: answer.requestId, attempts: attemptNumber };
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        const delay = attemptNumber < bounds.maxAttempts ? retryDelayMs(failureOf(error), random) : undefined;
        if (delay === undefined) throw error;
        await pause(delay, signal);
      }
    }
  }

  return {
    async call(operation, request) {
      const body = toWireJson(request);
      const controller = new AbortController();
      const deadline = setTimeout(
        () => controller.abort(new DeadlineExceededError(bounds.deadlineMs)),
        bounds.deadlineMs,
      );
      try {
        // Raced as a whole: a credential source that never answers is bounded too, not only the
        // attempts and the pauses between them, which watch the signal themselves.
        return await Promise.race([
          callWithin(operation, body, controller.signal),
          aborted(controller.signal),
        ]);
      } finally {
        clearTimeout(deadline);
      }
    },
    destroy() {
      loaded?.agent.destroy();
    },
  };
}

function signedHeaders(
  target: DynamoTarget,
  operation: string,
  body: string,
  credentials: AwsCredentials,
): Record<string, string | number> {
  const signed = aws4.sign(
    {
      host: target.endpoint.host,
      path: target.endpoint.pathname,
      method: 'POST',
      service: 'dynamodb',
      region: target.region,
      headers: {
        'Content-Type': 'application/x-amz-json-1.0',
        'X-Amz-Target': `DynamoDB_20120810.${operation}`,
      },
      body,
    },
    credentials,
  );
  return signed.headers;
}

/** Rejects with the signal's reason when it aborts; never settles otherwise. */
function aborted(signal: AbortSignal): Promise<never> {
  return new Promise<never>((_resolve, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/** A 200's body; anything but a JSON object is a broken answer (thrown, and not retried). */
function answerObject(text: string): Readonly<Record<string, unknown>> {
  const parsed: unknown = JSON.parse(text);
  if (!isObject(parsed)) throw new Error('DynamoDB answered with something other than a JSON object');
  return parsed;
}
