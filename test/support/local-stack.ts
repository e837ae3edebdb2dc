/**
 * The local stack for end-to-end tests: the real local gateway (local/gateway.ts) with the real
 * authorizer and handlers, on a free port, over this file's own DynamoDB Local tables and the run's
 * local SES. Tests talk to it over HTTP only.
 */
import { randomBytes } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Documents } from '../../lambdas/aws/aws-clients.js';
import type { BroadcastQueue } from '../../lambdas/broadcasts/queue.js';
import { createProject } from '../../lambdas/account/projects.js';
import { createTeam } from '../../lambdas/account/teams.js';
import { type GeneratedApiKey, generateApiKey } from '../../lambdas/keys/api-key.js';
import type { StaticSite } from '../../lambdas/dashboard/static-site.js';
import { type RunningGateway, startGateway } from '../../local/gateway.js';
import { localHandlers, silentLog } from '../../local/handlers.js';
import { type MessagingStandIn, startMessagingStandIn } from '../../local/messaging.js';
import { startUsageFeed, type UsageFeed } from '../../local/usage-feed.js';
import { fixtureDomainOf, seedVerifiedDomain } from './domains.js';
import { testKey } from './keys.js';
import { createTestAws, type TestAws } from './local-aws.js';

export interface TestStack {
  readonly url: string;
  readonly aws: TestAws;
  readonly gateway: RunningGateway;
  /** This stack's own SMS and WhatsApp stand-in (its `/store` holds only this file's messages). */
  readonly messaging: MessagingStandIn;
  /** The local usage pipeline, flushed only by hand (`usage.flush()`), never on a timer. */
  readonly usage: UsageFeed;
  /** Stores a `sk_test_` key in ApiKeys with these item attributes and returns it. */
  putKey(item?: Record<string, unknown>): Promise<{ key: GeneratedApiKey; item: Record<string, unknown> }>;
  /**
   * Stores a key as a rotation leaves it, an hour into a day of grace: `key` is the new secret,
   * `previous` the one it replaced (same key id), still accepted.
   */
  putRotatedKey(item?: Record<string, unknown>): Promise<{ key: GeneratedApiKey; previous: GeneratedApiKey }>;
  /** A key of a new project that owns the verified domain `domain`: for tests that need a clean project. */
  freshProject(): Promise<{ projectId: string; key: string; domain: string }>;
  close(): Promise<void>;
}

export const TEST_TEAM = 'team_e2e';
export const TEST_PROJECT = 'proj_e2e';
export const OTHER_PROJECT = 'proj_other';
/** The verified sending domains of TEST_PROJECT and OTHER_PROJECT. */
export const TEST_DOMAIN = 'example.com';
export const OTHER_DOMAIN = 'other.example';

export interface TestStackOptions {
  /** The clock of the authorizer and every handler (e.g. pinned to one second for rate limits). */
  readonly now?: () => Date;
  /** The dashboard's files, when a test drives it in a browser. */
  readonly dashboard?: StaticSite;
  /** Stands between the stack's handlers and DynamoDB, e.g. to count the calls they make. */
  readonly wrapDocuments?: (documents: Documents) => Documents;
  /** Where the broadcasts service queues sending (a test running its own sender); absent: 503. */
  readonly broadcastQueue?: BroadcastQueue;
}

export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const aws = await createTestAws();
  const store = { documents: aws.documents, dataTable: aws.tables.data };
  await createTeam(store, { id: TEST_TEAM, name: 'e2e' });
  await createTeam(store, { id: 'team_foreign', name: 'foreign' });
  await createProject(store, { id: TEST_PROJECT, teamId: TEST_TEAM, name: 'e2e' });
  await createProject(store, { id: OTHER_PROJECT, teamId: TEST_TEAM, name: 'other' });
  await createProject(store, { id: 'proj_foreign', teamId: 'team_foreign', name: 'foreign' });
  // Each fixture project sends from a verified domain of its own (test/support/domains.ts).
  await seedVerifiedDomain(store, TEST_PROJECT, TEST_DOMAIN);
  await seedVerifiedDomain(store, OTHER_PROJECT, OTHER_DOMAIN);
  const messaging = await startMessagingStandIn({ host: '127.0.0.1', port: 0 });
  const usage = startUsageFeed({
    store: { documents: aws.documents, dataTable: aws.tables.data, apiKeysTable: aws.tables.apiKeys },
    intervalMs: 0,
  });
  const gateway = await startGateway(
    {
      ...localHandlers({
        documents: options.wrapDocuments?.(aws.documents) ?? aws.documents,
        ses: aws.ses,
        tables: aws.tables,
        environment: 'test',
        log: silentLog,
        messagingEndpoint: messaging.endpoint,
        ...(options.now ? { now: options.now } : {}),
        ...(options.broadcastQueue ? { broadcastQueue: options.broadcastQueue } : {}),
      }),
      onRequest: usage.record,
      ...(options.dashboard ? { dashboard: options.dashboard } : {}),
    },
    { host: '127.0.0.1', port: 0 },
  );
  return {
    url: gateway.url,
    aws,
    gateway,
    messaging,
    usage,
    putKey: async (item = {}) => {
      const created = testKey({ teamId: TEST_TEAM, projectId: TEST_PROJECT, ...item }, 'test');
      await aws.documents.send(new PutCommand({ TableName: aws.tables.apiKeys, Item: created.item }));
      return created;
    },
    putRotatedKey: async (item = {}) => {
      const created = testKey({ teamId: TEST_TEAM, projectId: TEST_PROJECT, ...item }, 'test');
      const previous = generateApiKey('test', created.key.keyId);
      const graceEnds = new Date(Date.now() + 23 * 3600_000).toISOString();
      await aws.documents.send(
        new PutCommand({
          TableName: aws.tables.apiKeys,
          Item: { ...created.item, previousKeyHash: previous.keyHash, previousKeyExpiresAt: graceEnds },
        }),
      );
      return { key: created.key, previous };
    },
    freshProject: async () => {
      const projectId = `proj_${randomBytes(6).toString('hex')}`;
      const domain = fixtureDomainOf(projectId);
      await seedVerifiedDomain(store, projectId, domain);
      const created = testKey({ teamId: TEST_TEAM, projectId }, 'test');
      await aws.documents.send(new PutCommand({ TableName: aws.tables.apiKeys, Item: created.item }));
      return { projectId, key: created.key.key, domain };
    },
    close: async () => {
      await gateway.close();
      await messaging.stop();
    },
  };
}
