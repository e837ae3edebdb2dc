/**
 * The bounds of the AWS SDK clients that stay off the request path (SQS in lambdas/sqs-client.ts,
 * API Gateway in lambdas/cache-flush/stage-cache.ts): the same CallBounds as scopegate's own
 * clients, given to the SDK's retry and request handler, and a deadline over each whole call.
 */
import { type CallBounds, DeadlineExceededError } from './call-bounds.js';

/** What only the local stack and tests set; deployed, the SDK reads region and credentials itself. */
export interface ClientOverrides {
  readonly endpoint?: string;
  readonly region?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
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
 * Races every call of an SDK client against its deadline. The SDK only cancels through an
 * AbortSignal handed to each `send`, which the callers would have to remember; this holds for every command. An attempt
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
