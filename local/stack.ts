/**
 * `npm start`: DynamoDB Local, the local SES and the local API gateway, wired like the deployed stack.
 * On first start it creates team `local`, project `default` and a full-access key, printed once;
 * the verified domain `example.com` of project `default` is ensured on every start (local/seed-domain.ts).
 */
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { createKey } from '../lambdas/account/keys.js';
import type { Documents } from '../lambdas/aws/aws-clients.js';
import { createProject, getProject } from '../lambdas/account/projects.js';
import { ensureTeam } from '../lambdas/account/teams.js';
import { LOCAL, LOCAL_REGION, localPort } from './config.js';
import { openApiJson } from '../docs/openapi.js';
import { buildDashboard } from '../dashboard/build.js';
import { accessLogLine } from './access-log.js';
import { startLocalAuthorizerCache } from './authorizer-cache.js';
import { type RunningGateway, startGateway } from './gateway.js';
import { consoleLog, localHandlers } from './handlers.js';
import {
  type DynamoDbLocal,
  localDocuments,
  type SesLocal,
  sesClient,
  startDynamoDbLocal,
  startSesLocal,
} from './services.js';
import { startMessagingStandIn } from './messaging.js';
import { domainLapseIntervalSeconds, startDomainLapseTimer } from './domain-lapse-timer.js';
import { expiringKeysIntervalSeconds, startExpiringKeysTimer } from './expiring-keys-timer.js';
import { migrateLegacyDomainClaims } from '../lambdas/cleanup/domain-claims-migration.js';
import { removeSecretRecords } from '../lambdas/cleanup/secret-records.js';
import { sesSender } from '../lambdas/sending/ses-sender.js';
import { scheduledEmailsIntervalSeconds, startScheduledEmailsTimer } from './scheduled-emails-timer.js';
import { withLocalSesEvents } from './ses-events-feed.js';
import { ensureSeedDomain } from './seed-domain.js';
import {
  createLocalBroadcastQueue,
  DEFAULT_LOCAL_SENDERS,
  startLocalSender,
  UNLIMITED_LOCAL_RATE,
} from './broadcast-sender.js';
import { localMaxSendRate } from './ses-throttle.js';
import { broadcastSesSender } from '../lambdas/broadcasts/ses-send.js';
import { suppressionReader } from '../lambdas/broadcasts/suppression.js';
import { stackSecret } from '../lambdas/http/cursor-secret.js';
import { ensureTables, type TableNames } from './tables.js';
import { startUsageFeed } from './usage-feed.js';
import {
  LOCAL_SQS_PORT,
  runPipeline,
  scaledClock,
  startLocalQueue,
  webhookPipeline,
  webhookTimeScale,
} from './webhook-pipeline.js';

/** The start-up clean-up's bound: what it does not reach expires by its TTL within a day. */
const CLEANUP_BUDGET_MS = 10_000;

export interface LocalStackOptions {
  readonly host: string;
  readonly apiPort: number;
  readonly dynamoPort: number;
  readonly sesPort: number;
  /** The SMS and WhatsApp stand-in (local/messaging.ts). */
  readonly messagingPort: number;
  /** The in-process SQS emulator holding webhook delivery jobs. */
  readonly sqsPort: number;
  readonly dataDir: string;
  readonly verbose: boolean;
  /** No line per request (SCOPEGATE_QUIET=1). */
  readonly quiet: boolean;
  /** SCOPEGATE_AUTHORIZER_CACHE_TTL_SECONDS: 0 (off, the deployed default) to 3600. */
  readonly authorizerCacheTtlSeconds: number;
  /** SCOPEGATE_AUTHORIZER_CACHE_FLUSH=1: flush that cache on any ApiKeys change, as `authorizerCacheFlush` does. */
  readonly authorizerCacheFlush: boolean;
  /** SCOPEGATE_EXPIRING_KEYS_INTERVAL_SECONDS: how often the api_key.expiring job runs (0: never). @default 60 */
  readonly expiringKeysIntervalSeconds?: number;
  /** SCOPEGATE_DOMAIN_LAPSE_INTERVAL_SECONDS: how often unverified domains past 72 hours lapse (0: never). @default 60 */
  readonly domainLapseIntervalSeconds?: number;
  /** SCOPEGATE_SCHEDULED_EMAILS_INTERVAL_SECONDS: how often due scheduled emails are swept (0: never). @default 10 */
  readonly scheduledEmailsIntervalSeconds?: number;
}

