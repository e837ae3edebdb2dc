/** The service Lambdas: least-privilege grants, and the house settings every function shares. */
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { LAMBDA_ENTRIES } from '../../../lib/bundling.js';
import { DATA_TABLE_GRANTS, PROJECT_ITEMS, SCHEDULED_ITEMS } from '../../../lib/table-grants.js';
import {
  actionsOf,
  arnOf,
  logicalIdOf,
  type PolicyStatement,
  propertiesOf,
  resourcesOf,
  resourcesOfType,
  roleStatements,
  type Synthesized,
  synthesize,
} from '../template.js';

let synthesized: Synthesized;
/** Functions of the default stack: the cache flusher exists only with `authorizerCacheFlush`. */
const DEFAULT_FUNCTIONS = Object.keys(LAMBDA_ENTRIES).filter((name) => name !== 'cacheFlush');
beforeAll(() => {
  synthesized = synthesize();
});

const statementsOf = (
  service: 'sending' | 'account' | 'domains' | 'templates' | 'audience',
): PolicyStatement[] =>
  roleStatements(synthesized.template, logicalIdOf(synthesized.stack.services.functions[service].role));

/** The Data table actions a function is granted, in lib/table-grants.ts's list. */
const dataActions = (name: keyof typeof DATA_TABLE_GRANTS): string[] =>
  DATA_TABLE_GRANTS[name].flatMap((grant): string[] => [...grant.actions]).toSorted();

const functionProperties = (fn: IConstruct): Record<string, unknown> =>
  propertiesOf(synthesized.template, 'AWS::Lambda::Function', fn);

