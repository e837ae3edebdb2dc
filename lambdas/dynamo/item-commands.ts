/**
 * Commands that take and answer raw AttributeValues, for code that must read an item without
 * unmarshall (which throws on a number beyond 2^53): the authorizer and key management read ApiKeys
 * items through lambdas/core/attribute-values.ts instead. Named as the SDK's low-level commands.
 */
import type {
  GetItemCommandInput,
  GetItemCommandOutput,
  QueryCommandInput,
  QueryCommandOutput,
} from '@aws-sdk/client-dynamodb';
import type { DynamoAnswer } from './client.js';
import { DynamoCommand, outputOf } from './command.js';
import { fromWireMap, isObject, wireMapAt } from './wire.js';

export type { GetItemCommandInput, GetItemCommandOutput, QueryCommandInput, QueryCommandOutput };

export class GetItemCommand extends DynamoCommand<GetItemCommandInput, GetItemCommandOutput> {
  readonly operation = 'GetItem';

  toRequest(): object {
    return this.input;
  }

  fromAnswer(answer: DynamoAnswer): GetItemCommandOutput {
    return outputOf(answer, { Item: wireMapAt(answer.body.Item, 'an Item') });
  }
}

export class QueryCommand extends DynamoCommand<QueryCommandInput, QueryCommandOutput> {
  readonly operation = 'Query';

  toRequest(): object {
    return this.input;
  }

  fromAnswer(answer: DynamoAnswer): QueryCommandOutput {
    return outputOf(answer, {
      Items: wireMapsAt(answer.body.Items),
      LastEvaluatedKey: wireMapAt(answer.body.LastEvaluatedKey, 'a LastEvaluatedKey'),
    });
  }
}

function wireMapsAt(value: unknown) {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every(isObject)) {
    throw new Error('DynamoDB answered with Items that are not a list of objects');
  }
  return value.map(fromWireMap);
}
