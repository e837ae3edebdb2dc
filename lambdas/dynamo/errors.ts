/**
 * How a failed DynamoDB call looks to its caller. Errors keep the AWS SDK's shape, because the code
 * recognises them by shape, not class (lambdas/core/dynamo-errors.ts, lambdas/account/conflicts.ts,
 * lambdas/core/upstream-errors.ts): `name` is DynamoDB's error type, `$fault` says whose fault,
 * `$metadata.httpStatusCode` the status, and a cancelled transaction carries `CancellationReasons`.
 */
import type { AttributeValue, CancellationReason } from '@aws-sdk/client-dynamodb';
import { AwsServiceError } from '../aws-wire/errors.js';
import { errorFields, errorMessage } from '../aws-wire/protocols.js';
import { fromWireMap, isObject } from './wire.js';

export interface ErrorDetails {
  readonly requestId?: string | undefined;
  /** TransactionCanceledException: one reason per transaction item, in order. */
  readonly CancellationReasons?: CancellationReason[] | undefined;
  /** ConditionalCheckFailedException under ReturnValuesOnConditionCheckFailure: the item as it was. */
  readonly Item?: Record<string, AttributeValue> | undefined;
}

/** DynamoDB answered with an error; `name` is its error type, as the SDK names its exceptions. */
export class DynamoDbError extends AwsServiceError {
  // Declared, not initialised: absent unless DynamoDB sent them, as on the SDK's exceptions.
  declare readonly CancellationReasons?: CancellationReason[];
  declare readonly Item?: Record<string, AttributeValue>;

  constructor(status: number, type: string | undefined, message: string, details: ErrorDetails = {}) {
    super(status, type, message, details.requestId);
    if (details.CancellationReasons !== undefined) {
      Object.assign(this, { CancellationReasons: details.CancellationReasons });
    }
    if (details.Item !== undefined) Object.assign(this, { Item: details.Item });
  }
}

/**
 * DynamoDB's error body is `{"__type":"com.amazonaws.dynamodb.v20120810#Type","message":"…"}`
 * (`Message` for some types), plus the type's own members.
 */
export function errorOfAnswer(status: number, body: string, requestId?: string): DynamoDbError {
  const fields = errorFields(body);
  const type = typeof fields.__type === 'string' ? fields.__type.split('#').pop() : undefined;
  return new DynamoDbError(status, type, errorMessage(fields, `DynamoDB answered HTTP ${status}`), {
    requestId,
    CancellationReasons: Array.isArray(fields.CancellationReasons)
      ? fields.CancellationReasons.map(cancellationReasonOf)
      : undefined,
    Item: isObject(fields.Item) ? fromWireMap(fields.Item) : undefined,
  });
}

function cancellationReasonOf(reason: unknown): CancellationReason {
  if (!isObject(reason)) return {};
  return {
    ...(typeof reason.Code === 'string' ? { Code: reason.Code } : {}),
    ...(typeof reason.Message === 'string' ? { Message: reason.Message } : {}),
    ...(isObject(reason.Item) ? { Item: fromWireMap(reason.Item) } : {}),
  };
}
