/**
 * scopegate's DynamoDB client against DynamoDB Local, for real: every operation of the document layer
 * and the raw item commands, what DynamoDB stored (read back with the SDK's own low-level client, an
 * independent reader), paging, and DynamoDB's own refusals as the code base recognises them.
 */
import {
  GetItemCommand as SdkGetItemCommand,
  PutItemCommand as SdkPutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { cancellationCodes } from '../../lambdas/account/conflicts.js';
import { isConditionalCheckFailure } from '../../lambdas/core/dynamo-errors.js';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactGetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '../../lambdas/dynamo/document-commands.js';
import { GetItemCommand, QueryCommand as QueryItemsCommand } from '../../lambdas/dynamo/item-commands.js';
import { createTestAws, type TestAws } from '../support/local-aws.js';

let aws: TestAws;
let table: string;
beforeAll(async () => {
  aws = await createTestAws();
  table = aws.tables.data;
});

let counter = 0;
/** A partition of its own per test. */
const partition = () => `DOCS#${++counter}#${Date.now()}`;

const itemIn = (pk: string) => ({
  pk,
  sk: 'ITEM',
  count: 42,
  largest: Number.MAX_SAFE_INTEGER,
  fraction: -1.5,
  flag: true,
  nothing: null,
  absent: undefined,
  empty: '',
  list: [1, 'a', { x: 1 }],
  map: { inner: { deep: 'v' } },
  strings: new Set(['a', 'b']),
  numbers: new Set([1, 2.5]),
  bytes: new Uint8Array([0, 1, 255]),
  byteSet: new Set([new Uint8Array([7]), new Uint8Array([8])]),
});

/** The item as DynamoDB holds it, read by the SDK's low-level client. */
async function storedTypes(pk: string, sk: string): Promise<Record<string, string>> {
  const { Item } = await aws.dynamo.send(
    new SdkGetItemCommand({ TableName: table, Key: { pk: { S: pk }, sk: { S: sk } }, ConsistentRead: true }),
  );
  return Object.fromEntries(
    Object.entries(Item ?? {}).map(([name, value]) => [name, Object.keys(value)[0] ?? '']),
  );
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error('expected a refusal'),
    (error: unknown) => error,
  );
}

