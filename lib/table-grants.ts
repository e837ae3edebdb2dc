/**
 * Each function's DynamoDB grants on the Data table, as data: exactly the actions its code sends
 * (read from the stores each Lambda bundles; test/cdk/lib/table-grants.test.ts lists them per function and
 * simulates every call), and a `dynamodb:LeadingKeys` condition where every call of an action stays
 * in one kind of partition (lambdas/aws/tables.ts: `PROJECT#<projectId>`, `TEAM#<teamId>`, …).
 * docs/architecture.md, "Least privilege", explains the table in prose.
 */
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { projectPartition, teamPartition } from '../lambdas/aws/tables.js';
import { BILLING_PARTITION_PREFIX } from '../lambdas/shared/quota.js';
import { CURSOR_SECRET_PARTITION } from '../lambdas/http/cursor-secret.js';
import { BROADCAST_DUE_PARTITION } from '../lambdas/broadcasts/broadcast-store.js';
import { FAMILY_PARTITION_PREFIX, LAPSE_PARTITION } from '../lambdas/domains/domain-store.js';
import { SCHEDULED_PARTITION_PREFIX } from '../lambdas/sending/scheduled-store.js';
import { sesMessagePartition } from '../lambdas/sending/email-store.js';

/**
 * The DynamoDB actions the functions call. A TransactWriteItems needs no action of its own: each of its
 * Put, Update and Delete items is authorised as PutItem, UpdateItem and DeleteItem (a ConditionCheck
 * item would need ConditionCheckItem; no Lambda sends one).
 */
export type DynamoAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:BatchGetItem'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem'
  | 'dynamodb:Query';

export interface TableGrant {
  readonly actions: readonly DynamoAction[];
  /**
   * Partition-key patterns (`StringLike`) every item the actions touch must match, held by
   * `ForAllValues:StringLike` on `dynamodb:LeadingKeys`.
   * @default - any partition
   */
  readonly leadingKeys?: readonly string[];
}

/** Every item of a project lives under `PROJECT#<projectId>`. */
export const PROJECT_ITEMS = `${projectPartition('')}*`;
/** A team's project list (`TEAM#<teamId>`). */
export const TEAM_ITEMS = `${teamPartition('')}*`;
/** The deployment-wide claims on sending-domain names, grouped by registrable domain. */
export const DOMAIN_FAMILY_ITEMS = `${FAMILY_PARTITION_PREFIX}*`;
/** The due-time index of domains that lapse unless verified. */
export const DOMAIN_LAPSE_ITEMS = LAPSE_PARTITION;
/** Scheduled emails' due entries, one partition per minute, and the sweep's cursor. */
export const SCHEDULED_ITEMS = `${SCHEDULED_PARTITION_PREFIX}*`;
/** SES message id → email, written when SES accepts an email. */
export const SES_MESSAGE_ITEMS = `${sesMessagePartition('')}*`;
/** A team's monthly send counters. */
export const BILLING_ITEMS = `${BILLING_PARTITION_PREFIX}*`;
/** Scheduled broadcasts by due time (lambdas/broadcasts/broadcast-store.ts). */
export const BROADCAST_DUE_ITEMS = BROADCAST_DUE_PARTITION;
/** The usage pipeline's once-only batch markers (lambdas/usage/usage-store.ts). */
export const USAGE_BATCH_ITEMS = 'USAGE_BATCH#*';

const READ_WRITE: readonly DynamoAction[] = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];

/**
 * The API services: Get, Put and Update reach several kinds of item (the project's resources, the
 * stack's cursor secret, per-key rate windows, billing counters…); every Query and every Delete is of
 * one project's items (idempotency records, a deleted template, webhook, segment, contact…).
 */
const API_SERVICE: readonly TableGrant[] = [
  { actions: READ_WRITE },
  { actions: ['dynamodb:Query', 'dynamodb:DeleteItem'], leadingKeys: [PROJECT_ITEMS] },
];

