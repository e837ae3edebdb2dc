/**
 * The one way scopegate builds an AWS SDK v3 client: the CallBounds of lambdas/aws/call-bounds.ts given
 * to the SDK's standard retry (`maxAttempts`) and its Node.js request handler (connect, request and
 * socket timeouts), and a deadline over each whole call that aborts it (lambdas/aws/aws-clients.ts,
 * lambdas/aws/sqs-client.ts, lambdas/cache-flush/stage-cache.ts and the CLI build theirs here).
 */
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { type CallBounds, DeadlineExceededError } from './call-bounds.js';

/**
 * What only the local stack, the tests and the CLI set; deployed, the SDK reads region, endpoint
 * overrides (AWS_ENDPOINT_URL_<SERVICE>) and credentials (Lambda's environment) itself.
 */
export interface ClientOverrides {
  readonly endpoint?: string;
  readonly region?: string;
  /** Fixed credentials (the local stand-ins) or a provider (tests); absent, the SDK's default chain. */
  readonly credentials?: DynamoDBClientConfig['credentials'];
}

/** An SDK client's per-attempt bounds: its retries, connect and request timeouts. */
export function sdkClientBounds(bounds: CallBounds) {
  return {
    maxAttempts: bounds.maxAttempts,
    requestHandler: {
      connectionTimeout: bounds.connectionTimeoutMs,
      requestTimeout: bounds.requestTimeoutMs,
      // Without it the SDK only logs a warning when requestTimeout passes and keeps waiting.
      throwOnRequestTimeout: true,
      // requestTimeout stops at the response headers; a body that stalls after them is bounded here.
      socketTimeout: bounds.requestTimeoutMs,
    },
  };
}

/** What withDeadline needs of an SDK client: its `send(command, options)`. */
interface SdkClient {
  send(command: never, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

/**
 * Gives every call of an SDK client a deadline (retries and backoff included), so callers cannot
 * forget it: past the deadline the call rejects with a TimeoutError and its AbortSignal fires, which
 * aborts the attempt in flight and stops the SDK's retry loop, so no attempt starts after the caller
 * was told the call failed. A signal the caller passes still works alongside.
 */
export function withDeadline<C extends SdkClient>(client: C, bounds: CallBounds): C {
  const send = client.send.bind(client) as (command: unknown, options?: object) => Promise<unknown>;
  const bounded = (command: unknown, options?: { abortSignal?: AbortSignal }) => {
    const controller = new AbortController();
    const signal = options?.abortSignal
      ? AbortSignal.any([controller.signal, options.abortSignal])
      : controller.signal;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        const error = new DeadlineExceededError(bounds.deadlineMs);
        // Rejected first, so the caller sees the deadline rather than the abort it causes.
        reject(error);
        controller.abort(error);
      }, bounds.deadlineMs);
    });
    // The race settles even if some step of the call ignored the signal.
    return Promise.race([send(command, { ...options, abortSignal: signal }), deadline]).finally(() =>
      clearTimeout(timer),
    );
  };
  Object.assign(client, { send: bounded });
  return client;
}
