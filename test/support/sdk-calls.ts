/**
 * Watching and failing a DynamoDB SDK client's calls from the inside, through its middleware stack,
 * so the code under test keeps the real client: each call is seen once (before the SDK's retries),
 * with its operation (the end of X-Amz-Target) and its request as DynamoDB receives it.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

type Client = DynamoDBClient | DynamoDBDocumentClient;

interface SerializedCall {
  readonly operation: string;
  readonly body: { readonly Key?: { readonly pk?: { readonly S?: string } } };
}

function onEachCall<C extends Client>(client: C, inspect: (call: SerializedCall) => Error | undefined): C {
  client.middlewareStack.add(
    (next) => (args) => {
      const request = args.request as { headers?: Record<string, string>; body?: unknown };
      const target = request.headers?.['x-amz-target'] ?? '';
      const text =
        typeof request.body === 'string'
          ? request.body
          : request.body instanceof Uint8Array
            ? Buffer.from(request.body).toString()
            : '{}';
      const body = JSON.parse(text) as SerializedCall['body'];
      const failure = inspect({ operation: target.split('.').pop() ?? '', body });
      return failure ? Promise.reject(failure) : next(args);
    },
    { step: 'build', name: 'testCallWatcher' },
  );
  return client;
}

/** Records every call's operation and the `pk` of its Key (undefined when it has none). */
export function recordingCalls<C extends Client>(client: C, calls: { command: string; pk: unknown }[]): C {
  return onEachCall(client, ({ operation, body }) => {
    calls.push({ command: operation, pk: body.Key?.pk?.S });
    return undefined;
  });
}

/** Calls of `operation` fail with what `failure` answers, before any request; undefined lets one through. */
export function failingCalls<C extends Client>(
  client: C,
  operation: string,
  failure: () => Error | undefined,
): C {
  return onEachCall(client, (call) => (call.operation === operation ? failure() : undefined));
}
