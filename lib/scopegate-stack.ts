/**
 * The whole deployment: tables, authorizer, service Lambdas and the API, wired together. Each concern
 * lives in its own construct; this file only connects them and names the outputs the CLI reads.
 */
import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { Api } from './api.js';
import { AuthorizerCacheFlush } from './authorizer-cache-flush.js';
import { BroadcastSending } from './broadcast-sending.js';
import { DashboardSite } from './dashboard-site.js';
import { KeyAuthorizer } from './authorizer.js';
import { KeyStore } from './key-store.js';
import { Messaging, type MessagingSettings } from './messaging.js';
import { Services } from './services.js';
import { WebhookDeliveries } from './webhook-deliveries.js';
import { SesEvents } from './ses-events.js';
import { STACK_OUTPUTS } from './stack-outputs.js';
import { DomainLapse } from './domain-lapse.js';
import { ScheduledEmails } from './scheduled-emails.js';
import { ExpiringKeys } from './expiring-keys.js';
import { SecretRecordsCleanup } from './secret-records-cleanup.js';
import { UnsubscribePages } from './unsubscribe-pages.js';
import { Usage } from './usage.js';

export interface ScopegateStackProps extends StackProps, MessagingSettings {
  /**
   * API Gateway's authorizer result cache. Whatever it is, it is the revocation delay: a revoked key
   * or a removed scope keeps working for up to this long. At most one hour.
   * @default Duration.seconds(0) - off: permission changes take effect on the next request
   */
  readonly authorizerCacheTtl?: Duration;
  /**
   * Flush the stage's authorizer cache whenever an ApiKeys item changes (a KEYS_ONLY stream and a
   * small Lambda), so a revocation takes seconds rather than the TTL. Needs a cache TTL above 0.
   * @default false
   */
  readonly authorizerCacheFlush?: boolean;
  /**
   * Authorizer execution environments kept warm (provisioned concurrency on its alias `live`), so no
   * request pays the authorizer's cold start. Costs money whether or not requests come: see
   * docs/decisions/0030-aws-sdk-v3-tuned-for-cold-start.md.
   * @default 0 - off
   */
  readonly authorizerProvisionedConcurrency?: number;
  /**
   * The SES account's maximum send rate, emails per second: broadcasts stay under it.
   * @default - read from SES (GetAccount SendQuota.MaxSendRate) by the sender
   */
  readonly maxSendRate?: number;
  /** Broadcast sender instances at most (2–1000); each sends maxSendRate / senders. @default 2 */
  readonly broadcastSenders?: number;
  /** @default 100 requests per second */
  readonly throttlingRateLimit?: number;
  /** @default 200 requests */
  readonly throttlingBurstLimit?: number;
  /** Retention of every log group (Lambdas and API access logs). @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Create and set the account-wide API Gateway CloudWatch role that access logging needs. Set false
   * where the account already has one (`cdk deploy -c apiGatewayCloudWatchRole=false`).
   * @default true
   */
  readonly manageApiGatewayCloudWatchRole?: boolean;
}

export class ScopegateStack extends Stack {
  public readonly keyStore: KeyStore;
  public readonly keyAuthorizer: KeyAuthorizer;
  public readonly services: Services;
  /** The dashboard's and the OpenAPI document's static-file Lambda. */
  public readonly dashboard: DashboardSite;
  /** GET and POST /u/{token}: the one-click unsubscribe pages, without a key. */
  public readonly unsubscribePages: UnsubscribePages;
  public readonly webhookDeliveries: WebhookDeliveries;
  public readonly sesEvents: SesEvents;
  public readonly api: Api;
  /** Present only with `authorizerCacheFlush`. */
  public readonly authorizerCacheFlush: AuthorizerCacheFlush | undefined;
  public readonly broadcastSending: BroadcastSending;
  public readonly usage: Usage;
  public readonly expiringKeys: ExpiringKeys;
  public readonly domainLapse: DomainLapse;
  public readonly scheduledEmails: ScheduledEmails;
  /** Runs once on deploy: removes what older versions stored with a secret in it. */
  public readonly secretRecordsCleanup: SecretRecordsCleanup;

