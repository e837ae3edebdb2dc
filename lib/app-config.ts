/**
 * Reads the CDK app's settings from context (`cdk deploy -c authorizerCacheTtlSeconds=300`) or the
 * environment, and refuses bad values with an AppConfigError before anything is synthesised.
 */
import { Duration } from 'aws-cdk-lib';
import type { Node } from 'constructs';
import { settingList } from '../lambdas/messaging/messaging-channels.js';
import { MAX_AUTHORIZER_CACHE_TTL_SECONDS, MAX_AUTHORIZER_PROVISIONED_CONCURRENCY } from './authorizer.js';

/** A context or environment setting the user got wrong: worth one line, not a stack trace. */
export class AppConfigError extends Error {
  override readonly name = 'AppConfigError';
}

export interface AppConfig {
  readonly stackName: string;
  /** Context `smsOriginationIdentity` (comma-separated); absent: SMS answers 503 channel_not_configured. */
  readonly smsOriginationIdentities?: readonly string[];
  /** Context `whatsappPhoneNumberId`; absent: WhatsApp answers 503 channel_not_configured. */
  readonly whatsappPhoneNumberId?: string;
  readonly authorizerCacheTtl: Duration;
  readonly authorizerCacheFlush: boolean;
  readonly authorizerProvisionedConcurrency: number;
  readonly manageApiGatewayCloudWatchRole: boolean;
  /** Context `maxSendRate` (emails per second); absent: the broadcast sender reads SES's own quota. */
  readonly maxSendRate?: number;
  /** Context `broadcastSenders` (2–1000); absent: the stack's default. */
  readonly broadcastSenders?: number;
}

/**
 * `stackName`: context `stackName`, else SCOPEGATE_STACK_NAME, else `Scopegate`.
 * `authorizerCacheTtl`: context `authorizerCacheTtlSeconds`, else 0.
 * `authorizerCacheFlush`: context `authorizerCacheFlush` (`true`/`false`), else false; true needs a TTL above 0.
 * `authorizerProvisionedConcurrency`: context `authorizerProvisionedConcurrency`, else 0 (off).
 * `manageApiGatewayCloudWatchRole`: context `apiGatewayCloudWatchRole` (`true`/`false`), else true.
 * `maxSendRate`: context `maxSendRate` (a positive number of emails per second), else read from SES.
 * `broadcastSenders`: context `broadcastSenders` (a whole number from 2 to 1000), else the stack's default.
 */
export function readAppConfig(node: Node, env: NodeJS.ProcessEnv = process.env): AppConfig {
  const stackName = String(node.tryGetContext('stackName') ?? env.SCOPEGATE_STACK_NAME ?? 'Scopegate');
  if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(stackName)) {
    throw new AppConfigError(
      `Context stackName (or SCOPEGATE_STACK_NAME) must start with a letter and hold only letters, digits and hyphens, got ${JSON.stringify(stackName)}`,
    );
  }
  const ttlSeconds = cacheTtlSeconds(node.tryGetContext('authorizerCacheTtlSeconds'));
  const cacheFlush = booleanContext(
    node.tryGetContext('authorizerCacheFlush'),
    'authorizerCacheFlush',
    false,
  );
  if (cacheFlush && ttlSeconds === 0) {
    throw new AppConfigError(
      'Context authorizerCacheFlush=true needs authorizerCacheTtlSeconds above 0 (with no cache there is nothing to flush)',
    );
  }
  return {
    stackName,
    authorizerCacheTtl: Duration.seconds(ttlSeconds),
    authorizerCacheFlush: cacheFlush,
    authorizerProvisionedConcurrency: wholeNumberContext(
      node.tryGetContext('authorizerProvisionedConcurrency'),
      'authorizerProvisionedConcurrency',
      MAX_AUTHORIZER_PROVISIONED_CONCURRENCY,
    ),
    manageApiGatewayCloudWatchRole: booleanContext(
      node.tryGetContext('apiGatewayCloudWatchRole'),
      'apiGatewayCloudWatchRole',
      true,
    ),
    ...messagingContext(node),
    ...broadcastContext(node),
  };
}