describe('document commands', () => {
  it('Put then Get: every kind of value round-trips, stored as the types DynamoDB should hold', async () => {
    const pk = partition();
    const { absent: _absent, ...expected } = itemIn(pk);
    await aws.documents.send(new PutCommand({ TableName: table, Item: itemIn(pk) }));
    const { Item, $metadata } = await aws.documents.send(
      new GetCommand({ TableName: table, Key: { pk, sk: 'ITEM' }, ConsistentRead: true }),
    );
    expect(Item).toEqual(expected);
    expect($metadata.httpStatusCode).toBe(200);
    expect(await storedTypes(pk, 'ITEM')).toEqual({
      pk: 'S',
      sk: 'S',
      count: 'N',
      largest: 'N',
      fraction: 'N',
      flag: 'BOOL',
      nothing: 'NULL',
      empty: 'S',
      list: 'L',
      map: 'M',
      strings: 'SS',
      numbers: 'NS',
      bytes: 'B',
      byteSet: 'BS',
    });
  });

  it('Get of a missing item answers no Item', async () => {
    const output = await aws.documents.send(
      new GetCommand({ TableName: table, Key: { pk: partition(), sk: 'X' } }),
    );
    expect(output).not.toHaveProperty('Item');
  });

  it('Update: SET and ADD with ReturnValues, and a refused condition by name with the old item', async () => {
    const pk = partition();
    await aws.documents.send(new PutCommand({ TableName: table, Item: { pk, sk: 'ITEM', hits: 1 } }));
    const { Attributes } = await aws.documents.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk, sk: 'ITEM' },
        UpdateExpression: 'SET #s = :status ADD hits :one, tags :tags',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':status': 'sent', ':one': 1, ':tags': new Set(['a']) },
        ReturnValues: 'ALL_NEW',
      }),
    );
    expect(Attributes).toEqual({ pk, sk: 'ITEM', hits: 2, status: 'sent', tags: new Set(['a']) });

    const refused = await failure(
      aws.documents.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk, sk: 'ITEM' },
          UpdateExpression: 'SET #s = :status',
          ConditionExpression: '#s = :expected',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':status': 'failed', ':expected': 'queued' },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    expect(isConditionalCheckFailure(refused)).toBe(true);
    expect(refused).toMatchObject({ $fault: 'client', $metadata: { httpStatusCode: 400 } });
    expect((refused as { Item?: unknown }).Item).toMatchObject({ status: { S: 'sent' }, hits: { N: '2' } });
  });

  it('Delete with ReturnValues answers the deleted item', async () => {
    const pk = partition();
    await aws.documents.send(new PutCommand({ TableName: table, Item: { pk, sk: 'ITEM', name: 'x' } }));
    const { Attributes } = await aws.documents.send(
      new DeleteCommand({ TableName: table, Key: { pk, sk: 'ITEM' }, ReturnValues: 'ALL_OLD' }),
    );
    expect(Attributes).toEqual({ pk, sk: 'ITEM', name: 'x' });
    expect(await storedTypes(pk, 'ITEM')).toEqual({});
  });

  it('Query pages with LastEvaluatedKey fed back as ExclusiveStartKey, in order, every item once', async () => {
    const pk = partition();
    for (let index = 0; index < 5; index++) {
      await aws.documents.send(
        new PutCommand({ TableName: table, Item: { pk, sk: `EMAIL#${index}`, index } }),
      );
    }
    const seen: unknown[] = [];
    let pages = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await aws.documents.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': pk, ':prefix': 'EMAIL#' },
          ScanIndexForward: false,
          Limit: 2,
          ExclusiveStartKey: start,
        }),
      );
      pages++;
      expect(page.Count).toBe(page.Items?.length);
      seen.push(...(page.Items ?? []).map((item) => item.index));
      start = page.LastEvaluatedKey;
      if (start) expect(start).toEqual({ pk, sk: expect.stringMatching(/^EMAIL#/) });
    } while (start);
    expect(seen).toEqual([4, 3, 2, 1, 0]);
    expect(pages).toBe(3);
  });

  it('Scan with a filter', async () => {
    const pk = partition();
    await aws.documents.send(new PutCommand({ TableName: table, Item: { pk, sk: 'A', kind: 'wanted' } }));
    await aws.documents.send(new PutCommand({ TableName: table, Item: { pk, sk: 'B', kind: 'other' } }));
    const found: unknown[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await aws.documents.send(
        new ScanCommand({
          TableName: table,
          FilterExpression: 'pk = :pk AND kind = :kind',
          ExpressionAttributeValues: { ':pk': pk, ':kind': 'wanted' },
          ExclusiveStartKey: start,
        }),
      );
      found.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    expect(found).toEqual([{ pk, sk: 'A', kind: 'wanted' }]);
  });

  it('TransactWrite: all or nothing; a cancelled one names each item’s reason, in order', async () => {
    const pk = partition();
    await aws.documents.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: table,
              Item: { pk, sk: 'A', n: 1 },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          { Put: { TableName: table, Item: { pk, sk: 'B', n: 1 } } },
        ],
      }),
    );
    const refused = await failure(
      aws.documents.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: table,
                Key: { pk, sk: 'B' },
                UpdateExpression: 'ADD n :one',
                ExpressionAttributeValues: { ':one': 1 },
              },
            },
            {
              ConditionCheck: {
                TableName: table,
                Key: { pk, sk: 'A' },
                ConditionExpression: 'n = :two',
                ExpressionAttributeValues: { ':two': 2 },
              },
            },
            { Delete: { TableName: table, Key: { pk, sk: 'A' } } },
          ],
        }),
      ),
    );
    expect(refused).toMatchObject({ name: 'TransactionCanceledException' });
    expect(cancellationCodes(refused)).toEqual(['None', 'ConditionalCheckFailed', 'None']);
    const { Responses } = await aws.documents.send(
      new TransactGetCommand({
        TransactItems: [
          { Get: { TableName: table, Key: { pk, sk: 'A' } } },
          { Get: { TableName: table, Key: { pk, sk: 'B' } } },
          { Get: { TableName: table, Key: { pk, sk: 'C' } } },
        ],
      }),
    );
    expect(Responses?.map((response) => response.Item)).toEqual([
      { pk, sk: 'A', n: 1 },
      { pk, sk: 'B', n: 1 },
      undefined,
    ]);
  });

  it('BatchWrite then BatchGet', async () => {
    const pk = partition();
    await aws.documents.send(new PutCommand({ TableName: table, Item: { pk, sk: 'OLD' } }));
    const { UnprocessedItems } = await aws.documents.send(
      new BatchWriteCommand({
        RequestItems: {
          [table]: [
            { PutRequest: { Item: { pk, sk: 'A', tags: new Set(['x']) } } },
            { PutRequest: { Item: { pk, sk: 'B', bytes: new Uint8Array([1]) } } },
            { DeleteRequest: { Key: { pk, sk: 'OLD' } } },
          ],
        },
      }),
    );
    expect(UnprocessedItems ?? {}).toEqual({});
    const { Responses } = await aws.documents.send(
      new BatchGetCommand({
        RequestItems: {
          [table]: { Keys: ['A', 'B', 'OLD'].map((sk) => ({ pk, sk })), ConsistentRead: true },
        },
      }),
    );
    const items = (Responses?.[table] ?? []).toSorted((a, b) => String(a.sk).localeCompare(String(b.sk)));
    expect(items).toEqual([
      { pk, sk: 'A', tags: new Set(['x']) },
      { pk, sk: 'B', bytes: new Uint8Array([1]) },
    ]);
  });
});