export interface LocalStack {
  readonly apiUrl: string;
  readonly dynamoEndpoint: string;
  readonly sesEndpoint: string;
  readonly messagingEndpoint: string;
  /** The key created on first start; undefined on later starts (it is never stored). */
  readonly firstKey: string | undefined;
  /** Resolves (with its last output) if DynamoDB Local exits while the stack is meant to be running. */
  readonly dynamoDied: Promise<string>;
  stop(): Promise<void>;
}

export function localStackOptions(env: NodeJS.ProcessEnv = process.env): LocalStackOptions {
  const port = (name: string, fallback: number) => localPort(env, name, fallback);
  return {
    host: LOCAL.host,
    apiPort: port('SCOPEGATE_API_PORT', LOCAL.apiPort),
    dynamoPort: port('SCOPEGATE_DYNAMODB_PORT', LOCAL.dynamoPort),
    sesPort: port('SCOPEGATE_SES_PORT', LOCAL.sesPort),
    messagingPort: port('SCOPEGATE_MESSAGING_PORT', LOCAL.messagingPort),
    sqsPort: port('SCOPEGATE_SQS_PORT', LOCAL_SQS_PORT),
    dataDir: resolve(env.SCOPEGATE_DATA_DIR || LOCAL.dataDir),
    verbose: env.SCOPEGATE_VERBOSE === '1',
    quiet: env.SCOPEGATE_QUIET === '1',
    ...localAuthorizerCacheSettings(env),
    expiringKeysIntervalSeconds: expiringKeysIntervalSeconds(env),
    domainLapseIntervalSeconds: domainLapseIntervalSeconds(env),
    scheduledEmailsIntervalSeconds: scheduledEmailsIntervalSeconds(env),
  };
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  for (const [what, port] of [
    ['the API', options.apiPort],
    ['DynamoDB Local', options.dynamoPort],
    ['the local SES', options.sesPort],
    ['the local SMS and WhatsApp stand-in', options.messagingPort],
    ['the local SQS', options.sqsPort],
  ] as const) {
    await assertPortFree(options.host, port, what);
  }
  const started: { stop(): Promise<void> }[] = [];
  let stopping = false;
  const stopAll = async () => {
    stopping = true;
    for (const service of started.reverse()) await service.stop().catch(() => undefined);
  };
  try {
    const dynamo: DynamoDbLocal = await startDynamoDbLocal({
      port: options.dynamoPort,
      dataDir: options.dataDir,
    });
    started.push(dynamo);
    const ses: SesLocal = await startSesLocal({
      port: options.sesPort,
      maxSendRate: localMaxSendRate(process.env),
      identitiesFile: join(options.dataDir, 'ses-identities.json'),
    });
    started.push(ses);
    const messaging = await startMessagingStandIn({ host: options.host, port: options.messagingPort });
    started.push(messaging);
    await ensureTables(dynamo.client, LOCAL.tables);
    // The client every local Lambda stand-in shares, as deployed: scopegate's own, with its bounds.
    const documents = localDocuments(dynamo.endpoint);
    started.push({ stop: async () => documents.destroy() });
    // What older versions left: stored answers holding a key's secret (lambdas/cleanup/secret-records.ts).
    const cleaned = await removeSecretRecords(
      { documents, dataTable: LOCAL.tables.data },
      { now: Date.now, deadline: Date.now() + CLEANUP_BUDGET_MS },
    );
    if (cleaned.deleted > 0) {
      console.log(
        `Removed ${cleaned.deleted} stored idempotent answer(s) that held a secret (older version).`,
      );
    }
    // Older versions' domain-name claims, moved into the family layout creates read.
    const claims = await migrateLegacyDomainClaims(
      { documents, dataTable: LOCAL.tables.data },
      { now: Date.now, deadline: Date.now() + CLEANUP_BUDGET_MS },
    );
    if (claims.migrated > 0) {
      console.log(
        `Moved ${claims.migrated} domain-name claim(s) of an older version into the current layout.`,
      );
    }
    // Webhook deliveries and broadcasts: fauxqs in-process (local/webhook-pipeline.ts, local/broadcast-sender.ts).
    const queue = await startLocalQueue({ port: options.sqsPort });
    started.push(queue);
    const broadcastQueue = await createLocalBroadcastQueue(queue.sqs);
    const firstKey = await seed(documents);
    await ensureSeedDomain(documents, sesClient(ses.endpoint), LOCAL.tables.data);
    const handlers = localHandlers({
      documents,
      ses: sesClient(ses.endpoint),
      tables: LOCAL.tables,
      environment: LOCAL.keyEnvironment,
      log: consoleLog({ verbose: options.verbose }),
      coverAllRoutes: options.authorizerCacheTtlSeconds > 0,
      messagingEndpoint: messaging.endpoint,
      broadcastQueue,
    });
    // API Gateway's authorizer cache (off unless a TTL is set) and, if asked, its flush on key changes.
    const authorizerCache = await startLocalAuthorizerCache(handlers.authorizer, {
      ttlSeconds: options.authorizerCacheTtlSeconds,
      ...(options.authorizerCacheFlush
        ? {
            flushOnKeyChange: {
              dynamo: dynamo.client,
              endpoint: dynamo.endpoint,
              apiKeysTable: LOCAL.tables.apiKeys,
              onError: (error: unknown) =>
                console.error(`error reading the ApiKeys stream (cache flushed): ${String(error)}`),
            },
          }
        : {}),
    });
    started.push(authorizerCache);
    // Per-key usage from the gateway's access-log records, counted off the request path.
    const usage = startUsageFeed({
      store: { documents, dataTable: LOCAL.tables.data, apiKeysTable: LOCAL.tables.apiKeys },
      onError: (message, error) =>
        console.error(`error ${message}: ${error instanceof Error ? error.message : String(error)}`),
    });
    started.push(usage);
    const gateway: RunningGateway = await startGateway(
      {
        ...handlers,
        authorizer: authorizerCache.authorizer,
        onError: (message, error) =>
          console.error(`error ${message}: ${error instanceof Error ? error.message : String(error)}`),
        onRequest: (entry) => {
          usage.record(entry);
          if (!options.quiet) console.log(accessLogLine(entry));
        },
        openApiJson: openApiJson(),
        // Built from source at every start: a fresh clone serves it with no build step.
        dashboard: buildDashboard(),
      },
      { host: options.host, port: options.apiPort },
    );
    started.push({ stop: () => gateway.close() });
    // Broadcasts: the deployed sender over the local queue, paced to the local SES's limit.
    const sesRate = localMaxSendRate(process.env);
    started.push(
      startLocalSender({
        documents,
        dataTable: LOCAL.tables.data,
        now: () => new Date(),
        queue: broadcastQueue,
        send: withLocalSesEvents(
          broadcastSesSender(sesClient(ses.endpoint)),
          { documents, dataTable: LOCAL.tables.data, now: () => new Date() },
          consoleLog({ verbose: options.verbose }),
        ),
        apiBaseUrl: gateway.url,
        unsubscribeSecret: () =>
          stackSecret({ documents, dataTable: LOCAL.tables.data }, 'UNSUBSCRIBE_SECRET'),
        isSuppressed: suppressionReader({ documents, dataTable: LOCAL.tables.data }),
        log: consoleLog({ verbose: options.verbose }),
        maxSendRate: sesRate ?? UNLIMITED_LOCAL_RATE,
        workers: DEFAULT_LOCAL_SENDERS,
      }),
    );
    // Webhook deliveries: the outbox and queue polled (local/webhook-pipeline.ts).
    const timeScale = webhookTimeScale(process.env);
    const pipelineLog = consoleLog({ verbose: options.verbose });
    started.push(
      runPipeline(
        webhookPipeline({
          documents,
          dataTable: LOCAL.tables.data,
          queue: { sqs: queue.sqs, queueUrl: queue.queueUrl, timeScale },
          now: scaledClock(timeScale),
          since: new Date(),
          log: pipelineLog,
        }),
        pipelineLog,
      ),
    );
    // The api_key.expiring job, on a timer in place of the deployed hourly schedule.
    started.push(
      startExpiringKeysTimer({
        store: {
          documents,
          apiKeysTable: LOCAL.tables.apiKeys,
          dataTable: LOCAL.tables.data,
          environment: LOCAL.keyEnvironment,
        },
        intervalSeconds: options.expiringKeysIntervalSeconds ?? expiringKeysIntervalSeconds({}),
        onError: (error) =>
          console.error(
            `error in the api_key.expiring job: ${error instanceof Error ? error.message : String(error)}`,
          ),
      }),
    );
    // The domain lapse job, on a timer in place of the deployed schedule.
    started.push(
      startDomainLapseTimer({
        deps: {
          documents,
          dataTable: LOCAL.tables.data,
          ses: sesClient(ses.endpoint),
          region: LOCAL_REGION,
          now: () => new Date(),
        },
        intervalSeconds: options.domainLapseIntervalSeconds ?? domainLapseIntervalSeconds({}),
        onError: (error) =>
          console.error(
            `error in the domain lapse job: ${error instanceof Error ? error.message : String(error)}`,
          ),
      }),
    );
    // Scheduled emails: the deployed sweep on a timer, sending through the same local SES (and its events).
    const sweepEvents = { documents, dataTable: LOCAL.tables.data, now: () => new Date() };
    const sweepLog = consoleLog({ verbose: options.verbose });
    started.push(
      startScheduledEmailsTimer({
        deps: {
          documents,
          dataTable: LOCAL.tables.data,
          apiKeysTable: LOCAL.tables.apiKeys,
          send: withLocalSesEvents(sesSender(sesClient(ses.endpoint)), sweepEvents, sweepLog),
          now: () => new Date(),
          log: sweepLog,
        },
        intervalSeconds: options.scheduledEmailsIntervalSeconds ?? scheduledEmailsIntervalSeconds({}),
        onError: (error) =>
          console.error(
            `error in the scheduled emails sweep: ${error instanceof Error ? error.message : String(error)}`,
          ),
      }),
    );
    // Never resolves for a stop we asked for: only an unexpected exit is news.
    const dynamoDied = dynamo.exited.then((output) =>
      stopping ? new Promise<string>(() => undefined) : output,
    );
    return {
      apiUrl: gateway.url,
      dynamoEndpoint: dynamo.endpoint,
      sesEndpoint: ses.endpoint,
      messagingEndpoint: messaging.endpoint,
      firstKey,
      dynamoDied,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * Creates team `local`, project `default` and its first key, once; returns the key when it did. The
 * team is ensured on every start: a data folder from before teams were explicit has the project but
 * no team record, and `projects create` needs one.
 */
export async function seed(
  documents: Documents,
  tables: TableNames = LOCAL.tables,
): Promise<string | undefined> {
  const store = { documents, dataTable: tables.data };
  await ensureTeam(store, { id: LOCAL.teamId, name: LOCAL.teamId });
  if (await getProject(store, LOCAL.projectId)) return undefined;
  await createProject(store, { id: LOCAL.projectId, teamId: LOCAL.teamId, name: 'default' });
  const created = await createKey(
    {
      documents,
      apiKeysTable: tables.apiKeys,
      dataTable: tables.data,
      environment: LOCAL.keyEnvironment,
    },
    { name: 'local full access', projectId: LOCAL.projectId, permission: 'full_access' },
  );
  return created.key;
}

/** Read like the CDK app's `authorizerCacheTtlSeconds` and `authorizerCacheFlush` (lib/app-config.ts). */
export function localAuthorizerCacheSettings(
  env: NodeJS.ProcessEnv,
): Pick<LocalStackOptions, 'authorizerCacheTtlSeconds' | 'authorizerCacheFlush'> {
  const ttlText = env.SCOPEGATE_AUTHORIZER_CACHE_TTL_SECONDS ?? '';
  const ttl = ttlText.trim() === '' ? 0 : Number(ttlText);
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > 3600) {
    throw new RangeError(
      `SCOPEGATE_AUTHORIZER_CACHE_TTL_SECONDS must be a whole number from 0 to 3600, got ${JSON.stringify(ttlText)}`,
    );
  }
  const flushText = env.SCOPEGATE_AUTHORIZER_CACHE_FLUSH ?? '';
  if (!['', '0', '1', 'true', 'false'].includes(flushText)) {
    throw new RangeError(`SCOPEGATE_AUTHORIZER_CACHE_FLUSH must be 1 or 0, got ${JSON.stringify(flushText)}`);
  }
  const flush = flushText === '1' || flushText === 'true';
  if (flush && ttl === 0) {
    throw new RangeError(
      'SCOPEGATE_AUTHORIZER_CACHE_FLUSH=1 needs SCOPEGATE_AUTHORIZER_CACHE_TTL_SECONDS above 0 (with no cache there is nothing to flush)',
    );
  }
  return { authorizerCacheTtlSeconds: ttl, authorizerCacheFlush: flush };
}

function assertPortFree(host: string, port: number, what: string): Promise<void> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', () =>
      reject(
        new Error(
          `Port ${port} (${what}) is already in use. Is another \`npm start\` running? Stop it, or set SCOPEGATE_*_PORT.`,
        ),
      ),
    );
    probe.listen(port, host, () => probe.close(() => resolvePort()));
  });
}
