/**
 * Least privilege that the docs describe truly: for every function, the DynamoDB calls its code makes
 * (function → table → action → the partitions it touches and the request parameters it sends), read
 * from the stores each Lambda bundles. Each call is run through an IAM policy simulator
 * (@cloud-copilot/iam-simulate, offline) against the function's synthesized role, and the role may
 * grant no (action, table) pair that no call needs.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { IConstruct } from 'constructs';
import { Duration } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  EXPIRING_MARKER_ATTRIBUTE,
  EXPIRING_SCAN_ATTRIBUTES,
} from '../../../lambdas/expiring-keys/expiring-keys.js';
import {
  LEGACY_NAME_PREFIX,
  MIGRATION_DOMAIN_ATTRIBUTES,
  MIGRATION_SCAN_ATTRIBUTES,
} from '../../../lambdas/cleanup/domain-claims-migration.js';
import { BROADCAST_DUE_PARTITION } from '../../../lambdas/broadcasts/broadcast-store.js';
import { recipientPartition } from '../../../lambdas/shared/broadcast-recipients.js';
import { CLEANUP_SCAN_ATTRIBUTES } from '../../../lambdas/cleanup/secret-records.js';
import { CURSOR_SECRET_PARTITION } from '../../../lambdas/http/cursor-secret.js';
import { billingPartition } from '../../../lambdas/shared/quota.js';
import { rateWindowKey, rateWindowOf } from '../../../lambdas/http/rate-limit.js';
import { projectPartition, teamPartition } from '../../../lambdas/aws/tables.js';
import { claimKey, LAPSE_PARTITION } from '../../../lambdas/domains/domain-store.js';
import { sesMessagePartition } from '../../../lambdas/sending/email-store.js';
import { CURSOR_KEY, duePartition } from '../../../lambdas/sending/scheduled-store.js';
import { KEY_ATTRIBUTES } from '../../../lambdas/scheduler/sweep.js';
import { providerMessagePartition } from '../../../lambdas/messaging/message-store.js';
import type { ScopegateStack } from '../../../lib/scopegate-stack.js';
import {
  actionsOf,
  logicalIdOf,
  type PolicyStatement,
  resourcesOf,
  resourcesOfType,
  roleStatements,
  type Synthesized,
  synthesize,
} from '../template.js';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';

// One sample partition value of each kind of item, made by the code's own key functions.
const PROJECT = projectPartition('proj_1');
const TEAM = teamPartition('team_1');
const STACK = CURSOR_SECRET_PARTITION;
const BILLING = billingPartition('team_1');
const RATE = rateWindowKey('AbCdEfGhIjKl', rateWindowOf(new Date('2026-12-07T12:00:00Z'))).pk;
const SES_MESSAGE = sesMessagePartition('0100018c-ses');
const PROVIDER_MESSAGE = providerMessagePartition('sms', 'msg-1');
const DOMAIN_FAMILY = claimKey('mail.example.com').pk;
const DOMAIN_LAPSE = LAPSE_PARTITION;
const USAGE_BATCH = 'USAGE_BATCH#batch-1';
const LEGACY_CLAIM = `${LEGACY_NAME_PREFIX}mail.example.com`;
const SCHEDULED_DUE = duePartition('2026-12-07T10:31');
const SCHEDULED_CURSOR = CURSOR_KEY.pk;
const RECIPIENTS = recipientPartition({ projectId: 'proj_1', broadcastId: 'bc_1' }, 'ct_1');
const BROADCAST_DUE = BROADCAST_DUE_PARTITION;

type Table = 'Data' | 'ApiKeys' | 'ApiKeys/index/byProject';

interface Call {
  readonly table: Table;
  readonly action: string;
  /** The partition-key values the calls of this action touch (one simulation each). */
  readonly partitions?: readonly string[];
  /** Request-parameter context keys the call carries (dynamodb:Attributes, dynamodb:Select…). */
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
}

const data = (action: string, partitions: readonly string[]): Call => ({ table: 'Data', action, partitions });

/**
 * Every function's DynamoDB calls. The API services share the frame's calls: idempotency records,
 * audit entries and events (PROJECT#), the cursor secret (STACK), per-key rate windows (RATE).
 */