/** Data table grants per function (functions absent here have none). */
export const DATA_TABLE_GRANTS = {
  // As the other API services; a scheduled email's due entry is deleted when it is moved or canceled,
  // and a send reads its recipients' suppressions with BatchGetItem, in the project only.
  sending: [
    { actions: READ_WRITE },
    { actions: ['dynamodb:Query', 'dynamodb:BatchGetItem'], leadingKeys: [PROJECT_ITEMS] },
    { actions: ['dynamodb:DeleteItem'], leadingKeys: [PROJECT_ITEMS, SCHEDULED_ITEMS] },
  ],
  templates: API_SERVICE,
  webhooks: API_SERVICE,
  audience: API_SERVICE,
  suppressions: API_SERVICE,
  // The public unsubscribe pages: read the token's contact and the stack's UNSUBSCRIBE_SECRET (made
  // on first use), then change the contact, add the suppression and put the event, in its project.
  unsubscribe: [
    {
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
      leadingKeys: [PROJECT_ITEMS, CURSOR_SECRET_PARTITION],
    },
    { actions: ['dynamodb:UpdateItem'], leadingKeys: [PROJECT_ITEMS] },
  ],
  // Drafts and their changes, reads of recipients and emails, the due entry of a schedule.
  broadcasts: [
    { actions: READ_WRITE },
    { actions: ['dynamodb:Query', 'dynamodb:DeleteItem'], leadingKeys: [PROJECT_ITEMS] },
  ],
  // Recipients, emails, counters and events in the project (and its broadcasts' partitions); the
  // stack's unsubscribe secret; the SES message-id index; the due entries of scheduled broadcasts.
  broadcastSender: [
    { actions: READ_WRITE },
    { actions: ['dynamodb:Query'], leadingKeys: [PROJECT_ITEMS, BROADCAST_DUE_ITEMS] },
    { actions: ['dynamodb:DeleteItem'], leadingKeys: [BROADCAST_DUE_ITEMS] },
  ],
  // Listing a team's projects queries its TEAM# partition.
  account: [
    { actions: READ_WRITE },
    { actions: ['dynamodb:Query'], leadingKeys: [PROJECT_ITEMS, TEAM_ITEMS] },
    { actions: ['dynamodb:DeleteItem'], leadingKeys: [PROJECT_ITEMS] },
  ],
  // A create reads the name's family of claims (DOMAIN_FAMILY#<registrable>); deleting or lapsing a
  // domain frees its claim and its lapse-due entry (DOMAIN_LAPSE).
  domains: [
    { actions: READ_WRITE },
    { actions: ['dynamodb:Query'], leadingKeys: [PROJECT_ITEMS, DOMAIN_FAMILY_ITEMS] },
    {
      actions: ['dynamodb:DeleteItem'],
      leadingKeys: [PROJECT_ITEMS, DOMAIN_FAMILY_ITEMS, DOMAIN_LAPSE_ITEMS],
    },
  ],
  // Finds the event and the webhook, records the attempt, updates the webhook's failure count.
  deliveries: [{ actions: READ_WRITE, leadingKeys: [PROJECT_ITEMS] }],
  // Lists the event's project's webhooks; nothing else.
  fanOut: [{ actions: ['dynamodb:Query'], leadingKeys: [PROJECT_ITEMS] }],
  // Gets read SES/provider message-id lookups too; events are put and emails updated in the project.
  events: [
    { actions: ['dynamodb:GetItem'] },
    { actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'], leadingKeys: [PROJECT_ITEMS] },
  ],
  // A batch marker once per batch, then the project's per-key day counters.
  usage: [
    { actions: ['dynamodb:PutItem'], leadingKeys: [USAGE_BATCH_ITEMS] },
    { actions: ['dynamodb:UpdateItem'], leadingKeys: [PROJECT_ITEMS] },
  ],
  // The sweep (lambdas/scheduler/sweep.ts): due entries and the cursor (SCHEDULED#), the email, its
  // content, the project's domains and its events (PROJECT#), the SES message index, and the monthly
  // count given back for an email that is never sent (BILLING#).
  scheduledEmails: [
    {
      actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:DeleteItem'],
      leadingKeys: [PROJECT_ITEMS, SCHEDULED_ITEMS],
    },
    { actions: ['dynamodb:PutItem'], leadingKeys: [PROJECT_ITEMS, SCHEDULED_ITEMS, SES_MESSAGE_ITEMS] },
    { actions: ['dynamodb:UpdateItem'], leadingKeys: [PROJECT_ITEMS, BILLING_ITEMS] },
  ],
  // The api_key.expiring event, in the key's project.
  expiringKeys: [{ actions: ['dynamodb:PutItem'], leadingKeys: [PROJECT_ITEMS] }],
} as const satisfies Readonly<Record<string, readonly TableGrant[]>>;

export type DataTableUser = keyof typeof DATA_TABLE_GRANTS;

/** One statement per grant, on the table itself (the Data table has no index). */
export function tableGrantStatements(table: ITable, grants: readonly TableGrant[]): iam.PolicyStatement[] {
  return grants.map(
    ({ actions, leadingKeys }) =>
      new iam.PolicyStatement({
        actions: [...actions],
        resources: [table.tableArn],
        ...(leadingKeys && {
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...leadingKeys] } },
        }),
      }),
  );
}