describe('least privilege', () => {
  it('grants no wildcard action and no wildcard-only resource to any role', () => {
    const roles = Object.keys(resourcesOfType(synthesized.template, 'AWS::IAM::Role'));
    const statements = roles.flatMap((role) => roleStatements(synthesized.template, role));

    expect(statements.length).toBeGreaterThan(0);
    expect(statements.flatMap(actionsOf).filter((action) => action.includes('*'))).toEqual([]);
    // dynamodb:ListStreams (the stream event source's) and ses:GetAccount (the broadcast sender reads
    // the account's maximum send rate) have no resource-level permissions at all.
    const unscoped = new Set(['dynamodb:ListStreams', 'ses:GetAccount']);
    const scoped = statements.filter((statement) => !unscoped.has(actionsOf(statement).join()));
    expect(scoped.flatMap(resourcesOf)).not.toContain('*');
    expect(statements.every((statement) => statement.Effect === 'Allow')).toBe(true);
  });

  it('attaches no managed policy to any Lambda role', () => {
    const roles = Object.values(resourcesOfType(synthesized.template, 'AWS::IAM::Role'));
    const lambdaRoles = roles.filter((role) =>
      JSON.stringify(role.Properties).includes('lambda.amazonaws.com'),
    );
    expect(lambdaRoles).toHaveLength(DEFAULT_FUNCTIONS.length);
    for (const role of lambdaRoles) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('uses a managed policy only for API Gateway’s account-wide logging role', () => {
    const managed = Object.values(resourcesOfType(synthesized.template, 'AWS::IAM::Role')).filter(
      (role) => role.Properties.ManagedPolicyArns !== undefined,
    );
    expect(managed).toHaveLength(1);
    expect(JSON.stringify(managed[0]?.Properties)).toContain('apigateway.amazonaws.com');
    expect(JSON.stringify(managed[0]?.Properties.ManagedPolicyArns)).toContain(
      'AmazonAPIGatewayPushToCloudWatchLogs',
    );
  });

  it('lets sending read and write the Data table with its exact grants, on the table only', () => {
    const dynamo = statementsOf('sending').filter((statement) =>
      actionsOf(statement)[0]?.startsWith('dynamodb:'),
    );
    const data = arnOf(logicalIdOf(synthesized.stack.keyStore.data));

    // Compared sorted: @aws-cdk/aws-iam:minimizePolicies sorts the actions it merges.
    expect(dynamo.map((statement) => ({ ...statement, Action: actionsOf(statement).toSorted() }))).toEqual([
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Resource: data,
      },
      {
        Effect: 'Allow',
        // BatchGetItem: the recipients' suppressions, in the project only.
        Action: ['dynamodb:BatchGetItem', 'dynamodb:Query'],
        Resource: data,
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [PROJECT_ITEMS] } },
      },
      {
        Effect: 'Allow',
        Action: ['dynamodb:DeleteItem'],
        Resource: data,
        // A scheduled email's due entry goes when it is moved or canceled.
        Condition: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [PROJECT_ITEMS, SCHEDULED_ITEMS] },
        },
      },
    ]);
  });

  it('lets sending send through SES only from this account and region, with the configuration set', () => {
    const ses = statementsOf('sending').filter((statement) =>
      actionsOf(statement).some((a) => a.startsWith('ses:')),
    );
    const resources = JSON.stringify(ses.flatMap(resourcesOf));

    expect(ses.flatMap(actionsOf).toSorted()).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
    expect(resources).toContain('{"Ref":"AWS::Region"},":",{"Ref":"AWS::AccountId"},":identity/*"');
    expect(resources).toContain(
      `":configuration-set/",${JSON.stringify({ Ref: logicalIdOf(synthesized.stack.services.configurationSet) })}`,
    );
  });

  it('lets domains manage SES identities with exactly the four calls it makes, in this account and region', () => {
    const ses = statementsOf('domains').filter((statement) =>
      actionsOf(statement).some((a) => a.startsWith('ses:')),
    );
    const resources = JSON.stringify(ses.flatMap(resourcesOf));

    expect(ses.flatMap(actionsOf).toSorted()).toEqual(
      [
        'ses:CreateEmailIdentity',
        'ses:DeleteEmailIdentity',
        'ses:GetEmailIdentity',
        'ses:PutEmailIdentityMailFromAttributes',
      ].toSorted(),
    );
    expect(resources).toContain('{"Ref":"AWS::Region"},":",{"Ref":"AWS::AccountId"},":identity/*"');
    expect(resources).toContain(
      `":configuration-set/",${JSON.stringify({ Ref: logicalIdOf(synthesized.stack.services.configurationSet) })}`,
    );
    expect(ses.flatMap(resourcesOf)).toHaveLength(2);
    // Sending's grant is unchanged: it still may only send, in this account and region.
    expect(
      statementsOf('sending')
        .flatMap(actionsOf)
        .filter((action) => action.startsWith('ses:'))
        .toSorted(),
    ).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
  });

  it('lets domains read and write the Data table with exact actions, and nothing of ApiKeys', () => {
    const statements = statementsOf('domains');
    expect(
      statements
        .flatMap(actionsOf)
        .filter((action) => action.startsWith('dynamodb:'))
        .toSorted(),
    ).toEqual(dataActions('domains'));
    expect(JSON.stringify(statements)).not.toContain(logicalIdOf(synthesized.stack.keyStore.apiKeys));
  });

  it('lets account read and write the Data table, and on ApiKeys only get, put, update and query byProject', () => {
    const statements = statementsOf('account');
    const apiKeys = logicalIdOf(synthesized.stack.keyStore.apiKeys);
    const data = logicalIdOf(synthesized.stack.keyStore.data);
    // minimizePolicies may merge statements across tables: compare (action, resource) pairs.
    const pairs = statements.flatMap((statement) =>
      actionsOf(statement)
        .filter((action) => action.startsWith('dynamodb:'))
        .flatMap((action) => resourcesOf(statement).map((resource) => [action, JSON.stringify(resource)])),
    );
    const actionsOn = (match: (resource: string) => boolean) =>
      pairs.filter(([, resource]) => match(resource ?? '')).map(([action]) => action);

    expect(new Set(actionsOn((resource) => resource.includes(data)))).toEqual(
      new Set(dataActions('account')),
    );
    expect(
      actionsOn((resource) => resource.includes(apiKeys) && !resource.includes('index')).toSorted(),
    ).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    expect(actionsOn((resource) => resource.includes('/index/'))).toEqual(['dynamodb:Query']);
    expect(JSON.stringify(statements)).toContain('/index/byProject');
    expect(statements.flatMap(actionsOf).filter((action) => action.startsWith('ses:'))).toEqual([]);
  });

  it('keeps the authorizer to GetItem on ApiKeys and nothing else', () => {
    const statements = roleStatements(
      synthesized.template,
      logicalIdOf(synthesized.stack.keyAuthorizer.handler.role),
    ).filter((statement) => actionsOf(statement).some((action) => action.startsWith('dynamodb:')));
    expect(statements.flatMap(actionsOf)).toEqual(['dynamodb:GetItem']);
  });
});

