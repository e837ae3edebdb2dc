/**
 * The service Lambdas behind the API, one per entry of SERVICES, each with exactly the grants its
 * routes need: on the Data table the actions of DATA_TABLE_GRANTS (lib/table-grants.ts); sending
 * also sends through SES, domains manages SES identities, and account manages ApiKeys items (no
 * Scan, no DeleteItem).
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import {
  CONFIGURATION_SET_ENV,
  TRACKING_MODES,
  type TrackingMode,
} from '../lambdas/domains/email-tracking.js';
import type { Service } from '../lambdas/api/routes.js';
import { ScopegateFunction } from './scopegate-function.js';
import { DATA_TABLE_GRANTS } from './table-grants.js';

export interface ServicesProps {
  readonly dataTable: ITable;
  /** Account manages keys over the API: exactly apiKeysStatements' grants on it. */
  readonly apiKeysTable: ITable;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

export class Services extends Construct {
  /** Keyed by SERVICES, so a service added to the route table without a function fails to compile. */
  public readonly functions: Readonly<Record<Service, ScopegateFunction>>;
  /**
   * The configuration set without open or click tracking: the default, the one domains' identities
   * name, and the one every email is sent through unless its domain turns tracking on.
   */
  public readonly configurationSet: ses.ConfigurationSet;
  /**
   * One configuration set per combination of open and click tracking (`none` is configurationSet).
   * SES tracks exactly what a set's event destinations publish, so a send chooses its set by its from
   * domain's settings (lambdas/domains/email-tracking.ts).
   */
  public readonly configurationSets: Readonly<Record<TrackingMode, ses.ConfigurationSet>>;
  /** ses:SendEmail / ses:SendRawEmail, on this account and region's identities and the configuration set. */
  public readonly sesSendStatement: iam.PolicyStatement;

  constructor(scope: Construct, id: string, props: ServicesProps) {
    super(scope, id);
    const configurationSet = (id: string) =>
      new ses.ConfigurationSet(this, id, {
        reputationMetrics: true,
        sendingEnabled: true,
        suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      });
    // The first keeps its logical id, so an existing stack keeps its set.
    this.configurationSet = configurationSet('ConfigurationSet');
    this.configurationSets = {
      none: this.configurationSet,
      open: configurationSet('ConfigurationSetOpenTracking'),
      click: configurationSet('ConfigurationSetClickTracking'),
      open_click: configurationSet('ConfigurationSetOpenClickTracking'),
    };
    const configurationSetEnvironment = Object.fromEntries(
      TRACKING_MODES.map((mode) => [
        CONFIGURATION_SET_ENV[mode],
        this.configurationSets[mode].configurationSetName,
      ]),
    );

    const sending = new ScopegateFunction(this, 'Sending', {
      name: 'sending',
      description: 'scopegate sending service: emails (SES v2)',
      logRetention: props.logRetention,
      // A batch sends up to 100 emails one by one; it starts none after 20 s (lambdas/sending/batch.ts)
      // and must answer inside API Gateway's 29 s.
      timeout: Duration.seconds(28),
      environment: configurationSetEnvironment,
    });
    sending.bindTable({ table: props.dataTable, access: DATA_TABLE_GRANTS.sending, envVar: 'DATA_TABLE' });
    this.sesSendStatement = sesSendStatement(this, Object.values(this.configurationSets));
    sending.role.addToPrincipalPolicy(this.sesSendStatement);

    const account = new ScopegateFunction(this, 'Account', {
      name: 'account',
      description: 'scopegate account service: projects and API keys',
      logRetention: props.logRetention,
    });
    // Key changes write their api_key.* events and Idempotency-Key records in the Data table.
    account.bindTable({ table: props.dataTable, access: DATA_TABLE_GRANTS.account, envVar: 'DATA_TABLE' });
    account.function.addEnvironment('API_KEYS_TABLE', props.apiKeysTable.tableName);
    for (const statement of apiKeysStatements(props.apiKeysTable))
      account.role.addToPrincipalPolicy(statement);

    const domains = new ScopegateFunction(this, 'Domains', {
      name: 'domains',
      description: 'scopegate domains service: sending domains (SES v2 email identities)',
      logRetention: props.logRetention,
      environment: { SES_CONFIGURATION_SET: this.configurationSet.configurationSetName },
    });
    domains.bindTable({ table: props.dataTable, access: DATA_TABLE_GRANTS.domains, envVar: 'DATA_TABLE' });
    domains.role.addToPrincipalPolicy(sesIdentityStatement(this, this.configurationSet));

    const templates = new ScopegateFunction(this, 'Templates', {
      name: 'templates',
      description: 'scopegate templates service: email templates',
      logRetention: props.logRetention,
    });
    templates.bindTable({
      table: props.dataTable,
      access: DATA_TABLE_GRANTS.templates,
      envVar: 'DATA_TABLE',
    });

    const webhooks = new ScopegateFunction(this, 'Webhooks', {
      name: 'webhooks',
      description: 'scopegate webhooks service: endpoints, secrets, test events, delivery history',
      logRetention: props.logRetention,
    });
    webhooks.bindTable({ table: props.dataTable, access: DATA_TABLE_GRANTS.webhooks, envVar: 'DATA_TABLE' });

    const audience = new ScopegateFunction(this, 'Audience', {
      name: 'audience',
      description: 'scopegate audience service: contacts, lists and segments',
      logRetention: props.logRetention,
      // Deleting a large list removes its members for up to 20 s (lambdas/audience/lists.ts), inside
      // API Gateway's 29 s.
      timeout: Duration.seconds(28),
    });
    audience.bindTable({ table: props.dataTable, access: DATA_TABLE_GRANTS.audience, envVar: 'DATA_TABLE' });

    const suppressions = new ScopegateFunction(this, 'Suppressions', {
      name: 'suppressions',
      description: 'scopegate suppressions service: addresses the project never sends to',
      logRetention: props.logRetention,
    });
    suppressions.bindTable({
      table: props.dataTable,
      access: DATA_TABLE_GRANTS.suppressions,
      envVar: 'DATA_TABLE',
    });

    const broadcasts = new ScopegateFunction(this, 'Broadcasts', {
      name: 'broadcasts',
      description: 'scopegate broadcasts service: drafts, sending, scheduling, recipients',
      logRetention: props.logRetention,
    });
    // Its queue (BROADCAST_QUEUE_URL and sqs:SendMessage) comes with lib/broadcast-sending.ts.
    broadcasts.bindTable({
      table: props.dataTable,
      access: DATA_TABLE_GRANTS.broadcasts,
      envVar: 'DATA_TABLE',
    });

    this.functions = { sending, account, domains, templates, webhooks, audience, suppressions, broadcasts };
  }
}

