/**
 * The AWS SDK clients that stay off the request path — SQS for the webhook delivery pipeline, and
 * the overrides, bounds and deadline the cache-flush's API Gateway client shares — kept apart from
 * lambdas/aws-clients.ts so that no service Lambda's bundle carries the SDK.
 */
import { SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import { type CallBounds, DeadlineExceededError } from './call-bounds.js';

/**
 * SQS, for the delivery pipeline (off the request path): a send is cheap to repeat, since a job
 * delivered twice carries the same `webhook-id`, so the SDK may retry it.
 */
export const SQS_BOUNDS: CallBounds = {
  connectionTimeoutMs: 1000,
  requestTimeoutMs: 3000,
  maxAttempts: 3,
  deadlineMs: 8000,
};

/** What only the local stack and tests set; deployed, the SDK reads region and credentials itself. */
export type ClientOverrides = Pick<SQSClientConfig, 'endpoint' | 'region' | 'credentials'>;

export function createSqsClient(overrides: ClientOverrides = {}): SQSClient {
  return withDeadline(new SQSClient({ ...overrides, ...sdkClientBounds(SQS_BOUNDS) }), SQS_BOUNDS);
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

/** What withDeadline needs of an SDK client: its middleware stack. */
interface SdkClient {
  readonly middlewareStack: {
    add(
      middleware: <A, R>(next: (args: A) => Promise<R>) => (args: A) => Promise<R>,
      options: typeof DEADLINE_STEP,
    ): void;
  };
}

/**
 * Races every call of an SDK client against its deadline. The SDK only cancels through an AbortSignal handed to
 * each `send`, which the callers would have to remember; this holds for every command. An attempt
 * still in flight when the deadline passes is ended by its own per-attempt timeouts.
 */
export function withDeadline<C extends SdkClient>(client: C, bounds: CallBounds): C {
  client.middlewareStack.add(deadlineMiddleware(bounds.deadlineMs), DEADLINE_STEP);
  return client;
}

const DEADLINE_STEP = { step: 'initialize', name: 'scopegateCallDeadline', priority: 'high' } as const;

function deadlineMiddleware(deadlineMs: number) {
  return <A, R>(next: (args: A) => Promise<R>) =>
    (args: A): Promise<R> => {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new DeadlineExceededError(deadlineMs)), deadlineMs);
      });
      return Promise.race([next(args), deadline]).finally(() => clearTimeout(timer));
    };
}
