/**
 * The document commands against lib-dynamodb itself: for every operation the code base can send, the
 * request body and X-Amz-Target our command produces are the ones the SDK's DocumentClient (with the
 * services' old `removeUndefinedValues`) sends for the same input, and the output our command reads
 * from an answer is the one the SDK reads from the same bytes. The SDK runs here with a request
 * handler that records what it would send and plays back a canned answer: no network.
 */
import { Readable } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as sdk from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { DynamoAnswer } from '../../lambdas/dynamo/client.js';
import * as ours from '../../lambdas/dynamo/document-commands.js';
import { errorOfAnswer } from '../../lambdas/dynamo/errors.js';
import { toWireJson } from '../../lambdas/aws-wire/json.js';

/** Every kind of value the services store, undefined members included (left out, not refused). */
const ITEM = {
  pk: 'PROJECT#p1',
  sk: 'EMAIL#e1',
  count: 42,
  largest: Number.MAX_SAFE_INTEGER,
  fraction: -1.5,
  flag: false,
  nothing: null,
  absent: undefined,
  empty: '',
  list: [1, 'a', { x: 1, y: undefined }, [true]],
  map: { inner: { deep: 'v' }, none: {} },
  strings: new Set(['a', 'b']),
  numbers: new Set([1, 2.5]),
  bytes: new Uint8Array([1, 2, 255]),
  buffer: Buffer.from('hi'),
  byteSet: new Set([new Uint8Array([0]), new Uint8Array([9])]),
};

/** The same item as DynamoDB sends it back. */
const WIRE_ITEM = {
  pk: { S: 'PROJECT#p1' },
  sk: { S: 'EMAIL#e1' },
  count: { N: '42' },
  largest: { N: '9007199254740991' },
  fraction: { N: '-1.5' },
  flag: { BOOL: false },
  nothing: { NULL: true },
  empty: { S: '' },
  list: { L: [{ N: '1' }, { S: 'a' }, { M: { x: { N: '1' } } }, { L: [{ BOOL: true }] }] },
  map: { M: { inner: { M: { deep: { S: 'v' } } }, none: { M: {} } } },
  strings: { SS: ['a', 'b'] },
  numbers: { NS: ['1', '2.5'] },
  bytes: { B: 'AQL/' },
  buffer: { B: 'aGk=' },
  byteSet: { BS: ['AA==', 'CQ=='] },
};
const KEY = { pk: 'PROJECT#p1', sk: 'EMAIL#e1' };
const WIRE_KEY = { pk: { S: 'PROJECT#p1' }, sk: { S: 'EMAIL#e1' } };
const VALUES = { ':now': '2026-11-24T12:00:00.000Z', ':one': 1, ':set': new Set(['x']), ':gone': undefined };

interface Exchange {
  readonly target: string;
  readonly request: unknown;
}

type SdkCommand = Parameters<sdk.DynamoDBDocumentClient['send']>[0];

/** Runs one SDK command against a canned answer; what it sent, and what it answered or threw. */
async function sdkExchange(
  command: SdkCommand,
  answer: { status: number; body: unknown },
): Promise<Exchange & { output?: unknown; error?: unknown }> {
  let sent: Exchange | undefined;
  const client = new DynamoDBClient({
    region: 'eu-west-1',
    endpoint: 'http://127.0.0.1:1',
    credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' },
    maxAttempts: 1,
    requestHandler: {
      handle: (request: { headers: Record<string, string>; body: string | Uint8Array }) => {
        const body = typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body);
        sent = { target: request.headers['x-amz-target'] ?? '', request: JSON.parse(body) };
        return Promise.resolve({
          response: {
            statusCode: answer.status,
            headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'REQ1' },
            body: Readable.from([Buffer.from(JSON.stringify(answer.body))]),
          },
        });
      },
    },
  });
  const documents = sdk.DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  try {
    const { $metadata: _metadata, ...output } = await documents.send(command);
    if (!sent) throw new Error('the SDK sent nothing');
    return { ...sent, output };
  } catch (error) {
    if (!sent) throw error;
    return { ...sent, error };
  }
}

