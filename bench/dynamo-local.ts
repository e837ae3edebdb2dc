/**
 * The real authorizer (createAuthorizer + keyItemReader, a low-level GetItem) against DynamoDB
 * Local, next to a bare GetCommand for the same item so the authorizer's own share is visible.
 * DynamoDB Local is a Java process: it is stopped on success, on error and on Ctrl-C.
 */
import { type AuthorizerLog, createAuthorizer } from '../lambdas/authorizer/authorizer.js';
import { keyItemReader } from '../lambdas/authorizer/key-store.js';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Documents } from '../lambdas/aws/aws-clients.js';
import { type DynamoDbLocal, localDocuments, startDynamoDbLocal } from '../local/services.js';
import type { ColdRequestTarget } from './bundles.js';
import { ensureTables } from '../local/tables.js';
import { authorizerEvent } from '../test/support/events.js';
import { bearer, testKey } from '../test/support/keys.js';
import { freePort } from '../test/support/ports.js';
import { elapsedNs, type Latency, round, summarise } from './stats.js';

export interface MsSummary {
  readonly requests: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
}

export interface DynamoLocalResults extends MsSummary {
  readonly what: string;
  readonly warmup: number;
  readonly startupMs: number;
  /** The same strongly consistent GetCommand without the authorizer around it, interleaved. */
  readonly getItemOnly: MsSummary;
}

const TABLES = { apiKeys: 'ApiKeys', data: 'Data' } as const;
const noop = (): void => undefined;
const SILENT_LOG: AuthorizerLog = { info: noop, warn: noop, error: noop };

export async function measureDynamoLocal(options: {
  requests: number;
  warmup: number;
  /** Run while DynamoDB Local holds the key (the cold-request measurement). */
  whileRunning?: (target: ColdRequestTarget) => void;
}): Promise<DynamoLocalResults> {
  const port = await freePort();
  const guard = new JavaGuard();
  const startedAt = process.hrtime.bigint();
  const local = await guard.start(port);
  const startupMs = elapsedNs(startedAt) / 1e6;
  let opened: Documents | undefined;
  try {
    await ensureTables(local.client, TABLES);
    // The authorizer's client, as deployed; the bare GetCommand goes through the same one.
    const documents = localDocuments(local.endpoint);
    opened = documents;
    const { key, item } = testKey();
    await documents.send(new PutCommand({ TableName: TABLES.apiKeys, Item: item }));
    const handler = createAuthorizer({
      environment: 'live',
      getKeyItem: keyItemReader(documents, TABLES.apiKeys),
      log: SILENT_LOG,
    });
    const event = authorizerEvent({ authorization: bearer(key) });
    options.whileRunning?.({
      endpoint: local.endpoint,
      tableName: TABLES.apiKeys,
      dataTable: TABLES.data,
      keyId: key.keyId,
      authorizerEvent: event,
    });
    const authorize = async () => {
      const { policyDocument } = await handler(event);
      if (policyDocument.Statement[0]?.Effect !== 'Allow')
        throw new Error('DynamoDB Local: the key was not allowed');
    };
    const getItem = async () => {
      const { Item } = await documents.send(
        new GetCommand({ TableName: TABLES.apiKeys, Key: { keyId: key.keyId }, ConsistentRead: true }),
      );
      if (!Item) throw new Error('DynamoDB Local: the key item is missing');
    };

    for (let i = 0; i < options.warmup; i++) {
      await authorize();
      await getItem();
    }
    const authorizerSamples = new Float64Array(options.requests);
    const getItemSamples = new Float64Array(options.requests);
    for (let i = 0; i < options.requests; i++) {
      authorizerSamples[i] = await timed(authorize);
      getItemSamples[i] = await timed(getItem);
    }
    return {
      what: "createAuthorizer + keyItemReader (the SDK's DynamoDBClient) → DynamoDB Local (ConsistentRead GetItem)",
      warmup: options.warmup,
      startupMs: Math.round(startupMs),
      ...msSummary(summarise(authorizerSamples)),
      getItemOnly: msSummary(summarise(getItemSamples)),
    };
  } finally {
    opened?.destroy();
    local.client.destroy();
    await guard.stop();
  }
}

/**
 * Keeps DynamoDB Local (a Java child process) from outliving the benchmark: Ctrl-C or SIGTERM,
 * also during its start-up, stops it before exiting, and any other exit sends it SIGTERM.
 */
export class JavaGuard {
  private local: DynamoDbLocal | undefined;
  private interrupted: NodeJS.Signals | undefined;
  private readonly onSignal = (signal: NodeJS.Signals) => {
    this.interrupted = signal;
    if (this.local) void this.exitAfterStop();
  };
  // stop() sends SIGTERM synchronously, so it does its job even from an 'exit' listener.
  private readonly onExit = () => void this.local?.stop();

  async start(port: number): Promise<DynamoDbLocal> {
    process.on('SIGINT', this.onSignal).on('SIGTERM', this.onSignal).on('exit', this.onExit);
    try {
      this.local = await startDynamoDbLocal({ port });
    } catch (error) {
      this.detach();
      throw error;
    }
    if (this.interrupted) await this.exitAfterStop();
    return this.local;
  }

  async stop(): Promise<void> {
    await this.local?.stop();
    this.detach();
  }

  private async exitAfterStop(): Promise<never> {
    await this.local?.stop();
    process.exit(this.interrupted === 'SIGINT' ? 130 : 143);
  }

  private detach(): void {
    process.off('SIGINT', this.onSignal).off('SIGTERM', this.onSignal).off('exit', this.onExit);
  }
}

async function timed(operation: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await operation();
  return elapsedNs(start);
}

function msSummary(latency: Latency): MsSummary {
  return {
    requests: latency.samples,
    p50Ms: round(latency.p50Ns / 1e6, 3),
    p99Ms: round(latency.p99Ns / 1e6, 3),
    meanMs: round(latency.meanNs / 1e6, 3),
  };
}
