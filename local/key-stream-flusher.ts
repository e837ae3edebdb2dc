/**
 * The local stand-in for the deployed cache flusher (lambdas/cache-flush): it reads the ApiKeys
 * table's stream in DynamoDB Local and flushes the local authorizer cache whenever any key item
 * changed — through the API, the CLI or a hand edit — as the ApiKeys stream and the flush Lambda do
 * deployed. Like the deployed one it coalesces: one flush per poll that found records.
 */
import { DescribeTableCommand, type DynamoDBClient, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import { DYNAMODB_BOUNDS } from '../lambdas/aws/call-bounds.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './config.js';

export interface KeyStreamFlusher {
  /**
   * Stops reading the stream (changes wait in it), once the poll under way has finished: lets a test
   * show the cache alone at work, as a stream that has not delivered yet would.
   */
  pause(): Promise<void>;
  resume(): void;
  stop(): Promise<void>;
}

export interface KeyStreamFlusherOptions {
  readonly streams: DynamoDBStreamsClient;
  readonly streamArn: string;
  /** Called once per poll that found any record: flush the cache. */
  readonly onChange: () => void;
  readonly onError?: (error: unknown) => void;
  /** @default 100 ms */
  readonly pollMs?: number;
}

export function dynamoStreamsClient(endpoint: string): DynamoDBStreamsClient {
  return new DynamoDBStreamsClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: DYNAMODB_BOUNDS.maxAttempts,
    requestHandler: {
      connectionTimeout: DYNAMODB_BOUNDS.connectionTimeoutMs,
      requestTimeout: DYNAMODB_BOUNDS.requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
  });
}

/**
 * Turns on a KEYS_ONLY stream on the table if it has none (a data folder from before the option has
 * a table without one; UpdateTable adds it in place) and answers the stream's ARN.
 */
export async function ensureKeysStream(dynamo: DynamoDBClient, tableName: string): Promise<string> {
  const described = await dynamo.send(new DescribeTableCommand({ TableName: tableName }));
  const current = described.Table;
  if (current?.StreamSpecification?.StreamEnabled && current.LatestStreamArn) return current.LatestStreamArn;
  const updated = await dynamo.send(
    new UpdateTableCommand({
      TableName: tableName,
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
    }),
  );
  const arn = updated.TableDescription?.LatestStreamArn;
  if (!arn) throw new Error(`DynamoDB Local gave ${tableName} no stream`);
  return arn;
}

/** Shards are looked for again every this many polls (they split and close over time). */
const DESCRIBE_EVERY = 10;

export async function startKeyStreamFlusher(options: KeyStreamFlusherOptions): Promise<KeyStreamFlusher> {
  const { streams, streamArn } = options;
  const pollMs = options.pollMs ?? 100;
  const iterators = new Map<string, string>();
  const seen = new Set<string>();

  const iterator = async (shardId: string, type: ShardIteratorType) =>
    (
      await streams.send(
        new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: type }),
      )
    ).ShardIterator;

  /** Shards open at start are read from their end (older changes cannot be in a new cache); later ones from their start. */
  const discover = async (type: ShardIteratorType) => {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of StreamDescription?.Shards ?? []) {
      const shardId = shard.ShardId;
      if (!shardId || seen.has(shardId)) continue;
      seen.add(shardId);
      if (type === 'LATEST' && shard.SequenceNumberRange?.EndingSequenceNumber) continue;
      const started = await iterator(shardId, type);
      if (started) iterators.set(shardId, started);
    }
  };

  const pollOnce = async (): Promise<boolean> => {
    let changed = false;
    for (const [shardId, current] of [...iterators]) {
      const { Records, NextShardIterator } = await streams.send(
        new GetRecordsCommand({ ShardIterator: current, Limit: 1000 }),
      );
      if ((Records?.length ?? 0) > 0) changed = true;
      if (NextShardIterator) iterators.set(shardId, NextShardIterator);
      else iterators.delete(shardId);
    }
    return changed;
  };

  await discover('LATEST');
  let paused = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  let polls = 0;
  let cycle: Promise<void> = Promise.resolve();

  const runCycle = async () => {
    if (paused) return;
    try {
      if (polls % DESCRIBE_EVERY === 0 || iterators.size === 0) await discover('TRIM_HORIZON');
      polls += 1;
      if (await pollOnce()) options.onChange();
    } catch (error) {
      // Fail closed: a change may have been missed, so flush, and read on from the shards' ends.
      options.onError?.(error);
      options.onChange();
      iterators.clear();
      seen.clear();
      await discover('LATEST').catch(() => undefined);
    }
  };

  const loop = (async () => {
    while (!stopped) {
      cycle = runCycle();
      await cycle;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, pollMs);
      });
    }
  })();

  return {
    pause: async () => {
      paused = true;
      await cycle;
    },
    resume: () => {
      paused = false;
    },
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      wake?.();
      await loop;
      streams.destroy();
    },
  };
}