function ourExchange(command: ours.GetCommand | { operation: string; toRequest(): object }): Exchange {
  return {
    target: `DynamoDB_20120810.${command.operation}`,
    request: JSON.parse(toWireJson(command.toRequest())),
  };
}

const answerOf = (body: unknown): DynamoAnswer => ({
  body: JSON.parse(JSON.stringify(body)) as Record<string, unknown>,
  requestId: 'REQ1',
  attempts: 1,
});

/** Builds the SDK's and our command of one name from one input. */
type Pair = readonly [string, unknown, unknown];

const cases: readonly Pair[] = [
  ['GetCommand', { TableName: 'Data', Key: KEY, ConsistentRead: true }, { Item: WIRE_ITEM }],
  ['GetCommand', { TableName: 'Data', Key: KEY }, {}],
  [
    'PutCommand',
    {
      TableName: 'Data',
      Item: ITEM,
      ConditionExpression: 'attribute_not_exists(pk) OR #u < :now',
      ExpressionAttributeNames: { '#u': 'updatedAt' },
      ExpressionAttributeValues: VALUES,
      ReturnValues: 'ALL_OLD',
    },
    { Attributes: WIRE_ITEM },
  ],
  [
    'UpdateCommand',
    {
      TableName: 'Data',
      Key: KEY,
      UpdateExpression: 'SET #u = :now ADD n :one, tags :set',
      ExpressionAttributeNames: { '#u': 'updatedAt' },
      ExpressionAttributeValues: VALUES,
      ReturnValues: 'ALL_NEW',
      ReturnItemCollectionMetrics: 'SIZE',
    },
    {
      Attributes: WIRE_ITEM,
      ItemCollectionMetrics: { ItemCollectionKey: { pk: { S: 'PROJECT#p1' } }, SizeEstimateRangeGB: [0, 1] },
    },
  ],
  [
    'DeleteCommand',
    {
      TableName: 'Data',
      Key: KEY,
      ConditionExpression: 'version = :one',
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'ALL_OLD',
    },
    { Attributes: WIRE_ITEM },
  ],
  [
    'QueryCommand',
    {
      TableName: 'Data',
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': 'PROJECT#p1', ':prefix': 'EMAIL#' },
      ExclusiveStartKey: KEY,
      ScanIndexForward: false,
      Limit: 2,
    },
    { Items: [WIRE_ITEM, WIRE_KEY], Count: 2, ScannedCount: 3, LastEvaluatedKey: WIRE_KEY },
  ],
  [
    'QueryCommand',
    { TableName: 'Data', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'x' } },
    { Items: [], Count: 0, ScannedCount: 0 },
  ],
  [
    'ScanCommand',
    {
      TableName: 'Data',
      FilterExpression: 'begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':prefix': 'EVENT#' },
      ExclusiveStartKey: KEY,
      Segment: 0,
      TotalSegments: 2,
    },
    { Items: [WIRE_ITEM], Count: 1, ScannedCount: 10, LastEvaluatedKey: WIRE_KEY },
  ],
  [
    'TransactWriteCommand',
    {
      TransactItems: [
        { Put: { TableName: 'Data', Item: ITEM, ConditionExpression: 'attribute_not_exists(pk)' } },
        {
          Update: {
            TableName: 'Data',
            Key: KEY,
            UpdateExpression: 'SET #u = :now',
            ExpressionAttributeNames: { '#u': 'updatedAt' },
            ExpressionAttributeValues: { ':now': 'now' },
          },
        },
        {
          Delete: {
            TableName: 'Data',
            Key: KEY,
            ConditionExpression: 'n = :one',
            ExpressionAttributeValues: { ':one': 1 },
          },
        },
        {
          ConditionCheck: {
            TableName: 'ApiKeys',
            Key: { keyId: 'k1' },
            ConditionExpression: 'attribute_exists(keyId) AND flag = :f',
            ExpressionAttributeValues: { ':f': true },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
      ],
      ClientRequestToken: 'token-1',
      ReturnItemCollectionMetrics: 'SIZE',
    },
    {
      ItemCollectionMetrics: {
        Data: [{ ItemCollectionKey: { pk: { S: 'PROJECT#p1' } }, SizeEstimateRangeGB: [0, 1] }],
      },
    },
  ],
  [
    'TransactGetCommand',
    {
      TransactItems: [
        { Get: { TableName: 'Data', Key: KEY } },
        { Get: { TableName: 'Data', Key: { pk: 'a', sk: 'b' } } },
      ],
    },
    { Responses: [{ Item: WIRE_ITEM }, {}] },
  ],
  [
    'BatchGetCommand',
    {
      RequestItems: {
        Data: { Keys: [KEY, { pk: 'a', sk: 'b' }], ConsistentRead: true, ProjectionExpression: 'pk' },
      },
    },
    {
      Responses: { Data: [WIRE_ITEM] },
      UnprocessedKeys: { Data: { Keys: [{ pk: { S: 'a' }, sk: { S: 'b' } }] } },
    },
  ],
  [
    'BatchWriteCommand',
    { RequestItems: { Data: [{ PutRequest: { Item: ITEM } }, { DeleteRequest: { Key: KEY } }] } },
    {
      UnprocessedItems: { Data: [{ PutRequest: { Item: WIRE_ITEM } }, { DeleteRequest: { Key: WIRE_KEY } }] },
      ItemCollectionMetrics: {
        Data: [{ ItemCollectionKey: { pk: { S: 'PROJECT#p1' } }, SizeEstimateRangeGB: [0, 1] }],
      },
    },
  ],
];

type CommandName = keyof typeof ours & keyof typeof sdk & `${string}Command`;

function commandsOf(name: string, input: unknown) {
  const Ours = ours[name as CommandName] as unknown as new (input: unknown) => ours.GetCommand;
  const Sdk = sdk[name as CommandName] as unknown as new (input: unknown) => SdkCommand;
  return { ours: new Ours(input), sdk: new Sdk(input) };
}

describe('each command sends what lib-dynamodb sends and reads what it reads', () => {
  it.each(cases)('%s %#', async (name, input, answer) => {
    const commands = commandsOf(name, input);
    const expected = await sdkExchange(commands.sdk, { status: 200, body: answer });
    expect(expected.error).toBeUndefined();

    const sent = ourExchange(commands.ours);
    expect(sent.target).toBe(expected.target);
    expect(sent.request).toEqual(expected.request);

    const { $metadata, ...output } = commands.ours.fromAnswer(answerOf(answer)) as Record<string, unknown>;
    expect(output).toEqual(expected.output);
    expect($metadata).toEqual({ httpStatusCode: 200, requestId: 'REQ1', attempts: 1 });
  });

  it('marshals what the services write: numbers as N text, sets, binaries as base64, nested undefined dropped', () => {
    const { request } = ourExchange(new ours.PutCommand({ TableName: 'Data', Item: ITEM }));
    expect(request).toEqual({ TableName: 'Data', Item: WIRE_ITEM });
  });

  it('reads an integer beyond 2^53 as a BigInt, as lib-dynamodb does, never rounded', () => {
    const { Item } = new ours.GetCommand({ TableName: 'Data', Key: KEY }).fromAnswer(
      answerOf({ Item: { n: { N: '9007199254740993' } } }),
    );
    expect(Item).toEqual({ n: 9007199254740993n });
  });

  it('unmarshals an item into native values: numbers, Sets and bytes', () => {
    const { Item } = new ours.GetCommand({ TableName: 'Data', Key: KEY }).fromAnswer(
      answerOf({ Item: WIRE_ITEM }),
    );
    const { absent: _absent, ...stored } = ITEM;
    expect(Item).toEqual({
      ...stored,
      list: [1, 'a', { x: 1 }, [true]],
      buffer: new Uint8Array(Buffer.from('hi')),
    });
  });
});

describe('what the document layer refuses', () => {
  it.each([
    ['PutCommand', { TableName: 'Data', Item: KEY, Expected: { pk: { Exists: false } } }, 'Expected'],
    [
      'UpdateCommand',
      { TableName: 'Data', Key: KEY, AttributeUpdates: { n: { Value: 1 } } },
      'AttributeUpdates',
    ],
    ['DeleteCommand', { TableName: 'Data', Key: KEY, Expected: { pk: { Exists: true } } }, 'Expected'],
    [
      'QueryCommand',
      { TableName: 'Data', KeyConditions: { pk: { ComparisonOperator: 'EQ' } } },
      'KeyConditions',
    ],
    [
      'QueryCommand',
      { TableName: 'Data', QueryFilter: { n: { ComparisonOperator: 'NULL' } } },
      'QueryFilter',
    ],
    ['ScanCommand', { TableName: 'Data', ScanFilter: { n: { ComparisonOperator: 'NULL' } } }, 'ScanFilter'],
  ])('%s with the legacy parameter %#', (name, input, parameter) => {
    expect(() => commandsOf(name, input).ours.toRequest()).toThrow(`the legacy parameter ${parameter}`);
  });

  it('a value marshall cannot store (a class instance, an empty set), as the SDK refuses it', async () => {
    for (const Item of [
      { ...KEY, at: new Date() },
      { ...KEY, tags: new Set() },
    ]) {
      const commands = commandsOf('PutCommand', { TableName: 'Data', Item });
      expect(() => commands.ours.toRequest()).toThrow();
      await expect(sdkExchange(commands.sdk, { status: 200, body: {} })).rejects.toThrow();
    }
  });

  it.each([
    ['an Item that is a string', 'GetCommand', { Item: 'x' }],
    ['Items that are not a list', 'QueryCommand', { Items: { a: 1 } }],
    [
      'a fraction beyond 2^53 (unmarshall refuses to round it)',
      'GetCommand',
      { Item: { n: { N: '90071992547409930.5' } } },
    ],
  ])('an answer with %s throws', (_case, name, body) => {
    expect(() => commandsOf(name, { TableName: 'Data', Key: KEY }).ours.fromAnswer(answerOf(body))).toThrow();
  });
});

describe("errors keep the SDK's contract", () => {
  const CANCELLED = {
    __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
    Message:
      'Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]',
    CancellationReasons: [
      { Code: 'None' },
      {
        Code: 'ConditionalCheckFailed',
        Message: 'The conditional request failed',
        Item: { keyId: { S: 'k1' }, b: { B: 'AQI=' } },
      },
    ],
  };
  const CONDITION = {
    __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
    message: 'The conditional request failed',
    Item: WIRE_KEY,
  };
  const THROTTLED = {
    __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    message: 'Throughput exceeds the current capacity',
  };

  it.each([
    ['a cancelled transaction', 'TransactWriteCommand', { TransactItems: [] }, CANCELLED],
    ['a refused condition', 'PutCommand', { TableName: 'Data', Item: KEY }, CONDITION],
    ['a throttle', 'GetCommand', { TableName: 'Data', Key: KEY }, THROTTLED],
  ])('%s: the same name, message, fault, status and members as the SDK', async (_case, name, input, body) => {
    const expected = (await sdkExchange(commandsOf(name, input).sdk, { status: 400, body })).error as Record<
      string,
      unknown
    >;
    const error = errorOfAnswer(400, JSON.stringify(body), 'REQ1');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(expected.name);
    expect(error.message).toBe(expected.message);
    expect(error.$fault).toBe(expected.$fault);
    expect(error.$metadata).toEqual({
      httpStatusCode: (expected.$metadata as { httpStatusCode: number }).httpStatusCode,
      requestId: 'REQ1',
    });
    expect(error.CancellationReasons).toEqual(expected.CancellationReasons);
    expect(error.Item).toEqual(expected.Item);
  });
});