/** The broadcast sender's pace (docs/decisions/0035-broadcasts.md): absent settings keep their defaults. */
function broadcastContext(node: Node): Pick<AppConfig, 'maxSendRate' | 'broadcastSenders'> {
  const rate = node.tryGetContext('maxSendRate') as unknown;
  const senders = node.tryGetContext('broadcastSenders') as unknown;
  const config: { maxSendRate?: number; broadcastSenders?: number } = {};
  if (rate !== undefined) {
    const value = numberOf(rate);
    if (!(value > 0 && value <= MAX_SEND_RATE)) {
      throw new AppConfigError(
        `Context maxSendRate must be the SES account's maximum send rate, a number of emails per second above 0 and at most ${MAX_SEND_RATE}, got ${JSON.stringify(rate)}`,
      );
    }
    config.maxSendRate = value;
  }
  if (senders !== undefined) {
    const value = numberOf(senders);
    if (!Number.isInteger(value) || value < 2 || value > 1000) {
      throw new AppConfigError(
        `Context broadcastSenders must be a whole number from 2 to 1000, got ${JSON.stringify(senders)}`,
      );
    }
    config.broadcastSenders = value;
  }
  return config;
}

/** Far above any SES account's quota: a larger value is a typo. */
const MAX_SEND_RATE = 100_000;

/** Context values from the command line are strings; from cdk.json they may be numbers. */
function numberOf(value: unknown): number {
  if (typeof value === 'number') return value;
  return typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
}

/**
 * The SMS and WhatsApp settings (docs/decisions/0017-sms-and-whatsapp.md). Absent is fine (the channel
 * answers 503 until it is set); present but unusable is refused here, naming the setting.
 */
function messagingContext(node: Node): Pick<AppConfig, 'smsOriginationIdentities' | 'whatsappPhoneNumberId'> {
  const sms = node.tryGetContext('smsOriginationIdentity') as unknown;
  const whatsapp = node.tryGetContext('whatsappPhoneNumberId') as unknown;
  const config: { smsOriginationIdentities?: string[]; whatsappPhoneNumberId?: string } = {};
  if (sms !== undefined) {
    const identities = typeof sms === 'string' ? settingList(sms) : [];
    if (identities.length === 0 || !identities.every((identity) => IDENTITY.test(identity))) {
      throw new AppConfigError(
        `Context smsOriginationIdentity must be one or more comma-separated origination identities (a phone number like +12065550100, a sender id, a pool or phone number id, or an ARN), got ${JSON.stringify(sms)}`,
      );
    }
    config.smsOriginationIdentities = identities;
  }
  if (whatsapp !== undefined) {
    if (typeof whatsapp !== 'string' || !IDENTITY.test(whatsapp)) {
      throw new AppConfigError(
        `Context whatsappPhoneNumberId must be an End User Messaging Social phone number id (phone-number-id-…) or its ARN, got ${JSON.stringify(whatsapp)}`,
      );
    }
    config.whatsappPhoneNumberId = whatsapp;
  }
  return config;
}

const IDENTITY = /^[A-Za-z0-9+_:/.-]{1,256}$/;

/** Context values from the command line are strings; from cdk.json they may be numbers. */
function cacheTtlSeconds(value: unknown): number {
  if (value === undefined) return 0;
  const seconds =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim() !== ''
        ? Number(value)
        : Number.NaN;
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_AUTHORIZER_CACHE_TTL_SECONDS) {
    throw new AppConfigError(
      `Context authorizerCacheTtlSeconds must be a whole number from 0 to ${MAX_AUTHORIZER_CACHE_TTL_SECONDS}, got ${JSON.stringify(value)}`,
    );
  }
  return seconds;
}

/** A whole number from 0 to `max`, 0 when absent; from the command line it is a string. */
function wholeNumberContext(value: unknown, name: string, max: number): number {
  if (value === undefined) return 0;
  const number =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim() !== ''
        ? Number(value)
        : NaN;
  if (!Number.isInteger(number) || number < 0 || number > max) {
    throw new AppConfigError(
      `Context ${name} must be a whole number from 0 to ${max}, got ${JSON.stringify(value)}`,
    );
  }
  return number;
}

function booleanContext(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new AppConfigError(`Context ${name} must be true or false, got ${JSON.stringify(value)}`);
}