describe('item commands: raw AttributeValues, whatever a console edit stored', () => {
  it('GetItem and Query answer values unmarshall would refuse, unchanged, binaries as bytes', async () => {
    const pk = partition();
    const raw = {
      pk: { S: pk },
      sk: { S: 'RAW' },
      huge: { N: '90071992547409930.5' },
      bytes: { B: new Uint8Array([9, 8]) },
    };
    await aws.dynamo.send(new SdkPutItemCommand({ TableName: table, Item: raw }));
    const { Item } = await aws.documents.send(
      new GetItemCommand({
        TableName: table,
        Key: { pk: { S: pk }, sk: { S: 'RAW' } },
        ConsistentRead: true,
      }),
    );
    expect(Item).toEqual(raw);
    const { Items, Count } = await aws.documents.send(
      new QueryItemsCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: pk } },
      }),
    );
    expect([Items, Count]).toEqual([[raw], 1]);
    await expect(
      aws.documents.send(new GetCommand({ TableName: table, Key: { pk, sk: 'RAW' } })),
    ).rejects.toThrow();
  });
});

describe("DynamoDB's refusals", () => {
  it.each([
    [
      'a table that does not exist',
      () => new GetCommand({ TableName: 'NoSuchTable', Key: { pk: 'a', sk: 'b' } }),
      'ResourceNotFoundException',
    ],
    [
      'an expression that does not parse',
      () =>
        new UpdateCommand({
          TableName: table,
          Key: { pk: 'a', sk: 'b' },
          UpdateExpression: 'SET SET',
        }),
      'ValidationException',
    ],
  ])('%s → %s', async (_case, command, name) => {
    const refused = await failure(aws.documents.send(command()));
    expect(refused).toMatchObject({ name, $fault: 'client', $metadata: { httpStatusCode: 400 } });
  });
});
