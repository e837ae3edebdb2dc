/**
 * scopegate's DynamoDB client: any operation of DynamoDB's JSON protocol (awsJson1_0), through the
 * signed, bounded client every AWS call shares (../aws-wire/signed-client.ts) — the CallBounds per
 * attempt and per call, a retry with jitter on a throttle, a 5xx, a timeout or a dropped connection,
 * errors named by DynamoDB's error type — and none of the SDK's weight. The SDK's DynamoDB client and
 * DocumentClient are about 550 KB minified and take 130–200 ms to load; this client and aws4 are
 * about 14 KB, 22 KB with the document layer and util-dynamodb (docs/decisions/0025-own-dynamodb-client.md).
 */
import type { CallBounds } from '../call-bounds.js';
import { answerObject } from '../aws-wire/json.js';
import { awsJson10Request } from '../aws-wire/protocols.js';
import { createSignedClient } from '../aws-wire/signed-client.js';
import { errorOfAnswer } from './errors.js';
import type { DynamoTarget } from './target.js';

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
  const client = createSignedClient({
    ...config,
    signingName: 'dynamodb',
    errorOf: (answer) => errorOfAnswer(answer.status, answer.body, answer.requestId),
  });
  return {
    async call(operation, request) {
      const answer = await client.call(awsJson10Request('DynamoDB_20120810', operation, request));
      return {
        body: answerObject(answer.body, 'DynamoDB'),
        requestId: answer.requestId,
        attempts: answer.attempts,
      };
    },
    destroy: () => client.destroy(),
  };
}
