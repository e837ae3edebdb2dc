import { describe, expect, it } from 'vitest';
import { classify, itemBytes } from '../../../bench/dynamo-wire.js';

describe('the wire counter', () => {
  it('counts each item of a transaction as a transactional write, with the put sized', () => {
    const counted = classify('TransactWriteItems', {
      TransactItems: [
        { Put: { TableName: 'Data', Item: { pk: { S: 'P#1' }, sk: { S: 'A' } } } },
        { Update: { TableName: 'Data', Key: { pk: { S: 'P#2' }, sk: { S: 'B' } } } },
        { ConditionCheck: { TableName: 'Data', Key: { pk: { S: 'P#3' }, sk: { S: 'C' } } } },
      ],
    });
    expect(counted.writes).toEqual([
      { table: 'Data', pk: 'P#1', sk: 'A', bytes: 8, transactional: true },
      { table: 'Data', pk: 'P#2', sk: 'B', bytes: undefined, transactional: true },
    ]);
  });

  it("names a Query's partition from its key condition and an ApiKeys read by its key id", () => {
    expect(
      classify('Query', {
        TableName: 'Data',
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': { S: 'PROJECT#p' }, ':prefix': { S: 'EMAIL#' } },
      }).reads[0]?.pk,
    ).toBe('PROJECT#p');
    expect(classify('GetItem', { TableName: 'ApiKeys', Key: { keyId: { S: 'K1' } } }).reads[0]?.pk).toBe(
      'K1',
    );
  });

  it('sizes items as DynamoDB does: names plus values', () => {
    expect(itemBytes({ ab: { S: 'xyz' }, n: { N: '12' }, b: { BOOL: true } })).toBe(2 + 3 + 1 + 2 + 1 + 1);
  });
});
