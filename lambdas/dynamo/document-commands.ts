/**
 * The DocumentClient's commands, with lib-dynamodb's names and input and output types (imported as
 * types only, so no SDK code is bundled): native values in, native values out. Each marshals every
 * member lib-dynamodb marshals and unmarshals every member it unmarshals, except the legacy
 * parameters (Expected, AttributeUpdates, KeyConditions, QueryFilter, ScanFilter), which are refused.
 */
import type {
  BatchGetCommandInput,
  BatchGetCommandOutput,
  BatchWriteCommandInput,
  BatchWriteCommandOutput,
  DeleteCommandInput,
  DeleteCommandOutput,
  GetCommandInput,
  GetCommandOutput,
  PutCommandInput,
  PutCommandOutput,
  QueryCommandInput,
  QueryCommandOutput,
  ScanCommandInput,
  ScanCommandOutput,
  TransactGetCommandInput,
  TransactGetCommandOutput,
  TransactWriteCommandInput,
  TransactWriteCommandOutput,
  UpdateCommandInput,
  UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import type { DynamoAnswer } from './client.js';
import { DynamoCommand, outputOf } from './command.js';
import { mapValues, marshalMap, type NativeMap, unmarshalMap, unmarshalMaps } from './marshalling.js';
import { isObject } from './wire.js';

export type {
  BatchGetCommandInput,
  BatchGetCommandOutput,
  BatchWriteCommandInput,
  BatchWriteCommandOutput,
  DeleteCommandInput,
  DeleteCommandOutput,
  GetCommandInput,
  GetCommandOutput,
  PutCommandInput,
  PutCommandOutput,
  QueryCommandInput,
  QueryCommandOutput,
  ScanCommandInput,
  ScanCommandOutput,
  TransactGetCommandInput,
  TransactGetCommandOutput,
  TransactWriteCommandInput,
  TransactWriteCommandOutput,
  UpdateCommandInput,
  UpdateCommandOutput,
};

export class GetCommand extends DynamoCommand<GetCommandInput, GetCommandOutput> {
  readonly operation = 'GetItem';

  toRequest(): object {
    return { ...this.input, Key: marshalMap(this.input.Key) };
  }

  fromAnswer(answer: DynamoAnswer): GetCommandOutput {
    return outputOf(answer, { Item: unmarshalMap(answer.body.Item, 'an Item') });
  }
}

export class PutCommand extends DynamoCommand<PutCommandInput, PutCommandOutput> {
  readonly operation = 'PutItem';

  toRequest(): object {
    refuseLegacy(this.operation, this.input);
    return {
      ...this.input,
      Item: marshalMap(this.input.Item),
      ExpressionAttributeValues: marshalMap(this.input.ExpressionAttributeValues),
    };
  }

  fromAnswer(answer: DynamoAnswer): PutCommandOutput {
    return outputOf(answer, writeOutput(answer));
  }
}

export class UpdateCommand extends DynamoCommand<UpdateCommandInput, UpdateCommandOutput> {
  readonly operation = 'UpdateItem';

  toRequest(): object {
    refuseLegacy(this.operation, this.input);
    return {
      ...this.input,
      Key: marshalMap(this.input.Key),
      ExpressionAttributeValues: marshalMap(this.input.ExpressionAttributeValues),
    };
  }

  fromAnswer(answer: DynamoAnswer): UpdateCommandOutput {
    return outputOf(answer, writeOutput(answer));
  }
}

export class DeleteCommand extends DynamoCommand<DeleteCommandInput, DeleteCommandOutput> {
  readonly operation = 'DeleteItem';

  toRequest(): object {
    refuseLegacy(this.operation, this.input);
    return {
      ...this.input,
      Key: marshalMap(this.input.Key),
      ExpressionAttributeValues: marshalMap(this.input.ExpressionAttributeValues),
    };
  }

  fromAnswer(answer: DynamoAnswer): DeleteCommandOutput {
    return outputOf(answer, writeOutput(answer));
  }
}

export class QueryCommand extends DynamoCommand<QueryCommandInput, QueryCommandOutput> {
  readonly operation = 'Query';

  toRequest(): object {
    refuseLegacy(this.operation, this.input);
    return readRequest(this.input);
  }

  fromAnswer(answer: DynamoAnswer): QueryCommandOutput {
    return outputOf(answer, readOutput(answer));
  }
}

export class ScanCommand extends DynamoCommand<ScanCommandInput, ScanCommandOutput> {
  readonly operation = 'Scan';

  toRequest(): object {
    refuseLegacy(this.operation, this.input);
    return readRequest(this.input);
  }

  fromAnswer(answer: DynamoAnswer): ScanCommandOutput {
    return outputOf(answer, readOutput(answer));
  }
}

export class TransactWriteCommand extends DynamoCommand<
  TransactWriteCommandInput,
  TransactWriteCommandOutput
> {
  readonly operation = 'TransactWriteItems';

  toRequest(): object {
    return {
      ...this.input,
      TransactItems: this.input.TransactItems?.map((item) => ({
        ...item,
        ConditionCheck: item.ConditionCheck && {
          ...item.ConditionCheck,
          Key: marshalMap(item.ConditionCheck.Key),
          ExpressionAttributeValues: marshalMap(item.ConditionCheck.ExpressionAttributeValues),
        },
        Put: item.Put && {
          ...item.Put,
          Item: marshalMap(item.Put.Item),
          ExpressionAttributeValues: marshalMap(item.Put.ExpressionAttributeValues),
        },
        Delete: item.Delete && {
          ...item.Delete,
          Key: marshalMap(item.Delete.Key),
          ExpressionAttributeValues: marshalMap(item.Delete.ExpressionAttributeValues),
        },
        Update: item.Update && {
          ...item.Update,
          Key: marshalMap(item.Update.Key),
          ExpressionAttributeValues: marshalMap(item.Update.ExpressionAttributeValues),
        },
      })),
    };
  }

  fromAnswer(answer: DynamoAnswer): TransactWriteCommandOutput {
    return outputOf(answer, {
      ItemCollectionMetrics: mapValues(
        answer.body.ItemCollectionMetrics,
        'ItemCollectionMetrics',
        (metrics) => listOf(metrics, 'ItemCollectionMetrics').map(collectionMetricsOf),
      ),
    });
  }
}

export class TransactGetCommand extends DynamoCommand<TransactGetCommandInput, TransactGetCommandOutput> {
  readonly operation = 'TransactGetItems';

  toRequest(): object {
    return {
      ...this.input,
      TransactItems: this.input.TransactItems?.map((item) => ({
        ...item,
        Get: item.Get && { ...item.Get, Key: marshalMap(item.Get.Key) },
      })),
    };
  }

  fromAnswer(answer: DynamoAnswer): TransactGetCommandOutput {
    const responses = answer.body.Responses;
    return outputOf(answer, {
      Responses:
        responses === undefined
          ? undefined
          : listOf(responses, 'Responses').map((response) => {
              const fields = objectOf(response, 'a response');
              return { ...fields, Item: unmarshalMap(fields.Item, 'an Item') };
            }),
    });
  }
}

export class BatchGetCommand extends DynamoCommand<BatchGetCommandInput, BatchGetCommandOutput> {
  readonly operation = 'BatchGetItem';

  toRequest(): object {
    const requests = this.input.RequestItems;
    return {
      ...this.input,
      RequestItems:
        requests &&
        Object.fromEntries(
          Object.entries(requests).map(([table, request]) => [
            table,
            { ...request, Keys: request.Keys?.map(marshalMap) },
          ]),
        ),
    };
  }

  fromAnswer(answer: DynamoAnswer): BatchGetCommandOutput {
    return outputOf(answer, {
      Responses: mapValues(answer.body.Responses, 'Responses', (items) => unmarshalMaps(items, 'Responses')),
      UnprocessedKeys: mapValues(answer.body.UnprocessedKeys, 'UnprocessedKeys', (request) => {
        const fields = objectOf(request, 'UnprocessedKeys');
        return { ...fields, Keys: unmarshalMaps(fields.Keys, 'UnprocessedKeys') };
      }),
    });
  }
}

export class BatchWriteCommand extends DynamoCommand<BatchWriteCommandInput, BatchWriteCommandOutput> {
  readonly operation = 'BatchWriteItem';

  toRequest(): object {
    const requests = this.input.RequestItems;
    return {
      ...this.input,
      RequestItems:
        requests &&
        Object.fromEntries(
          Object.entries(requests).map(([table, writes]) => [
            table,
            writes.map((write) => ({
              ...write,
              PutRequest: write.PutRequest && {
                ...write.PutRequest,
                Item: marshalMap(write.PutRequest.Item),
              },
              DeleteRequest: write.DeleteRequest && {
                ...write.DeleteRequest,
                Key: marshalMap(write.DeleteRequest.Key),
              },
            })),
          ]),
        ),
    };
  }

  fromAnswer(answer: DynamoAnswer): BatchWriteCommandOutput {
    return outputOf(answer, {
      UnprocessedItems: mapValues(answer.body.UnprocessedItems, 'UnprocessedItems', (writes) =>
        listOf(writes, 'UnprocessedItems').map(unprocessedWriteOf),
      ),
      ItemCollectionMetrics: mapValues(
        answer.body.ItemCollectionMetrics,
        'ItemCollectionMetrics',
        (metrics) => listOf(metrics, 'ItemCollectionMetrics').map(collectionMetricsOf),
      ),
    });
  }
}

/** Parameters DynamoDB calls legacy, whose values this layer does not marshal. */
const LEGACY_PARAMETERS = ['Expected', 'AttributeUpdates', 'KeyConditions', 'QueryFilter', 'ScanFilter'];

function refuseLegacy(operation: string, input: object): void {
  for (const name of LEGACY_PARAMETERS) {
    if ((input as Record<string, unknown>)[name] !== undefined) {
      throw new Error(`${operation}: the legacy parameter ${name} is not supported; use an expression`);
    }
  }
}

function readRequest(input: {
  readonly ExclusiveStartKey?: NativeMap | undefined;
  readonly ExpressionAttributeValues?: NativeMap | undefined;
}): object {
  return {
    ...input,
    ExclusiveStartKey: marshalMap(input.ExclusiveStartKey),
    ExpressionAttributeValues: marshalMap(input.ExpressionAttributeValues),
  };
}

function readOutput(answer: DynamoAnswer): Record<string, unknown> {
  return {
    Items: unmarshalMaps(answer.body.Items, 'Items'),
    LastEvaluatedKey: unmarshalMap(answer.body.LastEvaluatedKey, 'a LastEvaluatedKey'),
  };
}

function writeOutput(answer: DynamoAnswer): Record<string, unknown> {
  const metrics = answer.body.ItemCollectionMetrics;
  return {
    Attributes: unmarshalMap(answer.body.Attributes, 'Attributes'),
    ItemCollectionMetrics: metrics === undefined ? undefined : collectionMetricsOf(metrics),
  };
}

function collectionMetricsOf(metrics: unknown): Record<string, unknown> {
  const fields = objectOf(metrics, 'ItemCollectionMetrics');
  const key = unmarshalMap(fields.ItemCollectionKey, 'an ItemCollectionKey');
  return key === undefined ? fields : { ...fields, ItemCollectionKey: key };
}

function unprocessedWriteOf(write: unknown): Record<string, unknown> {
  const fields = objectOf(write, 'UnprocessedItems');
  const put = fields.PutRequest === undefined ? undefined : objectOf(fields.PutRequest, 'a PutRequest');
  const remove =
    fields.DeleteRequest === undefined ? undefined : objectOf(fields.DeleteRequest, 'a DeleteRequest');
  return {
    ...fields,
    ...(put ? { PutRequest: { ...put, Item: unmarshalMap(put.Item, 'an Item') } } : {}),
    ...(remove ? { DeleteRequest: { ...remove, Key: unmarshalMap(remove.Key, 'a Key') } } : {}),
  };
}

function objectOf(value: unknown, what: string): Record<string, unknown> {
  if (!isObject(value)) throw new Error(`DynamoDB answered with ${what} that is not an object`);
  return value;
}

function listOf(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`DynamoDB answered with ${what} that is not a list`);
  return value;
}