  constructor(scope: Construct, id: string, props: ScopegateStackProps = {}) {
    super(scope, id, props);
    const { logRetention } = props;
    const cacheTtl = props.authorizerCacheTtl ?? Duration.seconds(0);
    if (props.authorizerCacheFlush === true && cacheTtl.toSeconds({ integral: false }) <= 0) {
      throw new Error(
        'authorizerCacheFlush needs an authorizerCacheTtl above 0: with no cache there is nothing to flush',
      );
    }
    this.keyStore = new KeyStore(this, 'KeyStore', { apiKeysStream: props.authorizerCacheFlush === true });
    this.keyAuthorizer = new KeyAuthorizer(this, 'KeyAuthorizer', {
      apiKeysTable: this.keyStore.apiKeys,
      resultsCacheTtl: cacheTtl,
      logRetention,
      provisionedConcurrency: props.authorizerProvisionedConcurrency ?? 0,
    });
    this.services = new Services(this, 'Services', {
      dataTable: this.keyStore.data,
      apiKeysTable: this.keyStore.apiKeys,
      logRetention,
    });
    this.webhookDeliveries = new WebhookDeliveries(this, 'WebhookDeliveries', {
      dataTable: this.keyStore.data,
      logRetention,
    });
    this.sesEvents = new SesEvents(this, 'SesEvents', {
      configurationSets: this.services.configurationSets,
      dataTable: this.keyStore.data,
      logRetention,
    });
    // SMS and WhatsApp on the sending Lambda, each only when its setting is given.
    new Messaging(this, 'Messaging', {
      sending: this.services.functions.sending,
      eventsQueue: this.sesEvents.queue,
      eventsDeadLetterQueue: this.sesEvents.deadLetterQueue,
      smsOriginationIdentities: props.smsOriginationIdentities,
      whatsappPhoneNumberId: props.whatsappPhoneNumberId,
    });
    this.dashboard = new DashboardSite(this, 'Dashboard', { logRetention });
    this.unsubscribePages = new UnsubscribePages(this, 'UnsubscribePages', {
      dataTable: this.keyStore.data,
      logRetention,
    });
    this.api = new Api(this, 'Api', {
      authorizer: this.keyAuthorizer.authorizer,
      publicFiles: this.dashboard.handler.function,
      unsubscribePages: this.unsubscribePages.handler.function,
      services: {
        sending: this.services.functions.sending.function,
        account: this.services.functions.account.function,
        domains: this.services.functions.domains.function,
        templates: this.services.functions.templates.function,
        webhooks: this.services.functions.webhooks.function,
        audience: this.services.functions.audience.function,
        suppressions: this.services.functions.suppressions.function,
        broadcasts: this.services.functions.broadcasts.function,
      },
      throttlingRateLimit: props.throttlingRateLimit,
      throttlingBurstLimit: props.throttlingBurstLimit,
      accessLogRetention: logRetention,
      manageCloudWatchRole: props.manageApiGatewayCloudWatchRole,
    });

    this.broadcastSending = new BroadcastSending(this, 'BroadcastSending', {
      dataTable: this.keyStore.data,
      service: this.services.functions.broadcasts,
      configurationSets: this.services.configurationSets,
      sesSendStatement: this.services.sesSendStatement,
      apiUrl: this.api.url,
      maxSendRate: props.maxSendRate,
      senders: props.broadcastSenders,
      logRetention,
    });

    this.authorizerCacheFlush =
      props.authorizerCacheFlush === true
        ? new AuthorizerCacheFlush(this, 'AuthorizerCacheFlush', {
            apiKeysTable: this.keyStore.apiKeys,
            restApiId: this.api.restApi.restApiId,
            stageName: this.api.restApi.deploymentStage.stageName,
            cacheTtlSeconds: this.keyAuthorizer.resultsCacheTtlSeconds,
            logRetention,
          })
        : undefined;
    this.usage = new Usage(this, 'Usage', {
      accessLogGroup: this.api.accessLogGroup,
      apiKeysTable: this.keyStore.apiKeys,
      dataTable: this.keyStore.data,
      logRetention,
    });
    this.expiringKeys = new ExpiringKeys(this, 'ExpiringKeys', {
      apiKeysTable: this.keyStore.apiKeys,
      dataTable: this.keyStore.data,
      logRetention,
    });
    this.domainLapse = new DomainLapse(this, 'DomainLapse', { dataTable: this.keyStore.data, logRetention });
    this.scheduledEmails = new ScheduledEmails(this, 'ScheduledEmails', {
      dataTable: this.keyStore.data,
      apiKeysTable: this.keyStore.apiKeys,
      sesSendStatement: this.services.sesSendStatement,
      configurationSets: this.services.configurationSets,
      logRetention,
    });
    this.secretRecordsCleanup = new SecretRecordsCleanup(this, 'SecretRecordsCleanup', {
      dataTable: this.keyStore.data,
      logRetention,
    });

    // Stack-level ids, so the OutputKeys are exactly these names (the CLI looks them up).
    new CfnOutput(this, STACK_OUTPUTS.apiUrl, {
      value: this.api.url,
      description: 'Base URL of the API stage',
    });
    new CfnOutput(this, STACK_OUTPUTS.apiKeys, { value: this.keyStore.apiKeys.tableName });
    new CfnOutput(this, STACK_OUTPUTS.data, { value: this.keyStore.data.tableName });

    this.acknowledgeNagFindings();
  }

  /** cdk-nag (AwsSolutions) findings accepted by design, each with the reason it does not apply. */
  private acknowledgeNagFindings(): void {
    const api = this.api.restApi;
    Validations.of(api).acknowledge(
      {
        id: 'AwsSolutions-APIG2',
        reason:
          'Requests are validated in the Lambdas with zod schemas, which answer the documented 400 validation_error bodies.',
      },
      {
        id: 'AwsSolutions-APIG3',
        reason:
          'No WAF web ACL by default (it has a monthly cost): every method needs a valid API key and the stage is throttled.',
      },
      {
        id: 'AwsSolutions-APIG6',
        reason:
          'Execution logs are off: at INFO they carry request details; the structured access logs record every request and authorizer outcome without the Authorization header.',
      },
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          'The account-wide API Gateway logging role uses the AWS-managed policy made for it (CloudWatch Logs writes only); access logging cannot work without that role.',
      },
      {
        id: 'AwsSolutions-COG4',
        reason:
          'Callers are authenticated by scoped API keys through a Lambda REQUEST authorizer, not Cognito users.',
      },
    );
    for (const method of this.api.publicMethods) {
      Validations.of(method).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'Public static files (the dashboard page, which asks for the key itself, and the OpenAPI document) and the unsubscribe pages, whose signed token is their only credential; every /v1 method has the key authorizer.',
      });
    }
    Validations.of(this.services.functions.sending.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*]`,
      reason:
        'Sending identities (the projects\u2019 domains) are verified after deployment; the pattern is limited to this account and region.',
    });
    Validations.of(this.services.functions.domains.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*]`,
      reason:
        'The domains service creates the projects\u2019 identities after deployment, so they can only be named by pattern; it is limited to this account and region.',
    });
  }
}