describe('templates grants', () => {
  it('lets templates read and write the Data table only: no SES, no ApiKeys, no index', () => {
    const statements = statementsOf('templates');
    const actions = statements.flatMap(actionsOf);

    expect(actions.filter((action) => action.startsWith('dynamodb:')).toSorted()).toEqual(
      dataActions('templates'),
    );
    expect(actions.filter((action) => action.startsWith('ses:'))).toEqual([]);
    expect(JSON.stringify(statements)).toContain(logicalIdOf(synthesized.stack.keyStore.data));
    expect(JSON.stringify(statements)).not.toContain(logicalIdOf(synthesized.stack.keyStore.apiKeys));
    expect(
      functionProperties(synthesized.stack.services.functions.templates.function).Environment,
    ).toMatchObject({
      Variables: { DATA_TABLE: { Ref: logicalIdOf(synthesized.stack.keyStore.data) } },
    });
  });
});

describe('audience grants', () => {
  it('lets audience read and write the Data table only: no SES, no ApiKeys, no Scan, no batch', () => {
    const statements = statementsOf('audience');
    const actions = statements.flatMap(actionsOf);

    expect(actions.filter((action) => action.startsWith('dynamodb:')).toSorted()).toEqual(
      dataActions('audience'),
    );
    expect(actions.filter((action) => action.startsWith('ses:'))).toEqual([]);
    expect(JSON.stringify(statements)).not.toContain(logicalIdOf(synthesized.stack.keyStore.apiKeys));
  });
});

describe('house Lambda settings', () => {
  const allFunctions = () => [
    ['authorizer', synthesized.stack.keyAuthorizer.handler] as const,
    ...Object.entries(synthesized.stack.services.functions),
  ];

  it('creates one function per LAMBDA_ENTRIES entry but the optional cache flusher', () => {
    expect(Object.keys(resourcesOfType(synthesized.template, 'AWS::Lambda::Function'))).toHaveLength(
      DEFAULT_FUNCTIONS.length,
    );
  });

  it('runs every function on the newest Node.js runtime, on arm64, without source-map loading', () => {
    for (const [name, fn] of allFunctions()) {
      const properties = functionProperties(fn.function);
      expect({ name, ...properties }).toMatchObject({
        name,
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
      });
      const variables = (properties.Environment as { Variables?: Record<string, unknown> } | undefined)
        ?.Variables;
      expect({ name, nodeOptions: variables?.NODE_OPTIONS }).toEqual({ name, nodeOptions: undefined });
    }
  });

  it('logs every function to its own log group, kept one month', () => {
    const logGroups = resourcesOfType(synthesized.template, 'AWS::Logs::LogGroup');
    for (const [name, fn] of allFunctions()) {
      const logGroupId = logicalIdOf(fn.logGroup);
      expect({ name, config: functionProperties(fn.function).LoggingConfig }).toEqual({
        name,
        config: { LogGroup: { Ref: logGroupId } },
      });
      expect(logGroups[logGroupId]?.Properties.RetentionInDays).toBe(30);
    }
  });

  it('hands sending the Data table and the SES configuration set, and account the Data table', () => {
    const { functions, configurationSet } = synthesized.stack.services;
    const data = { Ref: logicalIdOf(synthesized.stack.keyStore.data) };

    expect(functionProperties(functions.sending.function).Environment).toMatchObject({
      Variables: { DATA_TABLE: data, SES_CONFIGURATION_SET: { Ref: logicalIdOf(configurationSet) } },
    });
    expect(functionProperties(functions.account.function).Environment).toMatchObject({
      Variables: {
        DATA_TABLE: data,
        API_KEYS_TABLE: { Ref: logicalIdOf(synthesized.stack.keyStore.apiKeys) },
      },
    });
    expect(functionProperties(functions.domains.function).Environment).toMatchObject({
      Variables: { DATA_TABLE: data, SES_CONFIGURATION_SET: { Ref: logicalIdOf(configurationSet) } },
    });
  });
});
