/** The two tables: the shared key schemas, recoverable, protected from deletion, no physical names. */
import { beforeAll, describe, expect, it } from 'vitest';
import { API_KEYS_TABLE, DATA_TABLE, type TableDefinition } from '../../../lambdas/aws/tables.js';
import { logicalIdOf, resourcesOfType, type Synthesized, synthesize } from '../template.js';

let synthesized: Synthesized;
beforeAll(() => {
  synthesized = synthesize();
});

const keySchema = (partitionKey: string, sortKey?: string) => [
  { AttributeName: partitionKey, KeyType: 'HASH' },
  ...(sortKey === undefined ? [] : [{ AttributeName: sortKey, KeyType: 'RANGE' }]),
];

const tables = (): [string, string, TableDefinition][] => [
  ['ApiKeys', logicalIdOf(synthesized.stack.keyStore.apiKeys), API_KEYS_TABLE],
  ['Data', logicalIdOf(synthesized.stack.keyStore.data), DATA_TABLE],
];

describe('tables', () => {
  it('creates exactly the ApiKeys and Data tables', () => {
    expect(Object.keys(resourcesOfType(synthesized.template, 'AWS::DynamoDB::Table')).toSorted()).toEqual(
      tables()
        .map(([, logicalId]) => logicalId)
        .toSorted(),
    );
  });

  it.each(['ApiKeys', 'Data'])(
    '%s: on-demand, PITR, deletion protection, retained, encrypted, no fixed name',
    (name) => {
      const [, logicalId] = tables().find(([candidate]) => candidate === name) ?? [];
      const table = resourcesOfType(synthesized.template, 'AWS::DynamoDB::Table')[logicalId ?? ''];

      expect(table).toMatchObject({
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          BillingMode: 'PAY_PER_REQUEST',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: true,
          SSESpecification: { SSEEnabled: true },
        },
      });
      expect(table?.Properties.TableName).toBeUndefined();
    },
  );

  it.each(['ApiKeys', 'Data'])('%s: key schema, indexes and TTL come from lambdas/aws/tables.ts', (name) => {
    const [, logicalId, definition] = tables().find(([candidate]) => candidate === name) ?? [];
    const properties = resourcesOfType(synthesized.template, 'AWS::DynamoDB::Table')[logicalId ?? '']
      ?.Properties;
    if (!definition || !properties) throw new Error(`No ${name} table`);

    expect(properties.KeySchema).toEqual(keySchema(definition.partitionKey, definition.sortKey));
    const indexes = (properties.GlobalSecondaryIndexes ?? []) as { IndexName: string; KeySchema: unknown }[];
    expect(indexes.map(({ IndexName, KeySchema }) => ({ IndexName, KeySchema }))).toEqual(
      definition.globalSecondaryIndexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: keySchema(index.partitionKey, index.sortKey),
      })),
    );
    expect(properties.TimeToLiveSpecification).toEqual(
      definition.timeToLiveAttribute === undefined
        ? undefined
        : { AttributeName: definition.timeToLiveAttribute, Enabled: true },
    );
  });

  it('gives ApiKeys the byProject index and Data the ttl attribute', () => {
    synthesized.template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'keyId', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [{ IndexName: 'byProject', Projection: { ProjectionType: 'ALL' } }],
    });
    synthesized.template.hasResourceProperties('AWS::DynamoDB::Table', {
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
    });
  });
});