const API_SERVICE_CALLS: readonly Call[] = [
  data('dynamodb:GetItem', [PROJECT, STACK]),
  data('dynamodb:PutItem', [PROJECT, STACK]),
  data('dynamodb:UpdateItem', [PROJECT, RATE]),
  data('dynamodb:Query', [PROJECT]),
  data('dynamodb:DeleteItem', [PROJECT]),
];

type FunctionName =
  | 'authorizer'
  | 'sending'
  | 'account'
  | 'domains'
  | 'templates'
  | 'webhooks'
  | 'audience'
  | 'suppressions'
  | 'unsubscribe'
  | 'broadcasts'
  | 'broadcastSender'
  | 'deliveries'
  | 'fanOut'
  | 'events'
  | 'usage'
  | 'expiringKeys'
  | 'cleanup'
  | 'scheduledEmails'
  | 'dashboard';

const CALLS: Readonly<Record<FunctionName, readonly Call[]>> = {
  // One strongly consistent GetItem of the whole item (the hash is compared).
  authorizer: [{ table: 'ApiKeys', action: 'dynamodb:GetItem' }],
  // Emails and messages, their SES / provider id lookups, billing counters (quota-store).
  sending: [
    data('dynamodb:GetItem', [PROJECT, STACK, BILLING]),
    data('dynamodb:PutItem', [PROJECT, STACK, BILLING, SES_MESSAGE, PROVIDER_MESSAGE]),
    data('dynamodb:UpdateItem', [PROJECT, RATE, BILLING]),
    // GET /v1/emails?broadcast_id= reads the broadcast's recipients.
    data('dynamodb:Query', [PROJECT, RECIPIENTS]),
    // A scheduled email's due entry goes when it is moved or canceled (lambdas/sending/scheduled-store.ts).
    data('dynamodb:DeleteItem', [PROJECT, SCHEDULED_DUE]),
    // The recipients' suppressions (suppression-store.ts suppressedAmong).
    data('dynamodb:BatchGetItem', [PROJECT]),
  ],
  // Keys over the API (keys.ts, key-usage.ts), projects of a team, billing limits, usage reads.
  account: [
    data('dynamodb:GetItem', [PROJECT, STACK, BILLING]),
    data('dynamodb:PutItem', [PROJECT, STACK, BILLING]),
    data('dynamodb:UpdateItem', [PROJECT, RATE, BILLING]),
    data('dynamodb:Query', [PROJECT, TEAM]),
    data('dynamodb:DeleteItem', [PROJECT]),
    { table: 'ApiKeys', action: 'dynamodb:GetItem' },
    { table: 'ApiKeys', action: 'dynamodb:PutItem' },
    { table: 'ApiKeys', action: 'dynamodb:UpdateItem' },
    { table: 'ApiKeys/index/byProject', action: 'dynamodb:Query' },
  ],
  // A domain, its name's claim and its family's version counter (DOMAIN_FAMILY#), its lapse-due entry
  // (DOMAIN_LAPSE), written and freed in transactions (domain-store.ts); a create queries the family.
  domains: [
    data('dynamodb:GetItem', [PROJECT, STACK, DOMAIN_FAMILY]),
    data('dynamodb:PutItem', [PROJECT, STACK, DOMAIN_FAMILY, DOMAIN_LAPSE]),
    data('dynamodb:UpdateItem', [PROJECT, RATE, DOMAIN_FAMILY]),
    data('dynamodb:Query', [PROJECT, DOMAIN_FAMILY]),
    data('dynamodb:DeleteItem', [PROJECT, DOMAIN_FAMILY, DOMAIN_LAPSE]),
  ],
  templates: API_SERVICE_CALLS,
  webhooks: API_SERVICE_CALLS,
  audience: API_SERVICE_CALLS,
  suppressions: API_SERVICE_CALLS,
  // unsubscribe/pages.ts: the token's secret (made on first use) and contact; the contact's change,
  // its suppression (an UpdateItem with if_not_exists) and its event, in one transaction.
  unsubscribe: [
    data('dynamodb:GetItem', [PROJECT, STACK]),
    data('dynamodb:PutItem', [PROJECT, STACK]),
    data('dynamodb:UpdateItem', [PROJECT]),
  ],
  // broadcasts.ts: drafts, the transition transactions (event, due entry), recipients listed.
  broadcasts: [
    data('dynamodb:GetItem', [PROJECT, STACK]),
    data('dynamodb:PutItem', [PROJECT, STACK, BROADCAST_DUE]),
    data('dynamodb:UpdateItem', [PROJECT, RATE]),
    data('dynamodb:Query', [PROJECT, RECIPIENTS]),
    data('dynamodb:DeleteItem', [PROJECT]),
  ],
  // sender.ts / recipient-store.ts: recipients and emails settled with the SES message-id index,
  // the unsubscribe secret; the due sweep (broadcasts.ts startDueBroadcasts).
  broadcastSender: [
    data('dynamodb:GetItem', [PROJECT, RECIPIENTS, STACK]),
    data('dynamodb:PutItem', [PROJECT, RECIPIENTS, STACK, SES_MESSAGE]),
    data('dynamodb:UpdateItem', [PROJECT, RECIPIENTS]),
    data('dynamodb:Query', [PROJECT, BROADCAST_DUE]),
    data('dynamodb:DeleteItem', [BROADCAST_DUE]),
  ],
  // consumer.ts: the event and the webhook (Get), the attempt (Put), the webhook's state (Update).
  deliveries: [
    data('dynamodb:GetItem', [PROJECT]),
    data('dynamodb:PutItem', [PROJECT]),
    data('dynamodb:UpdateItem', [PROJECT]),
  ],
  // fan-out-step.ts: allWebhooks of the event's project.
  fanOut: [data('dynamodb:Query', [PROJECT])],
  // record-steps.ts, the event store that email-events-store.ts / message-events-store.ts configure.
  events: [
    data('dynamodb:GetItem', [SES_MESSAGE, PROVIDER_MESSAGE]),
    data('dynamodb:PutItem', [PROJECT]),
    data('dynamodb:UpdateItem', [PROJECT]),
    data('dynamodb:Query', [PROJECT]),
  ],
  // usage-store.ts. GetItem sends a ProjectionExpression and no Select (GetItem has none);
  // UpdateItem sends no ReturnValues.
  usage: [
    data('dynamodb:PutItem', [USAGE_BATCH]),
    data('dynamodb:UpdateItem', [PROJECT]),
    {
      table: 'ApiKeys',
      action: 'dynamodb:GetItem',
      context: { 'dynamodb:Attributes': ['keyId', 'projectId'] },
    },
    {
      table: 'ApiKeys',
      action: 'dynamodb:UpdateItem',
      context: { 'dynamodb:Attributes': ['keyId', 'lastUsedAt'] },
    },
  ],
  // expiring-keys.ts: the Scan always sends Select SPECIFIC_ATTRIBUTES with its projection.
  expiringKeys: [
    {
      table: 'ApiKeys',
      action: 'dynamodb:Scan',
      context: { 'dynamodb:Attributes': EXPIRING_SCAN_ATTRIBUTES, 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
    },
    {
      table: 'ApiKeys',
      action: 'dynamodb:UpdateItem',
      context: { 'dynamodb:Attributes': ['keyId', EXPIRING_MARKER_ATTRIBUTE] },
    },
    data('dynamodb:PutItem', [PROJECT]),
  ],
  // lambdas/cleanup: two Scans that always send Select SPECIFIC_ATTRIBUTES with their projection
  // (idempotency records' keys and answers; legacy claims' keys, project and domain), the legacy
  // claim's domain (GetItem with a projection), the family claim, counter and lapse entry written in
  // one transaction with the legacy claim's deletion, and old idempotency records deleted.
  cleanup: [
    {
      table: 'Data',
      action: 'dynamodb:Scan',
      context: { 'dynamodb:Attributes': CLEANUP_SCAN_ATTRIBUTES, 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
    },
    {
      table: 'Data',
      action: 'dynamodb:Scan',
      context: { 'dynamodb:Attributes': MIGRATION_SCAN_ATTRIBUTES, 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
    },
    {
      table: 'Data',
      action: 'dynamodb:GetItem',
      partitions: [PROJECT],
      context: { 'dynamodb:Attributes': MIGRATION_DOMAIN_ATTRIBUTES },
    },
    data('dynamodb:PutItem', [DOMAIN_FAMILY, DOMAIN_LAPSE]),
    data('dynamodb:UpdateItem', [DOMAIN_FAMILY]),
    data('dynamodb:DeleteItem', [PROJECT, LEGACY_CLAIM]),
  ],
  // lambdas/scheduler/sweep.ts: due entries and the cursor, the email, its content, the project's
  // domains, its events, the SES message index, monthly counts given back; the scheduling key's
  // revocation and expiry only.
  scheduledEmails: [
    data('dynamodb:GetItem', [PROJECT, SCHEDULED_CURSOR]),
    data('dynamodb:Query', [PROJECT, SCHEDULED_DUE]),
    data('dynamodb:PutItem', [PROJECT, SCHEDULED_CURSOR, SES_MESSAGE]),
    data('dynamodb:UpdateItem', [PROJECT, BILLING]),
    data('dynamodb:DeleteItem', [PROJECT, SCHEDULED_DUE]),
    { table: 'ApiKeys', action: 'dynamodb:GetItem', context: { 'dynamodb:Attributes': [...KEY_ATTRIBUTES] } },
  ],
  dashboard: [],
};

/** The stream actions the Data table's event source needs (fan-out): not item calls. */
const STREAM_ACTIONS = new Set([
  'dynamodb:DescribeStream',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:ListStreams',
]);

let synthesized: Synthesized;
let tableArns: Record<string, string>;
beforeAll(() => {
  synthesized = synthesize();
  const { keyStore } = synthesized.stack;
  tableArns = {
    [logicalIdOf(keyStore.data)]: tableArn('Data'),
    [logicalIdOf(keyStore.apiKeys)]: tableArn('ApiKeys'),
  };
});

const tableArn = (table: Table): string => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${table}`;

function roleOf(stack: ScopegateStack, name: FunctionName): IConstruct {
  const fn = {
    authorizer: stack.keyAuthorizer.handler,
    ...stack.services.functions,
    broadcastSender: stack.broadcastSending.sender,
    deliveries: stack.webhookDeliveries.consumer,
    fanOut: stack.webhookDeliveries.fanOut,
    events: stack.sesEvents.function,
    usage: stack.usage.function,
    expiringKeys: stack.expiringKeys.function,
    cleanup: stack.secretRecordsCleanup.function,
    scheduledEmails: stack.scheduledEmails.function,
    dashboard: stack.dashboard.handler,
    unsubscribe: stack.unsubscribePages.handler,
  }[name];
  return fn.role;
}

/** A CloudFormation value with the tables' ARNs and the pseudo parameters filled in. */
function resolve(value: unknown): string {
  if (typeof value === 'string') return value;
  const node = value as Record<string, unknown>;
  if ('Fn::GetAtt' in node) {
    const [id, attribute] = node['Fn::GetAtt'] as [string, string];
    const arn = tableArns[id];
    if (attribute === 'Arn' && arn !== undefined) return arn;
    if (attribute === 'StreamArn' && arn !== undefined) return `${arn}/stream/2026-01-01T00:00:00.000`;
    return `arn:aws:unknown:${REGION}:${ACCOUNT}:${id}`;
  }
  if ('Fn::Join' in node) {
    const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
    return parts.map(resolve).join(separator);
  }
  if ('Ref' in node) {
    const pseudo: Record<string, string> = {
      'AWS::Partition': 'aws',
      'AWS::Region': REGION,
      'AWS::AccountId': ACCOUNT,
    };
    return pseudo[node.Ref as string] ?? (node.Ref as string);
  }
  throw new Error(`Cannot resolve ${JSON.stringify(value)}`);
}

function dynamoStatements(name: FunctionName): PolicyStatement[] {
  return roleStatements(synthesized.template, logicalIdOf(roleOf(synthesized.stack, name))).filter(
    (statement) => actionsOf(statement).some((action) => action.startsWith('dynamodb:')),
  );
}

function policyDocument(statements: readonly PolicyStatement[]): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: statements.map((statement) => ({
      ...statement,
      Resource: resourcesOf(statement).map(resolve),
    })),
  };
}

async function decide(
  policy: Record<string, unknown>,
  table: Table,
  action: string,
  context: Readonly<Record<string, string | readonly string[]>>,
): Promise<string> {
  const result = await runSimulation(
    {
      request: {
        principal: `arn:aws:iam::${ACCOUNT}:role/scopegate-function`,
        action,
        resource: { resource: tableArn(table), accountId: ACCOUNT },
        contextVariables: Object.fromEntries(
          Object.entries(context).map(([key, value]) => [
            key,
            typeof value === 'string' ? value : [...value],
          ]),
        ),
      },
      identityPolicies: [{ name: 'role', policy: policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(JSON.stringify(result.errors));
  return result.overallResult;
}

/** Every (call, partition) of a function as one simulated request. */
function requestsOf(name: FunctionName) {
  return CALLS[name].flatMap((call) =>
    (call.partitions ?? [undefined]).map((partition) => ({
      ...call,
      context: { ...call.context, ...(partition && { 'dynamodb:LeadingKeys': [partition] }) },
    })),
  );
}

describe('each function may make exactly the DynamoDB calls its code makes', () => {
  it.each(Object.keys(CALLS) as FunctionName[])('%s: every call it makes is allowed', async (name) => {
    const policy = policyDocument(dynamoStatements(name));
    for (const request of requestsOf(name)) {
      const decision = await decide(policy, request.table, request.action, request.context);
      expect({ ...request, decision }).toEqual({ ...request, decision: 'Allowed' });
    }
  });

  it.each(Object.keys(CALLS) as FunctionName[])('%s: is granted no table action it does not call', (name) => {
    const granted = dynamoStatements(name).flatMap((statement) =>
      actionsOf(statement)
        .filter((action) => !STREAM_ACTIONS.has(action))
        .flatMap((action) =>
          resourcesOf(statement).map((resource) => `${action} ${resolve(resource).split(':table/')[1]}`),
        ),
    );
    const called = CALLS[name].map((call) => `${call.action} ${call.table}`);
    expect(new Set(granted)).toEqual(new Set(called));
  });

  it.each([
    ['templates', 'dynamodb:DeleteItem', TEAM],
    ['templates', 'dynamodb:DeleteItem', DOMAIN_FAMILY],
    ['audience', 'dynamodb:Query', BILLING],
    ['account', 'dynamodb:DeleteItem', BILLING],
    ['domains', 'dynamodb:DeleteItem', TEAM],
    ['deliveries', 'dynamodb:PutItem', STACK],
    ['fanOut', 'dynamodb:Query', TEAM],
    ['events', 'dynamodb:PutItem', BILLING],
    ['usage', 'dynamodb:UpdateItem', BILLING],
    ['usage', 'dynamodb:PutItem', PROJECT],
    ['expiringKeys', 'dynamodb:PutItem', STACK],
    ['cleanup', 'dynamodb:DeleteItem', DOMAIN_FAMILY],
    ['cleanup', 'dynamodb:PutItem', PROJECT],
    ['cleanup', 'dynamodb:UpdateItem', PROJECT],
    ['sending', 'dynamodb:DeleteItem', BILLING],
    ['scheduledEmails', 'dynamodb:PutItem', STACK],
    ['scheduledEmails', 'dynamodb:DeleteItem', SES_MESSAGE],
    ['scheduledEmails', 'dynamodb:UpdateItem', RATE],
  ] as const)('%s: %s outside the partitions it uses (%s) is denied', async (name, action, partition) => {
    const policy = policyDocument(dynamoStatements(name));
    expect(await decide(policy, 'Data', action, { 'dynamodb:LeadingKeys': [partition] })).toBe(
      'ImplicitlyDenied',
    );
  });

  it('lets the usage function read only keyId and projectId of a key, and write only lastUsedAt', async () => {
    const policy = policyDocument(dynamoStatements('usage'));
    const read = (attributes: string[]) =>
      decide(policy, 'ApiKeys', 'dynamodb:GetItem', { 'dynamodb:Attributes': attributes });
    expect(await read(['keyId', 'projectId'])).toBe('Allowed');
    expect(await read(['keyId', 'keyHash'])).toBe('ImplicitlyDenied');
    expect(
      await decide(policy, 'ApiKeys', 'dynamodb:UpdateItem', { 'dynamodb:Attributes': ['keyId', 'scopes'] }),
    ).toBe('ImplicitlyDenied');
  });

  it('lets the scheduled-email sweep read only the id, revocation and expiry of a key', async () => {
    const policy = policyDocument(dynamoStatements('scheduledEmails'));
    const read = (attributes: string[]) =>
      decide(policy, 'ApiKeys', 'dynamodb:GetItem', { 'dynamodb:Attributes': attributes });
    expect(await read(['keyId', 'revokedAt', 'expiresAt'])).toBe('Allowed');
    expect(await read(['keyId', 'keyHash'])).toBe('ImplicitlyDenied');
    expect(await read(['scopes'])).toBe('ImplicitlyDenied');
  });

  it('refuses the expiring-keys Scan without its projection (Select ALL_ATTRIBUTES or none)', async () => {
    const policy = policyDocument(dynamoStatements('expiringKeys'));
    const scan = (context: Record<string, string | string[]>) =>
      decide(policy, 'ApiKeys', 'dynamodb:Scan', context);
    expect(await scan({ 'dynamodb:Select': 'ALL_ATTRIBUTES' })).toBe('ImplicitlyDenied');
    expect(await scan({})).toBe('ImplicitlyDenied');
    expect(await scan({ 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES', 'dynamodb:Attributes': ['keyHash'] })).toBe(
      'ImplicitlyDenied',
    );
  });

  it('denies every GetItem under the old StringEquals form on dynamodb:Select (why IfExists)', async () => {
    const old = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'dynamodb:GetItem',
          Resource: tableArn('ApiKeys'),
          Condition: {
            'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['keyId', 'projectId'] },
            StringEquals: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
          },
        },
      ],
    };
    expect(
      await decide(old, 'ApiKeys', 'dynamodb:GetItem', { 'dynamodb:Attributes': ['keyId', 'projectId'] }),
    ).toBe('ImplicitlyDenied');
  });
});

/** Condition keys that name a request parameter a call may leave out. */
const REQUEST_PARAMETER_KEYS = [
  'dynamodb:Select',
  'dynamodb:ReturnValues',
  'dynamodb:ReturnConsumedCapacity',
  'dynamodb:Attributes',
];
/**
 * Where a plain operator is right because the code always sends the parameter, and must:
 * the expiring-keys Scan always sends Select SPECIFIC_ATTRIBUTES (lambdas/expiring-keys/expiring-keys.ts),
 * and a Scan without it would read whole items, hashes included.
 */
const ALWAYS_SENT = [{ action: 'dynamodb:Scan', key: 'dynamodb:Select' }];

describe('conditions on request parameters', () => {
  it('use an IfExists or ForAllValues form in every policy of the stack, unless the call always sends it', () => {
    // Every optional construct on, so every policy is in the template.
    const { template } = synthesize({ authorizerCacheTtl: Duration.seconds(60), authorizerCacheFlush: true });
    const documents = [
      ...Object.values(resourcesOfType(template, 'AWS::IAM::Policy')).map(
        (policy) => policy.Properties.PolicyDocument,
      ),
      ...Object.values(resourcesOfType(template, 'AWS::IAM::Role')).flatMap((role) =>
        ((role.Properties.Policies ?? []) as { PolicyDocument: unknown }[]).map((p) => p.PolicyDocument),
      ),
    ] as { Statement: PolicyStatement[] }[];
    const offending = documents
      .flatMap((document) => document.Statement)
      .flatMap((statement) =>
        Object.entries((statement.Condition ?? {}) as Record<string, Record<string, unknown>>).flatMap(
          ([operator, keys]) =>
            Object.keys(keys)
              .filter((key) => REQUEST_PARAMETER_KEYS.includes(key))
              .filter(() => !operator.endsWith('IfExists') && !operator.startsWith('ForAllValues:'))
              .filter(
                (key) =>
                  !actionsOf(statement).every((action) =>
                    ALWAYS_SENT.some((exempt) => exempt.action === action && exempt.key === key),
                  ),
              )
              .map((key) => `${actionsOf(statement).join(',')}: ${operator} ${key}`),
        ),
      );
    expect(documents.length).toBeGreaterThan(0);
    expect(offending).toEqual([]);
  });
});