/** Exactly the SES v2 identity calls of lambdas/domains/ses-identities.ts. */
export const SES_IDENTITY_ACTIONS = [
  'ses:CreateEmailIdentity',
  'ses:GetEmailIdentity',
  'ses:DeleteEmailIdentity',
  'ses:PutEmailIdentityMailFromAttributes',
] as const;

/**
 * The identity calls, on this account and region's identities (named by pattern: they are created
 * after deployment). CreateEmailIdentity names the configuration set, so its ARN is listed too
 * (docs/decisions/0010-sending-domains.md); no tags are sent, so no ses:TagResource.
 */
function sesIdentityStatement(
  scope: Construct,
  configurationSet: ses.IConfigurationSet,
): iam.PolicyStatement {
  const stack = Stack.of(scope);
  return new iam.PolicyStatement({
    actions: [...SES_IDENTITY_ACTIONS],
    resources: [
      stack.formatArn({ service: 'ses', resource: 'identity', resourceName: '*' }),
      stack.formatArn({
        service: 'ses',
        resource: 'configuration-set',
        resourceName: configurationSet.configurationSetName,
      }),
    ],
  });
}

/**
 * Keys over the API: read, create and change items of the ApiKeys table (never DeleteItem or Scan:
 * a revoked key stays), and Query only the byProject index, for listing a project's keys.
 */
export function apiKeysStatements(table: ITable): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      resources: [table.tableArn],
    }),
    new iam.PolicyStatement({
      actions: ['dynamodb:Query'],
      resources: [`${table.tableArn}/index/byProject`],
    }),
  ];
}

/**
 * SES authorises a send against both the sending identity and the configuration set. Identities are
 * the project's sending domains, verified after deployment, so they can only be named by pattern; the
 * pattern is confined to this account and region.
 */
function sesSendStatement(
  scope: Construct,
  configurationSets: readonly ses.IConfigurationSet[],
): iam.PolicyStatement {
  const stack = Stack.of(scope);
  return new iam.PolicyStatement({
    actions: ['ses:SendEmail', 'ses:SendRawEmail'],
    resources: [
      stack.formatArn({ service: 'ses', resource: 'identity', resourceName: '*' }),
      ...configurationSets.map((configurationSet) =>
        stack.formatArn({
          service: 'ses',
          resource: 'configuration-set',
          resourceName: configurationSet.configurationSetName,
        }),
      ),
    ],
  });
}
